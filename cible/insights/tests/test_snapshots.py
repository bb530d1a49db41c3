"""The stored organisation dashboard of a large organisation: computed by the worker for
everyone from the objectives the whole organisation can see, rendered like the live one,
queued once, and never a 500 when it is missing or unreadable."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cible.insights import snapshots, tasks
from cible.insights.dashboard import build
from cible.insights.dashboard_charts import charts
from cible.insights.models import DashboardSnapshot
from cible.insights.tasks import refresh_dashboard
from cible.insights.tests.test_dashboard import SECTIONS, acme, url  # noqa: F401 - acme: a fixture
from cible.okrs.models import Cycle, CycleState
from cible.orgs.models import Membership, Organization, Role

# Acme's organisation (cible/insights/tests/test_dashboard.py) in every test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acme")]


@pytest.fixture
def large(settings) -> None:  # type: ignore[no-untyped-def]
    """Acme's cycle counts as large: its organisation dashboard is the stored one."""
    settings.DASHBOARD_LIVE_LIMIT = 2


def cells(html: str) -> dict[str, str]:
    """Every figure of the page marked data-cell, by name."""
    return dict(re.findall(r'data-cell="([^"]+)">([^<]*)<', html))


def queued() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="refresh_dashboard").count()


def test_the_first_visit_queues_the_computation_once(
    world, large, django_capture_on_commit_callbacks
) -> None:
    client = world.client_for(world.vera)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url()).content.decode()
        second = client.get(url()).content.decode()

    assert 'id="dashboard-pending"' in first and 'id="dashboard-pending"' in second
    assert queued() == 1


def test_the_stored_dashboard_shows_what_everyone_may_see(world, large, settings) -> None:
    tasks.refresh(world.org.pk, world.cycle.pk)

    def every_section(user) -> str:  # type: ignore[no-untyped-def]
        client = world.client_for(user)
        return "".join(client.get(url() + s).content.decode() for s in SECTIONS)

    stored_for_vera = every_section(world.vera)
    stored_for_bob = every_section(world.bob)
    settings.DASHBOARD_LIVE_LIMIT = 1000
    live_for_vera = every_section(world.vera)

    # Vera sees no private objective: her live figures are the stored ones, cell by cell.
    assert 'id="dashboard-stored"' in stored_for_vera
    assert 'id="dashboard-stored"' not in live_for_vera
    assert cells(stored_for_vera) == cells(live_for_vera)
    assert len(cells(stored_for_vera)) > 10
    # Bob owns the private objective: the stored page, the same for everyone, leaves it out.
    assert cells(stored_for_bob) == cells(stored_for_vera)
    assert "Private plan" not in stored_for_bob and "Secret KR" not in stored_for_bob
    assert "5 objectives" in stored_for_bob


def test_the_team_dashboard_stays_live(world, large) -> None:
    html = world.client_for(world.bob).get(url(world.team)).content.decode()

    assert 'id="dashboard-stored"' not in html and 'id="dashboard-pending"' not in html
    assert 'id="status-table"' in html


def test_an_old_copy_is_shown_while_a_new_one_is_queued(
    world, large, settings, django_capture_on_commit_callbacks
) -> None:
    tasks.refresh(world.org.pk, world.cycle.pk)
    old = timezone.now() - timedelta(seconds=settings.DASHBOARD_REFRESH + 1)
    DashboardSnapshot.objects.update(computed_at=old)
    client = world.client_for(world.vera)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.get(url()).content.decode()
        client.get(url())

    assert 'id="dashboard-stored"' in html and 'id="status-table"' in html
    assert queued() == 1
    refresh_dashboard.call(world.org.pk, world.cycle.pk)  # what the worker runs
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.computed_at and snapshot.computed_at > old and snapshot.requested_at is None


def test_an_unreadable_copy_is_computed_again_without_an_error(
    world, large, django_capture_on_commit_callbacks
) -> None:
    tasks.refresh(world.org.pk, world.cycle.pk)
    DashboardSnapshot.objects.update(data=b"not a dashboard")
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.vera).get(url())

    assert response.status_code == 200
    assert 'id="dashboard-pending"' in response.content.decode()
    assert queued() == 1
    DashboardSnapshot.objects.update(data=b"", version="0")
    assert snapshots.load(DashboardSnapshot.objects.get()) is None


def test_the_stored_page_costs_a_few_queries(world, large) -> None:
    tasks.refresh(world.org.pk, world.cycle.pk)
    client = world.client_for(world.vera)
    client.get(url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url()).status_code == 200
    assert len(queries) <= 10


def test_the_worker_queues_the_large_active_cycles_that_are_due(
    world, large, settings, django_capture_on_commit_callbacks
) -> None:
    small = Organization.objects.create(name="Small", slug="small")
    Membership.objects.create(organization=small, user=world.alice, role=Role.OWNER)
    today = timezone.localdate()
    Cycle.objects.create(
        organization=small, name="Now", kind="custom", state=CycleState.ACTIVE,
        start=today - timedelta(days=10), end=today + timedelta(days=80),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshots.refresh_due() == 1  # Acme's active cycle; Small has no objective
        assert snapshots.refresh_due() == 0  # already queued
    assert queued() == 1
    tasks.refresh(world.org.pk, world.cycle.pk)
    assert snapshots.refresh_due() == 0  # fresh
    later = timezone.now() + timedelta(seconds=settings.DASHBOARD_REFRESH + 1)
    assert snapshots.refresh_due(later) == 1


def test_a_deleted_cycle_is_not_computed(world) -> None:
    assert tasks.refresh(world.org.pk, 10**9) is None
    assert refresh_dashboard.call(world.org.pk, 10**9) == "gone"


@pytest.mark.parametrize("public", [False, True])
def test_the_compact_copy_renders_like_the_whole_dashboard(
    world, monkeypatch, public: bool
) -> None:
    # Lists cut short, so that what the copy keeps is what the page shows.
    monkeypatch.setattr("cible.insights.dashboard.LIST_SHOWN", 1)
    monkeypatch.setattr("cible.insights.dashboard.PENDING_SHOWN", 1)
    monkeypatch.setattr("cible.insights.dashboard.ATTENTION_SHOWN", 2)
    membership = Membership.objects.get(organization=world.org, user=world.bob)
    whole = build(membership, world.cycle, public=public)
    request = RequestFactory().get(url())
    request.user = world.bob

    def page(board):  # type: ignore[no-untyped-def]
        context = {"org": world.org, "membership": membership, "cycle": world.cycle}
        context |= {"cycles": [world.cycle], "board": board, "charts": charts(board)}
        html = render_to_string("insights/dashboard.html", context, request=request)
        return re.sub(r'csrfmiddlewaretoken" value="[^"]*"', "", html)  # new at each render

    compact = whole.compact()
    html = page(whole)
    assert page(compact) == html
    assert compact.rows == [] and compact.focus.objectives == []
    # Product shown, then the KRs of no team (the company's), always; Sales left out.
    assert "The lowest shares are shown: and 1 more team." in html
    assert "The teams furthest from 60 % are shown: and 1 more team." in html
    more = 1 if public else 2  # Bob's KRs behind, his private one in the live page only
    assert f"Cut first response time</a> and {more} more</li>" in html
