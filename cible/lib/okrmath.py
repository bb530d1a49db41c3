"""The OKR math: progress, roll-up, pace, status and scores.

Pure Python on Decimals, with no Django import, so that the web app, the API, the CLI and
the property tests all share exactly the same arithmetic.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)


class Kind(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    STAY_ABOVE = "stay_above"
    STAY_BELOW = "stay_below"
    STAY_BETWEEN = "stay_between"
    MILESTONE = "milestone"


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class Band(StrEnum):
    LOW = "low"  # 0.0 - 0.3: missed
    MID = "mid"  # 0.4 - 0.6: progress made, short of the target
    HIGH = "high"  # 0.7 - 1.0: delivered


class MathError(ValueError):
    """Impossible input, with the name of the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = ONE) -> Decimal:
    return max(low, min(high, value))


def _shortfall(distance: Decimal, reference: Decimal) -> Decimal:
    """Progress left once a threshold is missed by `distance`: 1 minus the relative miss."""
    scale = abs(reference) if reference else ONE
    return clamp(ONE - distance / scale)


def raw_progress(
    kind: Kind | str,
    start: Decimal,
    target: Decimal,
    current: Decimal,
    target_max: Decimal | None = None,
) -> Decimal:
    """Progress of one KR, not clamped: above 1 shows over-achievement, below 0 regress.

    `target` is the goal of an increase/decrease KR, the floor of stay-above, the ceiling
    of stay-below and the lower bound of stay-between (whose upper bound is `target_max`).
    A milestone is done when `current` is 1 or more.
    """
    kind = Kind(kind)
    if kind is Kind.INCREASE:
        if target == start:
            raise MathError("target", "The target must differ from the start value.")
        if target < start:
            raise MathError("target", "An increase needs a target above the start value.")
        return (current - start) / (target - start)
    if kind is Kind.DECREASE:
        if target == start:
            raise MathError("target", "The target must differ from the start value.")
        if target > start:
            raise MathError("target", "A decrease needs a target below the start value.")
        return (start - current) / (start - target)
    if kind is Kind.STAY_ABOVE:
        return ONE if current >= target else _shortfall(target - current, target)
    if kind is Kind.STAY_BELOW:
        return ONE if current <= target else _shortfall(current - target, target)
    if kind is Kind.STAY_BETWEEN:
        if target_max is None:
            raise MathError("target_max", "A range needs an upper bound.")
        if target_max < target:
            raise MathError("target_max", "The upper bound must not be below the lower bound.")
        if current < target:
            return _shortfall(target - current, target)
        if current > target_max:
            return _shortfall(current - target_max, target_max)
        return ONE
    return ONE if current >= ONE else ZERO


def progress(
    kind: Kind | str,
    start: Decimal,
    target: Decimal,
    current: Decimal,
    target_max: Decimal | None = None,
) -> Decimal:
    """Progress clamped to [0, 1], the value that rolls up."""
    return clamp(raw_progress(kind, start, target, current, target_max))


def weighted_mean(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Mean of (weight, progress) pairs; zero when there is nothing to weigh."""
    total_weight = ZERO
    total = ZERO
    for weight, value in items:
        if weight <= 0:
            raise MathError("weight", "Weights must be greater than zero.")
        total_weight += weight
        total += weight * value
    return total / total_weight if total_weight else ZERO


@dataclass(frozen=True)
class KRInput:
    """One KR as the roll-up sees it: its own progress, or the objective that drives it."""

    weight: Decimal
    progress: Decimal = ZERO
    driven_by: Hashable | None = None


def rollup[K: Hashable](objectives: Mapping[K, Iterable[KRInput]]) -> dict[K, Decimal]:
    """Progress of every objective: the weighted mean of its KRs, where a KR driven by a
    child objective counts with that child's progress. A driving objective missing from
    the mapping counts as 0; a loop in the graph is an error."""
    result: dict[K, Decimal] = {}
    visiting: set[K] = set()

    def visit(key: K) -> Decimal:
        if key in result:
            return result[key]
        if key not in objectives:
            return ZERO
        if key in visiting:
            raise MathError("driven_by", "Objectives cannot drive each other in a loop.")
        visiting.add(key)
        pairs = [
            (kr.weight, clamp(kr.progress) if kr.driven_by is None else visit(kr.driven_by))  # type: ignore[arg-type]
            for kr in objectives[key]
        ]
        visiting.discard(key)
        result[key] = weighted_mean(pairs)
        return result[key]

    for key in objectives:
        visit(key)
    return result


def expected_progress(start: date, end: date, at: date) -> Decimal:
    """The share of the time span elapsed at `at`: where a KR on pace would be."""
    if end <= start:
        raise MathError("end", "The end must come after the start.")
    elapsed = (min(max(at, start), end) - start).days
    return Decimal(elapsed) / Decimal((end - start).days)


@dataclass(frozen=True)
class Thresholds:
    """When a KR turns at risk or off track: a gap behind the expected pace (in points of
    progress, 0-1) or a confidence (0-10) at or below the given level."""

    at_risk_gap: Decimal = Decimal("0.15")
    off_track_gap: Decimal = Decimal("0.30")
    at_risk_confidence: int = 5
    off_track_confidence: int = 3


def status(
    progress_value: Decimal,
    expected: Decimal,
    confidence: int | None = None,
    thresholds: Thresholds = Thresholds(),
) -> Status:
    gap = expected - clamp(progress_value)
    low_confidence: Callable[[int], bool] = lambda level: (  # noqa: E731
        confidence is not None and confidence <= level
    )
    if gap >= thresholds.off_track_gap or low_confidence(thresholds.off_track_confidence):
        return Status.OFF_TRACK
    if gap >= thresholds.at_risk_gap or low_confidence(thresholds.at_risk_confidence):
        return Status.AT_RISK
    return Status.ON_TRACK


SCORE_STEP = Decimal("0.01")


def proposed_score(progress_value: Decimal) -> Decimal:
    """The score proposed at close: progress on the 0-1 scale, to two decimals."""
    return clamp(progress_value).quantize(SCORE_STEP)


def band(score: Decimal) -> Band:
    """Colour band of a score: 0-0.3 missed, 0.4-0.6 progress, 0.7-1.0 delivered."""
    if score < Decimal("0.4"):
        return Band.LOW
    if score < Decimal("0.7"):
        return Band.MID
    return Band.HIGH


def creates_cycle[K: Hashable](parents_of: Callable[[K], Iterable[K]], child: K, parent: K) -> bool:
    """Would making `parent` a parent of `child` make `child` its own ancestor?"""
    stack = [parent]
    seen: set[K] = set()
    while stack:
        node = stack.pop()
        if node == child:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(parents_of(node))
    return False
