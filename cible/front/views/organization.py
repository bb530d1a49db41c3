"""The organisation page: its KPIs first, then the company objectives of the cycle."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from cible.kpis.queries import kpi_rows
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.views import org_home_context
from cible.orgs.access import get_membership


@login_required
def org_home(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    context = {
        **org_home_context(request, membership),
        "kpi_rows": kpi_rows(membership.organization, org_only=True),
        "can_add_kpi": membership.is_admin,
    }
    return render(request, "okrs/org_home.html", context)
