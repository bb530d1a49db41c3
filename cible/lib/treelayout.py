"""A tidy layout of a forest of same-sized boxes, top-down: each parent centred over its
children, siblings kept in their order, subtrees packed as close as their outlines allow
(at every depth, the right edge of the subtrees placed so far against the left edge of the
next one), and no two boxes of a row closer than `gap`.

Pure Python, no Django: the alignment map computes its positions with it, server-side, so
the page needs no layout library in the browser.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Box:
    x: float  # the left edge
    y: float  # the top edge
    depth: int


@dataclass
class Layout[K: Hashable]:
    boxes: dict[K, Box] = field(default_factory=dict)
    width: float = 0.0
    height: float = 0.0


@dataclass
class _Shape[K: Hashable]:
    """A laid-out subtree, in coordinates relative to its root's left edge: the leftmost
    and rightmost edges at each depth below it (index 0 is the root's row), and each
    node's offset and depth."""

    left: list[float]
    right: list[float]
    offsets: dict[K, tuple[float, int]]


def _shape[K: Hashable](
    node: K,
    children: Mapping[K, Sequence[K]],
    width: float,
    gap: float,
    seen: set[K],
) -> _Shape[K]:
    seen.add(node)
    kids = [k for k in children.get(node, ()) if k not in seen]
    for kid in kids:
        seen.add(kid)  # each node once, under its first parent: the layout is of a tree
    shapes = [_shape(kid, children, width, gap, seen) for kid in kids]
    if not shapes:
        return _Shape([0.0], [width], {node: (0.0, 0)})
    # Pack the children left to right: each as far left as every row allows.
    row: _Shape[K] = _Shape([], [], {})
    for shape in shapes:
        _append(row, shape, gap, 1)
    # The root centred over its first and last child.
    middle = (row.offsets[kids[0]][0] + row.offsets[kids[-1]][0]) / 2
    offsets = {key: (x - middle, depth) for key, (x, depth) in row.offsets.items()}
    offsets[node] = (0.0, 0)
    return _Shape(
        [0.0, *(lo - middle for lo in row.left)],
        [width, *(hi - middle for hi in row.right)],
        offsets,
    )


def _append[K: Hashable](row: _Shape[K], shape: _Shape[K], gap: float, below: int) -> None:
    """Place `shape` right of the shapes already in `row`, as close as every depth
    allows; its nodes' depths grow by `below`."""
    shift = 0.0
    if row.right:
        common = min(len(row.right), len(shape.left))
        shift = max(row.right[d] + gap - shape.left[d] for d in range(common))
    for d, (lo, hi) in enumerate(zip(shape.left, shape.right, strict=True)):
        if d < len(row.left):
            row.left[d] = min(row.left[d], lo + shift)
            row.right[d] = max(row.right[d], hi + shift)
        else:
            row.left.append(lo + shift)
            row.right.append(hi + shift)
    row.offsets |= {key: (x + shift, d + below) for key, (x, d) in shape.offsets.items()}


def tidy[K: Hashable](
    roots: Sequence[K],
    children: Mapping[K, Sequence[K]],
    width: float,
    height: float,
    gap: float = 24.0,
    row_gap: float = 64.0,
) -> Layout[K]:
    """Positions for every node reachable from `roots` through `children`, the roots on
    the top row, side by side. A node reachable twice (several parents) is placed once,
    under the first parent met depth-first; a cycle is cut the same way."""
    seen: set[K] = set()
    forest: _Shape[K] = _Shape([], [], {})
    for root in roots:
        if root in seen:
            continue
        _append(forest, _shape(root, children, width, gap, seen), gap, 0)
    if not forest.offsets:
        return Layout()
    lowest = min(forest.left)
    boxes = {
        key: Box(offset - lowest, depth * (height + row_gap), depth)
        for key, (offset, depth) in forest.offsets.items()
    }
    rows = len(forest.left)
    return Layout(boxes, max(forest.right) - lowest, rows * height + (rows - 1) * row_gap)
