"""The demo organisation has a few KPIs with their history."""

from datetime import date

import pytest

from cible.kpis.models import KPI
from cible.samples.demo import KPIS, create_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_kpis_with_their_history() -> None:
    org = create_demo("fr", today=date(2026, 11, 18)).organization
    kpis = list(KPI.objects.filter(organization=org).order_by("pk"))
    assert len(kpis) == len(KPIS)
    assert any(k.team is None for k in kpis)
    assert all(k.values.count() >= 10 for k in kpis)
    assert {k.name: k.status for k in kpis}["Disponibilité de l'API"] == "critical"
    assert all(k.last_value == k.values.order_by("measured_at").last().value for k in kpis)  # type: ignore[union-attr]
