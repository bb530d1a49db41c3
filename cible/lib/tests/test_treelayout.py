"""The tidy layout of the alignment map: boxes never overlap, parents sit centred over
their children, siblings keep their order, and a node with several parents is placed once."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from cible.lib.treelayout import tidy

W, H, GAP, ROW = 100.0, 40.0, 10.0, 30.0


def layout(roots, children):
    return tidy(roots, children, W, H, gap=GAP, row_gap=ROW)


def test_a_parent_is_centred_over_its_children_and_siblings_keep_their_order() -> None:
    result = layout(["a"], {"a": ["b", "c", "d"]})
    b, c, d = (result.boxes[k] for k in "bcd")
    assert b.x < c.x < d.x
    assert d.x - c.x == c.x - b.x == W + GAP
    assert result.boxes["a"].x == c.x
    assert result.boxes["a"].y == 0 and b.y == c.y == d.y == H + ROW
    assert result.width == 3 * W + 2 * GAP
    assert result.height == 2 * H + ROW


def test_subtrees_pack_as_close_as_their_outlines_allow() -> None:
    # b's subtree is wide two rows down only: c, a leaf, may sit right next to b.
    result = layout(["a"], {"a": ["b", "c"], "b": ["x"], "x": ["p", "q", "r"]})
    assert result.boxes["c"].x - result.boxes["b"].x == W + GAP
    assert result.boxes["x"].x == result.boxes["b"].x


def test_a_node_with_two_parents_is_placed_once_under_the_first() -> None:
    result = layout(["a", "b"], {"a": ["shared"], "b": ["shared", "own"]})
    assert set(result.boxes) == {"a", "b", "shared", "own"}
    assert result.boxes["shared"].x == result.boxes["a"].x
    assert result.boxes["own"].x == result.boxes["b"].x


def test_a_cycle_is_cut_and_an_empty_forest_is_empty() -> None:
    result = layout(["a"], {"a": ["b"], "b": ["a"]})
    assert set(result.boxes) == {"a", "b"}
    assert result.boxes["b"].depth == 1
    empty = layout([], {})
    assert empty.boxes == {} and empty.width == 0


@st.composite
def forests(draw):
    size = draw(st.integers(1, 40))
    children: dict[int, list[int]] = {}
    for node in range(1, size):
        parent = draw(st.integers(0, node - 1))
        children.setdefault(parent, []).append(node)
        if draw(st.booleans()) and node > 1:  # sometimes a second parent
            other = draw(st.integers(0, node - 1))
            if other != parent:
                children.setdefault(other, []).append(node)
    roots = [0, *draw(st.lists(st.sampled_from(range(size)), max_size=3))]
    return roots, children


@given(forests())
def test_no_two_boxes_of_a_row_are_closer_than_the_gap(forest) -> None:
    roots, children = forest
    result = layout(roots, children)
    rows: dict[int, list[float]] = {}
    for box in result.boxes.values():
        rows.setdefault(box.depth, []).append(box.x)
        assert box.y == box.depth * (H + ROW)
        assert 0 <= box.x <= result.width - W
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= W + GAP - 1e-6 for a, b in pairwise(xs))
    assert min(box.x for box in result.boxes.values()) == 0


@given(forests())
def test_every_reachable_node_is_placed_once_below_a_parent(forest) -> None:
    roots, children = forest
    result = layout(roots, children)
    reachable, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        if node not in reachable:
            reachable.add(node)
            stack.extend(children.get(node, ()))
    assert set(result.boxes) == reachable
    for node, box in result.boxes.items():
        if box.depth:
            parents = [p for p, kids in children.items() if node in kids]
            assert any(result.boxes[p].depth == box.depth - 1 for p in parents)
