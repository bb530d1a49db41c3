"""The inbox's receivers of what the OKR services announce: drafts sent for approval and
decided (`cible.okrs.signals`), objectives aligned to another's (`m2m_changed` of their
parents), and the decision prompts opened (`cible.checkins.signals`), connected by the
app's `ready()`."""

from typing import Any

from django.db.models.signals import m2m_changed

from cible.accounts.models import User
from cible.checkins import signals as checkins
from cible.collab import services
from cible.kpis import signals as kpis
from cible.kpis.models import Guardrail, GuardrailBreach
from cible.okrs import signals as okrs
from cible.okrs.models import Objective


def approval_requested(
    sender: Any, objective: Objective, approver_ids: Any = (), **kwargs: Any
) -> None:
    services.approval_requested(objective, approver_ids)


def approval_decided(
    sender: Any,
    objective: Objective,
    approved: bool = False,
    comment: str = "",
    by: User | None = None,
    **kwargs: Any,
) -> None:
    services.approval_decided(objective, approved, comment, by)


def parents_changed(
    sender: Any,
    instance: Objective,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action != "post_add" or not pk_set:
        return
    if not reverse:
        parents = Objective.objects.filter(pk__in=pk_set).only("id", "owner_id")
        services.objectives_aligned([instance], parents)
    else:
        children = Objective.objects.filter(pk__in=pk_set).select_related("organization")
        services.objectives_aligned(children, [instance])


def guardrail_breached(
    sender: Any, guardrail: Guardrail, breach: GuardrailBreach, **kwargs: Any
) -> None:
    services.guardrail_breached(guardrail, breach)


def decision_prompted(sender: Any, prompts: Any = (), **kwargs: Any) -> None:
    services.decisions_prompted(prompts)


def connect() -> None:
    checkins.decision_prompted.connect(decision_prompted, dispatch_uid="cible.collab")
    okrs.approval_requested.connect(approval_requested, dispatch_uid="cible.collab")
    okrs.approval_decided.connect(approval_decided, dispatch_uid="cible.collab")
    kpis.guardrail_breached.connect(guardrail_breached, dispatch_uid="cible.collab")
    m2m_changed.connect(
        parents_changed, sender=Objective.parents.through, dispatch_uid="cible.collab"
    )
