"""The API tokens page of one's account: list, create (the secret is shown once), revoke.

A new token's secret travels from the POST to the page that shows it in a short-lived
signed cookie, deleted as it is shown: the server keeps only the token's digest, and a
reload of the page shows the secret no more (nor creates a second token)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cible.api.forms import TokenForm
from cible.api.models import ApiToken
from cible.api.tokens import create_token, digest_of, revoke_token
from cible.lib.http import AuthenticatedHttpRequest

SECRET_COOKIE = "cible_new_api_token"
SECRET_SALT = "cible.api.new-token"
SECRET_MAX_AGE = 120  # seconds between creating a token and seeing its secret


def _shown_once(request: AuthenticatedHttpRequest) -> tuple[ApiToken | None, str | None]:
    """The token just created and its secret, when this browser has just created it."""
    value: str | None = request.get_signed_cookie(
        SECRET_COOKIE, default=None, salt=SECRET_SALT, max_age=SECRET_MAX_AGE
    )
    if not value or ":" not in value:
        return None, None
    pk, secret = value.split(":", 1)
    token = ApiToken.objects.filter(
        user=request.user, pk=pk if pk.isdigit() else 0, digest=digest_of(secret)
    ).first()
    return (token, secret) if token else (None, None)


@never_cache
@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    path = reverse("api_tokens")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, new_secret = create_token(
            request.user, data["name"], data["scope"], form.expires_at()
        )
        redirection = redirect(path)
        redirection.set_signed_cookie(
            SECRET_COOKIE,
            f"{token.pk}:{new_secret}",
            salt=SECRET_SALT,
            max_age=SECRET_MAX_AGE,
            path=path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
        return redirection
    created, secret = _shown_once(request) if request.method == "GET" else (None, None)
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "created": created,
        "secret": secret,
    }
    status = 422 if form.is_bound and form.errors else 200
    response = render(request, "api/tokens.html", context, status=status)
    if SECRET_COOKIE in request.COOKIES:
        response.delete_cookie(SECRET_COOKIE, path=path, samesite="Strict")
    return response


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    revoke_token(token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")
