"""Cycles: years, quarters and custom periods, and their states."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs import services
from cible.okrs.forms import CycleForm
from cible.okrs.models import Cycle
from cible.orgs.access import get_membership, require_admin


@login_required
def cycle_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    if request.method == "POST":
        require_admin(membership)
    form = CycleForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            fields = {name: form.cleaned_data[name] for name in CycleForm.Meta.fields}
            cycle = services.create_cycle(org, request.user, **fields)
            if form.cleaned_data.get("generate_quarters"):
                services.create_quarters(cycle, request.user)
        messages.success(request, _("Cycle created."))
        return redirect("cycle_list", slug)
    cycles = (
        Cycle.objects.filter(organization=org).select_related("parent").order_by("-start", "end")
    )
    context = {"org": org, "membership": membership, "cycles": cycles, "form": form}
    return render(request, "okrs/cycle_list.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def cycle_state(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move a cycle one step along planning -> active -> review -> closed, or one back."""
    membership = get_membership(request, slug)
    cycle = get_object_or_404(Cycle, organization=membership.organization, pk=pk)
    require_admin(membership)
    try:
        services.set_cycle_state(cycle, request.user, request.POST.get("state", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cycle_list", slug)
    messages.success(
        request,
        _("%(cycle)s is now: %(state)s.")
        % {"cycle": cycle.name, "state": cycle.get_state_display()},
    )
    return redirect("cycle_list", slug)
