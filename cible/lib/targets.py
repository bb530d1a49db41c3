"""A target for a key result being written, expected to land at a score of about 0.65.

Pure Python with no Django import, like ``forecast``. The method, checkable by hand:

1. Only a key result that moves a number has a target to suggest: an increase or a
   decrease. A stay-above, stay-below or stay-between one keeps a bound, a milestone is
   done or not.
2. Two pieces of evidence say how far the team will likely move the number this cycle
   (its *reach*, counted from the start towards the target):
   - the team's calibration: the mean final score ``m`` of its closed cycles. A team that
     scored ``m`` reaches ``m`` of the distance it aims at, so with the typed target the
     reach is ``m * |target - start|``;
   - the metric's pace: how far the same number moved during the last cycle (a key result
     carried over or a similar one, or a KPI), in the key result's direction. A pace that
     went the wrong way says nothing about the reach and is left out.
   With both, the reach is their mean.
3. The suggested target lies ``reach / 0.65`` from the start, in the key result's
   direction, rounded to the key result's scale (``forecast.display_step``); reaching
   ``reach`` of it is a score of 0.65. A decrease from a number that is not negative
   stops at 0, and a percentage rising from 100 % or less stops at 100 %.
4. No evidence, no suggestion, with the reason (``Outcome``).
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from cible.lib import okrmath
from cible.lib.forecast import display_step, round_to
from cible.lib.okrmath import Kind

__all__ = ["AIM", "BAND", "Outcome", "Suggestion", "suggest"]

AIM = Decimal("0.65")
BAND = (Decimal("0.6"), Decimal("0.7"))
ZERO = Decimal(0)
HUNDRED = Decimal(100)
PERCENT_UNITS = frozenset({"%", "pct", "percent", "pourcent"})


class Outcome(StrEnum):
    SUGGESTED = "suggested"
    NOT_MOVING = "not_moving"  # a stay-above, stay-below or stay-between key result
    MILESTONE = "milestone"  # done or not
    NO_HISTORY = "no_history"  # neither a scored closed cycle nor a pace of the metric
    NO_DISTANCE = "no_distance"  # only the calibration, and a target equal to the start


@dataclass(frozen=True)
class Suggestion:
    outcome: Outcome
    target: Decimal | None = None
    reach: Decimal | None = None  # how far the number likely moves, from the start
    mean_score: Decimal | None = None  # the calibration used, if any
    pace: Decimal | None = None  # the metric's pace used (in the KR's direction), if any
    # The expected score at the typed target (capped at 1), when there is a typed distance.
    expected_score: Decimal | None = None
    # The suggested target against the typed one: (suggested - typed) / |typed|, or None
    # when the typed target is 0 or equals the start.
    change: Decimal | None = None

    @property
    def in_band(self) -> bool:
        """The typed target already lands within 0.6-0.7."""
        score = self.expected_score
        return score is not None and BAND[0] <= score <= BAND[1]


def suggest(
    kind: Kind | str,
    start: Decimal,
    target: Decimal | None,
    mean_score: Decimal | None = None,
    pace: Decimal | None = None,
    unit: str = "",
) -> Suggestion:
    """The suggestion for a KR of `kind` from `start` with the typed `target` (None when
    none is typed yet), the team's mean score of its closed cycles (0 to 1), and the
    metric's signed change over the last cycle (`pace`, in the KR's unit)."""
    kind = Kind(kind)
    if kind is Kind.MILESTONE:
        return Suggestion(Outcome.MILESTONE)
    if kind not in (Kind.INCREASE, Kind.DECREASE):
        return Suggestion(Outcome.NOT_MOVING)
    direction = 1 if kind is Kind.INCREASE else -1
    forward = None if pace is None else pace * direction
    if forward is not None and forward <= 0:
        forward = None  # the number went the wrong way: no measure of a reach
    if mean_score is not None:
        mean_score = okrmath.clamp(mean_score)
    distance = None if target is None else abs(target - start)
    if distance == 0:
        distance = None
    reaches = []
    if mean_score is not None and distance is not None:
        reaches.append(mean_score * distance)
    if forward is not None:
        reaches.append(forward)
    if not reaches:
        if mean_score is not None:
            return Suggestion(Outcome.NO_DISTANCE, mean_score=mean_score)
        return Suggestion(Outcome.NO_HISTORY)
    reach = sum(reaches, ZERO) / len(reaches)
    raw = start + direction * reach / AIM
    raw = _bounded(kind, start, raw, unit)
    if raw == start:  # bounded back to the start: nothing to aim at
        return Suggestion(Outcome.NO_DISTANCE, mean_score=mean_score)
    step = display_step(start, raw)
    suggested = round_to(raw, step)
    if suggested == start:  # too small a move to show at the KR's scale
        suggested = raw
    expected = None
    if distance is not None:
        expected = min(reach / distance, okrmath.ONE)
    change = None
    if target is not None and target != 0 and distance is not None:
        change = (suggested - target) / abs(target)
    return Suggestion(
        Outcome.SUGGESTED,
        target=suggested,
        reach=reach,
        mean_score=mean_score if distance is not None else None,
        pace=forward,
        expected_score=expected,
        change=change,
    )


def _bounded(kind: Kind, start: Decimal, raw: Decimal, unit: str) -> Decimal:
    if kind is Kind.DECREASE and start >= 0 and raw < 0:
        return ZERO
    if kind is Kind.INCREASE and unit.strip().lower() in PERCENT_UNITS and start <= HUNDRED:
        return min(raw, HUNDRED)
    return raw
