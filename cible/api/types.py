"""The API's input types, strict: a boolean or a string is no whole number, a number is a
JSON number or a string of ASCII digits, and every text follows cible.lib.text's rule.
Each type says in the OpenAPI schema what it accepts, so that a client generated from the
schema sends what the server takes."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from cible.lib.limits import YEARS
from cible.lib.text import Kind, message_of, text_problem
from cible.okrs import rules


def _decimal_pattern(whole: int, places: int) -> str:
    return rf"^[+-]?[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?$"


_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def plain_number(value: Any) -> Any:
    """A JSON number as it is, a string only when it is a plain ASCII decimal: no "١٢٣",
    "1_000", " 5 ", "NaN", "1e3"; a boolean never."""
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", _("Enter a number."))
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str):
        if not _PLAIN_DECIMAL.fullmatch(value):
            raise PydanticCustomError("decimal_parsing", _("Enter a number."))
        try:
            return Decimal(value)
        except InvalidOperation as error:  # pragma: no cover - the pattern rules it out
            raise PydanticCustomError("decimal_parsing", _("Enter a number.")) from error
    raise PydanticCustomError("decimal_type", _("Enter a number."))


def _number_schema(whole: int, places: int, description: str, positive: bool = False) -> Any:
    """A JSON number below 10^whole (exclusive bounds: the largest decimal allowed has no
    exact float), or a string of at most `whole` digits before the point and `places`
    after; described in the rules' words."""
    number: dict[str, Any] = {"type": "number", "exclusiveMaximum": 10**whole}
    number["exclusiveMinimum"] = 0 if positive else -(10**whole)
    return WithJsonSchema(
        {
            "anyOf": [number, {"type": "string", "pattern": _decimal_pattern(whole, places)}],
            "description": description,
        }
    )


def _by_rule(check: Any) -> AfterValidator:
    """A number checked by its rule in `cible.okrs.rules`, whose words the error keeps."""

    def validate(value: Decimal) -> Decimal:
        try:
            check(value, "value")
        except ValidationError as error:
            problem = error.error_dict["value"][0]
            raise PydanticCustomError(problem.code or "invalid", problem.messages[0]) from error
        return value

    return AfterValidator(validate)


def _english(message: Any) -> str:
    with translation.override("en"):
        return str(message())


Value = Annotated[
    Decimal,
    BeforeValidator(plain_number),
    Field(allow_inf_nan=False),
    _by_rule(rules.check_value),
    _number_schema(
        rules.VALUE_WHOLE_DIGITS,
        rules.VALUE_DECIMAL_PLACES,
        _english(rules.value_digits_message),
    ),
]
Weight = Annotated[
    Decimal,
    BeforeValidator(plain_number),
    Field(allow_inf_nan=False),
    _by_rule(rules.check_weight),
    # The weight's digits before the point: those it keeps, less those after.
    _number_schema(
        rules.WEIGHT_MAX_DIGITS - rules.WEIGHT_DECIMAL_PLACES,
        rules.WEIGHT_DECIMAL_PLACES,
        _english(rules.weight_digits_message) + " More than zero.",
        positive=True,
    ),
]
# A whole number in JSON: true and "5" are refused.
StrictInt = Annotated[int, Strict()]


def _checked(kind: Kind) -> AfterValidator:
    def check(value: str) -> str:
        problem = text_problem(value, kind=kind)
        if problem is not None:
            raise PydanticCustomError(str(problem.code), message_of(problem))
        return value

    return AfterValidator(check)


# The rule for one-line texts (titles, names, units, query words, header values) and for
# long texts, to put after a text's bounds: `Annotated[str, Field(max_length=9), LINE]`.
LINE = _checked("title")
TEXT = _checked("text")
CleanLine = Annotated[str, LINE]


def _in_years[D: (date, datetime)](value: D) -> D:
    if value.year not in YEARS:
        raise PydanticCustomError(
            "date_out_of_range",
            _("Enter a date between the years %(first)d and %(last)d.")
            % {"first": YEARS.start, "last": YEARS.stop - 1},
        )
    return value


# A date or a moment within the years the app keeps (not year 1, not 9999).
Day = Annotated[date, AfterValidator(_in_years)]
Moment = Annotated[datetime, AfterValidator(_in_years)]
