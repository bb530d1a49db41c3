"""The KPIs and the guardrails in the cycle's exports (CSV and XLSX), and the guardrail
breaches that overlap the cycle in its report (HTML, Markdown, PDF)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cible.insights.cycle_report import breaches_during, build_report
from cible.insights.tests.test_exports import content, flat, rows_of, url
from cible.kpis.models import Guardrail, GuardrailBreach
from cible.kpis.services import record_value
from cible.kpis.tests.helpers import breach, make_kpi
from cible.orgs.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def breached(world: Any) -> Any:
    kpi = make_kpi(world)
    make_kpi(world, "Cash", team=None, unit="k€")
    make_kpi(world, "Gone", archived=True)
    breach(world, world.kr, kpi)
    return kpi


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_kpi_export_lists_the_live_kpis_with_their_latest_value(
    world: Any, breached: Any, fmt: str
) -> None:
    response = world.client_for(world.vera).get(url(world.cycle, f"kpis.{fmt}"))
    assert response.status_code == 200
    rows = rows_of(response)
    assert rows[0] == ["KPI", "Team", "Unit", "Direction", "Latest value", "Measured at", "Status"]
    assert [row[0] for row in rows[1:]] == ["Cash", "Support satisfaction"]
    satisfaction = rows[2]
    assert satisfaction[1:4] == ["Product", "%", "Higher is better"]
    assert str(satisfaction[4]) == "75" and satisfaction[6] == "Critical"
    assert "Gone" not in flat(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_guardrail_export_names_each_key_results_kpis(
    world: Any, breached: Any, fmt: str
) -> None:
    rows = rows_of(world.client_for(world.vera).get(url(world.cycle, f"guardrails.{fmt}")))
    assert rows[0][0] == "Key result"
    [row] = rows[1:]
    assert row[:4] == [
        "Cut first response time",
        "Answer faster",
        "Support satisfaction",
        "Critical",
    ]
    assert row[4] not in (None, "")
    assert str(row[5]) == "1"


def test_an_outsider_gets_no_export(world: Any, breached: Any) -> None:
    assert world.client_for(world.oscar).get(url(world.cycle, "kpis.csv")).status_code == 404


def test_the_report_lists_the_breaches_overlapping_the_cycle(world: Any, breached: Any) -> None:
    guardrail = Guardrail.objects.get()
    before = world.cycle.start - timedelta(days=20)
    start = timezone.now() - (timezone.localdate() - before)
    GuardrailBreach.objects.create(  # ended before the cycle began
        guardrail=guardrail,
        started_at=start,
        ended_at=start + timedelta(days=5),
        worst_status="warning",
        worst_value=Decimal(85),
    )
    record_value(breached, Decimal(95))  # the breach ends: it overlapped the cycle all the same
    assert len(breaches_during(world.cycle, [world.kr.pk])) == 1
    membership = Membership.objects.get(user=world.vera, organization=world.org)
    report = build_report(membership, world.cycle)
    [line] = report.breaches
    assert line.cells()[:3] == [
        "Cut first response time",
        "Support satisfaction",
        "Critical (75\u00a0%)",
    ]
    client = world.client_for(world.vera)
    page = client.get(f"/o/acme/cycles/{world.cycle.pk}/report/").content.decode()
    assert "Guardrail breaches" in page and "Critical (75\u00a0%)" in page
    markdown = content(client.get(f"/o/acme/cycles/{world.cycle.pk}/report.md")).decode()
    assert "## Guardrail breaches" in markdown
    assert "| Cut first response time | Support satisfaction | Critical (75 %) |" in markdown
    pdf = client.get(f"/o/acme/cycles/{world.cycle.pk}/report.pdf")
    assert pdf.status_code == 200
