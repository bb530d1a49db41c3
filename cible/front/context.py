from typing import Any

from django.http import HttpRequest

from cible.orgs.models import Membership


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The organisations the signed-in person belongs to, for the header's switcher."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "my_memberships": lambda: list(
            Membership.objects.filter(user=request.user)
            .select_related("organization")
            .order_by("organization__name")
        )
    }
