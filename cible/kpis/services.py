"""KPIs made, changed and archived, and their values recorded: the one way a value is
stored, whoever sends it (a form, the API, a CSV file, a data source)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record, snapshot
from cible.kpis import signals
from cible.kpis.models import KPI, KPIValue, ValueOrigin
from cible.okrs import rules as okr_rules
from cible.orgs.models import Organization

# What the audit trail keeps of a KPI.
KPI_FIELDS = (
    "name",
    "description",
    "unit",
    "team_id",
    "owner_id",
    "direction",
    "critical_low",
    "healthy_low",
    "healthy_high",
    "critical_high",
    "rhythm",
    "archived",
)
# What a form or the API may set.
EDITABLE = (
    "name",
    "description",
    "unit",
    "team",
    "owner",
    "direction",
    "critical_low",
    "healthy_low",
    "healthy_high",
    "critical_high",
    "rhythm",
)


def check_value(value: Decimal, field: str = "value") -> None:
    """A KPI's value follows a key result's value rule: a finite number within its digits."""
    okr_rules.check_value(value, field)


def record_value(
    kpi: KPI,
    value: Decimal,
    measured_at: datetime | None = None,
    *,
    author: User | None = None,
    origin: str = ValueOrigin.HAND,
    note: str = "",
) -> KPIValue:
    """Store one value; the KPI's latest value and status follow when it is the newest.
    A value dated before the latest one joins the history without changing the status."""
    check_value(value)
    measured_at = measured_at or timezone.now()
    with transaction.atomic():
        locked = KPI.objects.select_for_update().get(pk=kpi.pk)
        status = locked.status_of(value)
        row = KPIValue.objects.create(
            kpi=locked,
            value=value,
            measured_at=measured_at,
            status=status,
            note=note,
            origin=origin,
            author=author,
        )
        before = locked.status
        newest = locked.last_measured_at is None or measured_at >= locked.last_measured_at
        if newest:
            locked.last_value = value
            locked.last_measured_at = measured_at
            if status != before:
                locked.status = status
                locked.status_since = measured_at
            locked.save(
                update_fields=[
                    "last_value",
                    "last_measured_at",
                    "status",
                    "status_since",
                    "updated_at",
                ]
            )
        record(
            locked.organization,
            author,
            locked,
            Action.MEASURED,
            after={"value": str(value), "measured_at": measured_at.isoformat(), "status": status},
        )
        signals.value_recorded.send(KPI, kpi=locked, value=row, before=before)
        if newest and status != before:
            signals.status_changed.send(KPI, kpi=locked, before=before, after=status)
    for name in ("last_value", "last_measured_at", "status", "status_since"):
        setattr(kpi, name, getattr(locked, name))
    return row


def _restate_status(kpi: KPI) -> None:
    """New thresholds judge the latest value again (its history keeps the status it had)."""
    status = kpi.status_of(kpi.last_value)
    if status != kpi.status:
        kpi.status = status
        kpi.status_since = timezone.now()


@transaction.atomic
def create_kpi(organization: Organization, author: User, **fields: Any) -> KPI:
    kpi = KPI(organization=organization, created_by=author)
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"A KPI has no field {name} to set")
        setattr(kpi, name, value)
    kpi.full_clean()
    kpi.save()
    record(organization, author, kpi, Action.CREATED, after=snapshot(kpi, KPI_FIELDS))
    return kpi


@transaction.atomic
def update_kpi(kpi: KPI, author: User, **fields: Any) -> KPI:
    """Validate everything first: a refused change leaves the stored KPI as it was."""
    stored = KPI.objects.select_for_update().get(pk=kpi.pk)
    before = snapshot(stored, KPI_FIELDS)
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"A KPI has no field {name} to set")
        setattr(kpi, name, value)
    try:
        kpi.full_clean()
    except ValidationError:
        for name in fields:
            setattr(kpi, name, getattr(stored, name))
        raise
    previous = stored.status
    _restate_status(kpi)
    kpi.save()
    after = snapshot(kpi, KPI_FIELDS)
    if after != before:
        record(kpi.organization, author, kpi, Action.UPDATED, before=before, after=after)
    if kpi.status != previous:
        signals.status_changed.send(KPI, kpi=kpi, before=previous, after=kpi.status)
    return kpi


@transaction.atomic
def archive_kpi(kpi: KPI, author: User, archived: bool = True) -> KPI:
    """Archived, a KPI leaves the pages that list KPIs; its history stays."""
    if kpi.archived == archived:
        return kpi
    kpi.archived = archived
    kpi.save(update_fields=["archived", "updated_at"])
    action = Action.ARCHIVED if archived else Action.RESTORED
    record(
        kpi.organization,
        author,
        kpi,
        action,
        before={"archived": not archived},
        after={"archived": archived},
    )
    return kpi


@dataclass(frozen=True)
class Reading:
    """One value to record, as a file or a form gives it."""

    value: Decimal
    measured_at: datetime | None = None
    note: str = ""


@transaction.atomic
def record_values(
    kpi: KPI, readings: Sequence[Reading], *, author: User | None, origin: str
) -> list[KPIValue]:
    """Several values at once, all or none: one refused undoes the others."""
    return [
        record_value(kpi, r.value, r.measured_at, author=author, origin=origin, note=r.note)
        for r in readings
    ]
