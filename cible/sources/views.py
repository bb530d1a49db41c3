from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cible.kpis.access import get_managed_kpi
from cible.kpis.models import KPI
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs.access import get_key_result_for_user
from cible.okrs.models import KeyResult
from cible.orgs.models import Membership
from cible.sources import services
from cible.sources.access import may_configure, may_use_sql
from cible.sources.forms import DataSourceForm, EnableForm
from cible.sources.models import DataSource

Target = KeyResult | KPI
Getter = Callable[
    [AuthenticatedHttpRequest, str, int], tuple[Target, Membership, DataSource | None]
]


def _get(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> tuple[KeyResult, Membership, DataSource | None]:
    """The KR (404 for an outsider), refused to whoever may not edit it (403)."""
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    return kr, membership, DataSource.objects.filter(key_result=kr).first()


def _get_kpi(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> tuple[KPI, Membership, DataSource | None]:
    """The KPI (404 for an outsider), refused to whoever may not manage it (403)."""
    kpi, powers = get_managed_kpi(request, slug, pk)
    return kpi, powers.membership, DataSource.objects.filter(kpi=kpi).first()


def _back(target: Target) -> HttpResponse:
    return redirect(target.get_absolute_url() + "#data-source")


def _edit(request: AuthenticatedHttpRequest, slug: str, pk: int, get: Getter) -> HttpResponse:
    target, membership, source = get(request, slug, pk)
    if not may_configure(source, membership, True):
        raise PermissionDenied
    form = DataSourceForm(
        request.POST or None,
        instance=source,
        key_result=target if isinstance(target, KeyResult) else None,
        allow_sql=may_use_sql(membership),
    )
    if request.method == "POST" and form.is_valid():
        services.save_source(target, request.user, form.cleaned_data)
        messages.success(request, _("Data source saved: it runs within the next minutes."))
        return _back(target)
    context = {
        "org": membership.organization,
        "membership": membership,
        "target": target,
        "is_kpi": isinstance(target, KPI),
        "form": form,
    }
    status = 422 if form.errors else 200
    return render(request, "sources/source_form.html", context, status=status)


@login_required
def source_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _edit(request, slug, pk, _get)


@login_required
def kpi_source_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _edit(request, slug, pk, _get_kpi)


# What the buttons answer, for a key result and for a KPI.
KR_WORDS = {
    "recorded": gettext_lazy("The data source answered: its value was checked in."),
    "unchanged": gettext_lazy("The data source answered the same value as the last check-in."),
    "skipped": gettext_lazy("Nothing was read: this key result takes no more check-ins."),
    "taken": gettext_lazy("The data source is running already: see the result in a moment."),
    "failed": gettext_lazy("The data source failed: nothing was checked in."),
    "none": gettext_lazy("This key result has no data source."),
    "removed": gettext_lazy("Data source removed: its check-ins stay."),
}
KPI_WORDS = {
    **KR_WORDS,
    "recorded": gettext_lazy("The data source answered: its value was recorded."),
    "unchanged": gettext_lazy("The data source answered the same value as today's."),
    "skipped": gettext_lazy("Nothing was read: this KPI is archived."),
    "failed": gettext_lazy("The data source failed: nothing was recorded."),
    "none": gettext_lazy("This KPI has no data source."),
    "removed": gettext_lazy("Data source removed: its values stay."),
}


def _words(target: Target, what: str) -> str:
    return str((KPI_WORDS if isinstance(target, KPI) else KR_WORDS)[what])


def _run(request: AuthenticatedHttpRequest, slug: str, pk: int, get: Getter) -> HttpResponse:
    target, _membership, source = get(request, slug, pk)
    if source is None:
        messages.info(request, _words(target, "none"))
        return _back(target)
    outcome = services.run_now(source)
    if outcome == "failed":
        messages.error(request, _words(target, "failed"))
    else:
        messages.success(request, _words(target, outcome))
    return _back(target)


def _enable(request: AuthenticatedHttpRequest, slug: str, pk: int, get: Getter) -> HttpResponse:
    target, membership, source = get(request, slug, pk)
    if source is None:
        messages.info(request, _words(target, "none"))
        return _back(target)
    if not may_configure(source, membership, True):
        raise PermissionDenied
    form = EnableForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose on or off."), status=422)
    services.set_enabled(source, request.user, form.cleaned_data["enabled"])
    on = form.cleaned_data["enabled"]
    messages.success(request, _("Data source on.") if on else _("Data source off."))
    return _back(target)


def _delete(request: AuthenticatedHttpRequest, slug: str, pk: int, get: Getter) -> HttpResponse:
    target, membership, source = get(request, slug, pk)
    if source is None:
        messages.info(request, _words(target, "none"))
        return _back(target)
    if not may_configure(source, membership, True):
        raise PermissionDenied
    services.delete_source(source, request.user)
    messages.success(request, _words(target, "removed"))
    return _back(target)


@login_required
@require_POST
def source_run(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _run(request, slug, pk, _get)


@login_required
@require_POST
def source_enable(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _enable(request, slug, pk, _get)


@login_required
@require_POST
def source_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _delete(request, slug, pk, _get)


@login_required
@require_POST
def kpi_source_run(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _run(request, slug, pk, _get_kpi)


@login_required
@require_POST
def kpi_source_enable(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _enable(request, slug, pk, _get_kpi)


@login_required
@require_POST
def kpi_source_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _delete(request, slug, pk, _get_kpi)
