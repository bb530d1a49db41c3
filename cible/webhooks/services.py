"""Webhooks: managing an organisation's endpoints; sending each delivery once is in
`sending.py`, queueing it in `tasks.py`.

Sending follows the notifications' pattern. A new delivery is queued at once (a task per
delivery); the scheduler pass of `cible worker` (`tasks.dispatch`) queues again whatever is due
and owned by no queued task: a retry whose time has come, or a delivery whose task was
lost. The task claims the row for its attempt before posting, so two workers (or a
duplicated task) never send the same attempt twice. A receiver that does not answer 2xx
gets the delivery again after a growing wait, then the delivery is marked failed, never
dropped: an admin can send it again from the log.
"""

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists
from django.utils import timezone

from cible.accounts.models import User
from cible.audit.models import Action, TargetType
from cible.audit.services import Target, record
from cible.orgs.models import Organization
from cible.webhooks.models import (
    DeliveryState,
    Event,
    WebhookDelivery,
    WebhookEndpoint,
    new_delivery,
    new_secret,
)
from cible.webhooks.tasks import queue

logger = logging.getLogger(__name__)


# What the audit trail calls an endpoint.
TARGET_TYPE = TargetType.WEBHOOK
ENDPOINT_FIELDS = ("url", "description", "events", "include_private", "active")


# Endpoints ------------------------------------------------------------------------------


def _target(endpoint: WebhookEndpoint) -> Target:
    return Target(TARGET_TYPE, endpoint.pk, str(endpoint))


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The trail's view of an endpoint: the address without its path (often a token)."""
    values: dict[str, Any] = {name: getattr(endpoint, name) for name in ENDPOINT_FIELDS}
    values["url"] = endpoint.short_url
    values["events"] = ", ".join(endpoint.events or [])
    return values


def fingerprint(secret: str) -> str:
    """Enough of a secret's hash to tell two apart in the trail, nothing to rebuild it."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:8]


def listening(organization_id: int) -> Exists:
    """Whether the organisation has an active endpoint, as an expression: a service adds it
    to a query it runs anyway and skips its events when nobody listens. Read in the change's
    own transaction, never remembered between requests, so a new endpoint gets the next
    change."""
    return Exists(WebhookEndpoint.objects.filter(organization_id=organization_id, active=True))


@transaction.atomic
def create_endpoint(
    org: Organization, actor: User, url: str, events: Iterable[str], **fields: Any
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        organization=org, url=url, events=list(events), created_by=actor, **fields
    )
    endpoint.full_clean()
    endpoint.save()
    record(org, actor, _target(endpoint), Action.CREATED, after=_snapshot(endpoint))
    return endpoint


@transaction.atomic
def update_endpoint(endpoint: WebhookEndpoint, actor: User, **fields: Any) -> WebhookEndpoint:
    stored = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _snapshot(stored)
    for name, value in fields.items():
        setattr(endpoint, name, value)
    endpoint.full_clean()
    endpoint.save()
    record(
        endpoint.organization, actor, _target(endpoint), Action.UPDATED, before, _snapshot(endpoint)
    )
    return endpoint


@transaction.atomic
def delete_endpoint(endpoint: WebhookEndpoint, actor: User) -> None:
    """With its deliveries: a task still queued for one of them finds nothing to send."""
    record(
        endpoint.organization, actor, _target(endpoint), Action.DELETED, before=_snapshot(endpoint)
    )
    endpoint.delete()


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint, actor: User) -> str:
    """A new secret, used from the next attempt on (retries included)."""
    before = {"secret": fingerprint(endpoint.secret)}
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    after = {"secret": fingerprint(endpoint.secret)}
    record(endpoint.organization, actor, _target(endpoint), Action.UPDATED, before, after)
    return endpoint.secret


def send_ping(
    endpoint: WebhookEndpoint, actor: User, now: datetime | None = None
) -> WebhookDelivery:
    """A test event to this endpoint only, even paused, whatever it subscribes to."""
    now = now or timezone.now()
    data = {
        "message": "Hello from Cible: this address receives the organisation's events.",
        "webhook": {"id": endpoint.pk, "events": list(endpoint.events or [])},
        "sent_by": {"id": actor.pk, "name": actor.display_name},
    }
    delivery = new_delivery(endpoint, Event.PING, data, now, endpoint.organization.slug)
    delivery.save()
    transaction.on_commit(lambda: queue([delivery.pk]), robust=True)
    return delivery


@transaction.atomic
def redeliver(delivery: WebhookDelivery, actor: User, now: datetime | None = None) -> bool:
    """Send a failed delivery again, from its first attempt, with the same id and payload
    (a receiver that did get it can tell). False when it has not failed."""
    now = now or timezone.now()
    done = WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=now, leased_until=None
    )
    if not done:
        return False
    delivery.refresh_from_db()
    endpoint = delivery.endpoint
    record(
        endpoint.organization,
        actor,
        _target(endpoint),
        Action.UPDATED,
        after={"redelivered": f"{delivery.event} {delivery.uuid}"},
    )
    transaction.on_commit(lambda: queue([delivery.pk]), robust=True)
    return True
