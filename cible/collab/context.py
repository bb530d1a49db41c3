"""The header's inbox badge, for base.html."""

from typing import Any

from django.http import HttpRequest

from cible.collab.queries import unread_count
from cible.orgs.models import Membership


def inbox_badge(request: HttpRequest) -> dict[str, Any]:
    """A lazy count: a page that shows no header (a partial) runs no query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    if not slug:
        return {}

    def count() -> int:
        membership = (
            Membership.objects.filter(user=user, organization__slug=slug)
            .select_related("organization")
            .first()
        )
        return unread_count(membership) if membership else 0

    return {"inbox_unread": _Lazy(count)}


class _Lazy:
    def __init__(self, compute: Any) -> None:
        self._compute = compute
        self._value: int | None = None

    @property
    def value(self) -> int:
        if self._value is None:
            self._value = self._compute()
        return self._value
