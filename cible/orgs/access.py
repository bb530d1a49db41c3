"""The one way a request reaches an organisation's data.

Every view starts here: a foreign organisation (or one the user left) is a 404, a write by
someone whose role does not allow it is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from cible.lib.db import Prepared
from cible.orgs.models import Membership, Team

# One membership at most per person and organisation: no ordering. Every request of an
# organisation's page asks: its SQL is built once (cible.lib.db.Prepared).
_MEMBERSHIP = Prepared(
    lambda user_id, slug: (
        Membership.objects.select_related("organization")
        .filter(user_id=user_id, organization__slug=slug)
        .order_by()[:1]
    ),
    -7_000_001,
    "sample-slug-for-the-prepared-query",
)


def get_membership(request: HttpRequest, slug: str) -> Membership:
    if not request.user.is_authenticated:
        raise Http404
    user = request.user
    membership: Membership | None = _MEMBERSHIP.one_or_none(user.pk, slug)
    if membership is None:
        raise Http404
    membership.user = user  # the person already read for the request
    return membership


def require_writer(membership: Membership) -> None:
    if not membership.can_write:
        raise PermissionDenied


def require_admin(membership: Membership) -> None:
    if not membership.is_admin:
        raise PermissionDenied


def get_team_for_user(request: HttpRequest, slug: str, pk: int) -> tuple[Team, Membership]:
    membership = get_membership(request, slug)
    team = (
        Team.objects.select_related("parent", "lead")
        .filter(organization=membership.organization, pk=pk)
        .first()
    )
    if team is None:
        raise Http404
    return team, membership


def can_manage_team(membership: Membership, team: Team) -> bool:
    """Admins manage every team; a lead manages the team and the teams below it."""
    if membership.is_admin:
        return True
    if not membership.can_write:
        return False
    user_id = membership.user_id
    return team.lead_id == user_id or any(t.lead_id == user_id for t in team.ancestors())


def require_team_manager(membership: Membership, team: Team) -> None:
    if not can_manage_team(membership, team):
        raise PermissionDenied
