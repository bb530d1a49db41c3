"""Who may see and change which OKRs.

Owners and admins change anything; a team lead changes the OKRs of the teams they lead
(and the teams below) and of those teams' members; a member changes their own objectives
and the objectives they own a key result in; a viewer changes nothing.
"""

from collections.abc import Sequence
from functools import cached_property

from django.http import Http404, HttpRequest

from cible.lib.db import Prepared
from cible.okrs import rules
from cible.okrs.models import Dependency, Initiative, KeyResult, Level, Objective
from cible.orgs.access import get_membership
from cible.orgs.models import Membership, Role, Team, TeamMember


class Powers:
    """What one member may do, computed once per request."""

    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        self.user_id = membership.user_id

    @cached_property
    def led_team_ids(self) -> frozenset[int]:
        """The teams this person leads, and every team below them."""
        rows = list(
            Team.objects.filter(organization_id=self.membership.organization_id).values_list(
                "id", "parent_id", "lead_id"
            )
        )
        children: dict[int | None, list[int]] = {}
        for team_id, parent_id, _lead in rows:
            children.setdefault(parent_id, []).append(team_id)
        led: set[int] = set()
        stack = [team_id for team_id, _p, lead_id in rows if lead_id == self.user_id]
        while stack:
            team_id = stack.pop()
            if team_id not in led:
                led.add(team_id)
                stack.extend(children.get(team_id, []))
        return frozenset(led)

    @cached_property
    def led_people_ids(self) -> frozenset[int]:
        if not self.led_team_ids:
            return frozenset()
        return frozenset(
            TeamMember.objects.filter(team_id__in=self.led_team_ids).values_list(
                "user_id", flat=True
            )
        )

    def leads(self, objective: Objective) -> bool:
        if objective.team_id is not None and objective.team_id in self.led_team_ids:
            return True
        return objective.level == Level.PERSON and objective.owner_id in self.led_people_ids

    def can_create(self, level: str, team_id: int | None, owner_id: int | None) -> bool:
        m = self.membership
        if m.is_admin:
            return True
        if not m.can_write or level == Level.COMPANY:
            return False
        if level == Level.TEAM:
            return team_id is not None and (
                team_id in self.led_team_ids
                or TeamMember.objects.filter(team_id=team_id, user_id=self.user_id).exists()
            )
        return owner_id == self.user_id or owner_id in self.led_people_ids

    def proposes(self, level: str, team_id: int | None, owner_id: int | None) -> bool:
        """True when the objective comes from below (bottom-up): the person or a team member
        proposes it, rather than a lead or an admin setting it for them."""
        if self.membership.is_admin and owner_id != self.user_id:
            return False
        if level == Level.TEAM:
            return team_id not in self.led_team_ids
        if level == Level.PERSON:
            return owner_id == self.user_id
        return False

    @property
    def corrects_closed_cycles(self) -> bool:
        """Admins may still correct the OKRs of a closed cycle: what the services' and forms'
        `correction` is for this member."""
        return self.membership.is_admin

    def can_edit(self, objective: Objective) -> bool:
        """A closed cycle is read-only for everyone but admins."""
        m = self.membership
        if m.is_admin:
            return True
        if not m.can_write or not rules.cycle_takes_changes(objective.cycle):
            return False
        if objective.owner_id == self.user_id or self.leads(objective):
            return True
        prefetched = getattr(objective, "_prefetched_objects_cache", {}).get("key_results")
        if prefetched is not None:
            # Pages listing objectives prefetch their live KRs: no query per objective.
            return any(kr.owner_id == self.user_id for kr in prefetched)
        return objective.key_results.filter(owner_id=self.user_id).exists()

    @cached_property
    def co_owned_ids(self) -> frozenset[int]:
        """The key results this person co-owns, read once: pages ask for each row."""
        return frozenset(
            KeyResult.co_owners.through.objects.filter(
                user_id=self.user_id,
                keyresult__objective__organization_id=self.membership.organization_id,
            ).values_list("keyresult_id", flat=True)
        )

    def owns(self, kr: KeyResult) -> bool:
        """Its owner or one of its co-owners: each checks it in as its owner does."""
        return kr.owner_id == self.user_id or kr.pk in self.co_owned_ids

    def dependency_sides(self, dependency: Dependency) -> frozenset[str]:
        """Which ends of a dependency this member answers for: the requester (may edit the
        depending objective) and the provider (may edit the objective depended on, which
        its team's lead may)."""
        sides = set()
        if self.can_edit(dependency.from_objective):
            sides.add(rules.REQUESTER)
        if self.can_edit(dependency.to_objective):
            sides.add(rules.PROVIDER)
        return frozenset(sides)

    def dependency_moves(self, dependency: Dependency) -> list[str]:
        """The states this member may move the dependency to (none for a viewer)."""
        if not self.membership.can_write:
            return []
        return rules.dependency_moves(dependency.state, self.dependency_sides(dependency))

    def can_edit_key_result(self, kr: KeyResult) -> bool:
        owner = self.membership.can_write and self.owns(kr)
        if owner and rules.cycle_takes_changes(kr.objective.cycle):
            return True
        return self.can_edit(kr.objective)

    def can_approve(self, objective: Objective) -> bool:
        """Its approvers decide; admins always may (an organisation without leads, or a
        lead away, never leaves a draft stuck)."""
        m = self.membership
        if not m.can_write or not rules.cycle_takes_changes(objective.cycle):
            return False
        return m.is_admin or self.user_id in approver_ids(objective)

    def can_publish(self, objective: Objective) -> bool:
        """Whether this member may make a draft active straight away: anyone who may edit
        it, unless the organisation asks for approval, then its approvers only."""
        if not objective.organization.approval_required:
            return self.can_edit(objective)
        return self.can_approve(objective)

    def can_add_initiative(self, objective: Objective, kr: KeyResult | None = None) -> bool:
        """Whoever may edit the key result (its owner too), or the objective."""
        return self.can_edit_key_result(kr) if kr is not None else self.can_edit(objective)

    def can_edit_initiative(self, initiative: Initiative) -> bool:
        """Its owner moves it along; so does whoever may add it."""
        objective = initiative.objective
        mine = initiative.owner_id == self.user_id and self.membership.can_write
        if mine and rules.cycle_takes_changes(objective.cycle):
            return True
        return self.can_add_initiative(objective, initiative.key_result)


def approver_ids(objective: Objective) -> list[int]:
    """Who approves a draft: the lead of its team's parent team; for a person's objective,
    the leads of the teams the person is in; for the company's, and when there is no such
    lead, the admins (owners included)."""
    leads: set[int] = set()
    if objective.level == Level.TEAM and objective.team is not None and objective.team.parent_id:
        leads = set(
            Team.objects.filter(pk=objective.team.parent_id, lead__isnull=False).values_list(
                "lead_id", flat=True
            )
        )
    elif objective.level == Level.PERSON:
        leads = set(
            TeamMember.objects.filter(
                user_id=objective.owner_id,
                team__organization_id=objective.organization_id,
                team__lead__isnull=False,
            )
            .exclude(team__lead_id=objective.owner_id)
            .values_list("team__lead_id", flat=True)
        )
    if leads:
        return sorted(leads)
    return sorted(
        Membership.objects.filter(
            organization_id=objective.organization_id, role__in=[Role.OWNER, Role.ADMIN]
        ).values_list("user_id", flat=True)
    )


def visible_objectives(membership: Membership):  # type: ignore[no-untyped-def]
    return Objective.objects.visible_to(membership).active()


def get_objective_for_user(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Objective, Membership, Powers]:
    membership = get_membership(request, slug)
    objective = (
        Objective.objects.visible_to(membership)
        .select_related("cycle", "team", "owner", "organization")
        .filter(pk=pk)
        .first()
    )
    if objective is None:
        raise Http404
    return objective, membership, Powers(membership)


# What a key result's pages read with it; a caller that reads less (a check-in through the
# API) asks for less.
KR_RELATED = ("objective__cycle", "objective__team", "owner")


def _key_result_query(related: Sequence[str]) -> Prepared:
    """The lookup of a key result in an organisation, with these relations; its SQL built
    once for each set of relations."""
    key = tuple(related)
    prepared = _KEY_RESULT_QUERIES.get(key)
    if prepared is None:
        prepared = _KEY_RESULT_QUERIES[key] = Prepared(
            lambda org_id, pk: (
                KeyResult.objects.select_related(*key)
                .filter(objective__organization_id=org_id, pk=pk)
                .order_by()[:1]
            ),
            -7_000_002,
            -7_000_003,
        )
    return prepared


_KEY_RESULT_QUERIES: dict[tuple[str, ...], Prepared] = {}


def get_key_result_for_user(
    request: HttpRequest, slug: str, pk: int, related: Sequence[str] = KR_RELATED
) -> tuple[KeyResult, Membership, Powers]:
    membership = get_membership(request, slug)
    kr: KeyResult | None = _key_result_query(related).one_or_none(membership.organization_id, pk)
    if kr is None:
        raise Http404
    kr.objective.organization = membership.organization  # the same, already read
    if not kr.objective.is_visible_to(membership):
        raise Http404
    return kr, membership, Powers(membership)


def get_initiative_for_user(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Initiative, Membership, Powers]:
    """An initiative of an objective the member may see, else a 404."""
    membership = get_membership(request, slug)
    initiative = (
        Initiative.objects.select_related(
            "objective__cycle", "objective__team", "key_result", "owner"
        )
        .filter(organization_id=membership.organization_id, pk=pk)
        .first()
    )
    if initiative is None:
        raise Http404
    initiative.objective.organization = membership.organization  # the same, already read
    if initiative.key_result is not None:
        initiative.key_result.objective = initiative.objective
    if not initiative.objective.is_visible_to(membership):
        raise Http404
    return initiative, membership, Powers(membership)
