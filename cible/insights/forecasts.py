"""Forecasts of key results from their check-ins (the method: `cible.lib.forecast`), and
the "needs attention" list: the KRs whose forecast falls short, the furthest first."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from cible.checkins.models import CheckIn
from cible.lib import forecast as method
from cible.lib.forecast import Basis, Forecast
from cible.okrs.models import KeyResult, KRKind

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
