"""Sending one webhook delivery: claiming its row for an attempt, posting it, and recording
what became of it (delivered, retried after a growing wait, or failed)."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cible.webhooks import transport
from cible.webhooks.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint

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


SEND_LEASE = timedelta(minutes=5)


ERROR_LENGTH = WebhookDelivery._meta.get_field("last_error").max_length or 300


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
    if outcome.final or delivery.attempts >= MAX_ATTEMPTS:
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
