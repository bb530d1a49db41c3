"""Who may see and change which KPIs: pure questions.

Everyone in the organisation sees every KPI (transparency). The organisation's KPIs are
managed by its admins and owners; a team's by its lead (or the lead of a team above it),
its members, and the admins and owners. Whoever manages a KPI enters its values; viewers
only read; another organisation's KPI is a 404.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from cible.kpis.models import KPI
from cible.okrs.access import Powers
from cible.orgs.access import get_membership
from cible.orgs.models import Membership, TeamMember


class KPIPowers:
    """What one member may do with KPIs, read once per request."""

    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        self._okr_powers = Powers(membership)

    @cached_property
    def team_ids(self) -> frozenset[int]:
        """The teams whose KPIs this person manages: those they lead (and below), and those
        they are a member of."""
        if not self.membership.can_write or self.membership.is_admin:
            return frozenset()
        member_of = TeamMember.objects.filter(
            team__organization_id=self.membership.organization_id,
            user_id=self.membership.user_id,
        ).values_list("team_id", flat=True)
        return self._okr_powers.led_team_ids | frozenset(member_of)

    def can_manage_team(self, team_id: int | None) -> bool:
        """May create and manage the KPIs of this team (None: the organisation's)."""
        if self.membership.is_admin:
            return True
        if not self.membership.can_write or team_id is None:
            return False
        return team_id in self.team_ids

    def can_manage(self, kpi: KPI) -> bool:
        return self.can_manage_team(kpi.team_id)

    @property
    def can_create_any(self) -> bool:
        return self.membership.is_admin or bool(self.team_ids)


def get_kpi_for_user(request: HttpRequest, slug: str, pk: int) -> tuple[KPI, KPIPowers]:
    """The KPI of the organisation (a 404 for another one's, or for an outsider)."""
    membership = get_membership(request, slug)
    kpi = (
        KPI.objects.select_related("team", "owner", "organization")
        .filter(organization_id=membership.organization_id, pk=pk)
        .first()
    )
    if kpi is None:
        raise Http404
    kpi.organization = membership.organization
    return kpi, KPIPowers(membership)


def get_managed_kpi(request: HttpRequest, slug: str, pk: int) -> tuple[KPI, KPIPowers]:
    """The KPI, refused (403) to whoever may not manage it."""
    kpi, powers = get_kpi_for_user(request, slug, pk)
    if not powers.can_manage(kpi):
        raise PermissionDenied
    return kpi, powers
