"""`cible worker --once`: one scheduler pass, then the database queue is worked off."""

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import time as clock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cible.notifications import services, tasks
from cible.notifications.models import Delivery, DeliveryStatus, Kind

from .conftest import DATABASE, of_kind


@pytest.fixture
def due_now(world):  # type: ignore[no-untyped-def]
    """Acme's check-in slot is today at midnight (its time), so it has just passed."""
    today = timezone.now().astimezone(services.org_zone(world.org))
    world.org.checkin_weekday = today.weekday()
    world.org.checkin_time = clock(0, 0)
    world.org.save()
    return world


@pytest.mark.django_db(transaction=True)
def test_once_queues_the_reminders_in_the_database_and_runs_them(
    due_now, settings, mailoutbox
) -> None:
    settings.TASKS = DATABASE

    call_command("worker", "--once")

    assert [m.to for m in of_kind(mailoutbox)] == [["bob@acme.test"]]
    delivery = Delivery.objects.get(kind=Kind.REMINDER)
    assert delivery.status == DeliveryStatus.SENT
    results = DBTaskResult.objects.filter(task_path="cible.notifications.tasks.send_delivery")
    assert results.count() == 2  # bob's reminder and his digest as lead of Product
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_running_it_again_sends_nothing_new(due_now, settings, mailoutbox) -> None:
    settings.TASKS = DATABASE

    call_command("worker", "--once")
    call_command("worker", "--once")

    assert len(of_kind(mailoutbox)) == 1
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_with_another_backend_it_only_schedules(due_now, mailoutbox) -> None:
    call_command("worker", "--once")

    assert len(of_kind(mailoutbox)) == 1
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_failed_pass_fails_the_command(due_now, monkeypatch) -> None:
    def broken(now: object = None) -> int:
        raise RuntimeError("database is away")

    monkeypatch.setattr(tasks, "dispatch", broken)

    with pytest.raises(CommandError):
        call_command("worker", "--once")


@pytest.mark.parametrize("interval", ["0", "-5", "soon"])
def test_the_interval_must_be_a_positive_number(interval: str) -> None:
    with pytest.raises(CommandError):
        call_command("worker", "--once", "--interval", interval)


@pytest.fixture
def own_signals() -> Iterator[None]:
    """The command installs its own handlers; give the test runner its own back."""
    names = [name for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(getattr(signal, name), handler)


@pytest.mark.django_db(transaction=True)
def test_the_loop_sends_what_is_due_and_stops_on_sigterm(
    due_now, settings, mailoutbox, own_signals
) -> None:
    settings.TASKS = DATABASE
    stop = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    # If the first signal were ignored, the second one forces the loop out: never a hang.
    force = threading.Timer(15, os.kill, (os.getpid(), signal.SIGTERM))
    stop.start()
    force.start()
    started = time.monotonic()
    try:
        call_command("worker", "--interval", "1")
    finally:
        stop.cancel()
        force.cancel()

    assert time.monotonic() - started < 10
    assert [m.to for m in of_kind(mailoutbox)] == [["bob@acme.test"]]
    assert Delivery.objects.get(kind=Kind.REMINDER).status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_a_pass_forgets_old_idempotency_keys(world, settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from cible.api.models import IdempotencyKey

    settings.TASKS = DATABASE
    now = timezone.now()
    for key, age in (("old", 30), ("recent", 1)):
        IdempotencyKey.objects.create(
            user=world.bob, key=key, fingerprint="x", created_at=now - timedelta(days=age)
        )

    call_command("worker", "--once")

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]


@pytest.mark.django_db(transaction=True)
def test_a_pass_mends_a_stale_alignment_flag(world, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cible.okrs import alignment
    from cible.okrs.models import Objective

    settings.TASKS = DATABASE
    monkeypatch.setattr(alignment, "_last_repair", None)
    Objective.objects.filter(pk=world.team_objective.pk).update(aligned=False)

    call_command("worker", "--once")

    assert Objective.objects.get(pk=world.team_objective.pk).aligned
