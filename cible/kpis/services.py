"""Recording a KPI's values: the one way a value is stored, whoever sends it."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.kpis import signals
from cible.kpis.models import KPI, KPIValue, ValueOrigin
from cible.okrs import rules as okr_rules


def check_value(value: Decimal, field: str = "value") -> None:
    if not value.is_finite():
        raise ValidationError(
            {field: [ValidationError(_("Enter a finite number."), code="not_finite")]}
        )
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
