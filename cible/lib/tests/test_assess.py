"""The status rule of docs/status.md, case by case: each status with its reason."""

from datetime import date
from decimal import Decimal as D

import pytest

from cible.lib.okrmath import (
    Assessment,
    Reason,
    Status,
    Thresholds,
    assess,
    assess_objective,
    worst,
)

HALFWAY = D("0.5")
TODAY = date(2027, 2, 14)
DUE = date(2027, 3, 31)


def test_no_reading_yet_is_not_started_rather_than_off_track() -> None:
    # Just made from a template, halfway through the cycle: nothing to judge yet.
    result = assess("increase", D(0), D(100), D(0), expected=HALFWAY, started=False)

    assert result == "not_started" and result.status is Status.NOT_STARTED
    assert result.reason is Reason.NO_CHECK_IN


def test_the_pace_with_the_confidence() -> None:
    result = assess("increase", D(0), D(100), D(48), expected=D("0.68"), confidence=4)

    assert result.status is Status.AT_RISK  # 20 points behind, and a confidence of 4
    assert result.reason is Reason.PACE
    assert (result.facts.progress, result.facts.expected, result.facts.confidence) == (
        D("0.48"),
        D("0.68"),
        4,
    )


@pytest.mark.parametrize(
    ("current", "confidence", "expected_status"),
    [
        (D(99), 4, Status.ON_TRACK),  # 1 point left: a doubt about it is no risk
        (D(99), 2, Status.ON_TRACK),
        (D(80), 4, Status.AT_RISK),  # 20 points left: the doubt counts
        (D(80), 2, Status.OFF_TRACK),
    ],
)
def test_close_to_the_target_the_confidence_no_longer_counts(
    current, confidence, expected_status
) -> None:
    result = assess("increase", D(0), D(100), current, expected=D("0.7"), confidence=confidence)

    assert result.status is expected_status


def test_a_decrease_past_its_target_is_reached_whatever_the_confidence() -> None:
    result = assess("decrease", D(60), D(35), D(30), expected=HALFWAY, confidence=2)

    assert result.status is Status.REACHED and result.reason is Reason.TARGET_REACHED
    assert result.facts.progress == D(30) / D(25)


def test_stay_below_under_its_ceiling_is_reached() -> None:
    result = assess("stay_below", D(3), D(2), D("1.5"), expected=HALFWAY, confidence=8)

    assert result.status is Status.REACHED and result.reason is Reason.INSIDE


def test_stay_above_under_its_floor_is_off_track_however_close() -> None:
    result = assess("stay_above", D(0), D(45), D("44.9"), expected=D("0.1"))

    assert result.status is Status.OFF_TRACK and result.reason is Reason.BELOW_FLOOR


def test_stay_between_is_judged_by_the_side_it_left() -> None:
    above = assess("stay_between", D(0), D(90), D(96), D(95), expected=HALFWAY)
    below = assess("stay_between", D(0), D(90), D(80), D(95), expected=HALFWAY)

    assert above.status is below.status is Status.OFF_TRACK
    assert (above.reason, below.reason) == (Reason.ABOVE_CEILING, Reason.BELOW_FLOOR)


def test_inside_its_bounds_with_a_low_confidence_is_at_risk() -> None:
    result = assess("stay_above", D(0), D(40), D(45), expected=HALFWAY, confidence=4)

    assert result.status is Status.AT_RISK and result.reason is Reason.INSIDE


def test_a_milestone_at_zero_before_its_first_check_in_is_not_started() -> None:
    result = assess("milestone", D(0), D(1), D(0), expected=D(0), started=False, at=TODAY, due=DUE)

    assert result.status is Status.NOT_STARTED


@pytest.mark.parametrize(
    ("current", "confidence", "at", "expected_status", "reason"),
    [
        (D(0), None, TODAY, Status.ON_TRACK, Reason.MILESTONE_DUE),
        (D(0), 4, TODAY, Status.AT_RISK, Reason.MILESTONE_DUE),
        (D(0), 2, TODAY, Status.OFF_TRACK, Reason.MILESTONE_DUE),
        (D(0), 9, DUE, Status.OFF_TRACK, Reason.MILESTONE_LATE),
        (D(1), 2, DUE, Status.REACHED, Reason.MILESTONE_DONE),
    ],
)
def test_a_milestone_is_judged_by_its_due_date(current, confidence, at, expected_status, reason):
    result = assess(
        "milestone", D(0), D(1), current, expected=D(0), confidence=confidence, at=at, due=DUE
    )

    assert (result.status, result.reason) == (expected_status, reason)


def test_an_objective_is_judged_by_its_own_pace_not_by_its_worst_key_result() -> None:
    # 67 % with one key result behind, against 58 % with all its key results a little
    # behind: the first is ahead of its pace, the second 12 points behind it.
    ahead = assess_objective(
        D("0.67"), [(D(1), D("0.5"), Status.REACHED), (D(1), D("0.5"), Status.OFF_TRACK)]
    )
    behind = assess_objective(
        D("0.58"), [(D(1), D("0.7"), Status.ON_TRACK), (D(1), D("0.7"), Status.ON_TRACK)]
    )

    assert ahead.status is Status.ON_TRACK and ahead.reason is Reason.OBJECTIVE
    assert behind.status is Status.ON_TRACK
    far_behind = assess_objective(D("0.3"), [(D(1), D("0.7"), Status.OFF_TRACK)])
    assert far_behind.status is Status.OFF_TRACK


def test_an_objective_weighs_the_expected_pace_as_its_progress() -> None:
    result = assess_objective(
        D("0.5"), [(D(3), D("0.8"), Status.AT_RISK), (D(1), D(0), Status.ON_TRACK)]
    )

    assert result.facts.expected == D("0.6")
    assert result.facts.counts == ((Status.ON_TRACK, 1), (Status.AT_RISK, 1))


def test_an_objective_not_started_or_reached() -> None:
    assert assess_objective(D(0), []).reason is Reason.NO_KEY_RESULT
    none_yet = assess_objective(D(0), [(D(1), D("0.5"), Status.NOT_STARTED)])
    assert none_yet.status is Status.NOT_STARTED
    done = assess_objective(D(1), [(D(1), D("0.5"), Status.REACHED)] * 2)
    assert done.status is Status.REACHED


def test_the_thresholds_are_the_organisations() -> None:
    strict = Thresholds(at_risk_gap=D("0.05"), off_track_gap=D("0.1"))

    result = assess("increase", D(0), D(100), D(42), expected=HALFWAY, thresholds=strict)

    assert result.status is Status.AT_RISK


def test_an_assessment_is_its_status_wherever_a_status_was_used() -> None:
    result = assess("increase", D(0), D(100), D(50), expected=HALFWAY)

    by_status: dict[str, int] = {Status.ON_TRACK: 1}
    assert result == Status.ON_TRACK and by_status[result] == 1
    assert result.value == "on_track" and str(result) == "on_track"
    assert isinstance(result, Assessment)
    assert worst([result, Status.NOT_STARTED, Status.REACHED]) is Status.NOT_STARTED
    assert worst([Status.NOT_STARTED, Status.AT_RISK]) is Status.AT_RISK


def test_an_assessment_survives_pickling_with_its_reason() -> None:
    import pickle

    result = assess("stay_below", D(3), D(2), D(1), expected=HALFWAY, unit="%")

    again = pickle.loads(pickle.dumps(result))
    assert isinstance(again, Assessment)
    assert (again, again.reason, again.facts) == (result, result.reason, result.facts)
