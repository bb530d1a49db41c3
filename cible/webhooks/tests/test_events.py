"""Events come from the real service calls, once their transaction commits: a check-in, a
key result changing status, an objective created or closed, a cycle closed. A change that
is rolled back sends nothing; each endpoint gets only what it subscribes to."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.tasks import default_task_backend
from django.test.utils import CaptureQueriesContext

from cible.checkins.models import CheckIn
from cible.checkins.scoring import close_cycle
from cible.checkins.services import record_check_in
from cible.okrs.models import Level, ObjectiveState, Visibility
from cible.okrs.services import create_objective, set_cycle_state, update_objective
from cible.webhooks import services
from cible.webhooks.models import (
    DeliveryState,
    Event,
    WebhookDelivery,
    WebhookEndpoint,
    all_events,
)

pytestmark = pytest.mark.django_db


def events(endpoint: WebhookEndpoint | None = None) -> list[str]:
    rows = WebhookDelivery.objects.order_by("pk")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    return list(rows.values_list("event", flat=True))


def payload(event: str) -> dict:  # type: ignore[type-arg]
    return WebhookDelivery.objects.get(event=event).payload  # type: ignore[no-any-return]


def test_a_check_in_sends_its_values_and_its_key_result(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        check_in = record_check_in(world.kr, world.bob, Decimal("1.5"), 8, comment="Good week")

    # The KR stays on track (it only gets closer to its target): no status change.
    assert events() == [Event.CHECK_IN_RECORDED]
    delivery = WebhookDelivery.objects.get()
    body = delivery.payload
    assert body["id"] == str(delivery.uuid)
    assert body["event"] == "check_in.recorded"
    assert body["organization"] == "acme"
    assert body["created_at"].startswith(str(delivery.created_at.date()))
    data = body["data"]
    assert data["check_in"] == {
        "id": check_in.pk,
        "value": "1.5",
        "confidence": 8,
        "comment": "Good week",
        "blockers": "",
        "author": {"id": world.bob.pk, "name": "Bob Durand"},
        "created_at": check_in.created_at.isoformat(),
    }
    kr = data["key_result"]
    assert kr["id"] == world.kr.pk
    assert kr["title"] == "Cut first response time"
    assert (kr["start"], kr["target"], kr["current"], kr["unit"]) == ("4", "1", "1.5", "h")
    assert kr["progress"] == "0.8333"
    assert kr["status"] == "on_track"
    assert kr["url"] == settings.SITE_URL + world.kr.get_absolute_url()
    assert kr["objective"]["title"] == "Answer faster"
    assert delivery.state == DeliveryState.PENDING


def test_a_check_in_that_moves_the_status_also_sends_the_change(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    # Back to the start value, halfway through the cycle: far behind the expected pace.
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(4), 7)

    assert events() == [Event.CHECK_IN_RECORDED, Event.KEY_RESULT_STATUS_CHANGED]
    data = payload(Event.KEY_RESULT_STATUS_CHANGED)["data"]
    assert (data["previous_status"], data["status"]) == ("on_track", "off_track")
    assert data["key_result"]["current"] == "4"


def test_a_low_confidence_alone_moves_the_status(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(2), 4)

    data = payload(Event.KEY_RESULT_STATUS_CHANGED)["data"]
    assert (data["previous_status"], data["status"]) == ("on_track", "at_risk")


def test_a_new_delivery_is_queued_at_once(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(2), 7)

    delivery = WebhookDelivery.objects.get()
    assert delivery.leased_until is not None
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.args for r in queued] == [[delivery.pk, 0]]


def test_a_rolled_back_check_in_sends_nothing(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            record_check_in(world.kr, world.bob, Decimal(4), 2)
            raise RuntimeError("Something later in the same request failed")
        with pytest.raises(ValidationError):
            record_check_in(world.kr, world.bob, Decimal(4), confidence=11)

    assert callbacks == []
    assert not WebhookDelivery.objects.exists()


def test_a_new_objective_is_sent(world, endpoint, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        objective = create_objective(
            world.org,
            world.bob,
            cycle=world.cycle,
            title="Hire two engineers",
            level=Level.TEAM,
            team=world.team,
        )

    assert events() == [Event.OBJECTIVE_CREATED]
    data = payload(Event.OBJECTIVE_CREATED)["data"]["objective"]
    assert data["id"] == objective.pk
    assert data["title"] == "Hire two engineers"
    assert data["team"] == {"id": world.team.pk, "name": "Product"}
    assert data["owner"] == {"id": world.bob.pk, "name": "Bob Durand"}
    assert data["cycle"] == {"id": world.cycle.pk, "name": "Now"}
    assert data["url"].endswith(objective.get_absolute_url())


def test_closing_the_cycle_sends_each_objective_with_its_score_then_the_cycle(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        close_cycle(world.cycle, world.alice)

    assert events() == [Event.OBJECTIVE_CLOSED, Event.OBJECTIVE_CLOSED, Event.CYCLE_CLOSED]
    closed = WebhookDelivery.objects.filter(event=Event.OBJECTIVE_CLOSED)
    by_id = {d.payload["data"]["objective"]["id"]: d.payload["data"]["objective"] for d in closed}
    team = by_id[world.team_objective.pk]
    assert team["state"] == "closed"
    assert team["score"] == "0.67"  # The KR's progress, proposed as its score.
    cycle = payload(Event.CYCLE_CLOSED)["data"]["cycle"]
    assert (cycle["id"], cycle["name"], cycle["state"]) == (world.cycle.pk, "Now", "closed")


def test_a_cycle_moved_to_closed_step_by_step_is_sent_too(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        set_cycle_state(world.cycle, world.alice, "review")
        set_cycle_state(world.cycle, world.alice, "closed")

    assert events() == [Event.CYCLE_CLOSED]


def test_an_objective_edited_into_closed_is_sent_once(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        update_objective(world.team_objective, world.bob, state=ObjectiveState.CLOSED)
        update_objective(world.team_objective, world.bob, title="Answer much faster")

    assert events() == [Event.OBJECTIVE_CLOSED]


def test_each_endpoint_gets_what_it_subscribes_to_and_a_paused_one_nothing(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    check_ins = services.create_endpoint(
        world.org, world.adam, "https://example.com/a", [Event.CHECK_IN_RECORDED]
    )
    paused = services.create_endpoint(
        world.org, world.adam, "https://example.com/b", [Event.CHECK_IN_RECORDED], active=False
    )
    globex = services.create_endpoint(
        world.other_org, world.oscar, "https://example.com/c", [Event.CHECK_IN_RECORDED]
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(4), 7)

    assert events(endpoint) == [Event.CHECK_IN_RECORDED, Event.KEY_RESULT_STATUS_CHANGED]
    assert events(check_ins) == [Event.CHECK_IN_RECORDED]
    assert events(paused) == []
    assert events(globex) == []
    assert set(WebhookDelivery.objects.values_list("organization", flat=True)) == {world.org.pk}


def test_private_objectives_go_only_where_they_are_asked_for(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    private = services.create_endpoint(
        world.org,
        world.adam,
        "https://example.com/p",
        [Event.OBJECTIVE_CREATED],
        include_private=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        create_objective(
            world.org,
            world.bob,
            cycle=world.cycle,
            title="A secret plan",
            level=Level.PERSON,
            visibility=Visibility.PRIVATE,
        )

    assert events(endpoint) == []
    assert events(private) == [Event.OBJECTIVE_CREATED]
    assert payload(Event.OBJECTIVE_CREATED)["data"]["objective"]["visibility"] == "private"


def test_an_organisation_without_webhooks_records_nothing(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(4), 2)

    assert not WebhookDelivery.objects.exists()


def test_an_organisation_without_webhooks_pays_no_query_for_them(
    world, django_capture_on_commit_callbacks
) -> None:
    capture = django_capture_on_commit_callbacks(execute=True)
    with CaptureQueriesContext(connection) as queries, capture as callbacks:
        record_check_in(world.kr, world.bob, Decimal(4), 2)

    assert callbacks == []  # nothing left to do once the check-in is committed
    endpoints = [q["sql"] for q in queries if WebhookEndpoint._meta.db_table in q["sql"]]
    # Asked within the read of the newest check-in that the service makes anyway.
    assert len(endpoints) == 1
    assert CheckIn._meta.db_table in endpoints[0]


def test_an_endpoint_added_later_gets_the_next_check_in(
    world, receiver, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(4), 2)
    endpoint = services.create_endpoint(world.org, world.alice, receiver.url, all_events())

    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(5), 2)

    assert events(endpoint) == [Event.CHECK_IN_RECORDED]
    assert payload(Event.CHECK_IN_RECORDED)["data"]["check_in"]["value"] == "5"


def test_a_paused_endpoint_started_again_gets_the_next_check_in(
    world, endpoint, django_capture_on_commit_callbacks
) -> None:
    services.update_endpoint(endpoint, world.alice, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(4), 2)
    assert events() == []

    services.update_endpoint(endpoint, world.alice, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        record_check_in(world.kr, world.bob, Decimal(5), 2)

    assert events(endpoint) == [Event.CHECK_IN_RECORDED]
