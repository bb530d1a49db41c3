"""KPIs: health metrics kept within thresholds across cycles, and their values. Writes go
through the web's KPI form (the same thresholds rules, by cible.kpis.rules) and the KPI
services (the audit trail, the webhooks); a value is recorded by the one service that
records values, once per Idempotency-Key."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from cible.api.common import PageQuery, check_form, form_data, page_of, paginate, team_in
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.errors import FieldDenied
from cible.api.idempotency import key_taken, once, request_fingerprint
from cible.api.okrs import ORG, IdempotencyKeyHeader
from cible.api.schemas import (
    Id,
    KPIIn,
    KPIOut,
    KPIPage,
    KPIPatch,
    KPIStatus,
    KPIValueIn,
    KPIValueOut,
    KPIValuePage,
    Slug,
)
from cible.kpis import services
from cible.kpis.access import KPIPowers, get_kpi_for_user, get_managed_kpi
from cible.kpis.forms import KPIForm
from cible.kpis.models import KPI, KPIValue, ValueOrigin
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.orgs.access import get_membership, require_writer

router = Router(tags=["KPIs"])


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def kpi_out(kpi: KPI) -> dict[str, Any]:
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "description": kpi.description,
        "team": kpi.team_id,
        "unit": kpi.unit,
        "direction": kpi.direction,
        **{
            name: _float(getattr(kpi, name))
            for name in ("critical_low", "healthy_low", "healthy_high", "critical_high")
        },
        "rhythm": kpi.rhythm,
        "owner": kpi.owner_id,
        "archived": kpi.archived,
        "last_value": _float(kpi.last_value),
        "last_measured_at": kpi.last_measured_at,
        "status": kpi.status,
        "status_since": kpi.status_since,
        "created_at": kpi.created_at,
        "updated_at": kpi.updated_at,
    }


def value_out(value: KPIValue) -> dict[str, Any]:
    return {
        "id": value.pk,
        "kpi": value.kpi_id,
        "value": float(value.value),
        "measured_at": value.measured_at,
        "status": value.status,
        "note": value.note,
        "origin": value.origin,
        "author": value.author_id,
        "created_at": value.created_at,
    }


class KPIFilters(PageQuery):
    team: Id | None = None
    status: KPIStatus | None = None
    archived: bool = False


@router.get(ORG + "/kpis", response={200: KPIPage, **ERRORS})
def list_kpis(request: Request, slug: Slug, filters: Query[KPIFilters]) -> Any:
    """Every KPI of the organisation: each member sees them all."""
    membership = get_membership(request, slug)
    qs = KPI.objects.filter(organization=membership.organization, archived=filters.archived)
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    count, items = paginate(qs.order_by("pk"), filters)
    return page_of(count, [kpi_out(k) for k in items])


@router.get(ORG + "/kpis/{id}", response={200: KPIOut, **ERRORS})
def get_kpi(request: Request, slug: Slug, id: Id) -> Any:
    kpi, _powers = get_kpi_for_user(request, slug, id)
    return kpi_out(kpi)


@router.post(ORG + "/kpis", response={201: KPIOut, **ERRORS})
def create_kpi(request: Request, slug: Slug, data: KPIIn) -> Any:
    """A KPI of a team the caller belongs to or leads, or (admins) of the organisation."""
    membership = get_membership(request, slug)
    require_writer(membership)
    powers = KPIPowers(membership)
    team = team_in(membership.organization, data.team, "team") if data.team else None
    if not powers.can_manage_team(team):
        raise FieldDenied("team")
    form = KPIForm(form_data(data.model_dump()), powers=powers)
    cleaned = check_form(form)
    kpi = services.create_kpi(membership.organization, request.user, **cleaned)
    return Status(201, kpi_out(kpi))


@router.patch(ORG + "/kpis/{id}", response={200: KPIOut, **ERRORS})
def update_kpi(request: Request, slug: Slug, id: Id, data: KPIPatch) -> Any:
    kpi, powers = get_managed_kpi(request, slug, id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("team") is not None:
        team = team_in(kpi.organization, changes["team"], "team")
        if not powers.can_manage_team(team):
            raise FieldDenied("team")
    elif "team" in changes and not powers.can_manage_team(None):
        raise FieldDenied("team")
    fields: dict[str, Any] = {name: getattr(kpi, name) for name in KPIForm.Meta.fields}
    fields["team"], fields["owner"] = kpi.team_id, kpi.owner_id
    fields.update(changes)
    form = KPIForm(form_data(fields), instance=kpi, powers=powers)
    cleaned = check_form(form)
    services.update_kpi(kpi, request.user, **{name: cleaned[name] for name in form.Meta.fields})
    return kpi_out(kpi)


@router.post(ORG + "/kpis/{id}/archive", response={200: KPIOut, **ERRORS})
def archive_kpi(request: Request, slug: Slug, id: Id) -> Any:
    """Archived, a KPI leaves the lists; its values stay."""
    kpi, _powers = get_managed_kpi(request, slug, id)
    services.archive_kpi(kpi, request.user)
    return kpi_out(kpi)


@router.get(ORG + "/kpis/{id}/values", response={200: KPIValuePage, **ERRORS})
def list_kpi_values(request: Request, slug: Slug, id: Id, page: Query[PageQuery]) -> Any:
    """Its values, the newest first."""
    kpi, _powers = get_kpi_for_user(request, slug, id)
    qs = KPIValue.objects.filter(kpi=kpi).order_by("-measured_at", "-pk")
    count, items = paginate(qs, page)
    return page_of(count, [value_out(v) for v in items])


@router.post(ORG + "/kpis/{id}/values", response={200: KPIValueOut, 201: KPIValueOut, **ERRORS})
def record_kpi_value(
    request: Request,
    slug: Slug,
    id: Id,
    data: KPIValueIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Record a value: 201 with it, or 200 with the one already recorded for this
    Idempotency-Key. The KPI's status follows when it is its newest value."""
    kpi, _powers = get_managed_kpi(request, slug, id)
    measured_at = data.measured_at
    if measured_at is not None and timezone.is_naive(measured_at):
        measured_at = timezone.make_aware(measured_at)
    if measured_at is not None and measured_at > timezone.now():
        raise ValidationError(
            {"measured_at": _("A value is measured today or before, not in the future.")}
        )

    def make() -> KPIValue:
        return services.record_value(
            kpi,
            data.value,
            measured_at,
            author=request.user,
            origin=ValueOrigin.API,
            note=data.note,
        )

    if idempotency_key is None:
        return Status(201, value_out(make()))
    request_print = request_fingerprint(
        "record_kpi_value", kpi.organization_id, {**data.model_dump(), "kpi": kpi.pk}
    )

    def claim_it(claim: Any) -> None:
        claim.kpi_value = make()

    claim, created = once(request.user, idempotency_key, request_print, claim_it)
    if claim.kpi_value is None:
        raise key_taken()
    return Status(201 if created else 200, value_out(claim.kpi_value))
