"""Decisions on key results whose plan no longer holds: the prompts put on the next monthly
review's agenda (found by `cible.insights.prompts`), and the decision taken on one: keep
and explain, adjust the target, drop, or replace (drop, then write a new one)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.checkins import reviews, signals
from cible.checkins.models import Decision, DecisionChoice, DecisionPrompt
from cible.lib.numbers import plain
from cible.okrs import rules
from cible.okrs.models import KeyResult


@dataclass(frozen=True)
class Found:
    """A reason to decide, as the scan finds it."""

    key_result: KeyResult
    reason: str
    facts: dict[str, Any]


# After a decision, the same reason waits this long before it is raised again: until the
# next monthly review, not the next day's scan.
QUIET = timedelta(days=28)


@transaction.atomic
def open_prompts(found: Iterable[Found]) -> list[DecisionPrompt]:
    """Open a prompt for each finding that has none open, nor one decided within `QUIET`;
    return those opened (their owners are told once, by `signals.decision_prompted`).
    Three queries at most."""
    wanted = {(f.key_result.pk, f.reason): f for f in found}
    if not wanted:
        return []
    kr_ids = {kr_id for kr_id, _reason in wanted}
    now = timezone.now()
    open_now = set(
        DecisionPrompt.objects.filter(
            Q(decided_at__isnull=True) | Q(decided_at__gte=now - QUIET),
            key_result_id__in=kr_ids,
        ).values_list("key_result_id", "reason")
    )
    rows = [
        DecisionPrompt(
            organization_id=f.key_result.objective.organization_id,
            key_result=f.key_result,
            reason=f.reason,
            facts=f.facts,
            created_at=now,
        )
        for key, f in wanted.items()
        if key not in open_now
    ]
    if not rows:
        return []
    # Another scan may open the same at once: the unique constraint keeps one of each.
    DecisionPrompt.objects.bulk_create(rows, ignore_conflicts=True)
    opened = list(
        DecisionPrompt.objects.filter(
            key_result_id__in={r.key_result_id for r in rows},
            decided_at__isnull=True,
            created_at=now,
        ).select_related("key_result__objective__organization", "key_result__owner")
    )
    if opened:
        signals.decision_prompted.send(DecisionPrompt, prompts=opened)
    return opened


def _values(kr: KeyResult) -> dict[str, str]:
    return {
        "target": plain(kr.target),
        "state": "cancelled" if kr.cancelled_at else "live",
    }


@transaction.atomic
def decide(
    kr: KeyResult,
    actor: User,
    choice: str,
    reason: str,
    target: Decimal | None = None,
) -> Decision:
    """Record the decision on `kr` and answer its open prompts. The target is checked by
    the rules (through the monthly review's adjustment); a reason is always required."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason stays in the history.")})
    if choice not in DecisionChoice.values:
        raise ValidationError({"choice": _("Choose keep, adjust, drop or replace.")})
    rules.check_cycle_open(kr.objective.cycle, "reason")
    before = _values(kr)
    if choice == DecisionChoice.ADJUST:
        if target is None:
            raise ValidationError({"target": _("Give the new target.")})
        reviews.adjust_key_result(kr, actor, reason, target=target)
    elif choice in (DecisionChoice.DROP, DecisionChoice.REPLACE):
        reviews.adjust_key_result(kr, actor, reason, cancel=True)
    elif kr.cancelled_at is not None:
        raise ValidationError({"reason": _("This key result is already cancelled.")})
    prompts = list(DecisionPrompt.objects.filter(key_result=kr, decided_at__isnull=True))
    now = timezone.now()
    decision = Decision.objects.create(
        organization_id=kr.objective.organization_id,
        key_result=kr,
        prompt=prompts[0] if prompts else None,
        choice=choice,
        reason=reason,
        before=before,
        after=_values(kr),
        decided_by=actor,
        decided_at=now,
    )
    DecisionPrompt.objects.filter(pk__in=[p.pk for p in prompts]).update(decided_at=now)
    record(
        kr.objective.organization,
        actor,
        kr,
        Action.UPDATED,
        before={"decision": ""},
        after={"decision": choice, "reason": reason, **decision.after},
    )
    return decision
