"""The key result page: its check-ins, their chart and forecast, its data source and the
check-in form, from the apps that hold each."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cible.checkins import kpi_from_kr
from cible.checkins.forms import CheckInRowForm
from cible.checkins.models import CheckIn
from cible.collab import queries as collab
from cible.collab.rules import may_comment
from cible.collab.templatetags.collab import SENTINEL
from cible.insights.forecasts import forecast_for, forecast_view, is_forecast
from cible.insights.key_result_chart import key_result_chart
from cible.kpis.queries import attach_breaches
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs import rules
from cible.okrs.access import get_key_result_for_user
from cible.okrs.models import KeyResult
from cible.okrs.queries import initiatives_by_key_result
from cible.orgs.models import Membership
from cible.sources.contexts import source_panel


@login_required
def key_result_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    check_ins = list(CheckIn.objects.filter(key_result=kr).select_related("author")[:200])
    points = [(timezone.localtime(c.created_at), c.value) for c in reversed(check_ins)]
    reactions = collab.check_in_reactions(check_ins, request.user.pk)
    comment_counts = collab.comment_counts(check_ins)
    react_url = reverse("check_in_react", args=[membership.organization.slug, SENTINEL])
    for check_in in check_ins:
        check_in.reaction_counts = reactions[check_in.pk]  # type: ignore[attr-defined]
        check_in.react_url = react_url.replace(str(SENTINEL), str(check_in.pk))  # type: ignore[attr-defined]
        check_in.comment_count = comment_counts.get(check_in.pk, 0)  # type: ignore[attr-defined]
    attach_breaches([kr])
    forecast = forecast_view(kr, forecast_for(kr, points)) if is_forecast(kr) else None
    context = {
        "org": membership.organization,
        "membership": membership,
        "kr": kr,
        "check_ins": check_ins,
        "may_react": may_comment(membership),
        "initiatives": initiatives_by_key_result([kr.pk]).get(kr.pk, []),
        "can_add_initiative": powers.can_add_initiative(kr.objective, kr),
        "forecast": forecast,
        "chart": key_result_chart(kr, reversed(check_ins), forecast),  # oldest first
        "can_edit": powers.can_edit_key_result(kr),
        "can_edit_objective": powers.can_edit(kr.objective) and kr.objective.team_id,
        "source_panel": source_panel(kr, membership, powers.can_edit_key_result(kr)),
        "to_kpi": _to_kpi(kr, membership),
        "check_in_form": CheckInRowForm(key_result=kr)
        if powers.can_edit_key_result(kr)
        and not kr.cancelled_at
        and rules.cycle_takes_changes(kr.objective.cycle)
        else None,
    }
    return render(request, "okrs/key_result_detail.html", context)


def _to_kpi(kr: KeyResult, membership: Membership) -> dict[str, object] | None:
    """The "turn into a KPI" panel: for an eligible key result, to who may turn it; with
    the KPI it became, once done."""
    if not kpi_from_kr.eligible(kr):
        return None
    if not kpi_from_kr.may_turn(membership, kr, kpi_from_kr.member_team_ids(membership)):
        return None
    return {"kpi": kpi_from_kr.existing(kr)}
