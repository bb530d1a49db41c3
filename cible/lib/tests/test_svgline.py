"""The line chart of a few series over weeks (cible.lib.svgline), a pure module."""

from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from cible.lib.svgline import Series, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def by_class(root: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def test_one_dot_per_value_with_its_tooltip_and_the_reference_line_without_dots() -> None:
    svg = line_chart(
        ["W1", "W2", "W3"],
        [
            Series("Average", [10, 20, 40], ["10 %", "20 %", "40 %"]),
            Series("Expected", [0, 50, 100], kind="expected", dashed=True),
        ],
        "Progress",
        "Weekly progress",
        maximum=100,
    )
    root = parse(svg)
    dots = by_class(root, "line-dot")
    assert [d.findtext(f"{SVG}title") for d in dots] == ["W1: 10 %", "W2: 20 %", "W3: 40 %"]
    [expected] = [p for p in by_class(root, "line-expected") if p.tag == f"{SVG}polyline"]
    assert expected.get("stroke-dasharray")
    assert root.findtext(f"{SVG}title") == "Progress"
    assert "style=" not in svg


def test_values_are_scaled_to_the_maximum() -> None:
    ticks = [(0.0, "0"), (100.0, "100")]
    root = parse(line_chart(["a", "b"], [Series("S", [0, 100])], "T", "D", 100, ticks))
    bottom, top = (line.get("y1") for line in by_class(root, "line-grid"))
    assert [d.get("cy") for d in by_class(root, "line-dot")] == [bottom, top]


def test_a_missing_value_breaks_the_line() -> None:
    root = parse(line_chart(["a", "b", "c", "d"], [Series("S", [1, None, 2, 3])], "T", "D", 4))
    lines = [p for p in by_class(root, "line") if p.tag == f"{SVG}polyline"]
    assert [len((p.get("points") or "").split()) for p in lines] == [1, 2]
    assert len(by_class(root, "line-dot")) == 3


def test_labels_and_names_are_escaped() -> None:
    svg = line_chart(["<b>"], [Series("<script>", [1], ["&"])], "A & B", "<desc>")
    assert "<script>" not in svg and "<b>" not in svg
    assert parse(svg).findtext(f"{SVG}title") == "A & B"


def test_the_outer_labels_stay_inside_the_frame() -> None:
    labels = [f"November {n}" for n in range(1, 15)]
    root = parse(line_chart(labels, [Series("S", [1] * 14)], "T", "D"))
    ticks = by_class(root, "line-tick")  # no value ticks: the dates only
    anchors = [t.get("text-anchor") for t in ticks]
    assert anchors[0] == "start" and anchors[-1] == "end"
    assert ticks[-1].text == "November 14"


@settings(max_examples=100)
@given(
    st.lists(st.text(max_size=20), max_size=20),
    st.lists(
        st.lists(st.none() | st.floats(allow_nan=True, allow_infinity=True), max_size=25),
        max_size=3,
    ),
    st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_input_gives_well_formed_svg(
    labels: list[str], values: list[list[float | None]], maximum: float
) -> None:
    series = [Series(f"S{i}", v, [str(x) for x in v]) for i, v in enumerate(values)]
    parse(line_chart(labels, series, "T", "D", maximum))
