"""The sending task, and queueing it: at once for a new delivery, and on each scheduler pass
of `cible worker` (`dispatch`) for what is due and owned by no queued task."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from cible.webhooks import sending
from cible.webhooks.models import DeliveryState, WebhookDelivery

logger = logging.getLogger(__name__)


@task()
def send_webhook(delivery_id: int, attempt: int) -> str:
    """Post one webhook delivery; a copy of this task that lost the race does nothing."""
    return sending.deliver(delivery_id, attempt)


# A queued task owns its row this long; past it, the scheduler queues the row again (the
# task was lost). A claimed row is owned while it is posted (a few timeouts at most).
QUEUE_LEASE = timedelta(hours=1)


# Finished deliveries stay in the log this long.
KEEP = timedelta(days=30)


def _lease_free(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def _queue_one(pk: int, attempts: int, now: datetime) -> bool:
    """Lease the row to one task for this attempt, then queue the task."""
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
