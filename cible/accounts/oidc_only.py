"""CIBLE_OIDC_ONLY: people sign in through the organisation's provider only.

allauth's own switch (SOCIALACCOUNT_ONLY) drops its URLs when the URLconf is first imported
and requires turning e-mail verification off; this middleware decides at each request, so
links to the hidden pages (an old password reset e-mail, an invitation's "Create an
account") lead to the single sign-on button instead of an error.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

# Password sign-up, reset, change and (re)entry: none of them exists for SSO-only people.
HIDDEN = frozenset(
    {
        "account_signup",
        "account_reauthenticate",
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_login_code",
    }
)
LOGIN = "account_login"


def _url_name(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return match.url_name if match else None


class OidcOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not settings.OIDC_ONLY:
            return None
        name = _url_name(request)
        if name == LOGIN and request.method not in ("GET", "HEAD"):
            raise PermissionDenied("Password sign-in is off (CIBLE_OIDC_ONLY).")
        if name in HIDDEN:
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponseRedirect(reverse(LOGIN) + (f"?{query}" if query else ""))
            raise Http404("Password accounts are off (CIBLE_OIDC_ONLY).")
        return None

    def process_template_response(
        self, request: HttpRequest, response: TemplateResponse
    ) -> TemplateResponse:
        """The sign-in page shows the single sign-on button alone (allauth's templates hide
        the password form and the sign-up link under SOCIALACCOUNT_ONLY)."""
        if settings.OIDC_ONLY and _url_name(request) == LOGIN:
            response.context_data = {**(response.context_data or {}), "SOCIALACCOUNT_ONLY": True}
        return response
