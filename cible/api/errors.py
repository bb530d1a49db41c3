"""Every error of the API in one shape: ``{"errors": [{"field": ..., "message": ...}]}``.

``field`` names the input at fault (a body field, a query parameter, a header) or is null
when the error is about the whole request. Ninja's own handlers answer in other shapes
(and a malformed body with a 400): they are replaced here."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from cible.api.auth import anonymous_throttle


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorItem]


# The statuses every operation may answer with an error, for the OpenAPI schema (415: a
# body sent without `Content-Type: application/json`).
ERROR_RESPONSES: dict[int, Any] = {
    401: ErrorsOut,
    403: ErrorsOut,
    404: ErrorsOut,
    415: ErrorsOut,
    422: ErrorsOut,
    429: ErrorsOut,
}


class UnsupportedMediaType(Exception):
    """A request body that does not say it is JSON."""


class FieldNotFound(Http404):
    """An id given in a body (`objective`, `check_ins[2].key_result`) that names nothing
    the caller may see: a 404, like an unknown id in the path, naming the field."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class FieldDenied(PermissionDenied):
    """The caller may not act on what a body field names (an objective they may not
    change, a key result they may not check in): a 403 naming the field."""

    def __init__(self, field: str, message: str = "") -> None:
        super().__init__(message)
        self.field = field


class FieldHttpError(HttpError):
    """An HTTP error (a 409: the plan is stale) about one field of the body."""

    def __init__(self, status_code: int, message: str, field: str) -> None:
        super().__init__(status_code, message)
        self.field = field


def within(prefix: str, error: DjangoValidationError) -> DjangoValidationError:
    """The errors of one part of a body (`key_results[2]`) under that part's name:
    `target` becomes `key_results[2].target`; an error about the whole part names it."""
    if not hasattr(error, "error_dict"):
        return DjangoValidationError({prefix: error.error_list})
    return DjangoValidationError(
        {
            prefix if name == NON_FIELD_ERRORS else f"{prefix}.{name}": messages
            for name, messages in error.error_dict.items()
        }
    )


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, errors: Iterable[tuple[str | None, str]]
) -> HttpResponse:
    body = {"errors": [{"field": field, "message": str(message)} for field, message in errors]}
    return api.create_response(request, body, status=status)


def _field_of(loc: tuple[Any, ...]) -> str | None:
    """The input an error is about, from ninja's location: ("body", "data", "value") is
    the body's "value", ("query", "limit") the query's "limit"."""
    source, *rest = loc
    if source == "body":
        rest = rest[1:]  # the name of the view's body argument
    # A list's item is `key_results[2]`, a field of it `key_results[2].target`.
    field = ""
    for part in rest:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += f".{part}" if field else str(part)
    return field or None


def _message(error: dict[str, Any]) -> str:
    """Pydantic's message, in the reader's language for the usual cases."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    known = {
        "missing": _("This field is required."),
        "string_too_long": _("At most %(max_length)s characters.") % ctx
        if "max_length" in ctx
        else None,
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "finite_number": _("Enter a finite number."),
        "date_from_datetime_parsing": _("Enter a date (YYYY-MM-DD)."),
        "date_parsing": _("Enter a date (YYYY-MM-DD)."),
        "datetime_parsing": _("Enter a date and time (ISO 8601)."),
        "datetime_from_date_parsing": _("Enter a date and time (ISO 8601)."),
        "literal_error": _("Choose one of: %(expected)s.") % ctx if "expected" in ctx else None,
        "extra_forbidden": _("This field is unknown."),
        "less_than_equal": _("At most %(le)s.") % ctx if "le" in ctx else None,
        "greater_than_equal": _("At least %(ge)s.") % ctx if "ge" in ctx else None,
        "greater_than": _("More than %(gt)s.") % ctx if "gt" in ctx else None,
        "string_too_short": _("This field may not be empty."),
        "decimal_max_places": _("At most %(decimal_places)s digits after the point.") % ctx
        if "decimal_places" in ctx
        else None,
        "decimal_max_digits": _("At most %(max_digits)s digits.") % ctx
        if "max_digits" in ctx
        else None,
        "decimal_whole_digits": _("Too many digits before the point."),
        "too_long": _("At most %(max_length)s items.") % ctx
        if "max_length" in ctx
        else _("Too many items."),
        "too_short": _("Send at least %(min_length)s items.") % ctx
        if "min_length" in ctx
        else None,
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "string_type": _("Enter a text."),
        "list_type": _("Send a list."),
        "date_type": _("Enter a date (YYYY-MM-DD)."),
        "model_attributes_type": _("Send a JSON object."),
        "dict_type": _("Send a JSON object."),
    }
    return str(known.get(kind) or error.get("msg") or _("This value is not valid."))


def install(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [(_field_of(tuple(e.get("loc", ()))), _message(e)) for e in exc.errors]
        return error_response(api, request, 422, errors)

    def on_model_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                (None if name == NON_FIELD_ERRORS else name, message)
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [(None, message) for message in exc.messages]
        return error_response(api, request, 422, errors)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        field = getattr(exc, "field", None)
        return error_response(api, request, 404, [(field, _("Not found."))])

    def on_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        field = getattr(exc, "field", None)
        message = str(exc) or _("You may not do this.")
        return error_response(api, request, 403, [(field, message)])

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            return _unauthenticated(request, exc)
        if isinstance(exc, Throttled):
            return error_response(api, request, 429, [(None, _("Too many requests: wait."))])
        if exc.status_code == 400 and isinstance(exc.__cause__, UnsupportedMediaType):
            message = _("Send the body as JSON, with the header Content-Type: application/json.")
            return error_response(api, request, 415, [(None, message)])
        if exc.status_code == 400:
            # Ninja's answer to a body that is not JSON.
            return error_response(api, request, 422, [(None, _("Send a valid JSON object."))])
        if exc.status_code == 403:
            return on_denied(request, exc)
        field = getattr(exc, "field", None)
        return error_response(api, request, exc.status_code, [(field, exc.message)])

    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # Guessing tokens is slowed down: failed attempts count against the address.
        if not anonymous_throttle.allow_request(request):
            return error_response(api, request, 429, [(None, _("Too many requests: wait."))])
        message = exc.message if exc.message != "Unauthorized" else _("Sign in or send a token.")
        response = error_response(api, request, 401, [(None, message)])
        response["WWW-Authenticate"] = 'Bearer realm="cible"'
        return response

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_model_validation)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(HttpError, on_http_error)
