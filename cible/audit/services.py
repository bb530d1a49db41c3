"""The audit trail's one way in: `record()`, called by the services inside the transaction
of the change it records, so that a change and its entry are saved together or not at all."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import models

from cible.audit.models import AuditEntry, TargetType
from cible.lib.db import insert_row

if TYPE_CHECKING:
    from cible.accounts.models import User
    from cible.orgs.models import Organization

TYPE_OF_MODEL = {
    "orgs.organization": TargetType.ORGANIZATION,
    "orgs.membership": TargetType.MEMBERSHIP,
    "orgs.invitation": TargetType.INVITATION,
    "orgs.team": TargetType.TEAM,
    "okrs.cycle": TargetType.CYCLE,
    "okrs.objective": TargetType.OBJECTIVE,
    "okrs.keyresult": TargetType.KEY_RESULT,
    "okrs.initiative": TargetType.INITIATIVE,
    "checkins.checkin": TargetType.CHECK_IN,
    "checkins.review": TargetType.REVIEW,
    "accounts.user": TargetType.USER,
    "inbound.chatintegration": TargetType.CHAT,
    "collab.comment": TargetType.COMMENT,
    "kpis.kpi": TargetType.KPI,
}

# What a secret (a webhook's address) shows in the trail once set: never its value.
SECRET = "********"

LABEL_LENGTH = AuditEntry._meta.get_field("target_label").max_length or 250


class Target(NamedTuple):
    """What an entry is about when it is no single row: a team's members list."""

    type: str
    id: int
    label: str = ""


def as_text(value: Any) -> str:
    """A value as a person reads it in the trail."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def snapshot(
    instance: models.Model, fields: Iterable[str], secret: Iterable[str] = ()
) -> dict[str, str]:
    """The named fields of a row as text; a secret field only says whether it is set."""
    secret = set(secret)
    result = {}
    for name in fields:
        text = as_text(getattr(instance, name))
        result[name] = SECRET if text and name in secret else text
    return result


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """The fields whose value differs between two snapshots, as (before, after)."""
    old = {name: as_text(value) for name, value in before.items()}
    new = {name: as_text(value) for name, value in after.items()}
    names = [name for name in {**old, **new} if old.get(name) != new.get(name)]
    return (
        {name: old[name] for name in names if name in old},
        {name: new[name] for name in names if name in new},
    )


def _describe(target: models.Model | Target) -> tuple[str, int, str, int | None]:
    """The target's type, id, label and objective id."""
    if isinstance(target, Target):
        return target.type, target.id, target.label, None
    kind = TYPE_OF_MODEL[target._meta.label_lower]
    label = str(target)
    objective_id = None
    if kind == TargetType.MEMBERSHIP:
        label = target.user.display_name  # type: ignore[attr-defined]
    elif kind == TargetType.USER:
        label = target.display_name  # type: ignore[attr-defined]
    elif kind == TargetType.OBJECTIVE:
        objective_id = target.pk
    elif kind in (TargetType.KEY_RESULT, TargetType.INITIATIVE):
        objective_id = target.objective_id  # type: ignore[attr-defined]
    elif kind == TargetType.CHECK_IN:
        objective_id = target.key_result.objective_id  # type: ignore[attr-defined]
    elif kind == TargetType.COMMENT:
        objective_id = target.objective_id  # type: ignore[attr-defined]
    assert target.pk is not None
    return kind, target.pk, label, objective_id


def record(
    org: "Organization | None",
    actor: "User | None",
    target: models.Model | Target,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    label: str | None = None,
) -> AuditEntry:
    """One entry of the trail: `before` and `after` hold the changed fields only."""
    kind, target_id, default_label, objective_id = _describe(target)
    old, new = diff(before or {}, after or {})
    entry = AuditEntry(
        organization=org,
        actor=actor,
        action=action,
        target_type=kind,
        target_id=target_id,
        target_label=(default_label if label is None else label)[:LABEL_LENGTH],
        before=old,
        after=new,
        objective_id=objective_id,
    )
    # What `save()` would send, in one plain INSERT: every change records an entry, and
    # building the statement through the ORM cost more than the rest of recording it.
    entry.pk = insert_row(AuditEntry, {name: getattr(entry, name) for name in _COLUMNS})
    entry._state.adding, entry._state.db = False, "default"
    return entry


_COLUMNS = [field.attname for field in AuditEntry._meta.concrete_fields if not field.primary_key]
