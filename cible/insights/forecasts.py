"""Forecasts of key results from their check-ins (the method: `cible.lib.forecast`), and
the "needs attention" list: the KRs whose forecast falls short, the furthest first."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from cible.checkins.models import CheckIn
from cible.lib import forecast as method
from cible.lib.forecast import Basis, Forecast
from cible.okrs.models import KeyResult, KRKind, Objective
from cible.okrs.queries import live_key_results

type History = Mapping[int, Sequence[tuple[datetime, Decimal]]]


def check_in_history(kr_ids: Iterable[int]) -> dict[int, list[tuple[datetime, Decimal]]]:
    """Every check-in of these KRs as (local time, value), oldest first, in one query."""
    history: dict[int, list[tuple[datetime, Decimal]]] = defaultdict(list)
    ids = sorted(set(kr_ids))
    if not ids:
        return history
    rows = (
        CheckIn.objects.filter(key_result_id__in=ids)
        .order_by("created_at", "id")
        .values_list("key_result_id", "created_at", "value")
    )
    for kr_id, created_at, value in rows:
        history[kr_id].append((timezone.localtime(created_at), value))
    return history


def is_forecast(kr: KeyResult) -> bool:
    """A KR with a forecast of its own: measured (not a milestone), followed by check-ins
    (not driven by another objective) and still running (not cancelled or archived)."""
    return (
        kr.kind != KRKind.MILESTONE
        and kr.driven_by_id is None
        and kr.cancelled_at is None
        and kr.archived_at is None
    )


def forecast_for(
    kr: KeyResult, points: Sequence[tuple[datetime, Decimal]], today: date | None = None
) -> Forecast:
    """`kr.objective.cycle` must be loaded (the KR's span ends with its cycle)."""
    _start, end = kr.span()
    return method.forecast(
        points,
        kr.kind,
        kr.start,
        kr.target,
        kr.target_max,
        end=end,
        today=today or timezone.localdate(),
        current=kr.current,
    )


def forecasts(
    krs: Iterable[KeyResult], today: date | None = None, history: History | None = None
) -> dict[int, Forecast]:
    """Forecasts of the KRs that have one, by KR id, from one query for their check-ins
    (none when `history` is given)."""
    chosen = [kr for kr in krs if is_forecast(kr)]
    if history is None:
        history = check_in_history(kr.pk for kr in chosen)
    return {kr.pk: forecast_for(kr, history.get(kr.pk, ()), today) for kr in chosen}


@dataclass(frozen=True)
class Attention:
    kr: KeyResult
    forecast: Forecast

    @property
    def shortfall(self) -> Decimal:
        return self.forecast.shortfall

    @property
    def view(self) -> "ForecastView":
        return forecast_view(self.kr, self.forecast)


def needs_attention(
    krs: Iterable[KeyResult],
    today: date | None = None,
    by_kr: Mapping[int, Forecast] | None = None,
) -> list[Attention]:
    """The KRs whose forecast progress falls short of 1 (a KR fully reached at its end),
    the largest shortfall first; on a tie, the one whose best case is lowest first."""
    krs = list(krs)
    if by_kr is None:
        by_kr = forecasts(krs, today)
    items = [
        Attention(kr, by_kr[kr.pk])
        for kr in krs
        if kr.pk in by_kr and by_kr[kr.pk].basis is not Basis.MILESTONE
    ]
    short = [item for item in items if item.shortfall > 0]
    return sorted(short, key=lambda a: (-a.shortfall, a.forecast.progress_high, a.kr.pk))


@dataclass(frozen=True)
class ForecastView:
    """A forecast as a person reads it: values rounded to the KR's scale."""

    kr: KeyResult
    forecast: Forecast
    value: Decimal
    low: Decimal
    high: Decimal
    end: date

    @property
    def has_range(self) -> bool:
        return self.low != self.high

    @property
    def basis(self) -> str:
        return self.forecast.basis.value


def forecast_view(kr: KeyResult, forecast: Forecast) -> ForecastView:
    step = method.display_step(kr.start, kr.target, kr.target_max)
    low, high = (method.round_to(v, step) for v in (forecast.low, forecast.high))
    return ForecastView(
        kr, forecast, method.round_to(forecast.value, step), low, high, kr.span()[1]
    )


# Objectives ------------------------------------------------------------------------------

# How a key result's share of its objective's forecast was found, as the page says it.
TREND, NO_TREND, FINAL = "trend", "no_trend", "final"
MILESTONE_DONE, MILESTONE_OPEN, MILESTONE_MISSED = "milestone_done", "milestone_open", "missed"
DRIVEN = "driven"

ONE, ZERO = Decimal(1), Decimal(0)


@dataclass(frozen=True)
class KRShare:
    """A key result's part in its objective's forecast, and how it was found (`how`)."""

    kr: KeyResult
    share: method.Share
    how: str
    n_points: int = 0
    driven_by: Objective | None = None


@dataclass(frozen=True)
class ObjectiveForecast:
    """The weighted forecast of an objective at its cycle's end, with its range, and the
    key results' shares it is made of (`cible.lib.forecast.combine`)."""

    objective: Objective
    progress: Decimal
    low: Decimal
    high: Decimal
    shares: list[KRShare]

    @property
    def total_weight(self) -> Decimal:
        return sum((s.share.weight for s in self.shares), ZERO)

    @property
    def has_range(self) -> bool:
        return self.low != self.high


# Alignment is at most this deep below the objectives shown (company > team > person,
# with room for same-level alignments): a bound on the queries, as no cycle is possible.
DRIVEN_DEPTH = 6


def _driven_children(
    objectives: list[Objective], loaded: Iterable[Objective] = ()
) -> dict[int, Objective]:
    """The objectives the key results of `objectives` are driven by, and theirs, down the
    alignment, with their live key results: two queries a level (none for those already
    `loaded`)."""
    known = {o.pk: o for o in loaded}
    known.update((o.pk, o) for o in objectives)
    level = list(objectives)
    seen = {o.pk for o in level}
    for _level in range(DRIVEN_DEPTH):
        # The drivers of this level: those loaded already are followed too, down to theirs.
        wanted = _driven_ids(level) - seen
        if not wanted:
            break
        seen |= wanted
        missing = wanted - known.keys()
        if missing:
            found = (
                Objective.objects.filter(pk__in=missing)
                .select_related("cycle")
                .prefetch_related(
                    Prefetch("key_results", queryset=live_key_results(related=("owner",)))
                )
            )
            known.update((o.pk, o) for o in found)
        level = [known[pk] for pk in wanted if pk in known]
    return known


def _driven_ids(objectives: Iterable[Objective]) -> set[int]:
    return {kr.driven_by_id for o in objectives for kr in o.key_results.all() if kr.driven_by_id}


def objective_forecasts(
    objectives: Iterable[Objective],
    today: date | None = None,
    history: History | None = None,
    loaded: Iterable[Objective] = (),
) -> dict[int, ObjectiveForecast]:
    """Forecasts of objectives whose live key results and cycle are loaded (as
    `visible_objectives` reads them), by objective id, rolled up the alignment: in a
    constant number of queries (the check-ins once, two a level of driven objectives not
    among those already `loaded`)."""
    today = today or timezone.localdate()
    objectives = list(objectives)
    known = _driven_children(objectives, loaded)
    if history is None:
        krs = [kr for o in known.values() for kr in o.key_results.all() if is_forecast(kr)]
        history = check_in_history(kr.pk for kr in krs)
    done: dict[int, ObjectiveForecast] = {}

    def of(objective: Objective) -> ObjectiveForecast:
        if objective.pk in done:
            return done[objective.pk]
        shares = []
        for kr in objective.key_results.all():
            kr.objective = objective  # the same, already read: its cycle ends the KR's span
            shares.append(_share(kr, known, history, today, of))
        combined = method.combine(s.share for s in shares)
        result = ObjectiveForecast(
            objective, combined.progress, combined.low, combined.high, shares
        )
        done[objective.pk] = result
        return result

    return {o.pk: of(o) for o in objectives}


def _share(
    kr: KeyResult,
    known: Mapping[int, Objective],
    history: History,
    today: date,
    of: Callable[[Objective], ObjectiveForecast],
) -> KRShare:
    weight = kr.weight
    if kr.driven_by_id is not None:
        child = known.get(kr.driven_by_id)
        if child is None:  # deeper than followed: its progress only
            return KRShare(kr, method.Share(weight, ZERO, ZERO, ONE), DRIVEN)
        rolled = of(child)
        share = method.Share(weight, rolled.progress, rolled.low, rolled.high)
        return KRShare(kr, share, DRIVEN, driven_by=child)
    if kr.kind == KRKind.MILESTONE:
        if kr.current >= 1:
            return KRShare(kr, method.Share(weight, ONE, ONE, ONE), MILESTONE_DONE)
        if kr.span()[1] <= today:
            return KRShare(kr, method.Share(weight, ZERO, ZERO, ZERO), MILESTONE_MISSED)
        return KRShare(kr, method.Share(weight, ZERO, ZERO, ONE), MILESTONE_OPEN)
    f = forecast_for(kr, history.get(kr.pk, ()), today)
    how = {Basis.TREND: TREND, Basis.NO_TREND: NO_TREND}.get(f.basis, FINAL)
    share = method.Share(weight, f.progress, f.progress_low, f.progress_high)
    return KRShare(kr, share, how, n_points=f.n_points)


def _percent(fraction: Decimal) -> str:
    return f"{number_format(round(fraction * 100), force_grouping=True)}\u00a0%"


def explain(forecast: ObjectiveForecast) -> str:
    """The objective's forecast as a sentence with its sum, in the active language."""
    if not forecast.shares:
        return gettext("No key result yet: nothing to forecast.")
    terms = " + ".join(
        f"{_percent(s.share.progress)} × {number_format(s.share.weight.normalize())}"
        for s in forecast.shares
    )
    total = number_format(forecast.total_weight.normalize())
    return gettext(
        "The mean of its key results' forecasts, each counted as many times as its weight: "
        "(%(terms)s) ÷ %(total)s = %(progress)s; the same mean of their lowest and highest "
        "forecasts gives %(low)s to %(high)s."
    ) % {
        "terms": terms,
        "total": total,
        "progress": _percent(forecast.progress),
        "low": _percent(forecast.low),
        "high": _percent(forecast.high),
    }
