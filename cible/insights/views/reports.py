"""Ambition calibration and the cycle review report (HTML, PDF, Markdown). Reading is
open to every member of the organisation, viewers included."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext

from cible.insights.calibration import calibration_for, draw
from cible.insights.cycle_report import CycleReport, build_report, report_charts
from cible.insights.report_markdown import render_markdown
from cible.insights.score_charts import bin_rows
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.okrs.models import Cycle
from cible.orgs.access import get_membership
from cible.orgs.forms import team_picker
from cible.orgs.models import Organization, Team

# The calibration lists its teams this many at a time (10,000 at 100,000 people).
TEAMS_PER_PAGE = 50


@login_required
def calibration(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    calibration = calibration_for(membership)
    teams = Paginator(calibration.teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    shown = [draw(calibration.organization), *(draw(group) for group in teams)]
    context = {
        "org": membership.organization,
        "membership": membership,
        "calibration": calibration,
        "teams": teams,
        "shown": shown,
    }
    return render(request, "insights/calibration.html", context)


def _report(
    request: AuthenticatedHttpRequest, slug: str, pk: int, page: str | None = None
) -> CycleReport:
    """The report a request asks for: ?team=<id> narrows it to one team of the
    organisation, as does its exact name typed in the picker without JavaScript (another
    organisation's team is a 404; a malformed id or an unknown name is ignored)."""
    membership = get_membership(request, slug)
    cycle = get_object_or_404(Cycle, organization=membership.organization, pk=pk)
    chosen = _team_picker(membership.organization).widget.value_from_datadict(
        request.GET, {}, "team"
    )
    team_id = parse_id(chosen)
    team = (
        get_object_or_404(Team, organization=membership.organization, pk=team_id)
        if team_id is not None
        else None
    )
    return build_report(membership, cycle, team, page)


def _team_picker(org: Organization) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return team_picker(org, empty_label=gettext("The whole organisation"))


@login_required
def cycle_report(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = _report(request, slug, pk, request.GET.get("page"))
    org = report.organization
    context = {
        "org": org,
        "cycle": report.cycle,
        "team": report.team,
        "report": report,
        "charts": report_charts(report),
        "bins": bin_rows(report.histogram, report.display),
        "team_picker": _team_picker(org).widget.render(
            "team", report.team.pk if report.team else "", {"id": "report-team"}
        ),
        "query": "?" + urlencode({"team": report.team.pk}) if report.team else "",
    }
    return render(request, "insights/cycle_report.html", context)


@login_required
def cycle_report_pdf(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    # fpdf is imported on first use, not with the views: with openpyxl (xlsx.py), it
    # cost each app server worker 31 MiB and a second of CPU as it started.
    from cible.insights.report_pdf import render_pdf

    report = _report(request, slug, pk)
    response = HttpResponse(render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, report.filename("pdf"))
    return response


@login_required
def cycle_report_md(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = _report(request, slug, pk)
    response = HttpResponse(render_markdown(report), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, report.filename("md"))
    return response
