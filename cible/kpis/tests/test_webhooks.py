"""A KPI crossing a threshold is sent to the webhooks that subscribe to it, once the value
commits; a value that keeps the status sends nothing."""

from decimal import Decimal

import pytest
from django.db import transaction

from cible.kpis.models import KPI
from cible.kpis.services import record_value
from cible.webhooks.models import Event, WebhookDelivery
from cible.webhooks.services import create_endpoint
from conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _queued_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_crossing_a_threshold_sends_the_event(
    world: World, kpi: KPI, django_capture_on_commit_callbacks
) -> None:
    create_endpoint(
        world.org, world.alice, "https://hooks.example.com/kpi", [Event.KPI_THRESHOLD_CROSSED]
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_value(kpi, Decimal("99.8"), author=world.bob)
        record_value(kpi, Decimal("99.9"), author=world.bob)  # still healthy: no event
        record_value(kpi, Decimal("98.7"), author=world.bob)
    deliveries = list(
        WebhookDelivery.objects.filter(event=Event.KPI_THRESHOLD_CROSSED).order_by("pk")
    )
    assert len(deliveries) == 2
    first, crossed = (d.payload["data"] for d in deliveries)
    assert first["previous_status"] is None and first["kpi"]["status"] == "healthy"
    assert crossed["previous_status"] == "healthy"
    assert crossed["kpi"]["status"] == "critical"
    assert crossed["kpi"]["value"] == "98.7"
    assert crossed["kpi"]["thresholds"]["critical_low"] == "99"
    assert crossed["kpi"]["team"] == {"id": world.team.pk, "name": "Product"}
    assert crossed["kpi"]["url"].endswith(f"/o/acme/kpis/{kpi.pk}/")


def test_an_undone_value_sends_nothing(
    world: World, kpi: KPI, django_capture_on_commit_callbacks
) -> None:

    create_endpoint(
        world.org, world.alice, "https://hooks.example.com/kpi", [Event.KPI_THRESHOLD_CROSSED]
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_value(kpi, Decimal("98"), author=world.bob)
        transaction.set_rollback(True)
    assert not WebhookDelivery.objects.exists()
