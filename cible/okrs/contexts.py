"""View models: what the OKR templates show, computed once in Python."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.lib import okrmath
from cible.okrs import rules
from cible.okrs.access import Powers, approver_ids
from cible.okrs.models import (
    Approval,
    Cycle,
    Dependency,
    Initiative,
    InitiativeState,
    KeyResult,
    Objective,
    ObjectiveState,
    thresholds_for,
)
from cible.okrs.queries import dependencies_of
from cible.okrs.services import objective_progress
from cible.orgs.models import Membership, Organization, Team


@dataclass
class KRRow:
    kr: KeyResult
    progress: Decimal
    raw_progress: Decimal
    expected: Decimal
    status: okrmath.Assessment
    # The awaited dependencies whose provider is off track: this KR is at risk from them
    # (`mark_dependency_risks`, on the pages that show dependencies).
    blocked_by: list["DependencyRow"] = field(default_factory=list)


@dataclass
class ObjectiveRow:
    objective: Objective
    progress: Decimal
    status: okrmath.Assessment
    key_results: list[KRRow] = field(default_factory=list)


def kr_row(
    kr: KeyResult,
    org: Organization,
    today: date,
    driven: dict[int, Decimal],
    thresholds: okrmath.Thresholds | None = None,
) -> KRRow:
    thresholds = thresholds or thresholds_for(org)
    expected = kr.expected_progress(today)
    driven_progress = None
    if kr.driven_by_id is not None:
        raw = driven_progress = driven.get(kr.driven_by_id, Decimal(0))
    else:
        raw = kr.raw_progress()
    clamped = okrmath.clamp(raw)
    status = kr.status(today, thresholds, driven_progress)
    return KRRow(kr, clamped, raw, expected, status)


def objective_status(
    progress: Decimal, rows: list[KRRow], thresholds: okrmath.Thresholds
) -> okrmath.Assessment:
    """An objective's status from the rows of its live key results."""
    return okrmath.assess_objective(
        progress, [(row.kr.weight, row.expected, row.status) for row in rows], thresholds
    )


def objective_rows(
    objectives: list[Objective], org: Organization, live_krs: bool = False
) -> list[ObjectiveRow]:
    """Rows for objectives whose `key_results` (with owners) and cycle are prefetched;
    `live_krs`: those prefetched are the live ones only, as progress counts them, and the
    progress is computed from them instead of read again."""
    today = timezone.localdate()
    progress = objective_progress(objectives, prefetched=live_krs)
    driven_ids = {
        kr.driven_by_id for o in objectives for kr in o.key_results.all() if kr.driven_by_id
    }
    driven = (
        objective_progress(Objective.objects.filter(pk__in=driven_ids - progress.keys()))
        if driven_ids - progress.keys()
        else {}
    )
    driven.update(progress)
    thresholds = thresholds_for(org)
    rows = []
    for objective in objectives:
        krs = [kr_row(kr, org, today, driven, thresholds) for kr in objective.key_results.all()]
        counted = [row for row in krs if _counts(row.kr)]
        status = objective_status(progress[objective.pk], counted, thresholds)
        rows.append(ObjectiveRow(objective, progress[objective.pk], status, krs))
    return rows


def _counts(kr: KeyResult) -> bool:
    return kr.archived_at is None and kr.cancelled_at is None


@dataclass
class InitiativeRow:
    initiative: Initiative
    editable: bool = False

    @property
    def states(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in InitiativeState.choices]


def initiative_rows(
    objective: Objective, powers: Powers, key_results: list[KeyResult]
) -> dict[int | None, list[InitiativeRow]]:
    """The objective's initiatives by key result (None: the objective's own), in one
    query, with what each row may offer its reader."""
    krs = {kr.pk: kr for kr in key_results}
    rows: dict[int | None, list[InitiativeRow]] = {}
    for initiative in Initiative.objects.filter(objective=objective).select_related("owner"):
        initiative.objective = objective
        kr = krs.get(initiative.key_result_id) if initiative.key_result_id else None
        if initiative.key_result_id is not None and kr is None:
            continue  # an archived or cancelled key result's: shown with it, not here
        if kr is not None:
            kr.objective = objective
            initiative.key_result = kr
        editable = powers.can_edit_initiative(initiative)
        rows.setdefault(initiative.key_result_id, []).append(InitiativeRow(initiative, editable))
    return rows


def approval_panel(objective: Objective, powers: Powers) -> dict[str, Any] | None:
    """What the objective's page shows of its approval, or None when there is nothing to
    show (the organisation does not ask for it, and nothing was submitted)."""
    org = objective.organization
    if not org.approval_required and objective.approval == Approval.NONE:
        return None
    pending = objective.approval == Approval.PENDING
    draft = objective.state == ObjectiveState.DRAFT
    approvers = list(User.objects.filter(pk__in=approver_ids(objective)).order_by("name"))
    return {
        "pending": pending,
        "sent_back": objective.approval == Approval.SENT_BACK,
        "approvers": approvers,
        "can_submit": org.approval_required
        and draft
        and not pending
        and powers.can_edit(objective),
        "can_decide": pending and powers.can_approve(objective),
    }


# The button of each move, by (from, to): the same state reached two ways reads apart.
MOVE_LABELS = {
    ("proposed", "accepted"): _("Accept"),
    ("proposed", "declined"): _("Decline"),
    ("accepted", "declined"): _("Decline"),
    ("accepted", "done"): _("Mark done"),
    ("done", "accepted"): _("Reopen"),
    ("declined", "proposed"): _("Ask again"),
}


@dataclass
class DependencyRow:
    """A dependency as a page shows it from one end: `outgoing` when the page's objective
    or team is the one that depends (the other end is then the provider)."""

    dependency: Dependency
    outgoing: bool
    moves: list[tuple[str, str]]
    can_remove: bool
    provider_status: okrmath.Assessment | None
    at_risk: bool

    @property
    def other(self) -> Objective:
        d = self.dependency
        return d.to_objective if self.outgoing else d.from_objective

    @property
    def side(self) -> str:
        return "out" if self.outgoing else "in"


def provider_status(
    dependency: Dependency, today: date, thresholds: okrmath.Thresholds
) -> okrmath.Assessment | None:
    """How the provider is doing: the key result depended on, else the worst of its
    objective's live key results (their prefetched rows, no query). A key result driven
    by a child objective is read from its own values here."""
    provider = dependency.to_objective
    named = dependency.to_key_result
    krs = [named] if named is not None else list(provider.key_results.all())
    statuses = []
    for kr in krs:
        kr.objective = provider  # the same, already read
        statuses.append(kr.status(today, thresholds))
    if not statuses:
        return None
    return max(statuses, key=lambda s: okrmath.SEVERITY[s.status])


def dependency_rows(
    dependencies: list[Dependency],
    powers: Powers,
    outgoing: Callable[[Dependency], bool],
    org: Organization,
) -> list[DependencyRow]:
    today = timezone.localdate()
    thresholds = thresholds_for(org)
    if powers.membership.can_write:
        # Who leads what, read now whether a row needs it or not: the same queries with
        # no dependency as with many.
        powers.led_people_ids  # noqa: B018
    rows = []
    for d in dependencies:
        status = provider_status(d, today, thresholds)
        moves = [(to, str(MOVE_LABELS[(d.state, to)])) for to in powers.dependency_moves(d)]
        can_remove = powers.membership.can_write and powers.can_edit(d.from_objective)
        at_risk = rules.at_risk_from_dependency(d.state, status)
        rows.append(DependencyRow(d, outgoing(d), moves, can_remove, status, at_risk))
    return rows


def team_dependencies(
    membership: Membership, team: Team, cycle: Cycle | None = None
) -> dict[str, list[DependencyRow]]:
    """The team's dependencies both ways, as rows (its page: every cycle's; its weekly
    meeting: the cycle's)."""
    rows = dependency_rows(
        dependencies_of(membership, team=team, cycle=cycle),
        Powers(membership),
        lambda d: d.from_objective.team_id == team.pk,
        membership.organization,
    )
    return {
        "depends_on": [row for row in rows if row.outgoing],
        "depended_on_by": [row for row in rows if not row.outgoing],
    }


def mark_dependency_risks(rows: list[ObjectiveRow], dependencies: list[DependencyRow]) -> None:
    """Mark the key results at risk from a dependency (`rules.at_risk_from_dependency`):
    the key result that depends, or every key result of the objective that depends when
    the dependency names none."""
    risky: dict[int, list[DependencyRow]] = {}
    for dep in dependencies:
        if dep.at_risk:
            risky.setdefault(dep.dependency.from_objective_id, []).append(dep)
    for row in rows:
        for dep in risky.get(row.objective.pk, []):
            named = dep.dependency.from_key_result_id
            for kr in row.key_results:
                if named is None or kr.kr.pk == named:
                    kr.blocked_by.append(dep)


@dataclass
class ChainStep:
    row: DependencyRow
    depth: int


@dataclass
class Chain:
    """The dependencies around an objective, across teams: what it waits for (downstream)
    and who waits for it (upstream), each step with its depth, and the critical path: the
    steps from the objective to the furthest provider that is off track (else to the
    furthest provider)."""

    downstream: list[ChainStep]
    upstream: list[ChainStep]
    critical: list[ChainStep]

    @property
    def teams(self) -> int:
        return len({s.row.dependency.to_objective.team_id for s in self.downstream})

    @property
    def off_track(self) -> list[ChainStep]:
        return [s for s in self.downstream if s.row.provider_status == "off_track"]


def _steps(rows: list[DependencyRow], start: int, downstream: bool) -> list[ChainStep]:
    """Keep the rows linked to `start` through visible rows (in walking order), with
    their depth."""
    depth = {start: 0}
    steps = []
    for row in rows:
        d = row.dependency
        near, far = (
            (d.from_objective_id, d.to_objective_id)
            if downstream
            else (d.to_objective_id, d.from_objective_id)
        )
        if near not in depth:
            continue
        steps.append(ChainStep(row, depth[near] + 1))
        depth.setdefault(far, depth[near] + 1)
    return steps


def _critical(steps: list[ChainStep]) -> list[ChainStep]:
    if not steps:
        return []
    off = [i for i, s in enumerate(steps) if s.row.provider_status == "off_track"]
    candidates = off or range(len(steps))
    end = max(candidates, key=lambda i: (steps[i].depth, -i))
    path = [steps[end]]
    for step in reversed(steps[:end]):
        if step.depth == path[0].depth - 1 and (
            step.row.dependency.to_objective_id == path[0].row.dependency.from_objective_id
        ):
            path.insert(0, step)
    return path


def dependency_chain(
    objective: Objective,
    dependencies: dict[int, Dependency],
    order: tuple[list[int], list[int]],
    powers: Powers,
) -> Chain:
    down_ids, up_ids = order
    org = powers.membership.organization

    def rows(ids: list[int], outgoing: bool) -> list[DependencyRow]:
        found = [dependencies[pk] for pk in ids if pk in dependencies]
        return dependency_rows(found, powers, lambda d: outgoing, org)

    downstream = _steps(rows(down_ids, True), objective.pk, downstream=True)
    upstream = _steps(rows(up_ids, False), objective.pk, downstream=False)
    return Chain(downstream, upstream, _critical(downstream))
