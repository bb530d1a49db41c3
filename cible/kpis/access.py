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
from cible.orgs.access import can_manage_team, get_membership
from cible.orgs.models import Membership, Team, TeamMember


def may_manage_team_kpis(membership: Membership, *, leads: bool, member: bool) -> bool:
    """A team's KPIs: its lead (`leads`: of it or of a team above it), its members, admins
    and owners; never a viewer."""
    if membership.is_admin:
        return True
    return membership.can_write and (leads or member)


class KPIPowers:
    """What one member may do with KPIs, read once per request."""

    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        self._okr_powers = Powers(membership)

    @cached_property
    def team_ids(self) -> frozenset[int]:
        """The teams whose KPIs this person manages, for the forms that choose one: those
        they lead (and below), and those they are a member of."""
        if not self.membership.can_write or self.membership.is_admin:
            return frozenset()
        return self._okr_powers.led_team_ids | self._member_of

    @cached_property
    def _member_of(self) -> frozenset[int]:
        return frozenset(
            TeamMember.objects.filter(
                team__organization_id=self.membership.organization_id,
                user_id=self.membership.user_id,
            ).values_list("team_id", flat=True)
        )

    def can_manage_team(self, team: Team | None) -> bool:
        """May create and manage the KPIs of this team (None: the organisation's)."""
        if team is None or self.membership.is_admin or not self.membership.can_write:
            return self.membership.is_admin
        return may_manage_team_kpis(
            self.membership,
            leads=can_manage_team(self.membership, team),
            member=team.pk in self._member_of,
        )

    def can_manage(self, kpi: KPI) -> bool:
        return self.can_manage_team(kpi.team)

    @property
    def can_create_any(self) -> bool:
        """Whether to offer a new KPI: an admin, or someone in a team or leading one."""
        m = self.membership
        if m.is_admin or not m.can_write:
            return m.is_admin
        return (
            bool(self._member_of)
            or Team.objects.filter(organization_id=m.organization_id, lead_id=m.user_id).exists()
        )


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
