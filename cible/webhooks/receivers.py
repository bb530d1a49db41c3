"""The webhooks' receivers of what the OKR and check-in services announce (their
`signals.py`), connected by the app's `ready()`."""

from decimal import Decimal
from typing import Any

from cible.accounts.models import User
from cible.checkins import signals as checkins
from cible.checkins.models import CheckIn
from cible.kpis import signals as kpis
from cible.kpis.models import KPI, Guardrail, GuardrailBreach
from cible.okrs import signals as okrs
from cible.okrs.models import Cycle, Dependency, Initiative, Objective
from cible.webhooks import events
from cible.webhooks.services import listening


def check_in_recorded(
    sender: Any, check_in: CheckIn, current: Decimal, confidence: int | None, **kwargs: Any
) -> None:
    events.check_in_recorded(check_in, current, confidence)


def objective_created(sender: Any, objective: Objective, **kwargs: Any) -> None:
    events.objective_created(objective)


def objective_state_changed(sender: Any, objective: Objective, before: str, **kwargs: Any) -> None:
    events.objective_state_changed(objective, before)


def objective_closed(sender: Any, objective: Objective, **kwargs: Any) -> None:
    events.objective_closed(objective)


def cycle_state_changed(sender: Any, cycle: Cycle, before: str, **kwargs: Any) -> None:
    events.cycle_state_changed(cycle, before)


def cycle_closed(sender: Any, cycle: Cycle, **kwargs: Any) -> None:
    events.cycle_closed(cycle)


def initiative_created(sender: Any, initiative: Initiative, **kwargs: Any) -> None:
    events.initiative_created(initiative)


def initiative_state_changed(
    sender: Any, initiative: Initiative, before: str, **kwargs: Any
) -> None:
    events.initiative_state_changed(initiative, before)


def approval_requested(
    sender: Any, objective: Objective, approver_ids: list[int], **kwargs: Any
) -> None:
    events.approval_requested(objective, approver_ids)


def approval_decided(
    sender: Any, objective: Objective, approved: bool, comment: str, by: Any, **kwargs: Any
) -> None:
    events.approval_decided(objective, approved, comment, by)


def dependency_state_changed(
    sender: Any, dependency: Dependency, before: str, by: User | None, comment: str, **kwargs: Any
) -> None:
    events.dependency_state_changed(dependency, before, by, comment)


def kpi_status_changed(sender: Any, kpi: KPI, before: str, after: str, **kwargs: Any) -> None:
    events.kpi_threshold_crossed(kpi, before, after)


def guardrail_breached(
    sender: Any, guardrail: Guardrail, breach: GuardrailBreach, **kwargs: Any
) -> None:
    events.guardrail_breached(guardrail, breach)


def connect() -> None:
    checkins.LISTENERS.append(listening)
    checkins.check_in_recorded.connect(check_in_recorded, dispatch_uid="cible.webhooks")
    kpis.status_changed.connect(kpi_status_changed, dispatch_uid="cible.webhooks")
    okrs.objective_created.connect(objective_created, dispatch_uid="cible.webhooks")
    okrs.objective_state_changed.connect(objective_state_changed, dispatch_uid="cible.webhooks")
    okrs.objective_closed.connect(objective_closed, dispatch_uid="cible.webhooks")
    okrs.cycle_state_changed.connect(cycle_state_changed, dispatch_uid="cible.webhooks")
    okrs.cycle_closed.connect(cycle_closed, dispatch_uid="cible.webhooks")
    okrs.initiative_created.connect(initiative_created, dispatch_uid="cible.webhooks")
    okrs.initiative_state_changed.connect(initiative_state_changed, dispatch_uid="cible.webhooks")
    okrs.approval_requested.connect(approval_requested, dispatch_uid="cible.webhooks")
    okrs.approval_decided.connect(approval_decided, dispatch_uid="cible.webhooks")
    okrs.dependency_state_changed.connect(dependency_state_changed, dispatch_uid="cible.webhooks")
    kpis.guardrail_breached.connect(guardrail_breached, dispatch_uid="cible.webhooks")
