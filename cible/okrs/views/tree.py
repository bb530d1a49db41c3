"""The alignment tree: company -> departments -> teams -> people, loaded level by level."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from cible.accounts.models import User
from cible.lib import okrmath
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.lib.widgets import SearchSelect
from cible.okrs.contexts import objective_rows
from cible.okrs.forms import PersonChoiceField
from cible.okrs.models import Level, Objective
from cible.okrs.views import _objectives, _selected_cycle
from cible.orgs.access import get_membership
from cible.orgs.forms import PERSON_LOOKUPS, people_suggest_url, team_picker
from cible.orgs.models import Membership

PAGE = 100  # the children shown under an objective
ORPHANS_PAGE = 20  # the objectives aligned to nothing, a page at a time
Links = Objective.parents.through


def _count(links: Any, by: str) -> Any:
    """The number of rows of a subquery on the link table, grouped by the outer object."""
    counted = links.order_by().values(by).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), 0)


def _nodes(membership: Membership, objectives: Any, page: list[int] | None = None) -> list[Any]:
    """Rows with the number of visible children and of parents of each objective: the
    first `PAGE`, or those whose ids are `page`."""
    visible = Objective.objects.visible_to(membership).active()
    # The page's ids first: counting children in the same query would count them for every
    # objective sorted (thousands of orphans at 10,000 people), not only for those shown.
    if page is None:
        page = list(objectives.values_list("pk", flat=True)[:PAGE])
    objectives = objectives.filter(pk__in=page)
    # Only the children of the page matter: the visibility test runs on them alone.
    visible = visible.filter(parents__in=page)
    # Subqueries, not joins: the queryset may already filter on its parents.
    objectives = objectives.annotate(
        child_count=_count(
            Links.objects.filter(to_objective=OuterRef("pk"), from_objective__in=visible),
            "to_objective",
        ),
        parent_count=_count(Links.objects.filter(from_objective=OuterRef("pk")), "from_objective"),
    )
    objectives = list(objectives)
    rows = objective_rows(objectives, membership.organization)
    for row in rows:
        row.child_count = row.objective.child_count  # type: ignore[attr-defined]
        row.parent_count = row.objective.parent_count  # type: ignore[attr-defined]
    return rows


def _owner_picker(membership: Membership) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """The owner filter: a select in a small organisation, a search past a few hundred."""
    people = User.objects.filter(memberships__organization=membership.organization)
    field = PersonChoiceField(
        queryset=people.order_by("name", "email").only("id", "name", "email"),
        required=False,
        empty_label=gettext("All"),
        widget=SearchSelect(lookups=PERSON_LOOKUPS),
    )
    field.widget.url = people_suggest_url(membership.organization)  # type: ignore[attr-defined]
    return field


@login_required
def tree(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    cycles, cycle = _selected_cycle(request, org)
    base = _objectives(membership).filter(cycle=cycle).order_by("level", "position", "id")
    owner = _owner_picker(membership)
    team = team_picker(org, empty_label=gettext("All"))
    filters = {
        "team": team.widget.value_from_datadict(request.GET, {}, "team"),
        "owner": owner.widget.value_from_datadict(request.GET, {}, "owner"),
        "status": request.GET.get("status", ""),
    }
    context: dict[str, Any] = {
        "org": org,
        "membership": membership,
        "cycles": cycles,
        "cycle": cycle,
        "filters": filters,
        "team_picker": team.widget.render("team", filters["team"], {"id": "f-team"}),
        "owner_picker": owner.widget.render("owner", filters["owner"], {"id": "f-owner"}),
        "statuses": [(s.value, s) for s in okrmath.Status],
    }
    if any(filters.values()):
        context["matches"] = _filtered(membership, base, filters)
    else:
        context["roots"] = _nodes(membership, base.filter(level=Level.COMPANY))
        # The objectives aligned to nothing load after the first render (htmx), or in it
        # when asked for by a link, without JavaScript.
        if "orphans" in request.GET:
            context |= _orphans(request, membership, base)
        else:
            context["orphans_later"] = True
    return render(request, "okrs/tree.html", context)


def _orphans(
    request: AuthenticatedHttpRequest, membership: Membership, base: Any
) -> dict[str, Any]:
    """One page of the objectives aligned to nothing (`?orphans=<page>`, from 1), their
    number, and the next page's number while there is one."""
    # Each objective stores whether it has a live parent (`cible.okrs.alignment`): a
    # partial index holds those without, in the tree's order.
    orphans = base.exclude(level=Level.COMPANY).filter(aligned=False)
    page = parse_id(request.GET.get("orphans")) or 1
    # The page's ids and the number of them all in one query; past the end, the last page.
    counted = orphans.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    rows = list(counted[(page - 1) * ORPHANS_PAGE : page * ORPHANS_PAGE])
    total = rows[0][1] if rows else orphans.count()
    if not rows and total:
        page = -(-total // ORPHANS_PAGE)
        rows = list(counted[(page - 1) * ORPHANS_PAGE : page * ORPHANS_PAGE])
    start = (page - 1) * ORPHANS_PAGE if rows else 0
    return {
        "orphans": _nodes(membership, orphans, [pk for pk, _total in rows]),
        "orphan_total": total,
        "orphan_start": start,
        "orphan_next": page + 1 if start + ORPHANS_PAGE < total else None,
        "orphan_next_size": min(ORPHANS_PAGE, total - start - ORPHANS_PAGE),
    }


@login_required
def tree_orphans(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The next page of the objectives aligned to nothing, loaded on demand (htmx)."""
    membership = get_membership(request, slug)
    _cycles, cycle = _selected_cycle(request, membership.organization)
    base = _objectives(membership).filter(cycle=cycle).order_by("level", "position", "id")
    context = {"org": membership.organization, "cycle": cycle}
    context |= _orphans(request, membership, base)
    return render(request, "okrs/_tree_orphans.html", context)


def _filtered(membership: Membership, base: Any, filters: dict[str, str]) -> list[Any]:
    team_id = parse_id(filters["team"])
    if team_id:
        base = base.filter(Q(team_id=team_id) | Q(level=Level.PERSON, owner__teams=team_id))
    owner_id = parse_id(filters["owner"])
    if owner_id:
        base = base.filter(owner_id=owner_id)
    rows = _nodes(membership, base.distinct())
    if filters["status"] in okrmath.Status.__members__.values():
        rows = [r for r in rows if r.status == filters["status"]]
    return rows


@login_required
def tree_children(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    parent = Objective.objects.visible_to(membership).filter(pk=pk).first()
    if parent is None:
        return HttpResponse(status=404)
    children = _objectives(membership).filter(parents=parent).order_by("level", "position", "id")
    context = {
        "org": membership.organization,
        "rows": _nodes(membership, children),
        "parent": parent,
    }
    return render(request, "okrs/_tree_children.html", context)
