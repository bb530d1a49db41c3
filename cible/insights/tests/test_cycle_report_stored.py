"""The whole organisation's report of a large cycle: its figures added up from the stored
figures of each objective, equal to those of the report computed over every objective,
its objectives a page at a time, in a number of queries that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.checkins.services import record_check_in
from cible.insights import cycle_report, tasks
from cible.insights.cycle_report import build_report
from cible.insights.tests.test_dashboard import acme  # noqa: F401 - a fixture
from cible.okrs.models import Level, Objective
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acme")]


def url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/cycles/{world.cycle.pk}/report/"


def member(world, user) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.select_related("organization").get(organization=world.org, user=user)


def figures(report) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    return (
        report.objective_count,
        report.kr_count,
        report.mean_score,
        report.histogram,
        report.statuses,
        report.initiative_states,
    )


def test_stored_figures_equal_the_computed_report(world, settings) -> None:
    viewer = member(world, world.vera)
    settings.DASHBOARD_LIVE_LIMIT = 10_000
    computed = build_report(viewer, world.cycle)
    assert not computed.stored and computed.objective_count > 2
    settings.DASHBOARD_LIVE_LIMIT = 2
    pending = build_report(viewer, world.cycle)
    assert pending.stored and pending.summary is None
    assert "within a few minutes" in pending.stored_note
    tasks.refresh(world.org.pk, world.cycle.pk)
    stored = build_report(viewer, world.cycle)
    assert stored.summary is not None
    assert figures(stored) == figures(computed)
    # A check-in and a new objective reach the figures with the next refresh.
    kr = next(line.kr for o in computed.objectives for line in o.key_results)
    record_check_in(kr, world.alice, kr.target, confidence=8)
    create_objective(world.org, world.alice, cycle=world.cycle, title="Later", level=Level.COMPANY)
    tasks.refresh(world.org.pk, world.cycle.pk)
    settings.DASHBOARD_LIVE_LIMIT = 10_000
    again = build_report(viewer, world.cycle)
    settings.DASHBOARD_LIVE_LIMIT = 2
    assert figures(build_report(viewer, world.cycle)) == figures(again) != figures(computed)


def test_objectives_come_a_page_at_a_time_company_first(world, settings, monkeypatch) -> None:
    settings.DASHBOARD_LIVE_LIMIT = 2
    monkeypatch.setattr(cycle_report, "PAGE_SIZE", 2)
    tasks.refresh(world.org.pk, world.cycle.pk)
    client = world.client_for(world.vera)
    first = client.get(url(world))
    assert first.status_code == 200
    listed = first.context["report"].objectives
    assert len(listed) == 2 and listed[0].objective.level == Level.COMPANY
    assert 'rel="next"' in first.content.decode()
    second = client.get(url(world) + "?page=2").context["report"].objectives
    assert {line.objective.pk for line in second}.isdisjoint(line.objective.pk for line in listed)
    assert client.get(url(world) + "?page=x").status_code == 200  # the first page
    for suffix in ("report.pdf", "report.md"):
        response = client.get(url(world).replace("report/", suffix))
        assert response.status_code == 200


def test_the_page_queries_do_not_grow_with_the_cycle(world, settings) -> None:
    settings.DASHBOARD_LIVE_LIMIT = 2
    tasks.refresh(world.org.pk, world.cycle.pk)
    client = world.client_for(world.alice)
    client.get(url(world))
    with CaptureQueriesContext(connection) as before:
        assert client.get(url(world)).status_code == 200
    for n in range(60):
        objective = create_objective(
            world.org, world.alice, cycle=world.cycle, title=f"More {n}", level=Level.COMPANY
        )
        create_key_result(objective, owner=world.bob, title=f"KR {n}", target=10)
    tasks.refresh(world.org.pk, world.cycle.pk)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url(world))
    assert len(response.context["report"].objectives) == cycle_report.PAGE_SIZE
    assert Objective.objects.filter(cycle=world.cycle).count() > cycle_report.PAGE_SIZE
    assert len(after) == len(before)
