"""The sending task, and the scheduler's pass (`dispatch`, run every minute by `cible
worker`) that plans the due rounds and queues one task per delivery."""

from datetime import datetime

from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from cible.notifications import services
from cible.notifications.models import Delivery, DeliveryStatus


@task()
def send_delivery(delivery_id: int, attempt: int) -> str:
    """Send one reminder or digest; a copy of this task that lost the race does nothing."""
    return services.deliver(delivery_id, attempt)


def _lease_free(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def enqueue_pending(now: datetime | None = None) -> int:
    """Queue a sending task for each pending delivery whose (next) attempt is due and that
    no queued task owns yet. Returns how many were queued."""
    now = now or timezone.now()
    ready = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    queued = 0
    for pk, attempts in ready.filter(_lease_free(now)).order_by("pk").values_list("pk", "attempts"):
        leased = (
            Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, attempts=attempts)
            .filter(_lease_free(now))
            .update(leased_until=now + services.QUEUE_LEASE)
        )
        if leased:
            send_delivery.enqueue(pk, attempts)
            queued += 1
    return queued


def dispatch(now: datetime | None = None) -> int:
    """One scheduler pass: plan what became due, queue what is ready to send."""
    now = now or timezone.now()
    services.due_reminders(now)
    services.due_digests(now)
    services.due_chats(now)
    return enqueue_pending(now)
