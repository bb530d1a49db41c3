"""The dashboards: the organisation's and each team's, for a chosen cycle, one section at a
time (each at its own address, `dashboard/` showing the first)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cible.insights import snapshots
from cible.insights.dashboard import build
from cible.insights.dashboard_charts import charts
from cible.kpis.queries import health as kpi_health
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.models import Cycle
from cible.okrs.queries import cycle_choices
from cible.orgs.access import get_membership, get_team_for_user
from cible.orgs.models import Membership, Organization, Team

# The sections, in the order of their tabs; the first is at the dashboard's own address.
SECTIONS = {
    "progress": gettext_lazy("Progress"),
    "rhythm": gettext_lazy("Rhythm"),
    "alignment": gettext_lazy("Alignment"),
    "balance": gettext_lazy("Balance"),
    "focus": gettext_lazy("Focus"),
    "attention": gettext_lazy("Needs attention"),
    "kpis": gettext_lazy("KPI health"),
}
FIRST = next(iter(SECTIONS))


def selected_cycle(request: HttpRequest, org: Organization) -> tuple[list[Cycle], Cycle | None]:
    """The organisation's cycles, and the one asked for (else the current one)."""
    return cycle_choices(org, request.GET.get("cycle"))


def _tabs(org: Organization, team: Team | None, cycle: Cycle | None) -> list[tuple[str, str]]:
    query = "?" + urlencode({"cycle": cycle.pk}) if cycle else ""
    args: list[Any]
    name, args = (
        ("dashboard", [org.slug]) if team is None else ("team_dashboard", [org.slug, team.pk])
    )
    tabs = []
    for section, label in SECTIONS.items():
        if section == FIRST:
            address = reverse(name, args=args)
        else:
            address = reverse(name + "_section", args=[*args, section])
        tabs.append((address + query, str(label)))
    return tabs


def _render(
    request: HttpRequest, membership: Membership, team: Team | None, section: str
) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404
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
    tabs = _tabs(org, team, cycle)
    context = {
        "org": org,
        "membership": membership,
        "team": team,
        "cycles": cycles,
        "cycle": cycle,
        "board": board,
        "stored": stored,
        "charts": charts(board) if board else None,
        "section": section,
        "section_template": f"insights/dashboard/{section}.html",
        "tabs": tabs,
        "current_tab": tabs[list(SECTIONS).index(section)][0],
        "sections_label": gettext_lazy("Dashboard sections"),
        "kpi_health": kpi_health(org, team) if section == "kpis" else None,
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def dashboard(request: AuthenticatedHttpRequest, slug: str, section: str = FIRST) -> HttpResponse:
    return _render(request, get_membership(request, slug), None, section)


@login_required
def team_dashboard(
    request: AuthenticatedHttpRequest, slug: str, pk: int, section: str = FIRST
) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    return _render(request, membership, team, section)
