from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.front.context import THEME_COOKIE, THEMES
from cible.lib.http import AuthenticatedHttpRequest
from cible.orgs.models import Membership

THEME_COOKIE_AGE = 365 * 24 * 3600


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send people to their organisation, or to create one when they have none."""
    membership = (
        Membership.objects.filter(user_id=request.user.pk)  # type: ignore[misc]
        .select_related("organization")
        .order_by("joined_at")
        .first()
    )
    if membership is None:
        return redirect("org_create")
    return redirect(membership.organization.get_absolute_url())


@require_POST
def set_theme(request: HttpRequest) -> HttpResponse:
    """Keep this browser's theme in a cookie, read before the page is drawn: "system"
    forgets the choice and follows the system's light or dark setting again."""
    theme = request.POST.get("theme", "")
    if theme != "system" and theme not in THEMES:
        return HttpResponse(
            _("theme: choose system, light or dark."), status=422, content_type="text/plain"
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if theme == "system":
        response.delete_cookie(THEME_COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            THEME_COOKIE,
            theme,
            max_age=THEME_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response
