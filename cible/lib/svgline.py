"""A line chart of a few series over evenly spaced points (weeks), as server-rendered SVG.

Pure Python with no Django import, like ``svgchart`` and ``svgbars``: the caller passes
translated words and formatted values. No ``style`` attribute and no script; every shape
carries a class for the stylesheet. Pages show the same numbers in a table next to it.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cible.lib.svgchart import _esc, _n, _token

__all__ = ["Series", "line_chart"]

FONT = 11
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 30, 26
MAX_X_LABELS = 7
INK, MUTED, ACCENT, PACE = "#1d2330", "#5b6475", "#2546b8", "#a35f00"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per point; None leaves a gap
    texts: Sequence[str] = ()  # each value as the reader sees it, for the dots' tooltips
    kind: str = ""  # extra class, e.g. "expected"
    dashed: bool = False  # a reference line: dashed, without dots


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of a series."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    desc: str,
    maximum: float = 1.0,
    y_ticks: Sequence[tuple[float, str]] = (),
    width: int = 640,
    height: int = 240,
    chart_id: str = "lines",
) -> str:
    """One point per label along the x axis, evenly spaced; values from 0 to `maximum`."""
    chart_id = _token(chart_id) or "lines"
    top_value = maximum if maximum > 0 and math.isfinite(maximum) else 1.0
    right, bottom = width - RIGHT, height - BOTTOM
    count = len(labels)

    def x(index: int) -> float:
        return LEFT + (right - LEFT) * (index / (count - 1) if count > 1 else 0.5)

    def y(value: float) -> float:
        share = min(max(value / top_value, 0.0), 1.0) if math.isfinite(value) else 0.0
        return bottom - share * (bottom - TOP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" id="{chart_id}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>',
    ]
    for value, text in y_ticks:
        parts.append(
            f'<line class="line-grid" x1="{LEFT}" y1="{_n(y(value))}" x2="{right}" '
            f'y2="{_n(y(value))}" stroke="#e3e6ec" stroke-width="1"/>'
            f'<text class="line-tick" x="{LEFT - 6}" y="{_n(y(value))}" dy="0.35em" '
            f'text-anchor="end" font-size="{FONT}" fill="{MUTED}">{_esc(text)}</text>'
        )
    step = max(1, math.ceil(count / MAX_X_LABELS))
    shown = list(range(0, count, step))
    if count and shown[-1] != count - 1:
        # The last point always gets its label; its neighbour gives way when too close.
        if len(shown) > 1 and count - 1 - shown[-1] < step / 2:
            shown.pop()
        shown.append(count - 1)
    for index in shown:
        # The first and last labels grow inwards, so that they stay within the frame.
        anchor = "middle"
        if count > 1 and index in (0, count - 1):
            anchor = "start" if index == 0 else "end"
        parts.append(
            f'<text class="line-tick" x="{_n(x(index))}" y="{bottom + 17}" '
            f'text-anchor="{anchor}" font-size="{FONT}" fill="{MUTED}">'
            f"{_esc(labels[index])}</text>"
        )
    parts.append(
        f'<line class="line-axis" x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" '
        f'stroke="#8a93a3" stroke-width="1"/>'
    )
    legend_x = float(LEFT)
    for line in series:
        kind = f" line-{_token(line.kind)}" if line.kind else ""
        colour = PACE if line.dashed else ACCENT
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        points = [
            None if value is None or not math.isfinite(value) else (x(i), y(value))
            for i, value in enumerate(list(line.values)[:count])
        ]
        parts.append(f'<g class="line-series{kind}">')
        for run in _runs(points):
            coords = " ".join(f"{_n(px)},{_n(py)}" for px, py in run)
            parts.append(
                f'<polyline class="line{kind}" points="{coords}" fill="none" '
                f'stroke="{colour}" stroke-width="2"{dash}/>'
            )
        if not line.dashed:
            for i, point in enumerate(points):
                if point is None:
                    continue
                text = line.texts[i] if i < len(line.texts) else ""
                parts.append(
                    f'<circle class="line-dot{kind}" cx="{_n(point[0])}" cy="{_n(point[1])}" '
                    f'r="3" fill="{colour}"><title>{_esc(labels[i])}: {_esc(text)}</title>'
                    "</circle>"
                )
        parts.append("</g>")
        parts.append(
            f'<line class="line{kind}" x1="{_n(legend_x)}" y1="12" x2="{_n(legend_x + 18)}" '
            f'y2="12" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text class="line-legend" x="{_n(legend_x + 24)}" y="12" dy="0.35em" '
            f'font-size="{FONT + 1}" fill="{INK}">{_esc(line.name)}</text>'
        )
        legend_x += 24 + len(line.name) * (FONT + 1) * 0.6 + 16
    parts.append("</svg>")
    return "".join(parts)
