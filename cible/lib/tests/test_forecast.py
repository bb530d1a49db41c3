"""The forecast of a KR's end value: hand-computed cases, then properties."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cible.lib.forecast import Basis, display_step, forecast, round_to
from cible.lib.okrmath import Kind

DAY0 = date(2026, 1, 5)
D = Decimal


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def test_a_straight_rise_is_carried_on_to_the_end_date() -> None:
    # 10 -> 20 -> 30 a week apart: 10/7 a day; 14 more days to day 28 give 30 + 20 = 50,
    # which is (50 - 10) / (60 - 10) = 0.8 of an increase from 10 to 60.
    result = forecast(
        [(day(0), D(10)), (day(7), D(20)), (day(14), D(30))],
        Kind.INCREASE,
        D(10),
        D(60),
        None,
        end=day(28),
        today=day(14),
    )
    assert result.value == D(50)
    assert result.slope_per_day == D(10) / D(7)
    assert result.progress == D("0.8")
    assert result.low == result.high == D(50)
    assert result.progress_low == result.progress_high == D("0.8")
    assert result.n_points == 3
    assert result.basis is Basis.TREND


def test_a_decrease_short_of_its_target() -> None:
    # Time to hire 60 -> 58 -> 56 days, a week apart: -2/7 a day; 70 more days to day 84
    # give 56 - 20 = 36 days, (60 - 36) / (60 - 35) = 24/25 of the way to 35.
    result = forecast(
        [(day(0), D(60)), (day(7), D(58)), (day(14), D(56))],
        "decrease",
        D(60),
        D(35),
        None,
        end=day(84),
        today=day(20),
    )
    assert result.value == D(36)
    assert result.progress == D("0.96")
    assert result.slope_per_day == D(-2) / D(7)
    assert result.low == result.high == D(36)


def test_a_flat_history_forecasts_no_progress() -> None:
    result = forecast(
        [(day(0), D(5)), (day(7), D(5)), (day(14), D(5))],
        Kind.INCREASE,
        D(5),
        D(10),
        None,
        end=day(28),
        today=day(14),
    )
    assert (result.value, result.low, result.high) == (D(5), D(5), D(5))
    assert result.slope_per_day == 0
    assert result.progress == 0


def test_a_noisy_history_gets_a_range_from_its_slowest_and_fastest_pace() -> None:
    # Days 0, 7, 14, 21 read 10, 24, 26, 40. Means: day 10.5, value 25.
    # Sxy = (-10.5)(-15) + (-3.5)(-1) + (3.5)(1) + (10.5)(15) = 322; Sxx = 245.
    # Slope b = 322 / 245 = 46/35 a day; on day 35: 25 + 46/35 * 24.5 = 57.2.
    # Paces between readings: 14/7 = 2, 2/7, 14/7 = 2; 14 days from day 21 to day 35:
    # low = 57.2 + (2/7 - 46/35) * 14 = 57.2 - 14.4 = 42.8,
    # high = 57.2 + (2 - 46/35) * 14 = 57.2 + 9.6 = 66.8.
    # On an increase from 10 to 60: 47.2/50 = 0.944, 32.8/50 = 0.656, 56.8/50 -> 1.
    result = forecast(
        [(day(0), D(10)), (day(7), D(24)), (day(14), D(26)), (day(21), D(40))],
        Kind.INCREASE,
        D(10),
        D(60),
        None,
        end=day(35),
        today=day(21),
    )
    assert result.slope_per_day == D(46) / D(35)
    assert (result.value, result.low, result.high) == (D("57.2"), D("42.8"), D("66.8"))
    assert result.progress == D("0.944")
    assert (result.progress_low, result.progress_high) == (D("0.656"), D(1))


def test_only_the_six_latest_days_count() -> None:
    # An early plunge, then six readings rising by 1 a day: only the rise counts.
    points = [(day(0), D(100))] + [(day(n), D(n)) for n in range(1, 7)]
    result = forecast(points, Kind.INCREASE, D(0), D(20), None, end=day(16), today=day(6))
    assert result.n_points == 6
    assert result.value == D(16)
    assert result.progress == D("0.8")


def test_the_last_reading_of_a_day_stands_for_the_day() -> None:
    # Day 0 reads 12 in the end (10 in the morning was corrected); then 19 on day 7:
    # 1 a day, 26 on day 14.
    morning, evening = datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 17)
    result = forecast(
        [(evening, D(12)), (morning, D(10)), (day(7), D(19))],
        Kind.INCREASE,
        D(0),
        D(52),
        None,
        end=day(14),
        today=day(7),
    )
    assert (result.value, result.n_points, result.progress) == (D(26), 2, D("0.5"))


def test_one_reading_gives_no_trend_and_a_wide_range() -> None:
    result = forecast(
        [(day(3), D(12))], Kind.INCREASE, D(10), D(60), None, end=day(30), today=day(3)
    )
    assert result.basis is Basis.NO_TREND
    assert (result.value, result.low, result.high) == (D(12), D(10), D(60))
    assert result.progress == D("0.04")
    assert (result.progress_low, result.progress_high) == (0, 1)


def test_no_reading_forecasts_the_current_value() -> None:
    result = forecast([], "decrease", D(4), D(1), None, end=day(30), today=day(3), current=D(2))
    assert (result.value, result.low, result.high) == (D(2), D(1), D(4))
    assert result.n_points == 0
    assert result.progress == D(2) / D(3)
    assert (result.progress_low, result.progress_high) == (0, 1)


def test_once_the_end_date_has_come_the_latest_value_is_the_result() -> None:
    result = forecast(
        [(day(0), D(10)), (day(7), D(20))], Kind.INCREASE, D(0), D(40), None, day(7), day(9)
    )
    assert result.basis is Basis.FINAL
    assert (result.value, result.low, result.high, result.progress) == (
        D(20),
        D(20),
        D(20),
        D("0.5"),
    )


def test_readings_after_today_are_left_out() -> None:
    result = forecast(
        [(day(0), D(0)), (day(7), D(7)), (day(9), D(1000))],
        Kind.INCREASE,
        D(0),
        D(28),
        None,
        end=day(21),
        today=day(7),
    )
    assert result.value == D(21)
    assert result.progress == D("0.75")


def test_a_milestone_is_not_forecast() -> None:
    result = forecast([(day(0), D(0))], Kind.MILESTONE, D(0), D(1), None, day(30), day(3))
    assert result.basis is Basis.MILESTONE
    assert result.value == 0 and result.progress == 0


def test_stay_above_forecasts_whether_the_floor_holds() -> None:
    # 99, 98, 97 a week apart: -1/7 a day, 93 on day 42, below the floor of 95 by 2:
    # progress 1 - 2/95.
    result = forecast(
        [(day(0), D(99)), (day(7), D(98)), (day(14), D(97))],
        Kind.STAY_ABOVE,
        D(0),
        D(95),
        None,
        end=day(42),
        today=day(14),
    )
    assert result.value == D(93)
    assert result.progress == 1 - D(2) / D(95)


def test_stay_between_is_reached_anywhere_in_the_band() -> None:
    # 22, 24, 26 a week apart: 2/7 a day; 30 on day 28 (in 20-30), 32 on day 35 (above by 2).
    points = [(day(0), D(22)), (day(7), D(24)), (day(14), D(26))]
    inside = forecast(points, Kind.STAY_BETWEEN, D(0), D(20), D(30), day(28), day(14))
    outside = forecast(points, Kind.STAY_BETWEEN, D(0), D(20), D(30), day(35), day(14))
    assert (inside.value, inside.progress) == (D(30), D(1))
    assert (outside.value, outside.progress) == (D(32), 1 - D(2) / D(30))


def test_a_range_reaching_into_the_band_can_still_be_reached() -> None:
    # Paces 2/7, 2, 2/7 (readings 22, 24, 38, 40): the fastest pace overshoots, the slowest
    # stays inside; the best case is the band itself.
    points = [(day(0), D(22)), (day(7), D(24)), (day(14), D(38)), (day(21), D(40))]
    result = forecast(points, Kind.STAY_BETWEEN, D(0), D(20), D(50), day(35), day(21))
    assert result.low < D(50) < result.high
    assert result.progress_high == 1


def test_display_step_follows_the_scale_of_the_key_result() -> None:
    assert display_step(D(4), D(1)) == D("0.1")
    assert display_step(D(50000), D(100000)) == D(1000)
    assert display_step(D(0), D(95)) == D(1)
    assert display_step(D(0), D(0)) == D("0.01")
    assert round_to(D("1.4567"), D("0.1")) == D("1.5")
    assert str(round_to(D("73456"), D(1000))) == "73000"


# Properties ---------------------------------------------------------------------------

KINDS = [k.value for k in Kind]
values = st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False)
offsets = st.integers(min_value=0, max_value=400)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(offsets, values), max_size=12),
    st.sampled_from(KINDS),
    values,
    values,
    st.none() | values,
    offsets,
    offsets,
)
def test_it_never_raises_and_its_range_holds_the_forecast(
    readings: list[tuple[int, Decimal]],
    kind: str,
    start: Decimal,
    target: Decimal,
    target_max: Decimal | None,
    end: int,
    today: int,
) -> None:
    result = forecast(
        [(day(n), v) for n, v in readings], kind, start, target, target_max, day(end), day(today)
    )
    assert result.low <= result.value <= result.high
    assert 0 <= result.progress_low <= result.progress <= result.progress_high <= 1


@settings(max_examples=200)
@given(
    st.sets(st.integers(min_value=0, max_value=300), min_size=2, max_size=10),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-100, max_value=100, places=2),
    st.integers(min_value=1, max_value=200),
)
def test_a_perfectly_straight_history_has_a_range_of_zero_width(
    days: set[int], intercept: Decimal, slope: Decimal, ahead: int
) -> None:
    last = max(days)
    points = [(day(n), intercept + slope * n) for n in sorted(days)]
    result = forecast(
        points, Kind.INCREASE, D(0), D(1), None, end=day(last + ahead), today=day(last)
    )
    assert result.low == result.value == result.high
    assert result.value == intercept + slope * (last + ahead)
