"""Cycles: years, quarters and custom periods, and their states."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
