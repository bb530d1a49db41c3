"""Target suggestions, computed by hand: reach = mean score × distance (and/or the
metric's pace), suggested distance = reach / 0.65, rounded to the KR's scale."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cible.lib.targets import AIM, Outcome, suggest


def test_a_team_at_095_gets_a_higher_target() -> None:
    # reach 0.95 × 100 = 95; 95 / 0.65 = 146.15… → 146 (a step of 1 at this scale)
    s = suggest("increase", D(0), D(100), mean_score=D("0.95"))
    assert s.outcome is Outcome.SUGGESTED
    assert s.target == D(146)
    assert s.reach == D(95)
    assert s.expected_score == D("0.95")
    assert s.change == D("0.46")


def test_a_team_at_03_gets_a_lower_target() -> None:
    # reach 0.3 × 100 = 30; 30 / 0.65 = 46.15… → 46
    s = suggest("increase", D(0), D(100), mean_score=D("0.3"))
    assert s.target == D(46)
    assert s.change == D("-0.54")


def test_a_decrease_moves_down_from_the_start() -> None:
    # reach 0.95 × 20 = 19; 19 / 0.65 = 29.23…; 50 - 29.23 = 20.77 → 21
    s = suggest("decrease", D(50), D(30), mean_score=D("0.95"))
    assert s.target == D(21)
    # a timid team: reach 0.3 × 20 = 6; 6 / 0.65 = 9.23…; 50 - 9.23 = 40.77 → 40.8 (the
    # step is 0.1: a twentieth of 9.23 is below 1)
    assert suggest("decrease", D(50), D(30), mean_score=D("0.3")).target == D("40.8")


def test_a_decrease_stops_at_zero() -> None:
    # reach 1 × 10 = 10; 10 / 0.65 = 15.4 below 10: bounded to 0
    assert suggest("decrease", D(10), D(0), mean_score=D(1)).target == D(0)


def test_a_percentage_stops_at_100() -> None:
    # reach 1 × 4 = 4; 4 / 0.65 = 6.15…: 101.15 % bounded to 100 %
    assert suggest("increase", D(95), D(99), mean_score=D(1), unit="%").target == D(100)


def test_the_pace_alone_gives_a_target() -> None:
    # moved by 40 last cycle: 40 / 0.65 = 61.5… from 100 → 161.5… → 162
    s = suggest("increase", D(100), None, pace=D(40))
    assert s.target == D(162)
    assert s.mean_score is None and s.pace == D(40)


def test_both_pieces_of_evidence_are_averaged() -> None:
    # (0.5 × 100 + 30) / 2 = 40; 40 / 0.65 = 61.5… → 62
    s = suggest("increase", D(0), D(100), mean_score=D("0.5"), pace=D(30))
    assert s.reach == D(40)
    assert s.target == D(62)


def test_a_pace_the_wrong_way_is_left_out() -> None:
    s = suggest("increase", D(0), D(100), mean_score=D("0.65"), pace=D(-20))
    assert s.pace is None
    assert s.target == D(100)
    assert s.in_band


def test_a_decrease_reads_a_falling_pace_as_progress() -> None:
    # fell by 13 last cycle: 13 / 0.65 = 20; 50 - 20 = 30
    assert suggest("decrease", D(50), D(45), pace=D(-13)).target == D(30)


def test_no_history_no_suggestion() -> None:
    assert suggest("increase", D(0), D(100)).outcome is Outcome.NO_HISTORY


def test_calibration_without_a_distance_says_so() -> None:
    s = suggest("increase", D(5), D(5), mean_score=D("0.9"))
    assert s.outcome is Outcome.NO_DISTANCE
    assert s.target is None


@pytest.mark.parametrize("kind", ["stay_above", "stay_below", "stay_between"])
def test_a_bound_gets_no_suggestion(kind: str) -> None:
    assert suggest(kind, D(0), D(100), mean_score=D("0.9")).outcome is Outcome.NOT_MOVING


def test_a_milestone_gets_no_suggestion() -> None:
    assert suggest("milestone", D(0), D(1), mean_score=D("0.9")).outcome is Outcome.MILESTONE


@given(
    mean=st.decimals(min_value=D("0.05"), max_value=1, places=2),
    distance=st.integers(min_value=20, max_value=10**6),
)
def test_reaching_the_reach_of_the_suggestion_scores_about_065(mean: D, distance: int) -> None:
    s = suggest("increase", D(0), D(distance), mean_score=mean)
    assert s.target is not None and s.reach is not None
    # rounding to a twentieth of the scale moves the score by 5 % of it at most
    assert abs(s.reach / s.target - AIM) <= AIM * D("0.06")
