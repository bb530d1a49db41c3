"""Initiatives: the work planned to move a key result, added, edited and moved along
from the objective's page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.okrs import services
from cible.okrs.access import get_initiative_for_user, get_objective_for_user
from cible.okrs.contexts import InitiativeRow
from cible.okrs.forms import InitiativeForm, InitiativeStateForm
from cible.okrs.models import Initiative, KeyResult, Objective


def _back(initiative: Initiative) -> str:
    return f"{initiative.objective.get_absolute_url()}#initiative-{initiative.pk}"


def _form_page(request: HttpRequest, context: dict[str, Any], form: InitiativeForm) -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "okrs/initiative_form.html", context, status=status)


def _chosen_kr(request: HttpRequest, objective: Objective) -> KeyResult | None:
    raw = request.POST.get("key_result") if request.method == "POST" else request.GET.get("kr")
    kr_id = parse_id(raw)
    if kr_id is None:
        return None
    kr = KeyResult.objects.live().filter(objective=objective, pk=kr_id).first()
    if kr is not None:
        kr.objective = objective
    return kr


@login_required
def initiative_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    kr = _chosen_kr(request, objective)
    if not powers.can_add_initiative(objective, kr):
        raise PermissionDenied
    initial = {"key_result": kr.pk} if kr else {}
    form = InitiativeForm(request.POST or None, initial=initial, objective=objective, powers=powers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.create_initiative(
                objective, request.user, correction=form.correction, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Initiative added."))
            return redirect(_back(initiative))
    context = {"org": objective.organization, "membership": membership, "objective": objective}
    return _form_page(request, {**context, "form": form}, form)


@login_required
def initiative_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative, membership, powers = get_initiative_for_user(request, slug, pk)
    if not powers.can_edit_initiative(initiative):
        raise PermissionDenied
    objective = initiative.objective
    form = InitiativeForm(
        request.POST or None, instance=initiative, objective=objective, powers=powers
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_initiative(
                initiative, request.user, correction=form.correction, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Initiative saved."))
            return redirect(_back(initiative))
    context = {
        "org": objective.organization,
        "membership": membership,
        "objective": objective,
        "initiative": initiative,
        "form": form,
    }
    return _form_page(request, context, form)


@login_required
@require_POST
def initiative_state(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative, membership, powers = get_initiative_for_user(request, slug, pk)
    if not powers.can_edit_initiative(initiative):
        raise PermissionDenied
    form = InitiativeStateForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.set_initiative_state(
                initiative,
                request.user,
                form.cleaned_data["state"],
                correction=powers.corrects_closed_cycles,
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = " ".join(str(message) for message in form.errors.get("state", []))
    if is_htmx(request):
        context = {
            "org": membership.organization,
            "item": InitiativeRow(initiative, editable=True),
            "error": error,
        }
        return render(request, "okrs/_initiative.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
        return redirect(_back(initiative))
    messages.success(
        request, _("Initiative moved to “%(state)s”.") % {"state": initiative.get_state_display()}
    )
    return redirect(_back(initiative))
