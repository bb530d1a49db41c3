"""The scheduler's pass: due sources are queued once, run once, and the worker runs them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cible.checkins.models import CheckIn
from cible.okrs.models import KeyResult
from cible.sources import services, tasks
from cible.sources.models import DataSource

from .conftest import DATABASE, Server, make_source


@pytest.fixture
def due(world, server: Server) -> DataSource:
    """Bob's JSON source, due a minute ago."""
    url = server.set("/kpi.json", '{"value": 1.5}')
    return make_source(
        world.kr,
        world.bob,
        url=url,
        path="value",
        next_run_at=timezone.now() - timedelta(minutes=1),
    )


@pytest.mark.django_db
def test_a_due_source_is_run(due: DataSource) -> None:
    assert tasks.run_due() == 1

    due.refresh_from_db()
    assert due.runs == 1 and due.last_success_at is not None
    assert due.next_run_at is not None
    assert due.next_run_at > timezone.now() + timedelta(hours=23)
    assert KeyResult.objects.get(data_source=due).current == Decimal("1.5")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [("next_run_at", "later"), ("enabled", False), ("leased_until", "later")],
)
def test_sources_not_due_are_left_alone(
    due: DataSource, server: Server, name: str, value: object
) -> None:
    setattr(due, name, timezone.now() + timedelta(minutes=5) if value == "later" else value)
    due.save()

    assert tasks.run_due() == 0
    assert server.hits == []


@pytest.mark.django_db
def test_a_source_of_a_closed_cycle_is_not_queued(world, due: DataSource) -> None:
    world.cycle.state = "closed"
    world.cycle.save()

    assert tasks.run_due() == 0


@pytest.mark.django_db
def test_a_lost_task_is_queued_again_once_its_lease_ends(due: DataSource, settings) -> None:
    settings.TASKS = DATABASE
    now = timezone.now()

    assert tasks.run_due(now) == 1
    assert tasks.run_due(now + timedelta(minutes=1)) == 0  # queued, not run yet
    assert tasks.run_due(now + services.QUEUE_LEASE + timedelta(minutes=1)) == 1


@pytest.mark.django_db
def test_the_claim_lets_one_run_through(due: DataSource, server: Server) -> None:
    runs = due.runs

    assert services.run_claimed(due.pk, runs) == "recorded"
    assert services.run_claimed(due.pk, runs) == "taken"  # the same task, queued twice

    assert len(server.hits) == 1
    assert CheckIn.objects.filter(key_result_id=due.key_result_id).count() == 1


@pytest.mark.django_db
def test_run_now_takes_the_source_from_a_queued_task(due: DataSource, settings, server) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DATABASE
    tasks.run_due()
    queued = DBTaskResult.objects.get()

    assert services.run_now(DataSource.objects.get(pk=due.pk)) == "recorded"
    assert services.run_claimed(*queued.args_kwargs["args"]) == "taken"
    assert len(server.hits) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_queues_and_runs_due_sources(due: DataSource, settings, server) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DATABASE

    call_command("worker", "--once")
    call_command("worker", "--once")

    results = DBTaskResult.objects.filter(task_path="cible.sources.tasks.run_source")
    assert list(results.values_list("status", flat=True)) == ["SUCCESSFUL"]
    assert len(server.hits) == 1
    assert KeyResult.objects.get(data_source=due).current == Decimal("1.5")
