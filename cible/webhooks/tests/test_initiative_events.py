"""An initiative added, and an initiative moving to another state, are sent to the webhooks
that subscribe to them, once the change commits."""

import pytest

from cible.okrs.services import create_initiative, set_initiative_state, update_initiative
from cible.webhooks.models import Event, WebhookDelivery

pytestmark = pytest.mark.django_db


def test_adding_an_initiative_sends_it(world, endpoint, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        initiative = create_initiative(
            world.team_objective,
            world.bob,
            key_result=world.kr,
            title="Hire a second agent",
            link="https://tickets.example.com/7",
        )

    delivery = WebhookDelivery.objects.get(event=Event.INITIATIVE_CREATED)
    data = delivery.payload["data"]["initiative"]
    assert data["id"] == initiative.pk
    assert data["title"] == "Hire a second agent"
    assert data["state"] == "planned"
    assert data["owner"] == {"id": world.bob.pk, "name": "Bob Durand"}
    assert data["link"] == "https://tickets.example.com/7"
    assert data["key_result"]["id"] == world.kr.pk
    assert data["objective"]["id"] == world.team_objective.pk


def test_a_state_change_sends_the_previous_state(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    initiative = create_initiative(world.team_objective, world.bob, title="Write the FAQ")
    with django_capture_on_commit_callbacks(execute=True):
        set_initiative_state(initiative, world.bob, "done")

    delivery = WebhookDelivery.objects.get(event=Event.INITIATIVE_STATE_CHANGED)
    assert delivery.payload["data"]["previous_state"] == "planned"
    assert delivery.payload["data"]["initiative"]["state"] == "done"
    assert delivery.payload["data"]["initiative"]["key_result"] is None


def test_an_edit_that_keeps_the_state_sends_no_state_change(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    initiative = create_initiative(world.team_objective, world.bob, title="Write the FAQ")
    with django_capture_on_commit_callbacks(execute=True):
        update_initiative(initiative, world.bob, title="Write the FAQ in two languages")

    assert not WebhookDelivery.objects.filter(event=Event.INITIATIVE_STATE_CHANGED).exists()
