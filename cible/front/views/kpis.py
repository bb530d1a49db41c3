"""The KPI page: its values, chart and changes (cible.kpis) and its data source."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from cible.kpis.access import get_kpi_for_user
from cible.kpis.views import page_context
from cible.lib.http import AuthenticatedHttpRequest
from cible.sources.contexts import source_panel


@login_required
def kpi_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kpi, powers = get_kpi_for_user(request, slug, pk)
    can_manage = powers.can_manage(kpi)
    context = {
        **page_context(kpi, powers, can_manage),
        "source_panel": source_panel(kpi, powers.membership, can_manage),
    }
    return render(request, "kpis/kpi_detail.html", context)
