"""Guardrails: a key result may not be reached at the expense of a KPI.

When is a guardrail breached? When its KPI is out of its healthy range (warning or
critical) while the key result progresses (`rules.guardrail_breached`):

- "progresses" is measured from the guardrail's `baseline`: the key result's value when
  its KPI was last measured healthy. Each healthy value of the KPI moves the baseline to
  the key result's value of that moment; check-ins in between do not. A guardrail set while
  its KPI is not healthy (or has no value yet) takes the key result's value of that moment.
- A breach starts at the first KPI value or check-in that finds both: the KPI out of its
  range, and the key result's progress above its progress at the baseline. It is then kept
  (`Guardrail.breached_since`, one open `GuardrailBreach` row with the worst status and
  value seen) until the KPI is measured healthy again, even if the key result falls back:
  the damage is the KPI's, and it lasts until the KPI recovers.
- A KPI that goes out of range while the key result stays flat (or falls) is no breach: it
  is the KPI's own trouble, shown on the KPI itself.
- Only a live key result (neither archived nor cancelled) of a cycle that is not closed
  starts a breach; a breach already open still ends when the KPI recovers.

The key result's progress is its own value's (`okrmath.raw_progress`), a key result driven
by a child objective included.

It is re-evaluated when a KPI value is recorded (the receiver of `signals.value_recorded`)
and when a check-in is recorded (the check-in service calls `key_result_checked_in` for a
key result with guardrails, which it learns from a query it runs anyway).
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.audit.models import Action
from cible.audit.services import record
from cible.kpis import rules, signals
from cible.kpis.models import KPI, Guardrail, GuardrailBreach, KPIValue
from cible.lib import okrmath
from cible.okrs.models import CycleState, KeyResult


def progress_at(kr: KeyResult, value: Decimal) -> Decimal:
    try:
        return okrmath.raw_progress(kr.kind, kr.start, kr.target, value, kr.target_max)
    except okrmath.MathError:
        return Decimal(0)


def _may_start(kr: KeyResult) -> bool:
    return (
        kr.archived_at is None
        and kr.cancelled_at is None
        and kr.objective.cycle.state != CycleState.CLOSED
    )


def evaluate(guardrail: Guardrail, at: datetime, measured: bool = False) -> None:
    """Bring one guardrail up to date with its KPI's status and its key result's value; its
    `kpi` and `key_result` (with objective and cycle) are loaded. `measured`: the KPI was
    just measured (a healthy value moves the baseline; a check-in does not)."""
    kpi, kr = guardrail.kpi, guardrail.key_result
    changed: list[str] = []
    if not rules.breached(kpi.status):
        moved = measured and kpi.status == rules.HEALTHY and guardrail.baseline != kr.current
        if moved or guardrail.baseline is None:
            guardrail.baseline = kr.current
            changed.append("baseline")
        if guardrail.breached_since is not None:
            _end(guardrail, at)
            changed.append("breached_since")
    elif guardrail.breached_since is not None:
        _worsen(guardrail, kpi)
    elif guardrail.baseline is None:
        guardrail.baseline = kr.current
        changed.append("baseline")
    elif _may_start(kr) and rules.guardrail_breached(
        kpi.status, progress_at(kr, guardrail.baseline), progress_at(kr, kr.current)
    ):
        _start(guardrail, at)
        changed.append("breached_since")
    if changed:
        guardrail.save(update_fields=changed)


def _start(guardrail: Guardrail, at: datetime) -> None:
    kpi = guardrail.kpi
    guardrail.breached_since = at
    breach = GuardrailBreach.objects.create(
        guardrail=guardrail, started_at=at, worst_status=kpi.status, worst_value=kpi.last_value
    )
    signals.guardrail_breached.send(
        Guardrail, guardrail=guardrail, breach=breach, kpi=kpi, key_result=guardrail.key_result
    )


def _open_breach(guardrail: Guardrail) -> GuardrailBreach | None:
    return (
        GuardrailBreach.objects.filter(guardrail=guardrail, ended_at__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


def _worsen(guardrail: Guardrail, kpi: KPI) -> None:
    """The open breach keeps the worst status, and its worst value: the farthest from the
    healthy range among the values of that status."""
    breach = _open_breach(guardrail)
    if breach is None or kpi.last_value is None:
        return
    if rules.worse(kpi.status, breach.worst_status) or (
        kpi.status == breach.worst_status and _farther(kpi, kpi.last_value, breach.worst_value)
    ):
        breach.worst_status, breach.worst_value = kpi.status, kpi.last_value
        breach.save(update_fields=["worst_status", "worst_value"])


def _farther(kpi: KPI, value: Decimal, than: Decimal | None) -> bool:
    if than is None:
        return True
    return _distance(kpi, value) > _distance(kpi, than)


def _distance(kpi: KPI, value: Decimal) -> Decimal:
    below = kpi.healthy_low - value if kpi.healthy_low is not None else Decimal(0)
    above = value - kpi.healthy_high if kpi.healthy_high is not None else Decimal(0)
    return max(below, above, Decimal(0))


def _end(guardrail: Guardrail, at: datetime) -> None:
    guardrail.breached_since = None
    breach = _open_breach(guardrail)
    if breach is None:
        return
    breach.ended_at = max(at, breach.started_at)
    breach.save(update_fields=["ended_at"])
    signals.guardrail_breach_ended.send(
        Guardrail,
        guardrail=guardrail,
        breach=breach,
        kpi=guardrail.kpi,
        key_result=guardrail.key_result,
    )


def _related() -> Any:
    return Guardrail.objects.select_related("kpi", "key_result__objective__cycle")


def kpi_measured(kpi: KPI, at: datetime | None = None) -> None:
    """Re-evaluate the guardrails a KPI is, after a value was recorded."""
    at = at or timezone.now()
    for guardrail in _related().filter(kpi=kpi):
        guardrail.kpi = kpi
        evaluate(guardrail, at, measured=True)


def key_result_checked_in(kr: KeyResult, at: datetime | None = None) -> None:
    """Re-evaluate a key result's guardrails after a check-in (`kr.current` is the newest)."""
    at = at or timezone.now()
    for guardrail in Guardrail.objects.select_related("kpi").filter(key_result=kr):
        guardrail.key_result = kr
        evaluate(guardrail, at)


def set_guardrails(
    kr: KeyResult, kpis: Iterable[KPI], by: Any = None
) -> tuple[list[str], list[str]]:
    """Make these KPIs the key result's guardrails, in the audit trail of the key result;
    the names of those added and removed. A new guardrail starts from the key result's
    value of this moment. The caller holds the transaction (the key result's save)."""
    wanted = {kpi.pk: kpi for kpi in kpis}
    for kpi in wanted.values():
        if kpi.organization_id != kr.objective.organization_id:
            raise ValidationError(
                {"guardrails": _("This KPI belongs to another organisation.")}, code="invalid"
            )
    existing = {g.kpi_id: g for g in Guardrail.objects.filter(key_result=kr).select_related("kpi")}
    removed = [g for pk, g in existing.items() if pk not in wanted]
    added = [kpi for pk, kpi in wanted.items() if pk not in existing]
    if removed:
        Guardrail.objects.filter(pk__in=[g.pk for g in removed]).delete()
    now = timezone.now()
    for kpi in added:
        guardrail = Guardrail.objects.create(
            key_result=kr, kpi=kpi, created_by=by, baseline=kr.current
        )
        guardrail.kpi, guardrail.key_result = kpi, kr
        evaluate(guardrail, now)
    if added or removed:
        record(
            kr.objective.organization,
            by,
            kr,
            Action.UPDATED,
            before={"guardrails": ", ".join(sorted(g.kpi.name for g in existing.values()))},
            after={"guardrails": ", ".join(sorted(k.name for k in wanted.values()))},
        )
    return sorted(k.name for k in added), sorted(g.kpi.name for g in removed)


def value_recorded(sender: Any, kpi: KPI, value: KPIValue, **kwargs: Any) -> None:
    newest = kpi.last_measured_at is not None and value.measured_at >= kpi.last_measured_at
    kpi_measured(kpi, value.measured_at if newest else timezone.now())


def connect() -> None:
    signals.value_recorded.connect(value_recorded, dispatch_uid="cible.kpis.guardrails")
