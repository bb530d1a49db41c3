"""What happened, told to the organisation's webhooks: `emit()` and the one-line hooks the
service functions call.

The payload is built at once, from the objects as the change left them; the delivery rows
are created once the transaction commits, so a change that is rolled back sends nothing.
Building a payload runs no query (everything it reads was already loaded by the service):
an organisation without webhooks pays one query per change, after its commit.
"""

import logging
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cible.kpis.models import KPI, Guardrail, GuardrailBreach
from cible.lib import okrmath
from cible.okrs.models import (
    Cycle,
    CycleState,
    Dependency,
    Initiative,
    KeyResult,
    Objective,
    ObjectiveState,
    Visibility,
)
from cible.orgs.models import Organization
from cible.webhooks.models import Event, WebhookDelivery, WebhookEndpoint, new_delivery
from cible.webhooks.services import queue

if TYPE_CHECKING:
    from cible.accounts.models import User
    from cible.checkins.models import CheckIn

logger = logging.getLogger(__name__)


def emit(
    organization: Organization,
    event: str,
    data: dict[str, Any],
    *,
    private: bool = False,
) -> None:
    """Send `event` to every active endpoint of the organisation that subscribes to it
    (one that takes private objectives only, when `private`), once the current transaction
    commits."""
    created_at = timezone.now()

    def create() -> None:
        try:
            deliveries = _create_deliveries(organization, event, data, private, created_at)
        except Exception:
            # The change is committed: a webhook must never turn it into an error.
            logger.exception("Could not record the %s webhooks of %s", event, organization.slug)
            return
        if deliveries:
            queue([d.pk for d in deliveries])

    transaction.on_commit(create, robust=True)


def _create_deliveries(
    organization: Organization,
    event: str,
    data: dict[str, Any],
    private: bool,
    created_at: datetime,
) -> list[WebhookDelivery]:
    endpoints = WebhookEndpoint.objects.filter(organization_id=organization.pk, active=True)
    rows = [
        new_delivery(endpoint, event, data, created_at, organization.slug)
        for endpoint in endpoints.order_by("pk")
        if endpoint.wants(event, private)
    ]
    return WebhookDelivery.objects.bulk_create(rows)


# What payloads say ----------------------------------------------------------------------


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def number(value: Decimal | None) -> str | None:
    """Decimals as text (exact, as stored): a JSON float would round them."""
    return None if value is None else format(value.normalize(), "f")


def person(user: "User | None") -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def cycle_data(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "kind": cycle.kind,
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
        "state": cycle.state,
        "url": site_url(reverse("cycle_review", args=[cycle.organization.slug, cycle.pk])),
    }


def objective_data(objective: Objective) -> dict[str, Any]:
    team = objective.team
    return {
        "id": objective.pk,
        "title": objective.title,
        "level": objective.level,
        "team": {"id": team.pk, "name": team.name} if team else None,
        "owner": person(objective.owner),
        "cycle": {"id": objective.cycle_id, "name": objective.cycle.name},
        "state": objective.state,
        "visibility": objective.visibility,
        "score": number(objective.score),
        "url": site_url(objective.get_absolute_url()),
    }


def key_result_data(kr: KeyResult, status: okrmath.Status | okrmath.Assessment) -> dict[str, Any]:
    objective = kr.objective
    return {
        "id": kr.pk,
        "title": kr.title,
        "kind": kr.kind,
        "start": number(kr.start),
        "target": number(kr.target),
        "target_max": number(kr.target_max),
        "current": number(kr.current),
        "unit": kr.unit,
        "progress": number(kr.progress().quantize(Decimal("0.0001"))),
        "confidence": kr.confidence,
        "status": status.value,
        "url": site_url(kr.get_absolute_url()),
        "objective": {
            "id": objective.pk,
            "title": objective.title,
            "visibility": objective.visibility,
            "url": site_url(objective.get_absolute_url()),
        },
    }


def initiative_data(initiative: Initiative) -> dict[str, Any]:
    objective = initiative.objective
    kr = initiative.key_result if initiative.key_result_id else None
    return {
        "id": initiative.pk,
        "title": initiative.title,
        "state": initiative.state,
        "owner": person(initiative.owner),
        "due_date": initiative.due_date.isoformat() if initiative.due_date else None,
        "link": initiative.link,
        "key_result": (
            {"id": kr.pk, "title": kr.title, "url": site_url(kr.get_absolute_url())} if kr else None
        ),
        "objective": {
            "id": objective.pk,
            "title": objective.title,
            "visibility": objective.visibility,
            "url": site_url(objective.get_absolute_url()),
        },
    }


def _is_private(objective: Objective) -> bool:
    return objective.visibility == Visibility.PRIVATE


# The hooks the services call ------------------------------------------------------------


def check_in_recorded(check_in: "CheckIn", current: Decimal, confidence: int | None) -> None:
    """Call before the KR takes the newest check-in's value and confidence (`current`,
    `confidence`): the KR still holds the values it had, so a change of status shows (and
    is sent as key_result.status_changed)."""
    kr = check_in.key_result
    before = kr.status()
    # The KR as the check-in leaves it, without touching the caller's copy before its time.
    after_kr = KeyResult(
        **{f.attname: getattr(kr, f.attname) for f in KeyResult._meta.concrete_fields}
    )
    after_kr.objective = kr.objective
    after_kr.current, after_kr.confidence = current, confidence
    after_kr.last_check_in_at = check_in.created_at
    after = after_kr.status()
    objective = kr.objective
    org = objective.organization
    private = _is_private(objective)
    kr_data = key_result_data(after_kr, after)
    data = {
        "check_in": {
            "id": check_in.pk,
            "value": number(check_in.value),
            "confidence": check_in.confidence,
            "comment": check_in.comment,
            "blockers": check_in.blockers,
            "author": person(check_in.author),
            "created_at": check_in.created_at.isoformat(),
        },
        "key_result": kr_data,
    }
    emit(org, Event.CHECK_IN_RECORDED, data, private=private)
    if before != after:
        change = {
            "previous_status": before.value,
            "status": after.value,
            "check_in": {"id": check_in.pk},
            "key_result": kr_data,
        }
        emit(org, Event.KEY_RESULT_STATUS_CHANGED, change, private=private)


def objective_created(objective: Objective) -> None:
    data = {"objective": objective_data(objective)}
    emit(objective.organization, Event.OBJECTIVE_CREATED, data, private=_is_private(objective))


def objective_closed(objective: Objective) -> None:
    data = {"objective": objective_data(objective)}
    emit(objective.organization, Event.OBJECTIVE_CLOSED, data, private=_is_private(objective))


def objective_state_changed(objective: Objective, before: str) -> None:
    """An objective edited into the closed state is closed as much as one closed with its
    cycle."""
    if objective.state == ObjectiveState.CLOSED and before != ObjectiveState.CLOSED:
        objective_closed(objective)


def cycle_closed(cycle: Cycle) -> None:
    emit(cycle.organization, Event.CYCLE_CLOSED, {"cycle": cycle_data(cycle)})


def cycle_state_changed(cycle: Cycle, before: str) -> None:
    """A cycle moved to closed step by step (not through the end-of-cycle review) is closed
    too."""
    if cycle.state == CycleState.CLOSED and before != CycleState.CLOSED:
        cycle_closed(cycle)


def kpi_data(kpi: KPI) -> dict[str, Any]:
    team = kpi.team
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "thresholds": {
            name: number(getattr(kpi, name))
            for name in ("critical_low", "healthy_low", "healthy_high", "critical_high")
        },
        "value": number(kpi.last_value),
        "measured_at": kpi.last_measured_at.isoformat() if kpi.last_measured_at else None,
        "status": kpi.status or None,
        "team": None if team is None else {"id": team.pk, "name": team.name},
        "url": site_url(kpi.get_absolute_url()),
    }


def kpi_threshold_crossed(kpi: KPI, before: str, after: str) -> None:
    """Built now, inside the change's transaction; KPIs are seen by the whole organisation."""
    data = {"previous_status": before or None, "kpi": kpi_data(kpi)}
    emit(kpi.organization, Event.KPI_THRESHOLD_CROSSED, data)


def initiative_created(initiative: Initiative) -> None:
    objective = initiative.objective
    data = {"initiative": initiative_data(initiative)}
    emit(objective.organization, Event.INITIATIVE_CREATED, data, private=_is_private(objective))


def initiative_state_changed(initiative: Initiative, before: str) -> None:
    objective = initiative.objective
    data = {"previous_state": before, "initiative": initiative_data(initiative)}
    emit(
        objective.organization,
        Event.INITIATIVE_STATE_CHANGED,
        data,
        private=_is_private(objective),
    )


def approval_requested(objective: Objective, approver_ids: list[int]) -> None:
    data = {"objective": objective_data(objective), "approvers": approver_ids}
    emit(
        objective.organization,
        Event.OBJECTIVE_APPROVAL_REQUESTED,
        data,
        private=_is_private(objective),
    )


def approval_decided(objective: Objective, approved: bool, comment: str, by: "User") -> None:
    data = {
        "objective": objective_data(objective),
        "approved": approved,
        "comment": comment,
        "by": person(by),
    }
    emit(
        objective.organization,
        Event.OBJECTIVE_APPROVAL_DECIDED,
        data,
        private=_is_private(objective),
    )


def _end(objective: Objective, kr: KeyResult | None) -> dict[str, Any]:
    team = objective.team
    return {
        "objective": {
            "id": objective.pk,
            "title": objective.title,
            "team": {"id": team.pk, "name": team.name} if team else None,
            "visibility": objective.visibility,
            "url": site_url(objective.get_absolute_url()),
        },
        "key_result": None if kr is None else {"id": kr.pk, "title": kr.title},
    }


def dependency_state_changed(
    dependency: Dependency, before: str, by: "User | None", comment: str
) -> None:
    """Private when either objective is: its title is in the payload."""
    source, target = dependency.from_objective, dependency.to_objective
    data = {
        "dependency": {
            "id": dependency.pk,
            "previous_state": before,
            "state": dependency.state,
            "note": dependency.note,
            "comment": comment,
            "changed_by": person(by),
            "changed_at": (dependency.state_changed_at or timezone.now()).isoformat(),
            "from": _end(source, dependency.from_key_result),
            "to": _end(target, dependency.to_key_result),
        }
    }
    private = _is_private(source) or _is_private(target)
    emit(source.organization, Event.DEPENDENCY_STATE_CHANGED, data, private=private)


def guardrail_breached(guardrail: Guardrail, breach: GuardrailBreach) -> None:
    """A guardrail's KPI left its healthy range while its key result progressed: the
    payload names both, the KPI's status and value, and when it started."""
    kr, kpi = guardrail.key_result, guardrail.kpi
    objective = kr.objective
    org = objective.organization
    data = {
        "guardrail": {
            "id": guardrail.pk,
            "breached_since": breach.started_at.isoformat(),
            "kpi": {
                "id": kpi.pk,
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "team": {"id": kpi.team_id, "name": kpi.team.name} if kpi.team else None,
                "status": kpi.status,
                "value": number(kpi.last_value),
                "measured_at": kpi.last_measured_at.isoformat() if kpi.last_measured_at else None,
            },
            "key_result": key_result_data(kr, kr.status()),
            "baseline": number(guardrail.baseline),
        }
    }
    emit(org, Event.GUARDRAIL_BREACHED, data, private=_is_private(objective))
