"""The KPI pages: the organisation's list, a KPI's form, entering or importing its values,
and the KPI page's own part (its chart, values and history; the page itself, with its data
source, is cible/front/views/kpis.py)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cible.audit.models import AuditEntry, TargetType
from cible.kpis import charts, services
from cible.kpis.access import KPIPowers, get_managed_kpi
from cible.kpis.forms import ImportForm, KPIForm, StatusFilter, ValueForm
from cible.kpis.models import KPI, KPIValue, Status, ValueOrigin
from cible.kpis.queries import live_kpis, recent_values
from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.okrs.templatetags.okrs import value as format_value
from cible.orgs.access import get_membership
from cible.orgs.models import Team

# The values a KPI's page draws and lists: two years of daily values at most.
PAGE_VALUES = 750


@login_required
def kpi_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    org = membership.organization
    powers = KPIPowers(membership)
    filters = StatusFilter(request.GET)
    qs = live_kpis(org).select_related("team")
    if filters.is_valid() and filters.cleaned_data["status"]:
        qs = qs.filter(status=filters.cleaned_data["status"])
    kpis = list(qs.order_by("team__name", "team_id", "name", "pk"))
    recent = recent_values([k.pk for k in kpis])
    groups: dict[Team | None, list[Any]] = {}
    for kpi in kpis:
        kpi.organization = org
        groups.setdefault(kpi.team, []).append((kpi, charts.spark(recent.get(kpi.pk, []))))
    context = {
        "org": org,
        "membership": membership,
        "filters": filters,
        "groups": sorted(groups.items(), key=lambda g: (g[0] is not None, g[0] and g[0].name)),
        "can_create": powers.can_create_any,
    }
    return render(request, "kpis/kpi_list.html", context)


@login_required
def kpi_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    powers = KPIPowers(membership)
    if not powers.can_create_any:
        raise PermissionDenied
    initial = {"team": parse_id(request.GET.get("team")), "owner": request.user.pk}
    form = KPIForm(request.POST or None, powers=powers, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not powers.can_manage_team(form.cleaned_data["team"]):
            raise PermissionDenied
        kpi = services.create_kpi(membership.organization, request.user, **form.cleaned_data)
        messages.success(request, _("KPI created: enter its first value."))
        return redirect(kpi.get_absolute_url())
    return _form(request, form, None, membership)


@login_required
def kpi_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kpi, powers = get_managed_kpi(request, slug, pk)
    form = KPIForm(request.POST or None, instance=kpi, powers=powers)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.update_kpi(kpi, request.user, **fields)
        messages.success(request, _("KPI saved."))
        return redirect(kpi.get_absolute_url())
    return _form(request, form, kpi, powers.membership)


def _form(
    request: AuthenticatedHttpRequest, form: KPIForm, kpi: KPI | None, membership: Any
) -> HttpResponse:
    context = {"org": membership.organization, "membership": membership, "form": form, "kpi": kpi}
    return render(request, "kpis/kpi_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def kpi_archive(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Archive the KPI; with `restore`, bring it back."""
    kpi, _powers = get_managed_kpi(request, slug, pk)
    restore = request.POST.get("restore") == "1"
    services.archive_kpi(kpi, request.user, archived=not restore)
    messages.success(
        request, _("KPI restored.") if restore else _("KPI archived: its history stays.")
    )
    return redirect(kpi.get_absolute_url())


@dataclass(frozen=True)
class ValueRow:
    """One line of the KPI page's table, as the reader sees it: computed here rather than in
    the template, which two years of values made the page's main cost."""

    day: str
    value: str
    note: str
    status: str
    status_label: str
    author: str
    origin: str


def value_rows(kpi: KPI, values: list[KPIValue]) -> list[ValueRow]:
    statuses = {s.value: str(s.label) for s in Status}
    origins = {o.value: str(o.label) for o in ValueOrigin}
    days: dict[date, str] = {}
    rows = []
    for v in values:
        day = timezone.localtime(v.measured_at).date()
        if day not in days:
            days[day] = date_format(day, "SHORT_DATE_FORMAT")
        rows.append(
            ValueRow(
                day=days[day],
                value=format_value(v.value, kpi.unit),
                note=v.note,
                status=v.status or "unknown",
                status_label=statuses.get(v.status, ""),
                author=v.author.display_name if v.author else "–",
                origin=origins.get(v.origin, v.origin),
            )
        )
    return rows


def page_context(kpi: KPI, powers: KPIPowers, can_manage: bool, **forms: Any) -> dict[str, Any]:
    """The KPI page's own part (cible/front/views/kpis.py adds its data source): its
    values, chart, changes and forms; `forms` replace the empty ones (with their errors)."""
    newest = list(
        KPIValue.objects.filter(kpi=kpi)
        .select_related("author")
        .order_by("-measured_at", "-pk")[:PAGE_VALUES]
    )
    history = (
        AuditEntry.objects.filter(
            organization_id=kpi.organization_id, target_type=TargetType.KPI, target_id=kpi.pk
        )
        .exclude(action="measured")
        .select_related("actor")
        .order_by("-at", "-pk")[:50]
    )
    return {
        "org": kpi.organization,
        "membership": powers.membership,
        "kpi": kpi,
        "values": value_rows(kpi, newest),
        "chart": charts.chart(kpi, newest[::-1]),
        "history": history,
        "can_manage": can_manage,
        "value_form": forms.get("value_form") or (ValueForm() if can_manage else None),
        "import_form": forms.get("import_form") or (ImportForm() if can_manage else None),
    }


@login_required
@require_POST
def kpi_value(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """One value entered by hand. With htmx, the value panel comes back in place."""
    kpi, powers = get_managed_kpi(request, slug, pk)
    form = ValueForm(request.POST)
    if form.is_valid():
        try:
            services.record_value(
                kpi,
                form.cleaned_data["value"],
                form.measured_at,
                author=request.user,
                origin=ValueOrigin.HAND,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if not is_htmx(request):
        if form.errors:
            context = page_context(kpi, powers, True, value_form=form)
            return render(request, "kpis/kpi_detail.html", context, status=422)
        messages.success(request, _("Value recorded."))
        return redirect(kpi.get_absolute_url())
    if form.errors:
        context = {"org": kpi.organization, "kpi": kpi, "value_form": form}
        return render(request, "kpis/_value_panel.html", context, status=422)
    # The whole page follows: the chart, the status and the table changed with the value.
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    messages.success(request, _("Value recorded."))
    return response


@login_required
@require_POST
def kpi_import(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kpi, powers = get_managed_kpi(request, slug, pk)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        readings = [
            services.Reading(row.value, row.measured_at, row.note)
            for row in form.cleaned_data["file"]
        ]
        try:
            services.record_values(kpi, readings, author=request.user, origin=ValueOrigin.CSV)
        except ValidationError as error:
            # Keyed by the value's field, which this form has not: said on the file.
            form.add_error("file", error.messages)
    if form.errors:
        context = page_context(kpi, powers, True, import_form=form)
        return render(request, "kpis/kpi_detail.html", context, status=422)
    count = len(form.cleaned_data["file"])
    messages.success(
        request,
        ngettext("%(count)s value imported.", "%(count)s values imported.", count)
        % {"count": count},
    )
    return redirect(kpi.get_absolute_url())
