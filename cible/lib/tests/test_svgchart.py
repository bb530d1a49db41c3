"""The server-rendered SVG chart of a KR's values (cible.lib.svgchart), a pure module."""

import ast
import inspect
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cible.lib import svgchart
from cible.lib.svgchart import ChartLabels, value_chart

SVG = "{http://www.w3.org/2000/svg}"
START, END = date(2026, 1, 1), date(2026, 3, 31)
TODAY = date(2026, 2, 15)
KINDS = ["increase", "decrease", "stay_above", "stay_below", "stay_between", "milestone"]

LABELS = ChartLabels(
    title="Cut first response time",
    desc="From 4 to 1 between 1 Jan and 31 Mar.",
    target="Target",
    start="Start",
    expected="Expected pace",
    today="Today",
    threshold="Threshold",
    upper_bound="Upper bound",
    done="Done",
    not_done="Not done",
)


def french_number(value: Decimal) -> str:
    return f"{value:f}".replace(".", ",")


def short_date(day: date) -> str:
    return day.isoformat()


def chart(points=(), **options) -> str:  # type: ignore[no-untyped-def]
    arguments: dict[str, Any] = {
        "points": list(points),
        "start_date": START,
        "end_date": END,
        "start_value": Decimal(4),
        "target": Decimal(1),
        "target_max": None,
        "kind": "decrease",
        "today": TODAY,
        "labels": LABELS,
        "number_format": french_number,
        "date_format": short_date,
    }
    arguments.update(options)
    return value_chart(**arguments)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def plotted(root: ET.Element, name: str) -> list[ET.Element]:
    """Like by_class, leaving out the legend's swatches."""
    legend = {id(e) for group in by_class(root, "chart-legend") for e in group.iter()}
    return [e for e in by_class(root, name) if id(e) not in legend]


def polyline_points(root: ET.Element) -> list[tuple[float, float]]:
    [line] = by_class(root, "chart-line")
    assert line.tag == f"{SVG}polyline"
    pairs = [pair.split(",") for pair in (line.get("points") or "").split()]
    return [(float(x), float(y)) for x, y in pairs]


def three_check_ins() -> list[tuple[date | datetime, Decimal]]:
    return [
        (datetime(2026, 1, 10, 9, 30, tzinfo=UTC), Decimal("3.5")),
        (date(2026, 2, 1), Decimal("2.5")),
        (date(2026, 2, 14), Decimal(2)),
    ]


# --- Structure -----------------------------------------------------------------------


def test_well_formed_accessible_svg():
    root = parse(chart(three_check_ins()))
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 260"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == LABELS.title
    assert desc is not None and desc.text == LABELS.desc
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # The title comes first, as the accessible name.
    assert next(iter(root)) is title


def test_polyline_has_one_point_per_check_in_in_chronological_order():
    points = three_check_ins()
    root = parse(chart(reversed(points)))
    coords = polyline_points(root)
    assert len(coords) == 3
    assert [x for x, _y in coords] == sorted(x for x, _y in coords)
    assert len(by_class(root, "chart-dot")) == 3
    # Each dot says its date and value, in the caller's formats.
    tips = [dot.findtext(f"{SVG}title") for dot in by_class(root, "chart-dot")]
    assert tips == ["2026-01-10: 3,5", "2026-02-01: 2,5", "2026-02-14: 2"]


def test_target_line_at_the_right_height():
    root = parse(chart(three_check_ins()))
    [target] = plotted(root, "chart-target")
    [start] = plotted(root, "chart-start")
    [expected] = plotted(root, "chart-expected")
    y_target, y_start = float(target.get("y1")), float(start.get("y1"))  # type: ignore[arg-type]
    assert target.get("y1") == target.get("y2")
    # The value axis's ticks tell where each value sits: find the y of ticks 1 and 4.
    ticks = {
        label.text: float(label.get("y"))  # type: ignore[arg-type]
        for label in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")
    }
    assert y_target == ticks["1"]
    assert y_start == ticks["4"]
    # The dot for 2 lies a third of the way from the target up to the start.
    last_y = polyline_points(root)[-1][1]
    assert last_y == pytest.approx(y_target + (y_start - y_target) / 3, abs=0.1)
    # The expected pace runs from the start value on day one to the target on the last day.
    assert float(expected.get("y1")) == y_start  # type: ignore[arg-type]
    assert float(expected.get("y2")) == y_target  # type: ignore[arg-type]
    assert float(expected.get("x1")) < float(expected.get("x2"))  # type: ignore[arg-type]


def test_ticks_are_round_numbers():
    root = parse(
        chart(
            [(date(2026, 2, 1), Decimal("3.7"))],
            start_value=Decimal("0.3"),
            target=Decimal("9.2"),
            kind="increase",
        )
    )
    labels = [t.text for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")]
    assert labels == ["0", "2,5", "5", "7,5", "10"]
    dates = [t.text for t in by_class(root, "chart-axis-x")[0].iter(f"{SVG}text")]
    assert dates == ["2026-01-01", "2026-02-01", "2026-03-01"]


def test_escaping_and_no_inline_style():
    nasty = "<script>alert('x')</script> & \"quoted\""
    labels = ChartLabels(*([nasty] * 10))
    svg = chart(
        three_check_ins(),
        labels=labels,
        number_format=lambda value: f"<b>{value}</b>",
        date_format=lambda day: f"<i>{day}</i>",
    )
    root = parse(svg)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert root.findtext(f"{SVG}title") == nasty
    assert " style=" not in svg
    assert not [e for e in root.iter() if "style" in e.attrib]
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}style")]


def test_classes_for_the_stylesheet_and_presentation_defaults():
    root = parse(chart(three_check_ins()))
    for name in (
        "chart-line",
        "chart-dot",
        "chart-target",
        "chart-start",
        "chart-expected",
        "chart-today-line",
        "chart-grid",
        "chart-legend",
    ):
        assert by_class(root, name), name
    [line] = by_class(root, "chart-line")
    assert line.get("fill") == "none" and line.get("stroke")


def test_deterministic():
    assert chart(three_check_ins()) == chart(three_check_ins())


def test_no_django_import():
    tree = ast.parse(inspect.getsource(svgchart))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    assert imported
    assert not [name for name in imported if name.split(".")[0] == "django"]


# --- Kinds ---------------------------------------------------------------------------


def legend(root: ET.Element) -> list[str]:
    return [t.text or "" for t in by_class(root, "chart-legend-label")]


def test_stay_above_labels_the_threshold_and_draws_no_pace():
    root = parse(chart(three_check_ins(), kind="stay_above", target=Decimal(3)))
    assert legend(root) == ["Threshold 3"]
    assert not by_class(root, "chart-expected") and not by_class(root, "chart-start")


def test_stay_between_draws_both_bounds_and_the_band():
    root = parse(
        chart(
            three_check_ins(),
            kind="stay_between",
            target=Decimal(2),
            target_max=Decimal("3.5"),
            unit="h",
        )
    )
    assert legend(root) == ["Target 2\u00a0h", "Upper bound 3,5\u00a0h"]
    lower, upper = plotted(root, "chart-target")
    assert float(upper.get("y1")) < float(lower.get("y1"))  # type: ignore[arg-type]
    [band] = by_class(root, "chart-band")
    assert float(band.get("y")) == float(upper.get("y1"))  # type: ignore[arg-type]


def test_milestone_steps_between_not_done_and_done():
    points = [
        (date(2026, 1, 15), Decimal(0)),
        (date(2026, 2, 1), Decimal(0)),
        (date(2026, 2, 10), Decimal(1)),
    ]
    root = parse(chart(points, kind="milestone", start_value=Decimal(0), target=Decimal(1)))
    labels = [t.text for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")]
    assert labels == ["Not done", "Done"]
    coords = polyline_points(root)
    assert len(coords) == 5  # three check-ins, two steps
    ys = [y for _x, y in coords]
    assert ys[0] == ys[1] == ys[2] == ys[3] > ys[4]  # not done until the last check-in
    assert coords[3][0] == coords[4][0]  # then a vertical step up to done
    assert not by_class(root, "chart-target") and not by_class(root, "chart-expected")
    tips = [dot.findtext(f"{SVG}title") for dot in by_class(root, "chart-dot")]
    assert tips[-1] == "2026-02-10: Done"


# --- Edge cases ----------------------------------------------------------------------


def test_no_check_in_draws_only_the_lines():
    root = parse(chart([]))
    assert not by_class(root, "chart-line") and not by_class(root, "chart-dot")
    assert by_class(root, "chart-target") and by_class(root, "chart-expected")


def test_one_check_in():
    root = parse(chart([(date(2026, 2, 1), Decimal(3))]))
    assert len(polyline_points(root)) == 1
    assert len(by_class(root, "chart-dot")) == 1


def test_all_values_equal():
    points = [(START + timedelta(days=d), Decimal(7)) for d in (3, 10, 20)]
    root = parse(chart(points, kind="stay_above", target=Decimal(7)))
    ys = {y for _x, y in polyline_points(root)}
    assert len(ys) == 1
    [y] = ys
    [threshold] = plotted(root, "chart-target")
    assert float(threshold.get("y1")) == y  # type: ignore[arg-type]
    labels = [t.text for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")]
    assert len(labels) >= 2


def test_negative_values():
    points = [(date(2026, 1, 20), Decimal(-12)), (date(2026, 2, 20), Decimal(-3))]
    root = parse(chart(points, kind="increase", start_value=Decimal(-20), target=Decimal(0)))
    labels = [t.text for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")]
    assert labels[0].startswith("-") and labels[-1] == "0"  # type: ignore[union-attr]


def test_huge_values():
    huge = Decimal("9999999999999999.9999")
    points = [(date(2026, 1, 20), -huge), (date(2026, 2, 20), huge)]
    svg = chart(points, kind="increase", start_value=-huge, target=huge)
    root = parse(svg)
    assert len(polyline_points(root)) == 2
    assert "E+" not in svg  # tick values written out, not in scientific notation


def test_dates_outside_the_span_are_clamped():
    points = [
        (date(2025, 6, 1), Decimal(4)),
        (date(2026, 2, 1), Decimal(3)),
        (date(2027, 6, 1), Decimal(2)),
    ]
    root = parse(chart(points))
    [axis] = [e for e in by_class(root, "chart-axis-line") if e.get("y1") == e.get("y2")]
    left, right = float(axis.get("x1")), float(axis.get("x2"))  # type: ignore[arg-type]
    xs = [x for x, _y in polyline_points(root)]
    assert xs[0] == left and xs[-1] == right and left < xs[1] < right


def test_today_outside_the_span_draws_no_marker():
    assert not by_class(parse(chart(today=date(2027, 1, 1))), "chart-today-line")
    assert by_class(parse(chart(today=TODAY)), "chart-today-line")


def test_empty_or_reversed_span():
    for end in (START, START - timedelta(days=10)):
        parse(chart(three_check_ins(), end_date=end))


# --- Property: never raises, always well formed --------------------------------------

values = st.decimals(
    min_value=Decimal("-9999999999999999.9999"),
    max_value=Decimal("9999999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
moments = st.one_of(
    days, st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31))
)


@settings(max_examples=100, deadline=None, database=None)
@given(
    points=st.lists(st.tuples(moments, values), max_size=30),
    start_date=days,
    span=st.integers(min_value=-30, max_value=5000),
    start_value=values,
    target=values,
    target_max=st.none() | values,
    kind=st.sampled_from(KINDS),
    today=days,
    label=st.text(max_size=20),
    width=st.integers(min_value=100, max_value=1200),
    height=st.integers(min_value=80, max_value=600),
)
def test_any_input_gives_a_well_formed_chart(
    points, start_date, span, start_value, target, target_max, kind, today, label, width, height
):
    labels = ChartLabels(*([label] * 10))
    svg = value_chart(
        points,
        start_date,
        start_date + timedelta(days=span),
        start_value,
        target,
        target_max,
        kind,
        today,
        labels,
        french_number,
        short_date,
        width,
        height,
    )
    root = parse(svg)
    assert " style=" not in svg
    line = by_class(root, "chart-line")
    if points and kind != "milestone":
        assert len(polyline_points(root)) == len(points)
    assert bool(line) == bool(points)
    for element in root.iter():
        for name in ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy"):
            if name in element.attrib:
                assert re.fullmatch(r"-?\d+(\.\d)?", element.attrib[name]), element.attrib
    assert svg == value_chart(
        points,
        start_date,
        start_date + timedelta(days=span),
        start_value,
        target,
        target_max,
        kind,
        today,
        labels,
        french_number,
        short_date,
        width,
        height,
    )


# The forecast mark ---------------------------------------------------------------------


def forecast_parts(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [e for e in root.iter() if "chart-forecast" in (e.get("class") or "").split()]


def test_a_forecast_is_a_dotted_segment_from_the_latest_value_to_the_end_date() -> None:
    mark = svgchart.ForecastMark(Decimal("1.5"), Decimal("1.2"), Decimal("1.7"), "About 1,5")
    points = [(date(2026, 1, 10), Decimal(4)), (date(2026, 2, 10), Decimal(3))]
    svg = chart(points, forecast=mark)
    [group] = forecast_parts(svg)
    assert group.findtext(f"{SVG}title") == "About 1,5"
    line = group.find(f"{SVG}line[@class='chart-forecast-line']")
    dots = [e for e in ET.fromstring(svg).iter(f"{SVG}circle")]
    assert line is not None and line.get("stroke-dasharray")
    assert line.get("x1") == dots[-1].get("cx") and line.get("y1") == dots[-1].get("cy")
    assert "style=" not in svg


def test_without_a_forecast_the_chart_is_unchanged() -> None:
    points = [(date(2026, 1, 10), Decimal(4)), (date(2026, 2, 10), Decimal(3))]
    assert chart(points) == chart(points, forecast=None)
    assert not forecast_parts(chart(points))


def test_no_forecast_is_drawn_without_points_for_a_milestone_or_after_the_end() -> None:
    mark = svgchart.ForecastMark(Decimal(1), Decimal(1), Decimal(1), "x")
    points = [(date(2026, 1, 10), Decimal(0))]
    assert not forecast_parts(chart([], forecast=mark))
    assert not forecast_parts(chart(points, kind="milestone", forecast=mark))
    assert not forecast_parts(chart(points, today=END, forecast=mark))
