"""The locks across processes: migrations at start-up (one app server migrates, the others
wait) and the scheduler (one worker plans at a time, the others skip their pass).

Each thread here has its own database connection, as each process would: on PostgreSQL
they are separate sessions for the advisory lock, on SQLite separate opens of the lock
file.
"""

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections

from cible.ops import locks, production
from cible.ops.management.commands.worker import Command as Worker

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds: a bound on every wait here, never reached when things work


class Holder:
    """Holds a lock in another thread until released."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.taken = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        try:
            with locks.exclusive(self.name, wait=True):
                self.taken.set()
                self.release.wait(WAIT)
        finally:
            connections.close_all()

    def __enter__(self) -> "Holder":
        self.thread.start()
        assert self.taken.wait(WAIT)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(WAIT)


def in_thread(function: Callable[[], Any]) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def run() -> None:
        try:
            function()
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def test_a_lock_held_elsewhere_is_refused_without_waiting() -> None:
    with Holder("test-lock"), locks.exclusive("test-lock", wait=False) as held:
        assert held is False

    with locks.exclusive("test-lock", wait=False) as held:
        assert held is True


def test_locks_of_other_names_do_not_interfere() -> None:
    with Holder("one"), locks.exclusive("two", wait=False) as held:
        assert held is True


def test_the_keys_are_stable_and_distinct() -> None:
    assert locks.advisory_key(locks.STARTUP) == locks.advisory_key("startup")
    assert locks.advisory_key(locks.STARTUP) != locks.advisory_key(locks.SCHEDULER)
    assert -(2**63) <= locks.advisory_key(locks.SCHEDULER) < 2**63


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The management commands `prepare` runs, recorded instead of run."""
    ran: list[str] = []
    monkeypatch.setattr(production, "call_command", lambda name, **kw: ran.append(name))
    yield ran


def test_an_app_server_waits_for_the_one_migrating(commands: list[str]) -> None:
    with Holder(locks.STARTUP):
        thread, done = in_thread(production.prepare)
        assert not done.wait(0.5), "it migrated while another server held the lock"
        assert commands == []

    assert done.wait(WAIT)
    thread.join(WAIT)
    assert commands == ["migrate", "collectstatic"]


def test_two_schedulers_at_once_plan_once(monkeypatch: pytest.MonkeyPatch) -> None:
    planning, finish = threading.Event(), threading.Event()
    passes: list[str] = []

    def plan(self: Worker) -> bool:
        passes.append(threading.current_thread().name)
        planning.set()
        finish.wait(WAIT)
        return True

    monkeypatch.setattr(Worker, "plan", plan)
    first, first_done = in_thread(Worker().schedule)
    assert planning.wait(WAIT)

    assert Worker().schedule() is True  # the second one skips, without waiting
    finish.set()
    assert first_done.wait(WAIT)
    first.join(WAIT)

    assert len(passes) == 1
    assert Worker().schedule() is True
    assert len(passes) == 2  # once the first is done, the next pass plans again


def test_a_lock_that_cannot_be_taken_fails_the_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the lock file cannot be opened")

    monkeypatch.setattr(locks, "exclusive", broken)

    assert Worker().schedule() is False
