"""The rhythm's workflows: monthly adjustments, reviews, retrospectives and carrying
unfinished objectives over. Scoring and closing a cycle are `cible.checkins.scoring`'s."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.checkins.models import Review
from cible.okrs import rules
from cible.okrs import signals as okrs_signals
from cible.okrs.models import (
    Change,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveState,
)
from cible.okrs.services import record_change
from cible.orgs.models import Organization, Team


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason stays in the history.")})
    return reason


@transaction.atomic
def adjust_key_result(
    kr: KeyResult,
    actor: User,
    reason: str,
    target: Decimal | None = None,
    due_date: date | None = None,
    cancel: bool = False,
) -> KeyResult:
    """A monthly-review decision: a new target or due date, or cancelling the KR. The old
    values and the reason stay in the KR's history."""
    reason = _require_reason(reason)
    rules.check_cycle_open(kr.objective.cycle, "reason")
    if kr.cancelled_at is not None:
        raise ValidationError({"reason": _("This key result is already cancelled.")})
    before = {"target": str(kr.target), "due_date": str(kr.due_date or "")}
    if cancel:
        kr.cancelled_at = timezone.now()
        kr.cancel_reason = reason
        kr.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
        record_change(kr.objective, actor, Change.Action.CANCELLED, key_result=kr, reason=reason)
        return kr
    if target is None and due_date is None:
        raise ValidationError({"target": _("Change the target, the due date, or cancel.")})
    if target is not None:
        kr.target = target
    if due_date is not None:
        kr.due_date = due_date
    kr.full_clean()
    kr.save()
    after = {"target": str(kr.target), "due_date": str(kr.due_date or "")}
    record_change(kr.objective, actor, Change.Action.ADJUSTED, before, after, kr, reason=reason)
    return kr


RETRO_FIELDS = ("retro_worked", "retro_did_not_work", "retro_learned", "retro_celebrate")


@transaction.atomic
def save_retrospective(objective: Objective, actor: User, **fields: str) -> None:
    before = {name: getattr(objective, name) for name in RETRO_FIELDS}
    for name in RETRO_FIELDS:
        setattr(objective, name, fields.get(name, "").strip())
    objective.save(update_fields=[*RETRO_FIELDS, "updated_at"])
    after = {name: getattr(objective, name) for name in RETRO_FIELDS}
    record_change(objective, actor, Change.Action.UPDATED, before, after)


REVIEW_FIELDS = ("kind", "held_on", "team", "cycle")


@transaction.atomic
def create_review(
    org: Organization,
    cycle: Cycle,
    team: Team | None,
    kind: str,
    actor: User,
    **fields: Any,
) -> Review:
    """A meeting's notes, a monthly review or a team retrospective, as written."""
    review = Review(organization=org, cycle=cycle, team=team, kind=kind, created_by=actor, **fields)
    review.save()
    after = {name: getattr(review, name) for name in REVIEW_FIELDS}
    record(org, actor, review, Action.CREATED, after=after)
    return review


def next_cycles(cycle: Cycle) -> Any:
    """Where an unfinished objective can go: the open cycles starting after this one."""
    return (
        Cycle.objects.filter(organization_id=cycle.organization_id, start__gt=cycle.start)
        .exclude(state=CycleState.CLOSED)
        .order_by("start")
    )


@transaction.atomic
def carry_over(objective: Objective, into: Cycle, actor: User) -> Objective:
    """Copy an unfinished objective into a later cycle, linked to where it came from. Its
    KRs start from where they ended."""
    if into.organization_id != objective.organization_id or into.start <= objective.cycle.start:
        raise ValidationError({"cycle": _("Choose a later cycle of the organisation.")})
    rules.check_cycle_open(into, "cycle")
    if Objective.objects.filter(carried_from=objective, cycle=into).exists():
        raise ValidationError({"cycle": _("This objective was already carried over there.")})
    copy = Objective(
        organization_id=objective.organization_id,
        cycle=into,
        title=objective.title,
        description=objective.description,
        level=objective.level,
        team_id=objective.team_id,
        owner_id=objective.owner_id,
        origin=objective.origin,
        visibility=objective.visibility,
        state=ObjectiveState.ACTIVE,
        carried_from=objective,
    )
    copy.full_clean()
    copy.save()
    parents = objective.parents.filter(cycle_id__in=[into.pk, into.parent_id])
    copy.parents.set(parents)
    for position, kr in enumerate(objective.key_results.live()):
        if kr.progress() >= 1 and kr.kind in ("increase", "decrease", "milestone"):
            continue
        start = kr.current if kr.kind in ("increase", "decrease") else kr.start
        if start == kr.target and kr.kind in ("increase", "decrease"):
            continue
        KeyResult.objects.create(
            objective=copy,
            title=kr.title,
            kind=kr.kind,
            start=start,
            target=kr.target,
            target_max=kr.target_max,
            current=kr.current,
            unit=kr.unit,
            weight=kr.weight,
            owner_id=kr.owner_id,
            position=position,
        )
    record_change(copy, actor, Change.Action.CARRIED, after={"from": objective.cycle.name})
    okrs_signals.objective_created.send(Objective, objective=copy)
    return copy
