from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.access import get_key_result_for_user
from cible.okrs.models import KeyResult
from cible.orgs.models import Membership
from cible.sources import services
from cible.sources.access import may_configure, may_use_sql
from cible.sources.forms import DataSourceForm, EnableForm
from cible.sources.models import DataSource


def _get(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> tuple[KeyResult, Membership, DataSource | None]:
    """The KR (404 for an outsider), refused to whoever may not edit it (403)."""
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    return kr, membership, DataSource.objects.filter(key_result=kr).first()


def _back(kr: KeyResult) -> HttpResponse:
    return redirect(kr.get_absolute_url() + "#data-source")


@login_required
def source_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, source = _get(request, slug, pk)
    if not may_configure(source, membership, True):
        raise PermissionDenied
    form = DataSourceForm(
        request.POST or None, instance=source, key_result=kr, allow_sql=may_use_sql(membership)
    )
    if request.method == "POST" and form.is_valid():
        services.save_source(kr, request.user, form.cleaned_data)
        messages.success(request, _("Data source saved: it runs within the next minutes."))
        return _back(kr)
    context = {"org": membership.organization, "membership": membership, "kr": kr, "form": form}
    status = 422 if form.errors else 200
    return render(request, "sources/source_form.html", context, status=status)


OUTCOMES = {
    "recorded": gettext_lazy("The data source answered: its value was checked in."),
    "unchanged": gettext_lazy("The data source answered the same value as the last check-in."),
    "skipped": gettext_lazy("Nothing was read: this key result takes no more check-ins."),
    "taken": gettext_lazy("The data source is running already: see the result in a moment."),
}


@login_required
@require_POST
def source_run(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, _membership, source = _get(request, slug, pk)
    if source is None:
        messages.info(request, _("This key result has no data source."))
        return _back(kr)
    outcome = services.run_now(source)
    if outcome == "failed":
        messages.error(request, _("The data source failed: nothing was checked in."))
    else:
        messages.success(request, str(OUTCOMES[outcome]))
    return _back(kr)


@login_required
@require_POST
def source_enable(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, source = _get(request, slug, pk)
    if source is None:
        messages.info(request, _("This key result has no data source."))
        return _back(kr)
    if not may_configure(source, membership, True):
        raise PermissionDenied
    form = EnableForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose on or off."), status=422)
    services.set_enabled(source, request.user, form.cleaned_data["enabled"])
    on = form.cleaned_data["enabled"]
    messages.success(request, _("Data source on.") if on else _("Data source off."))
    return _back(kr)


@login_required
@require_POST
def source_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, source = _get(request, slug, pk)
    if source is None:
        messages.info(request, _("This key result has no data source."))
        return _back(kr)
    if not may_configure(source, membership, True):
        raise PermissionDenied
    services.delete_source(source, request.user)
    messages.success(request, _("Data source removed: its check-ins stay."))
    return _back(kr)
