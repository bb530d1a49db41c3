from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from cible.lib.svgbars import Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_it_draws_one_bar_per_item_scaled_to_the_maximum() -> None:
    svg = parse(bar_chart([Bar("A", 1, "1"), Bar("B", 2, "2")], "T", "D", maximum=4))
    bars = [
        r
        for r in svg.iter(f"{SVG}rect")
        if r.get("class", "").startswith("bar ") or r.get("class") == "bar"
    ]
    assert len(bars) == 2
    assert float(bars[1].get("width") or 0) == 2 * float(bars[0].get("width") or 0)


def test_it_escapes_labels_and_has_a_title() -> None:
    svg = bar_chart([Bar("<script>x</script>", 1, "1", kind="on_track")], "Shares & co", "D")
    assert "<script>" not in svg
    tree = parse(svg)
    assert tree.findtext(f"{SVG}title") == "Shares & co"
    assert "style=" not in svg


def test_an_empty_chart_is_still_well_formed() -> None:
    parse(bar_chart([], "T", "D"))


@settings(max_examples=100)
@given(st.lists(st.tuples(st.text(max_size=40), st.floats(-1e9, 1e9)), max_size=12))
def test_any_bars_give_well_formed_svg(items: list[tuple[str, float]]) -> None:
    bars = [Bar(label, value, str(value)) for label, value in items]
    parse(bar_chart(bars, "T", "D"))
