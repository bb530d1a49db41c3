"""The KR page's chart of values over time: cible.lib.svgchart fed with a KR's check-ins,
translated labels and the reader's number and date formats."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cible.checkins.models import CheckIn
from cible.lib.svgchart import ChartLabels, ForecastMark, value_chart
from cible.okrs.models import KeyResult, KRKind
from cible.okrs.templatetags.okrs import value as format_value

if TYPE_CHECKING:
    from cible.insights.forecasts import ForecastView


def _tick_date(day: date) -> str:
    return date_format(day, "MONTH_DAY_FORMAT")


def _long_date(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _number(number: Decimal) -> str:
    return format_value(number)


def _summary(kr: KeyResult, begin: date, end: date) -> str:
    unit = kr.unit
    values = {
        "start": format_value(kr.start, unit),
        "target": format_value(kr.target, unit),
        "target_max": format_value(kr.target_max, unit),
        "begin": _long_date(begin),
        "end": _long_date(end),
    }
    if kr.kind in (KRKind.INCREASE, KRKind.DECREASE):
        text = _("Expected to go from %(start)s to %(target)s between %(begin)s and %(end)s.")
    elif kr.kind == KRKind.STAY_ABOVE:
        text = _("Expected to stay above %(target)s from %(begin)s to %(end)s.")
    elif kr.kind == KRKind.STAY_BELOW:
        text = _("Expected to stay below %(target)s from %(begin)s to %(end)s.")
    elif kr.kind == KRKind.STAY_BETWEEN:
        text = _(
            "Expected to stay between %(target)s and %(target_max)s from %(begin)s to %(end)s."
        )
    else:
        text = _("A milestone due on %(end)s.")
    return text % values


def _latest(kr: KeyResult, check_ins: list[CheckIn], done: str, not_done: str) -> str:
    if not check_ins:
        return _("No check-in yet.")
    latest = check_ins[-1]
    if kr.kind == KRKind.MILESTONE:
        reading = done if latest.value >= 1 else not_done
    else:
        reading = format_value(latest.value, kr.unit)
    count = len(check_ins)
    return ngettext(
        "%(count)s check-in; the latest, on %(date)s, reads %(value)s.",
        "%(count)s check-ins; the latest, on %(date)s, reads %(value)s.",
        count,
    ) % {
        "count": count,
        "date": _long_date(timezone.localtime(latest.created_at).date()),
        "value": reading,
    }


def _forecast_mark(kr: KeyResult, forecast: "ForecastView | None") -> ForecastMark | None:
    if forecast is None or forecast.basis != "trend":
        return None
    text = _("Forecast: about %(value)s by %(end)s (between %(low)s and %(high)s).") % {
        "value": format_value(forecast.value, kr.unit),
        "end": _long_date(forecast.end),
        "low": format_value(forecast.low, kr.unit),
        "high": format_value(forecast.high, kr.unit),
    }
    return ForecastMark(forecast.value, forecast.low, forecast.high, text)


def key_result_chart(
    kr: KeyResult, check_ins: Iterable[CheckIn], forecast: "ForecastView | None" = None
) -> SafeString:
    """The SVG chart of the KR's values; ``check_ins`` in chronological order; the
    forecast, when given, as a dotted segment after the latest value."""
    readings = list(check_ins)
    begin, end = kr.span()
    done, not_done = _("Done"), _("Not done")
    labels = ChartLabels(
        title=_("%(title)s: value over time") % {"title": kr.title},
        desc=" ".join(
            [
                _summary(kr, begin, end),
                _latest(kr, readings, done, not_done),
                _("The check-ins table below lists every value."),
            ]
        ),
        target=_("Target"),
        start=_("Start"),
        expected=_("Expected pace"),
        today=_("Today"),
        threshold=_("Threshold"),
        upper_bound=_("Upper bound"),
        done=done,
        not_done=not_done,
    )
    svg = value_chart(
        [(timezone.localtime(c.created_at), c.value) for c in readings],
        begin,
        end,
        kr.start,
        kr.target,
        kr.target_max,
        kr.kind,
        timezone.localdate(),
        labels,
        _number,
        _tick_date,
        chart_id=f"kr-chart-{kr.pk}",
        unit=kr.unit,
        forecast=_forecast_mark(kr, forecast),
    )
    # Safe: value_chart escapes every piece of text it writes.
    return mark_safe(svg)
