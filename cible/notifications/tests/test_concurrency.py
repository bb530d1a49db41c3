"""Two workers at the same moment, on two database connections: still one mail each.

PostgreSQL only: the test database of SQLite is an in-memory shared cache, whose table
locks fail at once instead of waiting like the WAL file in production does. On SQLite the
same guarantees are covered one call after the other (test_reminders)."""

import pytest
from django.db import connection

from cible.notifications import services
from cible.notifications.models import Delivery, Round
from cible.tests.concurrency import race

from .conftest import later, of_kind

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_schedulers_plan_the_week_once(world, slot) -> None:
    now = later(slot, minutes=1)

    counts = race(lambda: services.due_reminders(now))

    assert sorted(counts) == [0, 1]
    assert Delivery.objects.count() == 1
    assert Round.objects.filter(organization=world.org).count() == 1


def test_two_workers_sending_the_same_delivery_send_it_once(world, slot, mailoutbox) -> None:
    now = later(slot, minutes=1)
    services.due_reminders(now)
    delivery = Delivery.objects.get()

    outcomes = race(lambda: services.deliver(delivery.pk, 0, now))

    assert sorted(outcomes) == ["sent", "taken"]
    assert len(of_kind(mailoutbox)) == 1
