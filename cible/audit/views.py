"""The organisation's audit trail for its owners and admins, its CSV export, and the
erasure of a person."""

import json
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cible.audit.erasure import erase_member
from cible.audit.forms import AuditFilterForm, ErasureForm
from cible.audit.models import AuditEntry, AuditEntryQuerySet
from cible.insights.tables import Cell, Column, Table, csv_lines
from cible.lib.http import AuthenticatedHttpRequest
from cible.orgs.access import get_membership, require_admin
from cible.orgs.models import Membership

PAGE_SIZE = 50

CSV_COLUMNS = [
    Column(gettext_lazy("Date")),
    Column(gettext_lazy("By")),
    Column(gettext_lazy("By (id)")),
    Column(gettext_lazy("Action")),
    Column(gettext_lazy("Type")),
    Column(gettext_lazy("Id")),
    Column(gettext_lazy("About")),
    Column(gettext_lazy("Objective (id)")),
    Column(gettext_lazy("Before")),
    Column(gettext_lazy("After")),
]


def _filtered(
    request: AuthenticatedHttpRequest, membership: Membership
) -> tuple[AuditFilterForm, AuditEntryQuerySet]:
    """The entries the filters ask for; an invalid filter is left out (and shown)."""
    form = AuditFilterForm(request.GET or None, org=membership.organization)
    entries = AuditEntry.objects.visible_to(membership)
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if data.get("type"):
            entries = entries.filter(target_type=data["type"])
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        entries = entries.between(data.get("start"), data.get("end"))
    return form, entries.select_related("actor")


@login_required
def audit_log(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    form, entries = _filtered(request, membership)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": membership.organization,
        "membership": membership,
        "form": form,
        "page": page,
        "export_query": query.urlencode(),
    }
    return render(request, "audit/audit_log.html", context, status=422 if form.errors else 200)


def _csv_rows(entries: AuditEntryQuerySet) -> Iterator[list[Cell]]:
    for entry in entries.iterator(chunk_size=500):
        actor = entry.actor
        yield [
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            actor.display_name if actor else "",
            actor.pk if actor else None,
            entry.get_action_display(),
            entry.get_target_type_display(),
            entry.target_id,
            entry.target_label,
            entry.objective_id,
            json.dumps(entry.before, ensure_ascii=False) if entry.before else "",
            json.dumps(entry.after, ensure_ascii=False) if entry.after else "",
        ]


@login_required
def audit_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    """The filtered entries as CSV; text that a spreadsheet would compute is neutralised."""
    membership = get_membership(request, slug)
    require_admin(membership)
    form, entries = _filtered(request, membership)
    if form.errors:
        return HttpResponse(
            form.errors.as_text(),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    table = Table(_("Audit trail"), CSV_COLUMNS, _csv_rows(entries))
    response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    filename = f"audit-{membership.organization.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def member_erase(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm (GET) and erase (POST) a person's membership and personal data."""
    membership = get_membership(request, slug)
    target = get_object_or_404(
        Membership.objects.select_related("user", "organization"),
        organization=membership.organization,
        pk=pk,
    )
    require_admin(membership)
    form = ErasureForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            anonymised = erase_member(membership, target, form.cleaned_data["confirmation"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = (
                _("The person was erased: their personal data are gone.")
                if anonymised
                else _("The person was removed; they still belong to another organisation.")
            )
            messages.success(request, done)
            return redirect("member_list", slug)
    context = {
        "org": membership.organization,
        "membership": membership,
        "target": target,
        "form": form,
    }
    return render(request, "audit/member_erase.html", context, status=422 if form.errors else 200)
