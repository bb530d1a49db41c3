"""Horizontal bar charts as server-rendered SVG: shares, counts and score histograms.

Pure Python with no Django import, like ``svgchart``: the caller passes translated words
and formatted values. No ``style`` attribute and no script, so a strict content security
policy holds; every shape carries a class for the stylesheet. Each chart is an image with
a title and a description; pages show the same numbers in a table next to it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from cible.lib.svgchart import _esc

__all__ = ["Bar", "bar_chart"]

ROW = 26  # height of one bar's row
BAR = 16
LABEL_WIDTH = 190
VALUE_WIDTH = 70
FONT = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # drawn length, in the chart's unit
    text: str  # the value as the reader sees it ("62 %", "0.7", "3")
    kind: str = ""  # extra class, e.g. a status ("on_track") or "highlight"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _fit(label: str, width: float) -> str:
    """Shorten a label to what fits in `width` pixels (an estimate: 0.6 em per glyph)."""
    room = max(4, int(width / (FONT * 0.6)))
    return label if len(label) <= room else label[: room - 1] + "…"


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    desc: str,
    maximum: float | None = None,
    width: int = 560,
    chart_id: str = "bars",
) -> str:
    """One row per bar: its label, the bar scaled to `maximum` (the largest value when
    not given) and its value as text."""
    height = max(1, len(bars)) * ROW + 8
    top = max([maximum or 0.0, *(max(b.value, 0.0) for b in bars)]) or 1.0
    span = width - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{_esc(chart_id)}-title {_esc(chart_id)}-desc">',
        f'<title id="{_esc(chart_id)}-title">{_esc(title)}</title>',
        f'<desc id="{_esc(chart_id)}-desc">{_esc(desc)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        length = span * max(bar.value, 0.0) / top
        kind = f" bar-{_esc(bar.kind)}" if bar.kind else ""
        parts.append(
            f'<text class="bar-label" x="{LABEL_WIDTH - 8}" y="{_n(y + BAR - 3)}" '
            f'text-anchor="end" font-size="{FONT}" fill="#1d2330">'
            f"{_esc(_fit(bar.label, LABEL_WIDTH - 12))}</text>"
        )
        parts.append(
            f'<rect class="bar-track" x="{LABEL_WIDTH}" y="{y}" width="{_n(span)}" '
            f'height="{BAR}" fill="#e6e9ef"/>'
        )
        parts.append(
            f'<rect class="bar{kind}" x="{LABEL_WIDTH}" y="{y}" width="{_n(length)}" '
            f'height="{BAR}" fill="#2546b8"/>'
        )
        parts.append(
            f'<text class="bar-value" x="{_n(LABEL_WIDTH + span + 6)}" y="{_n(y + BAR - 3)}" '
            f'font-size="{FONT}" fill="#1d2330">{_esc(bar.text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
