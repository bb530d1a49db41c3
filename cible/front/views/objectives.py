"""The objective page: its key results, dependencies and history (the OKR app's), and its
forecast and the coach's target suggestions (the insights app's), explained in words."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from cible.insights import targets
from cible.insights.forecasts import objective_forecasts
from cible.kpis.queries import attach_breaches, guardrail_counts
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.access import get_objective_for_user
from cible.okrs.coach import guardrail_advice
from cible.okrs.views import objective_context


@login_required
def objective_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    context = objective_context(request, objective, membership, powers)
    shown = context["row"].objective  # with its live key results and cycle loaded
    context["forecast"] = objective_forecasts([shown])[shown.pk]
    krs = [kr_row.kr for kr_row in context["row"].key_results]
    attach_breaches(krs)
    counts = guardrail_counts(kr.pk for kr in krs)
    context["advice"] = [
        *context["advice"],
        *guardrail_advice(shown, counts, request.LANGUAGE_CODE),
    ]
    if powers.can_edit(objective):
        # Suggested targets are for those who may change them.
        context["advice"] = [*context["advice"], *targets.advice_for(membership, shown)]
    return render(request, "okrs/objective_detail.html", context)
