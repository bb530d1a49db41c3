"""Score statistics for ambition calibration and reports: histograms, means, flags.

Pure Python on Decimals, with no Django import, on ``cible.lib.okrmath``'s score step.

- A histogram has ten bins of 0.1: bin ``i`` holds the scores ``i/10 <= s < (i+1)/10``,
  and the last bin also holds 1.0. The method's target, 0.6-0.7, is bin 6: a score of
  exactly 0.7 falls in the next bin.
- A group (a team, or the organisation) is flagged from the mean of its objective scores
  in each closed cycle where it has scored objectives: with at least ``MIN_CYCLES`` such
  cycles, every mean at or above 0.9 means "not ambitious enough", every mean at or below
  0.3 means "over-reaching".
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from cible.lib import okrmath

BINS = 10
TARGET_BIN = 6  # 0.6 - 0.7
SANDBAGGING_FLOOR = Decimal("0.9")
OVERREACH_CEILING = Decimal("0.3")
MIN_CYCLES = 2


class Flag(StrEnum):
    NOT_AMBITIOUS = "not_ambitious"
    OVER_REACHING = "over_reaching"


def bin_index(score: Decimal) -> int:
    """The bin of a score on the 0-1 scale (out-of-range scores go to the end bins)."""
    return max(0, min(BINS - 1, int(score * BINS)))


def bin_bounds(index: int) -> tuple[Decimal, Decimal]:
    return Decimal(index) / BINS, Decimal(index + 1) / BINS


def histogram(scores: Iterable[Decimal]) -> list[int]:
    counts = [0] * BINS
    for score in scores:
        counts[bin_index(score)] += 1
    return counts


def mean(values: Iterable[Decimal]) -> Decimal | None:
    """The plain mean to two decimals, or None when there is nothing to average."""
    values = list(values)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(okrmath.SCORE_STEP)


def ambition_flag(cycle_means: Iterable[Decimal]) -> Flag | None:
    means = list(cycle_means)
    if len(means) < MIN_CYCLES:
        return None
    if all(m >= SANDBAGGING_FLOOR for m in means):
        return Flag.NOT_AMBITIOUS
    if all(m <= OVERREACH_CEILING for m in means):
        return Flag.OVER_REACHING
    return None


@dataclass(frozen=True)
class GroupStats:
    """One team's (or the organisation's) scores over the closed cycles."""

    objective_counts: list[int]
    kr_counts: list[int]
    objective_total: int
    kr_total: int
    mean: Decimal | None
    cycle_means: dict[Hashable, Decimal]  # cycle key -> mean objective score
    flag: Flag | None


def group_stats[C: Hashable](
    objective_scores: Mapping[C, list[Decimal]], kr_scores: Iterable[Decimal]
) -> GroupStats:
    """Statistics of one group from its objective scores by cycle and its KR scores."""
    kr_list = list(kr_scores)
    all_scores = [s for scores in objective_scores.values() for s in scores]
    cycle_means: dict[Hashable, Decimal] = {}
    for cycle, scores in objective_scores.items():
        value = mean(scores)
        if value is not None:
            cycle_means[cycle] = value
    return GroupStats(
        objective_counts=histogram(all_scores),
        kr_counts=histogram(kr_list),
        objective_total=len(all_scores),
        kr_total=len(kr_list),
        mean=mean(all_scores),
        cycle_means=cycle_means,
        flag=ambition_flag(cycle_means.values()),
    )


@dataclass
class Tally:
    """Scores added up: how many, their sum and their histogram. Sums of scores (two
    decimals) are exact, so a tally's mean is the mean of the scores it was made of."""

    count: int = 0
    total: Decimal = Decimal(0)
    bins: list[int] = field(default_factory=lambda: [0] * BINS)

    def add(self, score: Decimal, times: int = 1) -> None:
        self.count += times
        self.total += score * times
        self.bins[bin_index(score)] += times

    def merge(self, count: int, total: Decimal, bins: Iterable[int]) -> None:
        self.count += count
        self.total += total
        self.bins = [a + b for a, b in zip(self.bins, bins, strict=True)]

    @property
    def mean(self) -> Decimal | None:
        if not self.count:
            return None
        return (self.total / self.count).quantize(okrmath.SCORE_STEP)


def tally_stats[C: Hashable](objectives: Mapping[C, Tally], key_results: Tally) -> GroupStats:
    """`group_stats` from tallies: the same statistics, figure for figure."""
    whole = Tally()
    cycle_means: dict[Hashable, Decimal] = {}
    for cycle, tally in objectives.items():
        whole.merge(tally.count, tally.total, tally.bins)
        if tally.mean is not None:
            cycle_means[cycle] = tally.mean
    return GroupStats(
        objective_counts=whole.bins,
        kr_counts=list(key_results.bins),
        objective_total=whole.count,
        kr_total=key_results.count,
        mean=whole.mean,
        cycle_means=cycle_means,
        flag=ambition_flag(cycle_means.values()),
    )
