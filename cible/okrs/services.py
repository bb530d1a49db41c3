from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.lib import okrmath
from cible.okrs.models import (
    LEVEL_RANK,
    Cycle,
    CycleKind,
    CycleState,
    KeyResult,
    Level,
    Objective,
)
from cible.orgs.models import Organization


def create_cycle(org: Organization, **fields: Any) -> Cycle:
    cycle = Cycle(organization=org, **fields)
    cycle.full_clean()
    cycle.save()
    return cycle


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def quarter_name(year: int, quarter: int, language: str) -> str:
    return f"T{quarter} {year}" if language == "fr" else f"Q{quarter} {year}"


@transaction.atomic
def create_year_with_quarters(org: Organization, year: int, **fields: Any) -> Cycle:
    """A calendar year cycle and its four quarters inside it."""
    year_cycle = create_cycle(
        org,
        name=str(year),
        kind=CycleKind.YEAR,
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        **fields,
    )
    for quarter in range(1, 5):
        start, end = _quarter_bounds(year, quarter)
        create_cycle(
            org,
            name=quarter_name(year, quarter, org.language),
            kind=CycleKind.QUARTER,
            start=start,
            end=end,
            parent=year_cycle,
            **fields,
        )
    return year_cycle


def _parents_of(objective_id: Any) -> list[int]:
    return list(
        Objective.parents.through.objects.filter(from_objective_id=objective_id).values_list(
            "to_objective_id", flat=True
        )
    )


def check_parents(objective: Objective, parents: Sequence[Objective]) -> None:
    """Raise a ValidationError naming `parents` when an alignment is not allowed."""
    for parent in parents:
        if parent.organization_id != objective.organization_id:
            raise ValidationError({"parents": _("This objective belongs to another organisation.")})
        if parent.pk == objective.pk:
            raise ValidationError({"parents": _("An objective cannot contribute to itself.")})
        if LEVEL_RANK[Level(parent.level)] > LEVEL_RANK[Level(objective.level)]:
            raise ValidationError(
                {"parents": _("An objective contributes to its own level or the levels above.")}
            )
        if objective.pk and okrmath.creates_cycle(_parents_of, objective.pk, parent.pk):
            raise ValidationError(
                {"parents": _("This alignment would make the objective its own ancestor.")}
            )


@transaction.atomic
def create_objective(
    org: Organization,
    owner: User,
    parents: Sequence[Objective] = (),
    **fields: Any,
) -> Objective:
    objective = Objective(organization=org, owner=owner, **fields)
    objective.full_clean()
    check_parents(objective, parents)
    objective.save()
    objective.parents.set(parents)
    return objective


@transaction.atomic
def set_parents(objective: Objective, parents: Sequence[Objective]) -> None:
    check_parents(objective, parents)
    objective.parents.set(parents)


def create_key_result(objective: Objective, owner: User | None = None, **fields: Any) -> KeyResult:
    position = objective.key_results.count()
    kr = KeyResult(objective=objective, owner=owner or objective.owner, position=position, **fields)
    kr.full_clean()
    kr.save()
    return kr


def objective_progress(objectives: Iterable[Objective]) -> dict[int, Decimal]:
    """Progress of each objective in one query over the KRs of their cycles, following
    KRs driven by child objectives."""
    objectives = list(objectives)
    if not objectives:
        return {}
    cycle_ids = {o.cycle_id for o in objectives}
    org_id = objectives[0].organization_id
    inputs: dict[int, list[okrmath.KRInput]] = defaultdict(list)
    krs = KeyResult.objects.filter(
        objective__organization_id=org_id, objective__cycle_id__in=cycle_ids
    ).only(
        "objective_id", "kind", "start", "target", "target_max", "current", "weight", "driven_by_id"
    )
    for kr in krs:
        inputs[kr.objective_id].append(
            okrmath.KRInput(weight=kr.weight, progress=kr.progress(), driven_by=kr.driven_by_id)
        )
    for objective in objectives:
        inputs.setdefault(objective.pk, [])
    try:
        result = okrmath.rollup(inputs)
    except okrmath.MathError:
        # A loop cannot be saved through the services; stay readable if the admin made one.
        result = {
            key: okrmath.weighted_mean((kr.weight, kr.progress) for kr in krs_)
            for key, krs_ in inputs.items()
        }
    return {o.pk: result.get(o.pk, Decimal(0)) for o in objectives}  # type: ignore[misc]


@transaction.atomic
def start_current_year(org: Organization, today: date) -> Cycle:
    """A new organisation's first cycles: this year and its quarters, the running ones
    active, the past ones closed, the coming ones in planning."""
    year_cycle = create_year_with_quarters(org, today.year)
    Cycle.objects.filter(parent=year_cycle, end__lt=today).update(state=CycleState.CLOSED)
    Cycle.objects.filter(parent=year_cycle, start__gt=today).update(state=CycleState.PLANNING)
    Cycle.objects.filter(organization=org, start__lte=today, end__gte=today).update(
        state=CycleState.ACTIVE
    )
    return year_cycle
