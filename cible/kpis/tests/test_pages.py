"""The team and organisation pages show their KPIs first, in a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cible.kpis.models import KPIValue
from cible.kpis.queries import recent_values
from cible.kpis.services import record_value
from cible.kpis.tests.conftest import make_kpi
from conftest import World

pytestmark = pytest.mark.django_db


def _add_kpis(world: World, count: int, start: int = 0) -> None:
    now = timezone.now()
    for i in range(start, start + count):
        kpi = make_kpi(world, name=f"KPI {i:02}")
        KPIValue.objects.bulk_create(
            KPIValue(kpi=kpi, value=Decimal(99 + w % 2), measured_at=now - timedelta(weeks=w))
            for w in range(15)
        )
        record_value(kpi, Decimal("98.5"))


def _team_page_queries(world: World) -> tuple[int, str]:
    client = world.client_for(world.bob)
    url = reverse("team_detail", args=["acme", world.team.pk])
    client.get(url)  # warm the caches of the session and the prepared queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.text


def test_the_team_page_lists_its_kpis_in_a_constant_number_of_queries(world: World) -> None:
    _add_kpis(world, 2)
    few, text = _team_page_queries(world)
    assert text.count('class="kpi-row"') == 2
    _add_kpis(world, 18, start=2)
    many, text = _team_page_queries(world)
    assert text.count('class="kpi-row"') == 20
    assert text.count('class="sparkline"') == 20
    assert many == few


def test_the_team_page_shows_a_kpi_first_with_its_status(world: World) -> None:
    kpi = make_kpi(world)
    record_value(kpi, Decimal("98"))
    text = (
        world.client_for(world.vera).get(reverse("team_detail", args=["acme", world.team.pk])).text
    )
    assert text.index("Uptime") < text.index("Objectives for")
    assert "status-kpi-critical" in text and "98\u00a0%" in text


def test_the_organisation_page_shows_the_organisation_kpis(world: World) -> None:
    make_kpi(world, team=None, name="Cash runway", unit="months")
    make_kpi(world, name="Team only")
    text = world.client_for(world.vera).get(reverse("org_home", args=["acme"])).text
    assert "Cash runway" in text and "Team only" not in text


def test_recent_values_keeps_the_latest_twelve_oldest_first(world: World) -> None:
    kpi = make_kpi(world)
    now = timezone.now()
    KPIValue.objects.bulk_create(
        KPIValue(kpi=kpi, value=Decimal(w), measured_at=now - timedelta(days=w)) for w in range(30)
    )
    assert recent_values([kpi.pk])[kpi.pk] == [Decimal(w) for w in range(11, -1, -1)]


def test_the_dashboard_counts_kpis_by_status_and_lists_those_in_trouble(world: World) -> None:
    for name, value in (("Uptime", "98"), ("Latency", "99.2"), ("Errors", "99.9")):
        record_value(make_kpi(world, name=name), Decimal(value))
    make_kpi(world, name="New one")
    response = world.client_for(world.vera).get(reverse("dashboard_section", args=["acme", "kpis"]))
    assert response.status_code == 200
    health = response.context["kpi_health"]
    assert health.counts == {"": 1, "healthy": 1, "warning": 1, "critical": 1}
    assert [k.name for k in health.attention] == ["Uptime", "Latency"]
    assert reverse("kpi_detail", args=["acme", health.attention[0].pk]) in response.text
