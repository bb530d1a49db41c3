"""The alignment map: objectives as cards linked top-down, laid out on the server.

The company objectives come first; a card's aligned objectives join the map when it is
opened. Which cards are open is the address's `open` list, so a map can be bookmarked and
works without scripts (each toggle is a link); with htmx, a toggle fetches the map again
and swaps it in place, and `map.js` keeps the opened card where it was on the screen.
Every open card's children load together, so the page's queries do not grow with the
number of objectives of a level nor with the number of cards opened.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from cible.lib import okrmath
from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.lib.treelayout import tidy
from cible.okrs.contexts import ObjectiveRow
from cible.okrs.models import Cycle, Dependency, DependencyState, Level
from cible.okrs.views import _objectives, _selected_cycle
from cible.okrs.views.tree import Links, _filtered, _nodes
from cible.orgs.access import get_membership
from cible.orgs.forms import team_picker
from cible.orgs.models import Membership

CARD_WIDTH = 256
CARD_HEIGHT = 148
GAP = 24
ROW_GAP = 72
MARGIN = 16
MAX_OPEN = 40  # open cards kept from the address; more are ignored
CHILDREN_SHOWN = 40  # the aligned objectives drawn under one open card


@dataclass
class Card:
    row: ObjectiveRow
    x: float
    y: float
    child_count: int
    shown_children: int
    is_open: bool
    toggle_url: str
    hidden_parents: int
    hidden_dependencies: int  # with objectives not on the map

    @property
    def pk(self) -> int:
        return self.row.objective.pk


@dataclass
class Link:
    path: str
    kind: str  # "parent": drawn under it; "extra": another parent; "dependency"
    label: str
    state: str = ""  # a dependency's: proposed, accepted, done


def _opened(value: str | None) -> list[int]:
    ids: list[int] = []
    for part in (value or "").split(","):
        pk = parse_id(part.strip())
        if pk and pk not in ids:
            ids.append(pk)
    return ids[:MAX_OPEN]


def _address(params: dict[str, Any], opened: list[int]) -> str:
    query = {k: v for k, v in params.items() if v}
    if opened:
        query["open"] = ",".join(str(pk) for pk in opened)
    return "?" + urlencode(query)


def _children(base: Any, opened: list[int]) -> dict[int, list[int]]:
    """The visible aligned objectives of each open card, in the tree's order, at most
    `CHILDREN_SHOWN` each: one query for all the open cards."""
    if not opened:
        return {}
    links = (
        Links.objects.filter(to_objective__in=opened, from_objective__in=base.values("pk"))
        .order_by("from_objective__level", "from_objective__position", "from_objective_id", "pk")
        .values_list("to_objective_id", "from_objective_id")
    )
    children: dict[int, list[int]] = {}
    for parent, child in links:
        kids = children.setdefault(parent, [])
        if len(kids) < CHILDREN_SHOWN:
            kids.append(child)
    return children


def _curve(x1: float, y1: float, x2: float, y2: float, vertical: bool = True) -> str:
    if vertical:
        middle = (y1 + y2) / 2
        return f"M{x1:g},{y1:g} C{x1:g},{middle:g} {x2:g},{middle:g} {x2:g},{y2:g}"
    middle = (x1 + x2) / 2
    return f"M{x1:g},{y1:g} C{middle:g},{y1:g} {middle:g},{y2:g} {x2:g},{y2:g}"


def build_map(
    membership: Membership, cycle: Cycle, params: dict[str, str], opened: list[int]
) -> dict[str, Any]:
    """The cards and links of the map: a constant number of queries."""
    base = _objectives(membership).filter(cycle=cycle).order_by("level", "position", "id")
    if params.get("team") or params.get("status"):
        roots = _filtered(membership, base, {"owner": "", **params})
    else:
        roots = _nodes(membership, base.filter(level=Level.COMPANY))
    children = _children(base, opened)
    root_ids = [row.objective.pk for row in roots]
    layout = tidy(root_ids, children, CARD_WIDTH, CARD_HEIGHT, gap=GAP, row_gap=ROW_GAP)
    child_ids = [pk for pk in layout.boxes if pk not in set(root_ids)]
    rows = {row.objective.pk: row for row in roots}
    if child_ids:
        rows |= {row.objective.pk: row for row in _nodes(membership, base, child_ids)}
    # Top to bottom, left to right: the order the cards are read and tabbed through.
    shown = sorted(
        (pk for pk in layout.boxes if pk in rows),
        key=lambda pk: (layout.boxes[pk].depth, layout.boxes[pk].x),
    )
    # Every link between two cards drawn: the tree's, and the other parents'.
    parents: dict[int, list[int]] = {}
    for child, parent in Links.objects.filter(
        from_objective__in=shown, to_objective__in=shown
    ).values_list("from_objective_id", "to_objective_id"):
        parents.setdefault(child, []).append(parent)
    # The dependencies of the cards drawn, on objectives the reader may see: drawn when both
    # ends are cards, counted on the card otherwise.
    visible = base.values("pk")
    around = Dependency.objects.filter(
        Q(from_objective__in=shown, to_objective__in=visible)
        | Q(to_objective__in=shown, from_objective__in=visible)
    )
    on_cards = set(shown)
    dependencies: list[tuple[int, int, str]] = []
    elsewhere = Counter[int]()
    for source, target, state in (
        around.exclude(state=DependencyState.DECLINED)
        .values_list("from_objective_id", "to_objective_id", "state")
        .distinct()
    ):
        if source in on_cards and target in on_cards:
            dependencies.append((source, target, state))
        else:
            elsewhere[source if source in on_cards else target] += 1

    def title(pk: int) -> str:
        return rows[pk].objective.title

    def at(pk: int) -> tuple[float, float]:
        box = layout.boxes[pk]
        return box.x + MARGIN, box.y + MARGIN

    cards = []
    for pk in shown:
        row = rows[pk]
        x, y = at(pk)
        is_open = pk in opened
        toggled = [o for o in opened if o != pk] if is_open else [*opened, pk]
        cards.append(
            Card(
                row,
                x,
                y,
                row.child_count,  # type: ignore[attr-defined]
                len(children.get(pk, ())),
                is_open,
                _address(params, toggled),
                row.parent_count - len(parents.get(pk, ())),  # type: ignore[attr-defined]
                elsewhere[pk],
            )
        )
    placed_under = {kid: parent for parent, kids in children.items() for kid in kids}
    links = []
    for child, its_parents in parents.items():
        cx, cy = at(child)
        for parent in its_parents:
            px, py = at(parent)
            first = placed_under.get(child) == parent and layout.boxes[child].depth > 0
            links.append(
                Link(
                    _curve(px + CARD_WIDTH / 2, py + CARD_HEIGHT, cx + CARD_WIDTH / 2, cy),
                    "parent" if first else "extra",
                    gettext("%(child)s contributes to %(parent)s")
                    % {"child": title(child), "parent": title(parent)},
                )
            )
    mid = CARD_HEIGHT / 2
    for source, target, state in dependencies:
        (sx, sy), (tx, ty) = at(source), at(target)
        if tx >= sx + CARD_WIDTH:
            start, end = (sx + CARD_WIDTH, sy + CARD_HEIGHT / 2), (tx, ty + CARD_HEIGHT / 2)
        elif tx + CARD_WIDTH <= sx:
            start, end = (sx, sy + CARD_HEIGHT / 2), (tx + CARD_WIDTH, ty + CARD_HEIGHT / 2)
        else:  # one above the other: from the right side of one to the other's
            start, end = (sx + CARD_WIDTH, sy + CARD_HEIGHT / 2), (tx + CARD_WIDTH, ty + mid)
        links.append(
            Link(
                _curve(*start, *end, vertical=False),
                "dependency",
                gettext("%(source)s depends on %(target)s (%(state)s)")
                % {
                    "source": title(source),
                    "target": title(target),
                    "state": DependencyState(state).label,
                },
                state,
            )
        )
    return {
        "cards": cards,
        "links": links,
        "width": layout.width + 2 * MARGIN if cards else 0,
        "height": layout.height + 2 * MARGIN if cards else 0,
        "card_width": CARD_WIDTH,
        "card_height": CARD_HEIGHT,
        "has_dependencies": bool(dependencies),
        "opened": opened,
        "collapse_url": _address(params, []),
    }


@login_required
def alignment_map(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    cycles, cycle = _selected_cycle(request, org)
    team = team_picker(org, empty_label=gettext("All"))
    status = request.GET.get("status", "")
    team_id = parse_id(team.widget.value_from_datadict(request.GET, {}, "team"))
    params = {
        "cycle": str(cycle.pk) if cycle else "",
        "team": str(team_id) if team_id else "",
        "status": status if status in okrmath.Status.__members__.values() else "",
    }
    context: dict[str, Any] = {
        "org": org,
        "membership": membership,
        "cycles": cycles,
        "cycle": cycle,
        "filters": params,
        "filtered": bool(params["team"] or params["status"]),
        "team_picker": team.widget.render("team", params["team"], {"id": "m-team"}),
        "statuses": [(s.value, s) for s in okrmath.Status],
    }
    if cycle is not None:
        context |= build_map(membership, cycle, params, _opened(request.GET.get("open")))
    target = request.htmx.target if is_htmx(request) else None  # type: ignore[attr-defined]
    if target == "map-canvas":
        return render(request, "okrs/map.html#canvas", context)
    return render(request, "okrs/map.html", context)
