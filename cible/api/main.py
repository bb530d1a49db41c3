"""The JSON API, mounted at /api/v1/, with its OpenAPI schema and interactive docs."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from cible.api import bulk, checkins, errors, okrfiles, okrs, orgs, personal, scores
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


class CibleAPI(NinjaAPI):
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
api.add_router("", checkins.router)
api.add_router("", bulk.router)
api.add_router("", okrfiles.router)
api.add_router("", scores.router)
api.add_router("", personal.router)
