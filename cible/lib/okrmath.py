"""The OKR math: progress, roll-up, pace, status and scores.

Pure Python on Decimals, with no Django import, so that the web app, the API, the CLI and
the property tests all share exactly the same arithmetic.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

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
    """In the order the dashboards and reports list them."""

    REACHED = "reached"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_STARTED = "not_started"


# From best to worst, for "the worst of" and "worst first": a key result not started yet
# is no good news, but no alarm either.
SEVERITY = {
    Status.REACHED: 0,
    Status.ON_TRACK: 1,
    Status.NOT_STARTED: 2,
    Status.AT_RISK: 3,
    Status.OFF_TRACK: 4,
}


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
    """The pace rule alone: progress against the expected pace, and the confidence.

    Close to the target (less than the at-risk gap left to do) the confidence no longer
    counts: what is left is within the margin the organisation allows, and a doubt about
    the last few points is no risk to the key result."""
    done = clamp(progress_value)
    gap = expected - done
    counts = confidence is not None and ONE - done >= thresholds.at_risk_gap
    low_confidence: Callable[[int], bool] = lambda level: (  # noqa: E731
        counts and confidence is not None and confidence <= level
    )
    if gap >= thresholds.off_track_gap or low_confidence(thresholds.off_track_confidence):
        return Status.OFF_TRACK
    if gap >= thresholds.at_risk_gap or low_confidence(thresholds.at_risk_confidence):
        return Status.AT_RISK
    return Status.ON_TRACK


def by_confidence(confidence: int | None, thresholds: Thresholds) -> Status | None:
    """At risk or off track by the confidence alone; None when it raises no doubt."""
    if confidence is None or confidence > thresholds.at_risk_confidence:
        return None
    if confidence <= thresholds.off_track_confidence:
        return Status.OFF_TRACK
    return Status.AT_RISK


class Reason(StrEnum):
    """Why a status is what it is; `cible.okrs.templatetags.okrs.status_reason` says it."""

    NO_CHECK_IN = "no_check_in"  # no reading yet
    NO_KEY_RESULT = "no_key_result"  # an objective without a live key result
    PACE = "pace"  # progress against the expected pace, and the confidence
    TARGET_REACHED = "target_reached"  # an increase or decrease at or past its target
    INSIDE = "inside"  # a stay-above/below/between on the right side of its bounds
    BELOW_FLOOR = "below_floor"
    ABOVE_CEILING = "above_ceiling"
    MILESTONE_DONE = "milestone_done"
    MILESTONE_DUE = "milestone_due"  # not done, its due date still ahead
    MILESTONE_LATE = "milestone_late"  # not done, its due date passed
    OBJECTIVE = "objective"  # an objective: its progress against its key results' pace


@dataclass(frozen=True)
class Facts:
    """The numbers a reason is told with."""

    progress: Decimal = ZERO  # raw: above 1 when over-achieved
    expected: Decimal = ZERO
    confidence: int | None = None
    current: Decimal | None = None
    target: Decimal | None = None
    target_max: Decimal | None = None
    due: date | None = None
    unit: str = ""
    kind: str = ""
    key_results: int = 0  # an objective's: how many count
    counts: tuple[tuple[Status, int], ...] = ()  # an objective's: its key results by status


class Assessment(str):
    """A status and why: equal to the status's value (`"on_track"`), so it compares,
    sorts, keys a dictionary and prints wherever a status did, and carries its reason."""

    status: Status
    reason: Reason
    facts: Facts

    def __new__(cls, status: Status, reason: Reason, facts: Facts = Facts()) -> "Assessment":
        text = super().__new__(cls, status.value)
        text.status, text.reason, text.facts = status, reason, facts
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (Assessment, (self.status, self.reason, self.facts))

    @property
    def value(self) -> str:
        return self.status.value

    @property
    def severity(self) -> int:
        return SEVERITY[self.status]


def worst(statuses: Iterable[Status | str], default: Status = Status.NOT_STARTED) -> Status:
    return max((Status(s) for s in statuses), key=SEVERITY.__getitem__, default=default)


def assess(
    kind: Kind | str,
    start: Decimal,
    target: Decimal,
    current: Decimal,
    target_max: Decimal | None = None,
    *,
    expected: Decimal,
    confidence: int | None = None,
    thresholds: Thresholds = Thresholds(),
    started: bool = True,
    at: date | None = None,
    due: date | None = None,
    unit: str = "",
    driven_progress: Decimal | None = None,
) -> Assessment:
    """The status of one key result and its reason (the rule is told in docs/status.md).

    `started`: the key result has a reading (a check-in, or values given when it was
    made); `expected`: the share of its time span elapsed at `at`; `driven_progress`: the
    progress of the objective that drives it, judged by the pace whatever its kind."""
    kind = Kind(kind)
    if driven_progress is not None:
        raw = driven_progress
    else:
        try:
            raw = raw_progress(kind, start, target, current, target_max)
        except MathError:
            raw = ZERO
    facts = Facts(raw, expected, confidence, current, target, target_max, due, unit, kind.value)
    if not started:
        return Assessment(Status.NOT_STARTED, Reason.NO_CHECK_IN, facts)
    if driven_progress is not None or kind in (Kind.INCREASE, Kind.DECREASE):
        if raw >= ONE:
            return Assessment(Status.REACHED, Reason.TARGET_REACHED, facts)
        return Assessment(status(raw, expected, confidence, thresholds), Reason.PACE, facts)
    if kind is Kind.MILESTONE:
        if current >= ONE:
            return Assessment(Status.REACHED, Reason.MILESTONE_DONE, facts)
        if due is not None and at is not None and at >= due:
            return Assessment(Status.OFF_TRACK, Reason.MILESTONE_LATE, facts)
        # Done or not: before its due date only the owner's confidence tells the risk.
        doubt = by_confidence(confidence, thresholds)
        return Assessment(doubt or Status.ON_TRACK, Reason.MILESTONE_DUE, facts)
    # Stay above, below or between: the side of the bounds the current value is on, and
    # on the right side, the owner's confidence that it stays there.
    if raw >= ONE:
        doubt = by_confidence(confidence, thresholds)
        return Assessment(doubt or Status.REACHED, Reason.INSIDE, facts)
    below = kind is Kind.STAY_ABOVE or (kind is Kind.STAY_BETWEEN and current < target)
    reason = Reason.BELOW_FLOOR if below else Reason.ABOVE_CEILING
    return Assessment(Status.OFF_TRACK, reason, facts)


def assess_objective(
    progress_value: Decimal,
    key_results: Iterable[tuple[Decimal, Decimal, Status | str]],
    thresholds: Thresholds = Thresholds(),
) -> Assessment:
    """An objective's status from its live key results, given as (weight, expected,
    status): its progress (the weighted mean, as shown) against the weighted mean of their
    expected pace, by the same gaps as a key result; confidence is theirs, not its own.
    Not started while none of them is; reached when all of them are."""
    items = list(key_results)
    statuses = [Status(s) for _, _, s in items]
    counts = tuple((s, statuses.count(s)) for s in Status if s in statuses)
    expected = weighted_mean((w, e) for w, e, _ in items) if items else ZERO
    facts = Facts(progress_value, expected, key_results=len(items), counts=counts)
    if not items:
        return Assessment(Status.NOT_STARTED, Reason.NO_KEY_RESULT, facts)
    if all(s is Status.NOT_STARTED for s in statuses):
        return Assessment(Status.NOT_STARTED, Reason.NO_CHECK_IN, facts)
    if all(s is Status.REACHED for s in statuses):
        return Assessment(Status.REACHED, Reason.OBJECTIVE, facts)
    return Assessment(status(progress_value, expected, None, thresholds), Reason.OBJECTIVE, facts)


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
