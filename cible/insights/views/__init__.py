"""The dashboards: the organisation's and each team's, for a chosen cycle."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cible.insights import snapshots
from cible.insights.dashboard import build
from cible.insights.dashboard_charts import charts
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.models import Cycle
from cible.okrs.queries import cycle_choices
from cible.orgs.access import get_membership, get_team_for_user
from cible.orgs.models import Membership, Organization, Team


def selected_cycle(request: HttpRequest, org: Organization) -> tuple[list[Cycle], Cycle | None]:
    """The organisation's cycles, and the one asked for (else the current one)."""
    return cycle_choices(org, request.GET.get("cycle"))


def _render(request: HttpRequest, membership: Membership, team: Team | None) -> HttpResponse:
    org = membership.organization
    cycles, cycle = selected_cycle(request, org)
    stored = None
    if cycle is None:
        board = None
    elif team is None and snapshots.is_large(cycle):
        stored = snapshots.stored(org, cycle)
        board = stored.board
    else:
        board = build(membership, cycle, team)
    context = {
        "org": org,
        "membership": membership,
        "team": team,
        "cycles": cycles,
        "cycle": cycle,
        "board": board,
        "stored": stored,
        "charts": charts(board) if board else None,
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _render(request, get_membership(request, slug), None)


@login_required
def team_dashboard(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    return _render(request, membership, team)
