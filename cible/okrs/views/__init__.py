from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cible.accounts.models import User
from cible.lib.http import AuthenticatedHttpRequest
from cible.lib.text import searchable
from cible.okrs.access import Powers
from cible.okrs.coach import advice_for_objective
from cible.okrs.contexts import (
    approval_panel,
    dependency_rows,
    initiative_rows,
    mark_dependency_risks,
    objective_rows,
    team_dependencies,
)
from cible.okrs.forms import DecisionForm, DependencyForm
from cible.okrs.models import (
    Change,
    Cycle,
    Initiative,
    KeyResult,
    Level,
    Objective,
    ObjectiveState,
)
from cible.okrs.queries import (
    awaiting_approval,
    cycle_choices,
    dependencies_of,
    visible_objectives,
)
from cible.orgs.access import get_membership
from cible.orgs.models import Membership, Organization, Team


def _objectives(membership: Membership) -> Any:
    """Visible, unarchived objectives with what their rows need, in a constant number of
    queries."""
    return visible_objectives(membership)


def _selected_cycle(request: HttpRequest, org: Organization) -> tuple[list[Cycle], Cycle | None]:
    return cycle_choices(org, request.GET.get("cycle"))


def org_home_context(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    """The organisation page's OKR part: the company objectives of the chosen cycle."""
    org = membership.organization
    cycles, cycle = _selected_cycle(request, org)
    objectives = []
    if cycle is not None:
        objectives = list(
            _objectives(membership)
            .filter(cycle=cycle, level=Level.COMPANY)
            .exclude(state=ObjectiveState.CANCELLED)
            .order_by("position", "id")
        )
    return {
        "org": org,
        "membership": membership,
        "cycles": cycles,
        "cycle": cycle,
        "rows": objective_rows(objectives, org),
        "can_write": membership.can_write,
        "my_teams": Team.objects.filter(
            organization=org, members=membership.user_id
        ).select_related("organization"),
    }


def objective_context(
    request: HttpRequest,
    objective: Objective,
    membership: Membership,
    powers: Powers,
    **extra: Any,
) -> dict[str, Any]:
    objective = _objectives(membership).filter(pk=objective.pk).first() or objective
    [row] = objective_rows([objective], membership.organization)
    visible = Objective.objects.visible_to(membership).active()
    dependencies = dependency_rows(
        dependencies_of(membership, objective=objective),
        powers,
        lambda d: d.from_objective_id == objective.pk,
        membership.organization,
    )
    mark_dependency_risks([row], dependencies)
    can_edit = powers.can_edit(objective)
    initiatives = initiative_rows(objective, powers, [r.kr for r in row.key_results])
    return {
        "org": membership.organization,
        "membership": membership,
        "row": row,
        "can_edit": can_edit,
        "initiatives": initiatives,
        "co_owners": co_owner_names([r.kr.pk for r in row.key_results]),
        "objective_initiatives": initiatives.get(None, []),
        "can_add_initiative": powers.can_add_initiative(objective),
        "parents": objective.parents.filter(pk__in=visible).select_related("team", "organization"),  # type: ignore[misc]
        "children": visible.filter(parents=objective).select_related(
            "team", "owner", "organization"
        ),
        "depends_on": [dep for dep in dependencies if dep.outgoing],
        "depended_on_by": [dep for dep in dependencies if not dep.outgoing],
        "dependency_form": extra.get("dependency_form")
        or (DependencyForm(objective=objective, powers=powers) if can_edit else None),
        "changes": visible_changes(objective, visible),
        "advice": advice_for_objective(objective, request.LANGUAGE_CODE),
        "approval": approval_panel(objective, powers),
        "decision_form": extra.get("decision_form") or DecisionForm(),
        "archived_krs": KeyResult.objects.filter(objective=objective, archived_at__isnull=False),
        "cancelled_krs": KeyResult.objects.filter(objective=objective, cancelled_at__isnull=False),
    }


def co_owner_names(kr_ids: list[int]) -> dict[int, str]:
    """Each key result's co-owners, as a line of names, in one query."""
    names: dict[int, list[str]] = {}
    rows = KeyResult.co_owners.through.objects.filter(keyresult_id__in=kr_ids).select_related(
        "user"
    )
    for row in rows:
        names.setdefault(row.keyresult_id, []).append(str(row.user.display_name))
    return {kr_id: ", ".join(sorted(found)) for kr_id, found in names.items()}


def visible_changes(objective: Objective, visible: Any) -> list[Change]:
    """The objective's latest history, without the entries that name an objective the
    reader may not see."""
    changes = list(
        Change.objects.filter(objective=objective).select_related("actor", "key_result")[:50]
    )
    named = {ref for change in changes for ref in change.refs}
    seen = set(visible.filter(pk__in=named).values_list("pk", flat=True)) if named else set()
    return [change for change in changes if set(change.refs) <= seen]


def team_context(request: HttpRequest, team: Team, membership: Membership) -> dict[str, Any]:
    """The team page's OKR part: its objectives for the chosen cycle and its dependencies."""
    org = membership.organization
    cycles, cycle = _selected_cycle(request, org)
    objectives = (
        list(_objectives(membership).filter(team=team, cycle=cycle).order_by("position", "id"))
        if cycle
        else []
    )
    rows = objective_rows(objectives, org)
    dependencies = team_dependencies(membership, team)
    mark_dependency_risks(rows, dependencies["depends_on"])
    return {"cycles": cycles, "cycle": cycle, "rows": rows, **dependencies}


@login_required
def person_detail(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    person = get_object_or_404(User, pk=user_id, memberships__organization=org)
    cycles, cycle = _selected_cycle(request, org)
    objectives: list[Objective] = []
    elsewhere: list[KeyResult] = []
    initiatives: list[Initiative] = []
    if cycle is not None:
        # Open ones first: what they are working on, then what they did.
        initiatives = sorted(
            Initiative.objects.filter(
                owner=person,
                objective__in=Objective.objects.visible_to(membership).active().filter(cycle=cycle),
            ).select_related("objective__organization", "key_result", "owner"),
            key=lambda i: (not i.is_open, i.due_date or cycle.end, i.pk),
        )
        objectives = list(
            _objectives(membership)
            .filter(cycle=cycle, owner=person)
            .order_by("level", "position", "id")
        )
        elsewhere = list(
            KeyResult.objects.filter(
                owner=person,
                archived_at__isnull=True,
                objective__in=Objective.objects.visible_to(membership).active().filter(cycle=cycle),
            )
            .exclude(objective__owner=person)
            .select_related("objective__cycle", "objective__organization", "owner")
        )
    context = {
        "org": org,
        "membership": membership,
        "person": person,
        "cycles": cycles,
        "cycle": cycle,
        "rows": objective_rows(objectives, org),
        "elsewhere": elsewhere,
        "initiatives": initiatives,
        # One's own page: the drafts waiting for one's approval.
        "awaiting": list(awaiting_approval(membership).select_related("team", "organization"))
        if person.pk == request.user.pk
        else [],
        "teams": Team.objects.filter(organization=org, members=person),
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "okrs/person_detail.html", context)


@login_required
def search(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    query = searchable(request.GET.get("q", "").strip()[:200])
    objectives: list[Objective] = []
    key_results: list[KeyResult] = []
    if query:
        visible = Objective.objects.visible_to(membership).active()
        objectives = list(
            visible.filter(Q(title__icontains=query) | Q(description__icontains=query))
            .select_related("cycle", "team", "owner", "organization")
            .order_by("-cycle__start", "title")[:50]
        )
        key_results = list(
            KeyResult.objects.filter(
                objective__in=visible, archived_at__isnull=True, title__icontains=query
            )
            .select_related("objective__cycle", "objective__organization", "owner")
            .order_by("-objective__cycle__start", "title")[:50]
        )
    context = {
        "org": membership.organization,
        "membership": membership,
        "query": query,
        "objectives": objectives,
        "key_results": key_results,
    }
    template = (
        "okrs/search.html#results" if request.headers.get("HX-Request") else "okrs/search.html"
    )
    return render(request, template, context)
