"""A dependency answered is sent as dependency.state_changed, once its change commits."""

import pytest
from django.core.exceptions import ValidationError

from cible.okrs import rules
from cible.okrs.models import Level, Visibility
from cible.okrs.services import change_dependency_state, create_dependency, create_objective
from cible.orgs.models import Team
from cible.webhooks.models import Event, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def dependency(world):  # type: ignore[no-untyped-def]
    sales = Team.objects.create(organization=world.org, name="Sales")
    theirs = create_objective(
        world.org, world.alice, cycle=world.cycle, title="Open", level=Level.TEAM, team=sales
    )
    return create_dependency(
        world.bob,
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=theirs,
        note="Pricing page",
    )


def test_a_dependency_answered_sends_its_states_and_both_ends(
    world, endpoint, dependency, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change_dependency_state(dependency, world.alice, "declined", {rules.PROVIDER}, "Not now")

    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event == Event.DEPENDENCY_STATE_CHANGED
    data = delivery.payload["data"]["dependency"]
    assert (data["previous_state"], data["state"]) == ("proposed", "declined")
    assert data["comment"] == "Not now"
    assert data["note"] == "Pricing page"
    assert data["changed_by"] == {"id": world.alice.pk, "name": "Alice Martin"}
    assert data["from"]["objective"]["title"] == "Answer faster"
    assert data["from"]["objective"]["team"]["name"] == "Product"
    assert data["to"]["objective"]["title"] == "Open"
    assert data["to"]["key_result"] is None


def test_a_refused_answer_sends_nothing(
    world, endpoint, dependency, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        change_dependency_state(dependency, world.bob, "accepted", {rules.REQUESTER})

    assert not WebhookDelivery.objects.exists()


def test_a_private_end_keeps_it_from_an_endpoint_without_private(
    world, endpoint, dependency, django_capture_on_commit_callbacks
) -> None:
    world.team_objective.visibility = Visibility.PRIVATE
    world.team_objective.save()

    with django_capture_on_commit_callbacks(execute=True):
        change_dependency_state(dependency, world.alice, "accepted", {rules.PROVIDER})

    assert not WebhookDelivery.objects.exists()
