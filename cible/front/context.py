from typing import Any

from django.http import HttpRequest

from cible.orgs.models import Membership

THEME_COOKIE = "cible_theme"
THEMES = ("light", "dark")


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The theme chosen in this browser (none: follow the system), and the organisations
    the signed-in person belongs to, for the header's switcher."""
    theme = request.COOKIES.get(THEME_COOKIE, "") if hasattr(request, "COOKIES") else ""
    context: dict[str, Any] = {"theme": theme if theme in THEMES else ""}
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return context
    context["my_memberships"] = lambda: list(
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__name")
    )
    return context
