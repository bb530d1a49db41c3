"""A KPI guarding a key result, and a breach made through the real services."""

from decimal import Decimal
from typing import Any

from cible.checkins.services import record_check_in
from cible.kpis import guardrails, rules
from cible.kpis.models import KPI
from cible.kpis.services import record_value
from cible.okrs.models import KeyResult

D = Decimal
CRITICAL_VALUE = D(75)


def make_kpi(world: Any, name: str = "Support satisfaction", **fields: Any) -> KPI:
    """Higher is better: healthy from 90, critical below 80."""
    values: dict[str, Any] = {
        "organization": world.org,
        "team": world.team,
        "name": name,
        "unit": "%",
        "direction": rules.HIGHER,
        "healthy_low": D(90),
        "critical_low": D(80),
    }
    values.update(fields)
    return KPI.objects.create(**values)


def breach(world: Any, kr: KeyResult, kpi: KPI, worst: Decimal = CRITICAL_VALUE) -> None:
    """The KPI healthy, the key result progressing, then the KPI at `worst`."""
    guardrails.set_guardrails(kr, [kpi])
    record_value(kpi, D(95))
    step = D("0.1") if kr.kind == "decrease" else D("-0.1")
    record_check_in(kr, world.bob, kr.current - step)
    record_value(kpi, worst)
