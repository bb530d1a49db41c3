"""Two workers posting the same delivery at the same moment, on two database connections:
the receiver gets it once.

PostgreSQL only: the test database of SQLite is an in-memory shared cache, whose table
locks fail at once instead of waiting like the WAL file in production does. On SQLite the
same guarantee is covered one call after the other (test_delivery)."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from cible.tests.concurrency import race
from cible.webhooks import sending, tasks
from cible.webhooks.events import new_delivery
from cible.webhooks.models import DeliveryState, Event, WebhookDelivery

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_two_workers_sending_the_same_delivery_send_it_once(endpoint, receiver) -> None:
    delivery = new_delivery(endpoint, Event.PING, {}, NOW, "acme")
    delivery.save()

    outcomes = race(lambda: sending.deliver(delivery.pk, 0, NOW))

    assert sorted(outcomes) == ["delivered", "taken"]
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED


def test_two_schedulers_queue_a_delivery_once(endpoint) -> None:
    delivery = new_delivery(endpoint, Event.PING, {}, NOW, "acme")
    delivery.save()

    counts = race(lambda: tasks.dispatch(NOW))

    assert sorted(counts) == [0, 1]
