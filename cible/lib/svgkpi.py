"""A KPI's values over time with its thresholds drawn as bands, and its sparkline, as
server-rendered SVG.

Pure Python with no Django import, like ``svgchart``: the caller passes translated words
and the locale's number and date formatters. No ``style`` attribute and no script; every
shape carries a class for the stylesheet. Pages show the same values in a table beside it.

The bands, from the bottom up: critical below ``critical_low``, warning up to
``healthy_low``, healthy up to ``healthy_high``, warning up to ``critical_high``, critical
above it. A missing bound leaves its side healthy to the chart's edge.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext

from cible.lib.svgchart import PRECISION, _date_ticks, _esc, _n, _token, _value_ticks

__all__ = ["Bands", "KPIChartLabels", "kpi_chart", "sparkline"]

FONT = 11
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 26
INK, MUTED, LINE = "#1d2330", "#5b6475", "#2546b8"
FILLS = {"healthy": "#dff3e6", "warning": "#fdf0d5", "critical": "#fbe0e0"}


@dataclass(frozen=True)
class Bands:
    critical_low: Decimal | None = None
    healthy_low: Decimal | None = None
    healthy_high: Decimal | None = None
    critical_high: Decimal | None = None

    def bounds(self) -> list[Decimal]:
        return [
            b
            for b in (self.critical_low, self.healthy_low, self.healthy_high, self.critical_high)
            if b is not None and b.is_finite()
        ]


@dataclass(frozen=True)
class KPIChartLabels:
    title: str
    desc: str
    healthy: str
    warning: str
    critical: str


def _regions(bands: Bands, low: Decimal, high: Decimal) -> list[tuple[str, Decimal, Decimal]]:
    """(status, from, to) for each band within [low, high], bottom up."""
    edges: list[tuple[Decimal, str]] = []  # each edge, and the status above it
    start = "healthy"
    if bands.critical_low is not None:
        start = "critical"
        edges.append(
            (bands.critical_low, "warning" if bands.healthy_low is not None else "healthy")
        )
    if bands.healthy_low is not None:
        start = "warning" if bands.critical_low is None else start
        edges.append((bands.healthy_low, "healthy"))
    if bands.healthy_high is not None:
        edges.append((bands.healthy_high, "warning"))
    if bands.critical_high is not None:
        edges.append((bands.critical_high, "critical"))
    regions = []
    status, bottom = start, low
    for edge, above in edges:
        top = min(max(edge, low), high)
        if top > bottom:
            regions.append((status, bottom, top))
        bottom = max(bottom, top)
        status = above
    if high > bottom:
        regions.append((status, bottom, high))
    return regions


def kpi_chart(
    points: Sequence[tuple[datetime, Decimal]],
    bands: Bands,
    labels: KPIChartLabels,
    number_format: Callable[[Decimal], str],
    date_format: Callable[[date], str],
    *,
    today: date,
    width: int = 640,
    height: int = 240,
    chart_id: str = "kpi-chart",
) -> str:
    """The values (chronological) as a line over the bands of their thresholds."""
    with localcontext() as context:
        context.prec = PRECISION
        return _chart(
            points, bands, labels, number_format, date_format, today, width, height, chart_id
        )


def _chart(
    points: Sequence[tuple[datetime, Decimal]],
    bands: Bands,
    labels: KPIChartLabels,
    number_format: Callable[[Decimal], str],
    date_format: Callable[[date], str],
    today: date,
    width: int,
    height: int,
    chart_id: str,
) -> str:
    chart_id = _token(chart_id) or "kpi-chart"
    values = [v for _m, v in points if v.is_finite()]
    # Some room beyond the extremes, so that the bands past the outer thresholds show.
    extremes = [*values, *bands.bounds()] or [Decimal(0), Decimal(1)]
    bottom_value, top_value = min(extremes), max(extremes)
    pad = (top_value - bottom_value) / 8 or abs(top_value) / 20 or Decimal(1)
    ticks = _value_ticks(bottom_value - pad, top_value + pad)
    low, high = ticks[0], ticks[-1]
    first = points[0][0].date() if points else today
    last = max(points[-1][0].date() if points else today, first)
    span = max((last - first).days, 1)
    right, bottom = width - RIGHT, height - BOTTOM

    def x(moment: datetime | date) -> float:
        day = moment.date() if isinstance(moment, datetime) else moment
        return LEFT + (right - LEFT) * (
            (day - first).days / span if points and len(points) > 1 else 0.5
        )

    def y(value: Decimal) -> float:
        share = float((value - low) / (high - low)) if high > low else 0.5
        return bottom - min(max(share, 0.0), 1.0) * (bottom - TOP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" id="{chart_id}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_esc(labels.title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(labels.desc)}</desc>',
    ]
    words = {"healthy": labels.healthy, "warning": labels.warning, "critical": labels.critical}
    for status, start, end in _regions(bands, low, high):
        parts.append(
            f'<rect class="kpi-band kpi-band-{status}" x="{LEFT}" y="{_n(y(end))}" '
            f'width="{_n(right - LEFT)}" height="{_n(y(start) - y(end))}" '
            f'fill="{FILLS[status]}"><title>{_esc(words[status])}</title></rect>'
        )
    for tick in ticks:
        parts.append(
            f'<text class="kpi-tick" x="{LEFT - 6}" y="{_n(y(tick))}" dy="0.35em" '
            f'text-anchor="end" font-size="{FONT}" fill="{MUTED}">'
            f"{_esc(number_format(tick))}</text>"
        )
    for bound in bands.bounds():
        parts.append(
            f'<line class="kpi-threshold" x1="{LEFT}" y1="{_n(y(bound))}" x2="{right}" '
            f'y2="{_n(y(bound))}" stroke="{MUTED}" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    for day in _date_ticks(first, last) if points else []:
        parts.append(
            f'<text class="kpi-tick" x="{_n(x(day))}" y="{bottom + 17}" text-anchor="middle" '
            f'font-size="{FONT}" fill="{MUTED}">{_esc(date_format(day))}</text>'
        )
    parts.append(
        f'<line class="kpi-axis" x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" '
        f'stroke="#8a93a3" stroke-width="1"/>'
    )
    drawn = [(m, v) for m, v in points if v.is_finite()]
    if drawn:
        coords = " ".join(f"{_n(x(m))},{_n(y(v))}" for m, v in drawn)
        parts.append(
            f'<polyline class="kpi-line" points="{coords}" fill="none" stroke="{LINE}" '
            f'stroke-width="2"/>'
        )
        dots = drawn if len(drawn) <= 60 else drawn[-1:]
        for moment, value in dots:
            parts.append(
                f'<circle class="kpi-dot" cx="{_n(x(moment))}" cy="{_n(y(value))}" r="3" '
                f'fill="{LINE}"><title>{_esc(date_format(moment.date()))}: '
                f"{_esc(number_format(value))}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: Sequence[Decimal], width: int = 96, height: int = 24) -> str:
    """The last values as a small line, without axis nor words: the row beside it says the
    latest value and its status, so it is hidden from screen readers."""
    finite = [v for v in values if v.is_finite()]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
    ]
    if finite:
        with localcontext() as context:
            context.prec = PRECISION
            low, high = min(finite), max(finite)
            count = len(finite)
            coords = []
            for i, value in enumerate(finite):
                px = 2 + (width - 4) * (i / (count - 1) if count > 1 else 0.5)
                share = float((value - low) / (high - low)) if high > low else 0.5
                coords.append(f"{_n(px)},{_n(height - 2 - share * (height - 4))}")
        parts.append(
            f'<polyline class="sparkline-line" points="{" ".join(coords)}" fill="none" '
            f'stroke="{LINE}" stroke-width="1.5"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
