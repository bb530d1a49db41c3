"""Who may write the rhythm's records: pure questions, asked by the pages and the API."""

from cible.checkins.models import ReviewKind
from cible.orgs.access import can_manage_team
from cible.orgs.models import Membership, Team


def may_hold(membership: Membership, team: Team | None, kind: str) -> bool:
    """A team's weekly meeting is written by its members and managers, its monthly review
    and retrospective by its managers; the company's monthly review by admins."""
    if team is None:
        return kind == ReviewKind.MONTHLY and membership.is_admin
    if can_manage_team(membership, team):
        return True
    in_team = team.members.filter(pk=membership.user_id).exists()
    return kind == ReviewKind.WEEKLY and membership.can_write and in_team
