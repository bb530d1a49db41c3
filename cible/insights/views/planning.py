"""The planning helpers beside the forms, asked by htmx as one types: the target
suggestion of a key result, and the retrospectives of close titles in past cycles. They
read only; who may write the form may ask."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from cible.insights import recall, targets
from cible.insights.forms import RecallQueryForm, TargetQueryForm
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.okrs.access import get_objective_for_user
from cible.orgs.access import get_membership, require_writer
from cible.orgs.models import Membership, Team


@login_required
def target_suggestion(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """?kind=&start=&target=&unit=&title= of a key result of the objective `pk`."""
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    form = TargetQueryForm(request.GET)
    context: dict[str, object] = {"errors": not form.is_valid()}
    if form.is_valid():
        history = targets.history_for(
            membership, objective.team, objective.cycle, objective.carried_from_id
        )
        data = form.cleaned_data
        draft = targets.Draft(
            data["kind"], data["start"], data["target"], data["unit"], data["title"]
        )
        context["planned"] = targets.plan(history, draft)
    return render(request, "insights/_target_suggestion.html", context)


def _recalled(
    request: AuthenticatedHttpRequest, membership: Membership, team: Team | None, key_result: bool
) -> HttpResponse:
    form = RecallQueryForm(request.GET)
    found = []
    if form.is_valid():
        data = form.cleaned_data
        found = recall.recall(membership, data["title"], team, data["unit"], key_result)
    return render(request, "insights/_recall.html", {"recalled": found})


@login_required
def objective_recall(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """?title=&team= of an objective being written."""
    membership = get_membership(request, slug)
    require_writer(membership)
    team = None
    if team_id := parse_id(request.GET.get("team")):
        team = get_object_or_404(Team, organization=membership.organization, pk=team_id)
    return _recalled(request, membership, team, key_result=False)


@login_required
def key_result_recall(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """?title=&unit= of a key result of the objective `pk` being written."""
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    return _recalled(request, membership, objective.team, key_result=True)
