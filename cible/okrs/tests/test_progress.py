"""Objective progress from the stored KRs, driven KRs, and check-ins moving KRs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.lib import okrmath
from cible.okrs import services
from cible.okrs.models import CycleState, KeyResult, Level, Objective

TINY = Decimal("1e-20")  # w * p / w may differ from p in Decimal's 28th digit
THOUSANDTH = Decimal("0.001")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(THOUSANDTH)


def progress_of(*objectives) -> dict[int, Decimal]:  # type: ignore[no-untyped-def]
    return services.objective_progress(objectives)


def fresh_kr(world) -> KeyResult:  # type: ignore[no-untyped-def]
    return KeyResult.objects.select_related("objective__cycle").get(pk=world.kr.pk)


# --- Objective progress --------------------------------------------------------------


def test_world_objectives_progress(world):
    result = progress_of(world.company_objective, world.team_objective)
    # The team's KR: first-response time from 4 h to 1 h, now 2 h.
    assert rounded(result[world.team_objective.pk]) == Decimal("0.667")
    # The company objective has no KR yet.
    assert result[world.company_objective.pk] == 0


def test_objective_progress_of_nothing_is_empty(world):
    assert services.objective_progress([]) == {}


def test_objective_progress_is_the_weighted_mean_of_its_krs(world):
    services.create_key_result(
        world.team_objective,
        title="Answer in the customer's language",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(10),
        weight=Decimal(2),
    )
    result = progress_of(world.team_objective)
    # (1 x 2/3 + 2 x 1) / 3
    assert rounded(result[world.team_objective.pk]) == Decimal("0.889")


def test_over_achievement_is_clamped_in_the_objective(world):
    KeyResult.objects.filter(pk=world.kr.pk).update(current=Decimal("-2"))
    kr = fresh_kr(world)
    assert kr.raw_progress() == 2
    assert kr.progress() == 1
    assert progress_of(world.team_objective)[world.team_objective.pk] == 1


def test_driven_kr_mirrors_the_child_objective(world):
    services.create_key_result(
        world.company_objective, title="Answer faster", driven_by=world.team_objective
    )
    result = progress_of(world.company_objective, world.team_objective)
    assert abs(result[world.company_objective.pk] - result[world.team_objective.pk]) <= TINY
    assert rounded(result[world.company_objective.pk]) == Decimal("0.667")

    # It follows the child as the child's KR moves, even when asked about the parent alone.
    record_check_in(fresh_kr(world), world.bob, Decimal(1))
    assert progress_of(world.company_objective)[world.company_objective.pk] == 1


def test_driven_kr_weighs_like_any_other(world):
    services.create_key_result(
        world.company_objective, title="Answer faster", driven_by=world.team_objective
    )
    services.create_key_result(
        world.company_objective,
        title="Net promoter score",
        kind="increase",
        start=Decimal(20),
        target=Decimal(40),
        current=Decimal(20),
        weight=Decimal(3),
    )
    result = progress_of(world.company_objective)
    # (1 x 2/3 + 3 x 0) / 4
    assert rounded(result[world.company_objective.pk]) == Decimal("0.167")


def test_driven_kr_mirrors_a_child_in_another_cycle(world):
    year = services.create_year_with_quarters(world.org, 2027)
    quarter = year.children.order_by("start").first()
    yearly = services.create_objective(
        world.org, world.alice, cycle=year, title="Best support", level=Level.COMPANY
    )
    quarterly = services.create_objective(
        world.org,
        world.bob,
        parents=[yearly],
        cycle=quarter,
        title="Answer faster this quarter",
        level=Level.TEAM,
        team=world.team,
    )
    services.create_key_result(
        quarterly,
        title="Tickets answered within the hour",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(5),
    )
    services.create_key_result(yearly, title="Answer faster", driven_by=quarterly)
    assert progress_of(yearly)[yearly.pk] == Decimal("0.5")


def test_progress_from_prefetched_live_krs_equals_progress_read_again(world):
    services.create_key_result(
        world.company_objective, title="Answer faster", driven_by=world.team_objective
    )
    gone = services.create_key_result(
        world.company_objective, title="Dropped", kind="increase", start=Decimal(0),
        target=Decimal(10), current=Decimal(10),
    )  # fmt: skip
    KeyResult.objects.filter(pk=gone.pk).update(cancelled_at=timezone.now())
    live = KeyResult.objects.filter(archived_at__isnull=True, cancelled_at__isnull=True)
    company = Objective.objects.prefetch_related(Prefetch("key_results", queryset=live)).get(
        pk=world.company_objective.pk
    )
    # The driving team objective is not in the list: it is read, alone.
    with CaptureQueriesContext(connection) as queries:
        prefetched = services.objective_progress([company], prefetched=True)
    assert prefetched == progress_of(world.company_objective)
    assert rounded(prefetched[company.pk]) == Decimal("0.667")
    assert len(queries) == 1


def test_pace_and_status_of_the_world_kr(world):
    kr = fresh_kr(world)
    # The cycle runs from 45 days ago to 45 days ahead.
    assert kr.expected_progress() == Decimal("0.5")
    assert kr.status() == okrmath.Status.ON_TRACK
    kr.confidence = 3
    assert kr.status() == okrmath.Status.OFF_TRACK


# --- Check-ins -----------------------------------------------------------------------


def test_check_in_moves_the_kr(world):
    kr = fresh_kr(world)
    record_check_in(kr, world.bob, Decimal("1.5"), confidence=8, comment="New macros")
    assert (kr.current, kr.confidence) == (Decimal("1.5"), 8)
    stored = fresh_kr(world)
    assert (stored.current, stored.confidence) == (Decimal("1.5"), 8)
    assert rounded(progress_of(world.team_objective)[world.team_objective.pk]) == Decimal("0.833")


def test_newest_check_in_wins_over_a_late_older_one(world):
    now = timezone.now()
    kr = fresh_kr(world)
    record_check_in(kr, world.bob, Decimal(3), confidence=7, at=now)
    late = record_check_in(kr, world.bob, Decimal("1.5"), confidence=2, at=now - timedelta(days=2))
    assert late.pk is not None
    assert (kr.current, kr.confidence) == (Decimal(3), 7)
    stored = fresh_kr(world)
    assert (stored.current, stored.confidence) == (Decimal(3), 7)
    assert CheckIn.objects.filter(key_result=kr).count() == 2

    # A newer reading takes over, including a confidence cleared to none.
    record_check_in(kr, world.bob, Decimal(2), at=now + timedelta(minutes=1))
    stored = fresh_kr(world)
    assert (stored.current, stored.confidence) == (Decimal(2), None)


def test_same_time_check_ins_keep_the_last_recorded(world):
    now = timezone.now()
    kr = fresh_kr(world)
    record_check_in(kr, world.bob, Decimal(3), confidence=7, at=now)
    record_check_in(kr, world.bob, Decimal("2.5"), confidence=6, at=now)
    stored = fresh_kr(world)
    assert (stored.current, stored.confidence) == (Decimal("2.5"), 6)


def test_check_in_refused_in_a_closed_cycle(world):
    world.cycle.state = CycleState.CLOSED
    world.cycle.save(update_fields=["state"])
    kr = fresh_kr(world)
    with pytest.raises(ValidationError) as excinfo:
        record_check_in(kr, world.bob, Decimal(1), confidence=9)
    assert "value" in excinfo.value.error_dict
    assert not CheckIn.objects.exists()
    stored = fresh_kr(world)
    assert (stored.current, stored.confidence) == (Decimal(2), None)
