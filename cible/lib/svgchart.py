"""A small server-rendered SVG line chart of a key result's value over time.

Pure Python with no Django import: the caller passes already-translated labels and the
locale-aware number and date formatters, and gets back a self-contained ``<svg>`` string.
No ``style`` attribute and no script anywhere, so the chart passes a strict content
security policy: every shape carries a class for the stylesheet plus presentation
attributes (stroke, fill) as sensible defaults. The output is deterministic.

What the chart shows, for a plot area spanning ``start_date`` to ``end_date``:

- the check-in values as a polyline with a dot per check-in (a step line for milestones,
  whose y axis reads done / not done);
- the target as a dashed horizontal line: the threshold of stay-above and stay-below KRs,
  and the band between target and upper bound for stay-between ones;
- for increase and decrease KRs, the start value and the expected pace: a straight line
  from the start value on the first day to the target on the last;
- a "today" marker when today falls within the span.
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation, localcontext
from xml.sax.saxutils import escape

__all__ = ["ChartLabels", "ForecastMark", "value_chart"]

INCREASE, DECREASE = "increase", "decrease"
STAY_ABOVE, STAY_BELOW, STAY_BETWEEN = "stay_above", "stay_below", "stay_between"
MILESTONE = "milestone"

PRECISION = 60  # Decimal digits for the axis arithmetic: plenty for KR values
MAX_DATE_TICKS = 6
MAX_MONTH_INDEX = 9999 * 12 + 11  # December 9999, the last month a date can hold

TICK_FONT = 11
LEGEND_FONT = 12
INSET = 6  # between the plot's frame and its lowest and highest values
CHAR_WIDTH = 0.6  # estimated glyph width, in ems, to lay out text without measuring it

# Default look; the stylesheet may override any of it through the classes.
INK, MUTED, ACCENT = "#1d2330", "#5b6475", "#2546b8"
TARGET_COLOUR, PACE_COLOUR, TODAY_COLOUR = "#1d7a46", "#a35f00", "#8a93a3"

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class ChartLabels:
    """The chart's words, already translated by the caller."""

    title: str
    desc: str
    target: str
    start: str
    expected: str
    today: str
    threshold: str
    upper_bound: str
    done: str
    not_done: str


@dataclass(frozen=True)
class ForecastMark:
    """Where the KR is heading: drawn as a dotted segment from the latest check-in to
    `value` on the end date, with the range from `low` to `high` at its tip; `label`
    (already translated) is its tooltip."""

    value: Decimal
    low: Decimal
    high: Decimal
    label: str


type Moment = datetime | date


def value_chart(
    points: Sequence[tuple[Moment, Decimal]],
    start_date: date,
    end_date: date,
    start_value: Decimal,
    target: Decimal,
    target_max: Decimal | None,
    kind: str,
    today: date,
    labels: ChartLabels,
    number_format: Callable[[Decimal], str],
    date_format: Callable[[date], str],
    width: int = 640,
    height: int = 260,
    *,
    chart_id: str = "kr-chart",
    unit: str = "",
    forecast: ForecastMark | None = None,
) -> str:
    """The SVG of a KR's values over time, as a string ready to inline in HTML.

    ``points`` are (moment, value) pairs; they are drawn in chronological order and a
    moment outside the span is pinned to its nearest edge. ``chart_id`` prefixes the ids
    of the title and description, which must be unique within the page; ``unit`` follows
    the values in the legend and the dots' tooltips (not the axis, to keep it narrow).
    ``forecast``, when given, draws where the values are heading after the latest one.
    """
    with localcontext() as context:
        context.prec = PRECISION
        return _Chart(
            points=points,
            start_date=start_date,
            end_date=end_date,
            start_value=start_value,
            target=target,
            target_max=target_max,
            kind=kind,
            today=today,
            labels=labels,
            number_format=number_format,
            date_format=date_format,
            width=max(int(width), 160),
            height=max(int(height), 120),
            chart_id=chart_id,
            unit=unit,
            forecast=forecast,
        ).render()


# --- Text and numbers ----------------------------------------------------------------


def _clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def _esc(text: object) -> str:
    """Text escaped for both element content and double-quoted attribute values."""
    return escape(_clean(text), {'"': "&quot;"})


def _token(text: str) -> str:
    """Text safe as an id or a class name."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def _n(value: float) -> str:
    """A coordinate: one decimal at most, never "-0"."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _text_width(text: str, font_size: float) -> float:
    return len(_clean(text)) * font_size * CHAR_WIDTH


def _finite(value: Decimal | None) -> bool:
    return value is not None and value.is_finite()


def _plain(value: Decimal) -> Decimal:
    """A tick value without trailing zeros nor exponent: 2.50 -> 2.5, 2E+1 -> 20."""
    value = value.normalize()
    try:
        return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]
    except InvalidOperation:  # beyond the working precision: leave it be
        return value


def _nice_step(raw: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``raw``."""
    power = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = power * factor
        if step >= raw:
            return step
    return power * 10  # pragma: no cover - the loop always ends at 10


def _value_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    """Round tick values covering [low, high], about four intervals."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) / 10 if low else Decimal(1)
        low, high = low - pad, high + pad
    step = _nice_step((high - low) / 4)
    first = (low / step).to_integral_value(ROUND_FLOOR) * step
    last = (high / step).to_integral_value(ROUND_CEILING) * step
    count = int((last - first) / step)
    return [_plain(first + step * i) for i in range(count + 1)]


# --- Dates ---------------------------------------------------------------------------


def _day(moment: Moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _days(moment: Moment, origin: date) -> float:
    """Days from ``origin`` to ``moment``, with the time of day as a fraction."""
    days = float((_day(moment) - origin).days)
    if isinstance(moment, datetime):
        days += (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400
    return days


def _date_ticks(start: date, end: date) -> list[date]:
    """A few readable dates within [start, end]: days or Mondays for short spans, first
    days of months (of quarters, half-years, years…) for longer ones."""
    total = (end - start).days
    if total <= 84:
        for step in (1, 2, 3, 7, 14):
            if total / step <= MAX_DATE_TICKS:
                break
        first = start
        if step >= 7:  # align on Mondays
            first = start + timedelta(days=(7 - start.weekday()) % 7)
        return [first + timedelta(days=i) for i in range(0, (end - first).days + 1, step)]
    first_month = start.year * 12 + start.month - 1 + (start.day > 1)
    last_month = end.year * 12 + end.month - 1
    months = last_month - first_month
    step = 1
    for candidate in _month_steps():
        step = candidate
        if months / candidate < MAX_DATE_TICKS:
            break
    first_tick = -(-first_month // step) * step
    return [
        date(index // 12, index % 12 + 1, 1)
        for index in range(first_tick, min(last_month, MAX_MONTH_INDEX) + 1, step)
        if index >= 12  # year 1 onwards
    ]


def _month_steps() -> list[int]:
    steps = [1, 2, 3, 6, 12]
    years = 2
    while years <= 10000:
        steps += [12 * years, 12 * years * 5 // 2, 12 * years * 5]
        years *= 10
    return steps


# --- The chart -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    css: str
    label: str
    stroke: str
    dash: str
    stroke_width: str = "1.5"


class _Chart:
    def __init__(
        self,
        *,
        points: Sequence[tuple[Moment, Decimal]],
        start_date: date,
        end_date: date,
        start_value: Decimal,
        target: Decimal,
        target_max: Decimal | None,
        kind: str,
        today: date,
        labels: ChartLabels,
        number_format: Callable[[Decimal], str],
        date_format: Callable[[date], str],
        width: int,
        height: int,
        chart_id: str,
        unit: str,
        forecast: ForecastMark | None = None,
    ) -> None:
        self.labels = labels
        self.fmt_number = number_format
        self.fmt_date = date_format
        self.width, self.height = width, height
        self.chart_id = _token(chart_id) or "chart"
        self.unit = unit
        self.kind = kind
        self.milestone = kind == MILESTONE
        self.paced = kind in (INCREASE, DECREASE)
        self.start_date = start_date
        self.end_date = end_date if end_date > start_date else start_date + timedelta(days=1)
        self.total_days = float((self.end_date - self.start_date).days)
        self.today = today
        # Chronological, ties kept in the given order; unreadable values left out.
        readable = [(m, v) for m, v in points if _finite(v)]
        order = sorted(range(len(readable)), key=lambda i: (_days(readable[i][0], start_date), i))
        self.points = [readable[i] for i in order]
        self.start_value = start_value if _finite(start_value) else None
        self.target = target if _finite(target) else None
        self.target_max = target_max if kind == STAY_BETWEEN and _finite(target_max) else None
        self.lines = self._reference_lines()
        self.forecast = (
            forecast
            if forecast is not None
            and not self.milestone
            and self.points
            and all(_finite(v) for v in (forecast.value, forecast.low, forecast.high))
            and self.today < self.end_date
            else None
        )
        self._scale_values()
        self._layout()

    # Scales and layout

    def _reference_lines(self) -> list[tuple[Decimal, _Line]]:
        """The horizontal lines: (value, look)."""
        lines: list[tuple[Decimal, _Line]] = []
        if self.milestone:
            return lines
        if self.target is not None:
            name = (
                self.labels.threshold
                if self.kind in (STAY_ABOVE, STAY_BELOW)
                else self.labels.target
            )
            lines.append((self.target, _Line("chart-target", name, TARGET_COLOUR, "6 4")))
        if self.target_max is not None:
            lines.append(
                (
                    self.target_max,
                    _Line(
                        "chart-target chart-upper", self.labels.upper_bound, TARGET_COLOUR, "6 4"
                    ),
                )
            )
        if self.paced and self.start_value is not None:
            lines.append(
                (self.start_value, _Line("chart-start", self.labels.start, MUTED, "2 3", "1.2"))
            )
        return lines

    def _scale_values(self) -> None:
        if self.milestone:
            self.y_low, self.y_high = Decimal("-0.2"), Decimal("1.2")
            self.y_ticks = [Decimal(0), Decimal(1)]
            self.y_tick_labels = [self.labels.not_done, self.labels.done]
            return
        values = [v for _m, v in self.points] + [v for v, _line in self.lines]
        if self.forecast is not None:
            values.append(self.forecast.value)
        if not values:
            values = [Decimal(0), Decimal(1)]
        self.y_ticks = _value_ticks(min(values), max(values))
        self.y_low, self.y_high = self.y_ticks[0], self.y_ticks[-1]
        self.y_tick_labels = [self.fmt_number(tick) for tick in self.y_ticks]

    def _value_text(self, value: Decimal) -> str:
        text = self.fmt_number(_plain(value))
        return f"{text}\u00a0{self.unit}" if self.unit else text

    def _legend_items(self) -> list[tuple[_Line, str]]:
        items = []
        for value, line in self.lines:
            items.append((line, f"{line.label} {self._value_text(value)}"))
        if self.paced and self.start_value is not None and self.target is not None:
            pace = _Line("chart-expected", self.labels.expected, PACE_COLOUR, "8 4")
            items.append((pace, pace.label))
        return items

    def _layout(self) -> None:
        # Legend rows across the top, wrapped to the width.
        self.legend: list[tuple[float, float, _Line, str]] = []
        x, row = 8.0, 0
        for line, text in self._legend_items():
            item_width = 24 + _text_width(text, LEGEND_FONT) + 16
            if x > 8 and x + item_width > self.width - 8:
                x, row = 8.0, row + 1
            self.legend.append((x, 14.0 + row * 18, line, text))
            x += item_width
        legend_height = (row + 1) * 18 + 4 if self.legend else 4
        label_width = max((_text_width(t, TICK_FONT) for t in self.y_tick_labels), default=0)
        self.left = min(max(label_width + 14, 36.0), self.width * 0.4)
        self.right = self.width - 18.0
        self.top = legend_height + 8.0
        self.bottom = self.height - 26.0
        if self.bottom - self.top < 40:  # a crowded legend: keep some room to plot
            self.top = max(self.bottom - 40, 8.0)

    def x(self, moment: Moment) -> float:
        days = min(max(_days(moment, self.start_date), 0.0), self.total_days)
        return self.left + days / self.total_days * (self.right - self.left)

    def y(self, value: Decimal) -> float:
        share = float((self.y_high - value) / (self.y_high - self.y_low))
        if not math.isfinite(share):  # pragma: no cover - the scale always has a range
            share = 0.5
        share = min(max(share, 0.0), 1.0)
        # A little room inside the frame, so no line sits on the date axis.
        return self.top + INSET + share * (self.bottom - self.top - 2 * INSET)

    # Drawing

    def render(self) -> str:
        title_id, desc_id = f"{self.chart_id}-title", f"{self.chart_id}-desc"
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{_token(self.kind)}" '
            f'id="{self.chart_id}" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img" '
            f'aria-labelledby="{title_id} {desc_id}" '
            f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
            f'<title id="{title_id}">{_esc(self.labels.title)}</title>',
            f'<desc id="{desc_id}">{_esc(self.labels.desc)}</desc>',
        ]
        parts += self._band()
        parts += self._value_axis()
        parts += self._date_axis()
        parts += self._horizontal_lines()
        parts += self._pace()
        parts += self._today()
        parts += self._values()
        parts += self._forecast()
        parts += self._legend()
        parts.append("</svg>")
        return "\n".join(parts)

    def _band(self) -> list[str]:
        if self.target is None or self.target_max is None:
            return []
        top, bottom = self.y(self.target_max), self.y(self.target)
        return [
            f'<rect class="chart-band" x="{_n(self.left)}" y="{_n(top)}" '
            f'width="{_n(self.right - self.left)}" height="{_n(bottom - top)}" '
            f'fill="{TARGET_COLOUR}" fill-opacity="0.08"/>'
        ]

    def _value_axis(self) -> list[str]:
        parts = ['<g class="chart-axis chart-axis-y">']
        for tick, label in zip(self.y_ticks, self.y_tick_labels, strict=True):
            y = _n(self.y(tick))
            parts.append(
                f'<line class="chart-grid" x1="{_n(self.left)}" y1="{y}" '
                f'x2="{_n(self.right)}" y2="{y}" stroke="#e3e6ec" stroke-width="1"/>'
            )
            parts.append(
                f'<text class="chart-tick-label" x="{_n(self.left - 6)}" y="{y}" '
                f'dy="0.35em" text-anchor="end" font-size="{TICK_FONT}" fill="{MUTED}">'
                f"{_esc(label)}</text>"
            )
        parts.append(
            f'<line class="chart-axis-line" x1="{_n(self.left)}" y1="{_n(self.top)}" '
            f'x2="{_n(self.left)}" y2="{_n(self.bottom)}" stroke="{TODAY_COLOUR}" '
            f'stroke-width="1"/>'
        )
        parts.append("</g>")
        return parts

    def _date_axis(self) -> list[str]:
        bottom = _n(self.bottom)
        parts = [
            '<g class="chart-axis chart-axis-x">',
            f'<line class="chart-axis-line" x1="{_n(self.left)}" y1="{bottom}" '
            f'x2="{_n(self.right)}" y2="{bottom}" stroke="{TODAY_COLOUR}" stroke-width="1"/>',
        ]
        for tick in _date_ticks(self.start_date, self.end_date):
            x = self.x(tick)
            label = self.fmt_date(tick)
            half = _text_width(label, TICK_FONT) / 2
            text_x = min(max(x, half + 2), self.width - half - 2)
            parts.append(
                f'<line class="chart-tick" x1="{_n(x)}" y1="{bottom}" x2="{_n(x)}" '
                f'y2="{_n(self.bottom + 4)}" stroke="{TODAY_COLOUR}" stroke-width="1"/>'
            )
            parts.append(
                f'<text class="chart-tick-label" x="{_n(text_x)}" y="{_n(self.bottom + 17)}" '
                f'text-anchor="middle" font-size="{TICK_FONT}" fill="{MUTED}">'
                f"{_esc(label)}</text>"
            )
        parts.append("</g>")
        return parts

    def _horizontal_lines(self) -> list[str]:
        parts = []
        for value, line in self.lines:
            y = _n(self.y(value))
            parts.append(
                f'<line class="{line.css}" x1="{_n(self.left)}" y1="{y}" x2="{_n(self.right)}" '
                f'y2="{y}" stroke="{line.stroke}" stroke-width="{line.stroke_width}" '
                f'stroke-dasharray="{line.dash}"/>'
            )
        return parts

    def _pace(self) -> list[str]:
        if not self.paced or self.start_value is None or self.target is None:
            return []
        return [
            f'<line class="chart-expected" x1="{_n(self.x(self.start_date))}" '
            f'y1="{_n(self.y(self.start_value))}" x2="{_n(self.x(self.end_date))}" '
            f'y2="{_n(self.y(self.target))}" stroke="{PACE_COLOUR}" stroke-width="1.5" '
            f'stroke-dasharray="8 4"/>'
        ]

    def _today(self) -> list[str]:
        if not self.start_date <= self.today <= self.end_date:
            return []
        x = self.x(self.today)
        label = self.labels.today
        width = _text_width(label, TICK_FONT)
        if x + 4 + width <= self.right:
            text_x, anchor = x + 4, "start"
        else:
            text_x, anchor = x - 4, "end"
        return [
            '<g class="chart-today">',
            f'<line class="chart-today-line" x1="{_n(x)}" y1="{_n(self.top)}" x2="{_n(x)}" '
            f'y2="{_n(self.bottom)}" stroke="{TODAY_COLOUR}" stroke-width="1"/>',
            f'<text class="chart-today-label" x="{_n(text_x)}" y="{_n(self.top + INSET + 15)}" '
            f'text-anchor="{anchor}" font-size="{TICK_FONT}" fill="{MUTED}" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{_esc(label)}</text>',
            "</g>",
        ]

    def _level(self, value: Decimal) -> Decimal:
        """The plotted value: a milestone is done (1) or not (0)."""
        if self.milestone:
            return Decimal(1) if value >= 1 else Decimal(0)
        return value

    def _values(self) -> list[str]:
        if not self.points:
            return []
        coords = [(self.x(m), self.y(self._level(v))) for m, v in self.points]
        path: list[tuple[float, float]] = []
        for i, (x, y) in enumerate(coords):
            if self.milestone and i:  # a step: hold the previous state until this check-in
                path.append((x, coords[i - 1][1]))
            path.append((x, y))
        polyline = " ".join(f"{_n(x)},{_n(y)}" for x, y in path)
        parts = [
            '<g class="chart-values">',
            f'<polyline class="chart-line" points="{polyline}" fill="none" stroke="{ACCENT}" '
            f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>',
        ]
        for (moment, value), (x, y) in zip(self.points, coords, strict=True):
            if self.milestone:
                shown = self.labels.done if value >= 1 else self.labels.not_done
            else:
                shown = self._value_text(value)
            tip = f"{self.fmt_date(_day(moment))}: {shown}"
            parts.append(
                f'<circle class="chart-dot" cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{ACCENT}" '
                f'stroke="#fff" stroke-width="1.5"><title>{_esc(tip)}</title></circle>'
            )
        parts.append("</g>")
        return parts

    def _forecast(self) -> list[str]:
        """The dotted segment to the forecast, and its range (clipped to the frame)."""
        if self.forecast is None:
            return []
        moment, value = self.points[-1]
        x1, y1, x2 = self.x(moment), self.y(value), self.x(self.end_date)
        if x2 <= x1:
            return []
        mark = self.forecast
        return [
            '<g class="chart-forecast">',
            f"<title>{_esc(mark.label)}</title>",
            f'<line class="chart-forecast-range" x1="{_n(x2)}" y1="{_n(self.y(mark.low))}" '
            f'x2="{_n(x2)}" y2="{_n(self.y(mark.high))}" stroke="{ACCENT}" stroke-width="4" '
            f'stroke-opacity="0.3" stroke-linecap="round"/>',
            f'<line class="chart-forecast-line" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" '
            f'y2="{_n(self.y(mark.value))}" stroke="{ACCENT}" stroke-width="2" '
            f'stroke-dasharray="2 4" stroke-linecap="round"/>',
            "</g>",
        ]

    def _legend(self) -> list[str]:
        if not self.legend:
            return []
        parts = ['<g class="chart-legend">']
        for x, y, line, text in self.legend:
            parts.append(
                f'<line class="{line.css}" x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 18)}" '
                f'y2="{_n(y)}" stroke="{line.stroke}" stroke-width="{line.stroke_width}" '
                f'stroke-dasharray="{line.dash}"/>'
            )
            parts.append(
                f'<text class="chart-legend-label" x="{_n(x + 24)}" y="{_n(y)}" dy="0.35em" '
                f'font-size="{LEGEND_FONT}" fill="{INK}">{_esc(text)}</text>'
            )
        parts.append("</g>")
        return parts
