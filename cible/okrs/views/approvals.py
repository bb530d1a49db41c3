"""Approval of drafts, where the organisation asks for it: a draft is submitted to its
approvers, who approve it (it is published) or send it back with a comment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs import services
from cible.okrs.access import Powers, get_objective_for_user
from cible.okrs.forms import DecisionForm
from cible.okrs.models import Objective
from cible.okrs.views import objective_context
from cible.orgs.models import Membership


def _render_page(
    request: HttpRequest,
    objective: Objective,
    membership: Membership,
    powers: Powers,
    error: ValidationError | None = None,
    decision_form: DecisionForm | None = None,
) -> HttpResponse:
    if error is not None:
        for message in error.messages:
            messages.error(request, message)
    context = objective_context(request, objective, membership, powers, decision_form=decision_form)
    return render(request, "okrs/objective_detail.html", context, status=422)


@login_required
@require_POST
def objective_submit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    try:
        services.submit_for_approval(objective, request.user)
    except ValidationError as error:
        return _render_page(request, objective, membership, powers, error)
    messages.success(request, _("Draft submitted for approval."))
    return redirect(objective.get_absolute_url() + "#approval")


@login_required
@require_POST
def objective_decide(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_approve(objective):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_page(request, objective, membership, powers, decision_form=form)
    approved = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_approval(objective, request.user, approved, form.cleaned_data["comment"])
    except ValidationError as error:
        if "comment" in error.message_dict:
            form.add_error("comment", error.message_dict["comment"])
            return _render_page(request, objective, membership, powers, decision_form=form)
        return _render_page(request, objective, membership, powers, error, decision_form=form)
    messages.success(
        request, _("Objective approved and published.") if approved else _("Draft sent back.")
    )
    return redirect(objective.get_absolute_url() + "#approval")
