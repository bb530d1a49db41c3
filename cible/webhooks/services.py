"""Webhooks: managing an organisation's endpoints, and sending each delivery once.

Sending follows the notifications' pattern. A new delivery is queued at once (a task per
delivery); the scheduler pass of `cible worker` (`dispatch`) queues again whatever is due
and owned by no queued task: a retry whose time has come, or a delivery whose task was
lost. The task claims the row for its attempt before posting, so two workers (or a
duplicated task) never send the same attempt twice. A receiver that does not answer 2xx
gets the delivery again after a growing wait, then the delivery is marked failed, never
dropped: an admin can send it again from the log.
"""

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, Q
from django.utils import timezone

from cible.accounts.models import User
from cible.audit.models import Action, TargetType
from cible.audit.services import Target, record
from cible.orgs.models import Organization
from cible.webhooks import transport
from cible.webhooks.models import (
    DeliveryState,
    Event,
    WebhookDelivery,
    WebhookEndpoint,
    new_delivery,
    new_secret,
)

logger = logging.getLogger(__name__)

# How long to wait after the 1st, 2nd, ... failed attempt; after the last, it has failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A queued task owns its row this long; past it, the scheduler queues the row again (the
# task was lost). A claimed row is owned while it is posted (a few timeouts at most).
QUEUE_LEASE = timedelta(hours=1)
SEND_LEASE = timedelta(minutes=5)
# Finished deliveries stay in the log this long.
KEEP = timedelta(days=30)
ERROR_LENGTH = WebhookDelivery._meta.get_field("last_error").max_length or 300

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


# Queueing -------------------------------------------------------------------------------


def _lease_free(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def _queue_one(pk: int, attempts: int, now: datetime) -> bool:
    """Lease the row to one task for this attempt, then queue the task."""
    from cible.webhooks.tasks import send_webhook  # The tasks module imports this one.

    leased = (
        WebhookDelivery.objects.filter(pk=pk, state=DeliveryState.PENDING, attempts=attempts)
        .filter(_lease_free(now))
        .update(leased_until=now + QUEUE_LEASE)
    )
    if not leased:
        return False
    try:
        send_webhook.enqueue(pk, attempts)
    except Exception:
        # Leave it to the next scheduler pass rather than to a lease that never ends.
        logger.exception("Could not queue webhook delivery %s", pk)
        WebhookDelivery.objects.filter(pk=pk).update(leased_until=None)
        return False
    return True


def queue(delivery_ids: Iterable[int], now: datetime | None = None) -> int:
    """Queue new deliveries at once, rather than at the next scheduler pass."""
    now = now or timezone.now()
    ready = WebhookDelivery.objects.filter(
        pk__in=list(delivery_ids), state=DeliveryState.PENDING, next_attempt_at__lte=now
    )
    rows = ready.order_by("pk").values_list("pk", "attempts")
    return sum(_queue_one(pk, attempts, now) for pk, attempts in rows)


def enqueue_pending(now: datetime | None = None) -> int:
    """Queue a task for each pending delivery whose (next) attempt is due and that no
    queued task owns yet. Returns how many were queued."""
    now = now or timezone.now()
    ready = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lte=now
    ).filter(_lease_free(now))
    rows = ready.order_by("next_attempt_at", "pk").values_list("pk", "attempts")
    return sum(_queue_one(pk, attempts, now) for pk, attempts in rows)


def prune(now: datetime) -> int:
    """Forget finished deliveries past their time in the log."""
    old = WebhookDelivery.objects.filter(created_at__lt=now - KEEP).exclude(
        state=DeliveryState.PENDING
    )
    return old.delete()[0]


def dispatch(now: datetime | None = None) -> int:
    """One scheduler pass: queue what is due, forget what is old. Returns how many were
    queued."""
    now = now or timezone.now()
    queued = enqueue_pending(now)
    prune(now)
    return queued


# Sending --------------------------------------------------------------------------------


def claim(delivery_id: int, attempt: int, now: datetime) -> WebhookDelivery | None:
    """Take the row for this attempt, or None when another task already took it (the
    attempt counter moved on) or it is no longer pending."""
    with transaction.atomic():
        taken = WebhookDelivery.objects.filter(
            pk=delivery_id, state=DeliveryState.PENDING, attempts=attempt
        ).update(attempts=attempt + 1, leased_until=now + SEND_LEASE)
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("endpoint", "organization").get(pk=delivery_id)


def deliver(delivery_id: int, attempt: int, now: datetime | None = None) -> str:
    """Post one delivery (claimed first); returns what became of it: "delivered",
    "retry", "failed", or "taken" when another task had it."""
    now = now or timezone.now()
    delivery = claim(delivery_id, attempt, now)
    if delivery is None:
        return "taken"
    endpoint = delivery.endpoint
    if not endpoint.active and delivery.event != Event.PING:
        return _give_up(delivery, None, "The webhook is paused.")
    try:
        outcome = _post(delivery, endpoint, now)
    except Exception as error:  # Whatever went wrong, it is recorded, not lost.
        logger.exception("Webhook delivery %s broke", delivery.uuid)
        outcome = transport.Outcome(None, f"{type(error).__name__}: {error}")
    if outcome.ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.DELIVERED,
            delivered_at=now,
            last_status_code=outcome.status,
            last_error="",
            leased_until=None,
        )
        return DeliveryState.DELIVERED.value
    return _record_failure(delivery, outcome, now)


def _post(delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime) -> transport.Outcome:
    body = transport.body_of(delivery.payload)
    timestamp = int(now.timestamp())
    headers = transport.headers(
        delivery.event, str(delivery.uuid), endpoint.secret, timestamp, body
    )
    return transport.post(endpoint.url, body, headers)


def _give_up(delivery: WebhookDelivery, status: int | None, error: str) -> str:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED,
        last_status_code=status,
        last_error=transport.printable(error)[:ERROR_LENGTH],
        leased_until=None,
    )
    return DeliveryState.FAILED.value


def _record_failure(delivery: WebhookDelivery, outcome: transport.Outcome, now: datetime) -> str:
    error = outcome.error or f"HTTP {outcome.status}"
    if delivery.attempts >= MAX_ATTEMPTS:
        logger.error(
            "Giving up on webhook delivery %s (%s) after %d attempts: %s",
            delivery.uuid,
            delivery.event,
            delivery.attempts,
            error,
        )
        return _give_up(delivery, outcome.status, error)
    wait = BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
    logger.warning(
        "Attempt %d of webhook delivery %s failed, retrying in %s: %s",
        delivery.attempts,
        delivery.uuid,
        wait,
        error,
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        last_status_code=outcome.status,
        last_error=transport.printable(error)[:ERROR_LENGTH],
        next_attempt_at=now + wait,
        leased_until=None,
    )
    return "retry"
