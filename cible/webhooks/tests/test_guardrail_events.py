"""`guardrail.breached`: sent once per breach, once the change commits, with the KPI and
the key result; a private objective's only to the endpoints that take them."""

from decimal import Decimal

import pytest

from cible.kpis.services import record_value
from cible.kpis.tests.helpers import breach, make_kpi
from cible.okrs.models import Visibility
from cible.webhooks.models import Event, WebhookDelivery

pytestmark = pytest.mark.django_db


def test_a_breach_sends_its_kpi_and_its_key_result(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    kpi = make_kpi(world)
    with django_capture_on_commit_callbacks(execute=True):
        breach(world, world.kr, kpi)
        record_value(kpi, Decimal(70))
    [delivery] = WebhookDelivery.objects.filter(event=Event.GUARDRAIL_BREACHED)
    data = delivery.payload["data"]["guardrail"]
    assert data["kpi"]["name"] == "Support satisfaction"
    assert (data["kpi"]["status"], data["kpi"]["value"], data["kpi"]["unit"]) == (
        "critical",
        "75",
        "%",
    )
    assert data["key_result"]["id"] == world.kr.pk
    assert data["key_result"]["current"] == "1.9"
    assert data["baseline"] == "2"


def test_a_private_objective_breach_goes_only_where_private_ones_go(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    world.team_objective.visibility = Visibility.PRIVATE
    world.team_objective.save()
    with django_capture_on_commit_callbacks(execute=True):
        breach(world, world.kr, make_kpi(world))
    assert not WebhookDelivery.objects.filter(event=Event.GUARDRAIL_BREACHED).exists()
