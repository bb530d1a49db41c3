"""The team page: its KPIs, members and sub-teams, OKRs, history and chat messages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from cible.audit.models import AuditEntry
from cible.kpis.access import may_manage_team_kpis
from cible.kpis.queries import attach_breaches, kpi_rows
from cible.lib.http import AuthenticatedHttpRequest
from cible.lib.text import sort_key
from cible.notifications.models import Delivery, Kind
from cible.okrs.views import team_context
from cible.orgs.access import can_manage_team, get_team_for_user
from cible.orgs.forms import TeamForm, TeamMemberForm


@login_required
def team_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    team, membership = get_team_for_user(request, slug, pk)
    org = membership.organization
    can_manage = can_manage_team(membership, team)
    members = sorted(team.members.all(), key=lambda u: (sort_key(u.display_name), u.email))
    context = {
        "org": org,
        "membership": membership,
        "team": team,
        "members": members,
        "sub_teams": team.children.select_related("lead", "organization"),
        "can_manage": can_manage,
        "can_write": membership.can_write,
        "history": AuditEntry.objects.for_team(team).select_related("actor")[:20],
        "kpi_rows": kpi_rows(org, team),
        "can_add_kpi": may_manage_team_kpis(
            membership, leads=can_manage, member=any(u.pk == request.user.pk for u in members)
        ),
        **team_context(request, team, membership),
    }
    attach_breaches(kr_row.kr for row in context.get("rows", []) for kr_row in row.key_results)
    if can_manage:
        # The webhook's address is a secret: only the forms of its managers carry it.
        context["member_form"] = TeamMemberForm(organization=org)
        context["edit_form"] = TeamForm(
            instance=team, organization=org, may_set_chat=membership.is_admin
        )
        context["chat_delivery"] = (
            Delivery.objects.filter(team=team, kind=Kind.CHAT)
            .order_by("-created_at", "-id")
            .first()
        )
    return render(request, "orgs/team_detail.html", context)
