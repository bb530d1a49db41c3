"""Where a key result is heading: a straight line through its recent check-ins.

Pure Python with no Django import, like ``okrmath``. The method fits in a few sentences,
so that anyone can check a forecast with a calculator:

1. Readings count by day: the last reading of each day, up to today. The window is the
   latest ``WINDOW`` (6) days with a reading.
2. With two days or more, fit the least-squares line ``value = a + b * day`` through the
   window. ``b`` is the pace (``slope_per_day``); the forecast is the line read on the
   end date.
3. The range carries the line on from the latest reading at the slowest and at the
   fastest pace seen between two consecutive readings of the window:
   ``low = forecast + (b_min - b) * days_left`` and ``high = forecast + (b_max - b) *
   days_left``. The least-squares pace is a weighted mean of those paces (with weights
   that are never negative), so the range always holds the forecast, and a history on a
   perfectly straight line has a single pace and a range of zero width.
4. With fewer than two days of readings there is no trend: the forecast is the current
   value, and the range spans everything from the start to the target(s) and the
   current value.
5. When the end date is today or past, the result is in: the latest value, no range.
6. A milestone is done or not: no forecast, the latest value.

An objective's forecast is the weighted mean of its key results' forecast progress, and
its range the weighted means of their lows and of their highs (`combine`): a key result
weighing 2 counts twice. A milestone not done yet weighs in at 0 with a range up to 1
(it may still be done) until its end, at 0 after; a key result driven by an aligned
objective brings that objective's forecast, so forecasts roll up the alignment as
progress does.

The forecast progress is the KR's progress (clamped to 0-1, through ``okrmath``) at the
forecast value, and at the values of the range. For a stay-above, stay-below or
stay-between KR, that is whether the value is on course to be within its bounds at the
end. Arithmetic runs on exact fractions; results come out as Decimals.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from cible.lib import okrmath
from cible.lib.okrmath import Kind

__all__ = [
    "WINDOW",
    "Basis",
    "Combined",
    "Forecast",
    "Share",
    "combine",
    "display_step",
    "forecast",
    "round_to",
]

WINDOW = 6
ZERO = Decimal(0)


class Basis(StrEnum):
    TREND = "trend"  # a line through two days of readings or more
    NO_TREND = "no_trend"  # fewer than two days of readings
    FINAL = "final"  # the end date has come: the latest value is the result
    MILESTONE = "milestone"  # done or not: nothing to project


@dataclass(frozen=True)
class Forecast:
    value: Decimal
    low: Decimal
    high: Decimal
    progress: Decimal
    progress_low: Decimal
    progress_high: Decimal
    slope_per_day: Decimal
    n_points: int  # days of readings the forecast rests on
    basis: Basis = Basis.TREND

    @property
    def shortfall(self) -> Decimal:
        """How far the forecast progress falls short of a KR fully reached."""
        return okrmath.ONE - self.progress


type Moment = datetime | date


def _day(moment: Moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _decimal(number: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 28
        return Decimal(number.numerator) / Decimal(number.denominator)


def _daily(points: Iterable[tuple[Moment, Decimal]], today: date) -> list[tuple[int, Decimal]]:
    """(day number, value) of the last reading of each day up to today, oldest first."""
    readings = sorted(
        ((moment, index, value) for index, (moment, value) in enumerate(points)),
        key=lambda item: (
            _day(item[0]),
            item[0].time() if isinstance(item[0], datetime) else datetime.min.time(),
            item[1],
        ),
    )
    by_day: dict[int, Decimal] = {}
    for moment, _index, value in readings:
        if _day(moment) <= today and value.is_finite():
            by_day[_day(moment).toordinal()] = value  # a later reading of the day wins
    return sorted(by_day.items())


def _progress(
    kind: Kind, start: Decimal, target: Decimal, tmax: Decimal | None, v: Decimal
) -> Decimal:
    try:
        return okrmath.progress(kind, start, target, v, tmax)
    except okrmath.MathError:
        return ZERO


def _progress_range(
    kind: Kind, start: Decimal, target: Decimal, tmax: Decimal | None, low: Decimal, high: Decimal
) -> tuple[Decimal, Decimal]:
    """The least and the most progress any value between low and high gives."""
    ends = (_progress(kind, start, target, tmax, low), _progress(kind, start, target, tmax, high))
    best = max(ends)
    if kind is Kind.STAY_BETWEEN and tmax is not None and low <= tmax and high >= target:
        best = okrmath.ONE  # the range reaches into the band
    return min(ends), best


def _fit(days: list[tuple[int, Decimal]]) -> tuple[Fraction, Fraction, list[Fraction]]:
    """Least-squares (intercept, slope) through the points, and the pace between each pair
    of consecutive points."""
    xs = [Fraction(x - days[0][0]) for x, _v in days]
    ys = [Fraction(v) for _x, v in days]
    n = len(xs)
    mean_x, mean_y = sum(xs, Fraction(0)) / n, sum(ys, Fraction(0)) / n
    sxx = sum(((x - mean_x) ** 2 for x in xs), Fraction(0))
    sxy = sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), Fraction(0))
    slope = sxy / sxx
    paces = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(n - 1)]
    return mean_y - slope * mean_x, slope, paces


def forecast(
    points: Iterable[tuple[Moment, Decimal]],
    kind: Kind | str,
    start: Decimal,
    target: Decimal,
    target_max: Decimal | None,
    end: date,
    today: date,
    current: Decimal | None = None,
) -> Forecast:
    """The forecast of a KR's value and progress on its end date (see the module's
    docstring). `current` stands for the value when there is no reading (the start when
    not given)."""
    kind = Kind(kind)
    days = _daily(points, today)
    latest = days[-1][1] if days else (current if current is not None else start)

    def make(value: Decimal, low: Decimal, high: Decimal, slope: Decimal, basis: Basis) -> Forecast:
        p_low, p_high = _progress_range(kind, start, target, target_max, low, high)
        return Forecast(
            value=value,
            low=low,
            high=high,
            progress=_progress(kind, start, target, target_max, value),
            progress_low=p_low,
            progress_high=p_high,
            slope_per_day=slope,
            n_points=min(len(days), WINDOW),
            basis=basis,
        )

    if kind is Kind.MILESTONE:
        return make(latest, latest, latest, ZERO, Basis.MILESTONE)
    if end <= today:
        return make(latest, latest, latest, ZERO, Basis.FINAL)
    window = days[-WINDOW:]
    if len(window) < 2:
        references = [start, target, latest] + ([target_max] if target_max is not None else [])
        return make(latest, min(references), max(references), ZERO, Basis.NO_TREND)
    intercept, slope, paces = _fit(window)
    last_x = window[-1][0] - window[0][0]
    end_x = end.toordinal() - window[0][0]
    value = intercept + slope * end_x
    days_left = end_x - last_x
    low = value + (min(paces) - slope) * days_left
    high = value + (max(paces) - slope) * days_left
    return make(_decimal(value), _decimal(low), _decimal(high), _decimal(slope), Basis.TREND)


def display_step(start: Decimal, target: Decimal, target_max: Decimal | None = None) -> Decimal:
    """How finely to show a forecast: the largest power of ten within a twentieth of the
    KR's scale (its start-to-target distance, else its largest bound), e.g. 0.1 h for a KR
    from 4 h to 1 h, 1,000 visitors for one from 50,000 to 100,000."""
    scale = abs(target - start) or max(abs(target), abs(target_max or ZERO)) or Decimal(1)
    step = Decimal(1).scaleb((scale / 20).adjusted())
    return max(step, Decimal("0.0001"))


def round_to(value: Decimal, step: Decimal) -> Decimal:
    """`value` to the nearest multiple of `step` (a power of ten), without an exponent."""
    rounded = (value / step).to_integral_value() * step
    return rounded.quantize(step if step < 1 else Decimal(1))


@dataclass(frozen=True)
class Share:
    """One key result's part in its objective's forecast: its weight and its forecast
    progress with the range, each from 0 to 1."""

    weight: Decimal
    progress: Decimal
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Combined:
    progress: Decimal
    low: Decimal
    high: Decimal


def combine(shares: Iterable[Share]) -> Combined:
    """The weighted means of the shares' progress, lows and highs (0 without any weight),
    computed on exact fractions."""
    shares = list(shares)
    total = sum((Fraction(s.weight) for s in shares), Fraction(0))
    if total <= 0:
        return Combined(ZERO, ZERO, ZERO)

    def mean(part: str) -> Decimal:
        weighted = sum(
            (Fraction(s.weight) * Fraction(getattr(s, part)) for s in shares), Fraction(0)
        )
        return _decimal(weighted / total)

    return Combined(mean("progress"), mean("low"), mean("high"))
