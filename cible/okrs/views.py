from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cible.checkins.models import CheckIn
from cible.okrs.contexts import objective_rows
from cible.okrs.models import Cycle, KeyResult, Level, Objective, ObjectiveState
from cible.orgs.access import get_membership
from cible.orgs.models import Membership


def _objectives(membership: Membership):  # type: ignore[no-untyped-def]
    krs = KeyResult.objects.select_related("owner").order_by("position", "id")
    return (
        Objective.objects.visible_to(membership)
        .select_related("owner", "team", "cycle")
        .prefetch_related(Prefetch("key_results", queryset=krs))
    )


@login_required
def org_home(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    cycles = list(Cycle.objects.filter(organization=org).order_by("-start", "end"))
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), None)
    cycle = cycle or Cycle.objects.current_for(org)
    objectives = []
    if cycle is not None:
        objectives = list(
            _objectives(membership)
            .filter(cycle=cycle)
            .exclude(state=ObjectiveState.CANCELLED)
            .order_by("position", "id")
        )
    rows = objective_rows(objectives, org)
    sections = [
        (label, [r for r in rows if r.objective.level == level]) for level, label in Level.choices
    ]
    context = {
        "org": org,
        "membership": membership,
        "cycles": cycles,
        "cycle": cycle,
        "sections": [(label, section_rows) for label, section_rows in sections if section_rows],
        "my_teams": request.user.teams.filter(organization=org),  # type: ignore[union-attr]
    }
    return render(request, "okrs/org_home.html", context)


@login_required
def objective_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    objective = _objectives(membership).filter(pk=pk).first()
    if objective is None:
        raise Http404
    [row] = objective_rows([objective], membership.organization)
    context = {
        "org": membership.organization,
        "membership": membership,
        "row": row,
        "parents": objective.parents.visible_to(membership),  # type: ignore[attr-defined]
        "children": objective.children.visible_to(membership),  # type: ignore[attr-defined]
    }
    return render(request, "okrs/objective_detail.html", context)


@login_required
def key_result_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    visible = Objective.objects.visible_to(membership)
    kr = (
        KeyResult.objects.select_related("objective__cycle", "objective__organization", "owner")
        .filter(objective__in=visible, pk=pk)
        .first()
    )
    if kr is None:
        raise Http404
    check_ins = CheckIn.objects.filter(key_result=kr).select_related("author")[:200]
    context = {
        "org": membership.organization,
        "membership": membership,
        "kr": kr,
        "check_ins": check_ins,
    }
    return render(request, "okrs/key_result_detail.html", context)
