"""The JSON API, mounted at /api/v1/, with its OpenAPI schema and interactive docs."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, pgettext
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from cible.api import (
    bulk,
    checkins,
    collab,
    errors,
    initiatives,
    kpis,
    okrfiles,
    okrs,
    orgs,
    personal,
    planning,
    scores,
)
from cible.api.auth import CookieSessionAuth, TokenAuth, throttle

DESCRIPTION = """Cible's OKRs as JSON. Authenticate with a personal token
(`Authorization: Bearer cible_...`, created on your account's API tokens page) or, from the
app itself, with your session and its CSRF token. Errors are
`{"errors": [{"field": ..., "message": ...}]}`. See docs/api.md."""


class StrictJSONParser(Parser):
    """JSON as the standard has it (NaN and Infinity are no numbers), and only a body that
    says it is JSON: a form or a text body is refused with a 415, not read as JSON."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type != "application/json":
            raise errors.UnsupportedMediaType(request.content_type)

        def refuse(constant: str) -> None:
            raise ValueError(f"{constant} is not JSON")

        return json.loads(request.body, parse_constant=refuse)


class OfflineSwagger(Swagger):
    """Swagger UI from the files ninja ships, through a page with no inline script or
    style (the site's CSP allows none) and no online validator."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": self.settings, "api": api}
        return render(request, self.template, context)


def translated(schema: Any, key: str = "") -> Any:
    """The schema's texts in the reader's language, where the catalogue has them: the API's
    description, each operation's summary and description (its docstring), each
    parameter's and field's description, and each answer's status (in context, "HTTP
    status"). Names (tags, operation ids, fields, the titles of the schemas) stay as they
    are: scripts are generated from them. cible/tests/test_french_complete.py checks that
    each of these texts has its French."""
    if isinstance(schema, dict):
        for name, value in schema.items():
            if name in {"summary", "description"} and isinstance(value, str) and value:
                schema[name] = pgettext("HTTP status", value) if key.isdigit() else gettext(value)
            else:
                translated(value, str(name))
    elif isinstance(schema, list):
        for item in schema:
            translated(item, key)
    return schema


class CibleAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return translated(super().get_openapi_schema(**kwargs))

    def get_openapi_operation_id(self, operation: Any) -> str:
        """Plain names (`list_objectives`): what scripts generated from the schema call."""
        return str(operation.view_func.__name__)


api = CibleAPI(
    title="Cible API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), CookieSessionAuth()],
    throttle=[throttle],
    parser=StrictJSONParser(),
    docs=OfflineSwagger(settings={"validatorUrl": None, "tryItOutEnabled": False}),
)
errors.install(api)
api.add_router("", orgs.router)
api.add_router("", okrs.router)
api.add_router("", initiatives.router)
api.add_router("", kpis.router)
api.add_router("", checkins.router)
api.add_router("", bulk.router)
api.add_router("", okrfiles.router)
api.add_router("", scores.router)
api.add_router("", personal.router)
api.add_router("", collab.router)
api.add_router("", planning.router)
