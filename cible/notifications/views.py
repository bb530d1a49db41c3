from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.lib.http import AuthenticatedHttpRequest
from cible.notifications import services
from cible.notifications.forms import MuteForm
from cible.orgs.access import get_membership, require_writer
from cible.orgs.models import Team


@login_required
def notification_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    if request.method == "POST":
        require_writer(membership)
    form = MuteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        muted = form.cleaned_data["muted"]
        services.set_reminders_muted(membership, muted)
        messages.success(request, _("Reminders muted.") if muted else _("Reminders are on."))
        return redirect("notification_settings", slug)
    org = membership.organization
    context = {
        "org": org,
        "membership": membership,
        "form": form,
        "next_slot": services.next_slot(org, timezone.now()),
        "led_teams": Team.objects.filter(organization=org, lead=request.user),
    }
    status = 422 if form.errors else 200
    return render(request, "notifications/settings.html", context, status=status)
