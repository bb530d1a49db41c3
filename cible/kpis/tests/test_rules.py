"""A KPI's thresholds and the status of a value, and the one way a value is stored."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cible.audit.models import AuditEntry
from cible.kpis import rules
from cible.kpis.models import KPI, KPIValue
from cible.kpis.services import record_value

D = Decimal


def test_higher_is_better_statuses() -> None:
    t = rules.Thresholds(rules.HIGHER, critical_low=D(90), healthy_low=D(95))
    assert [t.status(D(v)) for v in ("99", "95", "94.9", "90", "89.99")] == [
        "healthy",
        "healthy",
        "warning",
        "warning",
        "critical",
    ]
    assert t.status(None) == rules.UNKNOWN


def test_lower_is_better_without_a_warning_band() -> None:
    t = rules.Thresholds(rules.LOWER, healthy_high=D(5), critical_high=D(5))
    assert [t.status(D(v)) for v in ("4", "5", "5.01")] == ["healthy", "healthy", "critical"]


def test_band_statuses() -> None:
    t = rules.Thresholds(rules.BAND, D(10), D(20), D(30), D(40))
    assert [t.status(D(v)) for v in ("9", "15", "25", "35", "41")] == [
        "critical",
        "warning",
        "healthy",
        "warning",
        "critical",
    ]


def test_thresholds_refused_with_their_field() -> None:
    errors = rules.thresholds_errors(rules.BAND, D(10), D(20), D(15), D(40))
    assert [e.code for e in errors["healthy_high"]] == ["order"]
    errors = rules.thresholds_errors(rules.HIGHER, None, D(5), D(6), None)
    assert [e.code for e in errors["critical_low"]] == ["required"]
    assert [e.code for e in errors["healthy_high"]] == ["unused"]
    errors = rules.thresholds_errors(rules.HIGHER, D("NaN"), D(5), None, None)
    assert "critical_low" in errors
    assert "direction" in rules.thresholds_errors("sideways", None, None, None, None)


def test_record_value_keeps_the_latest_status(world) -> None:  # type: ignore[no-untyped-def]
    kpi = KPI.objects.create(
        organization=world.org, name="Uptime", unit="%", critical_low=D(99), healthy_low=D("99.9")
    )
    record_value(kpi, D("99.95"), author=world.bob)
    assert kpi.status == "healthy"
    record_value(kpi, D("98"), author=world.bob)
    kpi.refresh_from_db()
    assert (kpi.status, kpi.last_value) == ("critical", D(98))
    assert KPIValue.objects.filter(kpi=kpi).count() == 2
    assert AuditEntry.objects.filter(target_type="kpi", action="measured").count() == 2
    for bad in (D("NaN"), D("Infinity"), D("1e20")):
        with pytest.raises(ValidationError):
            record_value(kpi, bad)
    assert KPIValue.objects.filter(kpi=kpi).count() == 2
