"""View models: what the OKR templates show, computed once in Python."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cible.accounts.models import User
from cible.lib import okrmath
from cible.okrs.access import Powers, approver_ids
from cible.okrs.models import (
    Approval,
    Initiative,
    InitiativeState,
    KeyResult,
    Objective,
    ObjectiveState,
    thresholds_for,
)
from cible.okrs.services import objective_progress
from cible.orgs.models import Organization


@dataclass
class KRRow:
    kr: KeyResult
    progress: Decimal
    raw_progress: Decimal
    expected: Decimal
    status: okrmath.Assessment


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
