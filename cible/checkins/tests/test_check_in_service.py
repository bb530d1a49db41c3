"""record_check_in: a reading of a KR, never rewritten; the KR follows the newest one."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs.models import Cycle, CycleState, KeyResult
from conftest import build_world

pytestmark = pytest.mark.django_db


def fresh(kr: KeyResult) -> KeyResult:
    return KeyResult.objects.select_related("objective__cycle").get(pk=kr.pk)


def test_a_check_in_is_stored_and_becomes_the_key_results_current_value(world) -> None:
    check_in = record_check_in(
        world.kr, world.bob, Decimal("1.5"), confidence=8, comment="Better", blockers="None"
    )

    stored = CheckIn.objects.get()
    assert stored == check_in
    assert (stored.value, stored.confidence, stored.author) == (Decimal("1.5"), 8, world.bob)
    assert (stored.comment, stored.blockers) == ("Better", "None")
    kr = fresh(world.kr)
    assert (kr.current, kr.confidence) == (Decimal("1.5"), 8)


def test_the_current_value_and_confidence_are_the_newest_check_ins(world) -> None:
    now = timezone.now()
    record_check_in(world.kr, world.bob, Decimal("1.5"), confidence=8, at=now)

    record_check_in(world.kr, world.alice, Decimal(3), confidence=2, at=now - timedelta(days=1))

    kr = fresh(world.kr)
    assert (kr.current, kr.confidence) == (Decimal("1.5"), 8)
    assert CheckIn.objects.count() == 2


def test_a_correction_is_a_new_check_in_and_the_old_one_stays(world) -> None:
    first = record_check_in(world.kr, world.bob, Decimal(3), confidence=5)

    record_check_in(world.kr, world.bob, Decimal("2.5"), confidence=5, comment="Typo")

    first.refresh_from_db()
    assert first.value == Decimal(3)
    assert sorted(CheckIn.objects.values_list("value", flat=True)) == [Decimal("2.5"), Decimal(3)]
    assert fresh(world.kr).current == Decimal("2.5")


def test_two_check_ins_of_the_same_key_result_at_the_same_moment_are_both_recorded(world) -> None:
    at = timezone.now()

    record_check_in(world.kr, world.bob, Decimal("1.8"), confidence=6, at=at)
    record_check_in(fresh(world.kr), world.alice, Decimal("1.6"), confidence=7, at=at)

    assert CheckIn.objects.filter(key_result=world.kr, created_at=at).count() == 2
    assert {c.author for c in CheckIn.objects.all()} == {world.bob, world.alice}
    kr = fresh(world.kr)
    assert (kr.current, kr.confidence) == (Decimal("1.6"), 7)


def test_a_check_in_without_confidence_clears_the_key_results_confidence(world) -> None:
    record_check_in(world.kr, world.bob, Decimal(3), confidence=4)

    record_check_in(world.kr, world.bob, Decimal("2.5"))

    assert fresh(world.kr).confidence is None


def test_a_check_in_on_a_cancelled_key_result_is_refused_and_nothing_is_stored(world) -> None:
    KeyResult.objects.filter(pk=world.kr.pk).update(cancelled_at=timezone.now())

    with pytest.raises(ValidationError) as error:
        record_check_in(fresh(world.kr), world.bob, Decimal("1.5"), confidence=8)

    assert "value" in error.value.message_dict
    assert not CheckIn.objects.exists()
    assert fresh(world.kr).current == Decimal(2)


def test_a_check_in_on_a_closed_cycle_is_refused_and_nothing_is_stored(world) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=CycleState.CLOSED)

    with pytest.raises(ValidationError) as error:
        record_check_in(fresh(world.kr), world.bob, Decimal("1.5"), confidence=8)

    assert "closed" in " ".join(error.value.messages)
    assert not CheckIn.objects.exists()
    assert fresh(world.kr).current == Decimal(2)


@pytest.mark.parametrize(
    ("value", "confidence", "field"),
    [
        (Decimal("NaN"), None, "value"),
        (Decimal("Infinity"), None, "value"),
        (Decimal("-Infinity"), None, "value"),
        (Decimal("1e30"), None, "value"),
        (Decimal("1.23456"), None, "value"),
        (Decimal("1.5"), 11, "confidence"),
        (Decimal("1.5"), -1, "confidence"),
    ],
    ids=[
        "nan",
        "infinity",
        "minus-infinity",
        "1e30",
        "5-decimals",
        "confidence-11",
        "confidence--1",
    ],
)
def test_an_impossible_reading_is_refused_and_nothing_is_stored(
    world, value: Decimal, confidence: int | None, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        record_check_in(world.kr, world.bob, value, confidence=confidence)

    assert field in error.value.message_dict
    assert not CheckIn.objects.exists()
    kr = fresh(world.kr)
    assert (kr.current, kr.confidence) == (Decimal(2), None)


@pytest.mark.parametrize("confidence", [0, 10])
def test_the_confidence_bounds_are_accepted(world, confidence: int) -> None:
    record_check_in(world.kr, world.bob, Decimal(2), confidence=confidence)

    assert fresh(world.kr).confidence == confidence


def test_the_key_result_is_locked_only_where_the_database_has_row_locks(world) -> None:
    with CaptureQueriesContext(connection) as queries:
        record_check_in(world.kr, world.bob, Decimal(3))

    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    # SQLite's transactions begin IMMEDIATE: one writer at a time, no lock to take.
    assert len(locks) == (1 if connection.features.has_select_for_update else 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_check_ins_leave_the_key_result_at_the_newest_one() -> None:
    world = build_world()
    writers, rounds = 4, 10
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []
    stale: list[tuple[Decimal | None, Decimal]] = []

    def check_in(number: int) -> None:
        try:
            for reading in range(rounds):
                barrier.wait(timeout=10)  # all at once
                record_check_in(fresh(world.kr), world.bob, Decimal(number * 100 + reading))
                if barrier.wait(timeout=10) == 0:  # all done: one thread looks
                    newest = CheckIn.objects.filter(key_result=world.kr).latest()
                    if fresh(world.kr).current != newest.value:
                        stale.append((fresh(world.kr).current, newest.value))
                barrier.wait(timeout=10)
        except BaseException as error:  # reported by the test's thread
            failures.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert CheckIn.objects.count() == writers * rounds
    assert stale == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_check_ins_repeated_on_a_connection_run_prepared_statements(world) -> None:
    """Planned once per connection instead of at every request (settings: DB_PREPARE)."""
    for value in range(1, 7):
        record_check_in(world.kr, world.bob, Decimal(value))

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith('INSERT INTO "checkins_checkin"') for s in prepared)
    assert any(s.startswith('UPDATE "okrs_keyresult"') for s in prepared)
