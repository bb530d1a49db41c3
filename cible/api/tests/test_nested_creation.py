"""An objective and its key results, with their first readings, in one request: all of
it is made, or nothing; a key result's `current` is its first check-in, recorded by the
check-in service (history, audit trail, webhooks, progress follow)."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from cible.api.models import IdempotencyKey
from cible.api.schemas import MAX_NESTED_KEY_RESULTS
from cible.api.tests.conftest import ApiFor, fields_of
from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from cible.okrs.models import Cycle, KeyResult, Objective
from cible.webhooks import services as webhooks
from cible.webhooks.models import Event, WebhookDelivery, all_events
from conftest import World

URL = "/orgs/acme/objectives"


def objective_with(*key_results: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"title": "Grow the newsletter", "level": "person", **fields, "key_results": key_results}


SUBSCRIBERS = {"title": "Subscribers", "start": 100, "target": 500, "current": 180}
OPEN_RATE = {"title": "Open rate", "kind": "stay_above", "start": 0, "target": 40, "unit": "%"}
ARTICLES = {"title": "Articles", "start": 0, "target": 12, "current": 3, "weight": 2}


def test_an_objective_comes_with_its_key_results_and_first_readings(
    world: World, api_for: ApiFor, django_capture_on_commit_callbacks: Any
) -> None:
    webhooks.create_endpoint(world.org, world.alice, "https://hooks.example.test/", all_events())
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(world.bob).post(URL, objective_with(SUBSCRIBERS, OPEN_RATE, ARTICLES))

    assert response.status_code == 201, response.content
    data = response.json()
    assert [kr["title"] for kr in data["key_results"]] == ["Subscribers", "Open rate", "Articles"]
    assert [kr["current"] for kr in data["key_results"]] == [180.0, 0.0, 3.0]
    assert [kr["owner"] for kr in data["key_results"]] == [world.bob.pk] * 3
    subscribers = data["key_results"][0]
    assert subscribers["progress"] == pytest.approx(0.2)
    # (0.2 * 1 + 0 * 1 + 0.25 * 2) / 4
    assert data["progress"] == pytest.approx(0.175)
    objective = Objective.objects.get(pk=data["id"])
    assert objective.owner == world.bob and objective.origin == "bottom_up"
    # The readings are check-ins by the caller, as the check-in endpoint records them.
    readings = CheckIn.objects.filter(key_result__objective=objective).order_by("id")
    assert [(c.key_result.title, c.value, c.author) for c in readings] == [
        ("Subscribers", Decimal(180), world.bob),
        ("Articles", Decimal(3), world.bob),
    ]
    assert AuditEntry.objects.filter(target_type="check_in", actor=world.bob).count() == 2
    assert WebhookDelivery.objects.filter(event=Event.CHECK_IN_RECORDED).count() == 2
    assert WebhookDelivery.objects.filter(event=Event.OBJECTIVE_CREATED).count() == 1


def test_one_bad_key_result_stores_nothing_and_names_its_line(
    world: World, api_for: ApiFor
) -> None:
    before = (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count())
    bob = api_for(world.bob)
    audit = AuditEntry.objects.count()
    bad = {"title": "Churn", "kind": "decrease", "start": 5, "target": 8}
    no_range = {"title": "Latency", "kind": "stay_between", "target": 3}
    response = bob.post(URL, objective_with(SUBSCRIBERS, OPEN_RATE, bad, no_range))
    assert response.status_code == 422, response.content
    assert fields_of(response) == ["key_results[2].target", "key_results[3].target_max"]
    # A number out of bounds is refused with the body's other schema faults, before anything.
    huge = {"title": "Huge", "start": 0, "target": 1e20}
    response = bob.post(URL, objective_with(SUBSCRIBERS, OPEN_RATE, huge))
    assert response.json()["errors"] == [
        {
            "field": "key_results[2].target",
            "message": "At most 16 digits before the point and 4 after.",
        }
    ]
    after = (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count())
    assert after == before
    assert AuditEntry.objects.count() == audit


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"title": "   "}, "key_results[1].title"),
        ({"title": "X", "owner": 999_999}, "key_results[1].owner"),
        ({"title": "X", "kind": "stay_between", "target": 3}, "key_results[1].target_max"),
        ({"title": "X", "current": "1e3"}, "key_results[1].current"),
        ({"title": "X", "current": 0.00001}, "key_results[1].current"),
        ({"title": "X", "weight": 0}, "key_results[1].weight"),
        ({"title": "X", "driven_by": 1}, "key_results[1].driven_by"),
        ({"title": "X", "objective": 1}, "key_results[1].objective"),
        ({}, "key_results[1].title"),
    ],
)
def test_each_fault_of_a_line_is_named(
    world: World, api_for: ApiFor, line: dict[str, Any], field: str
) -> None:
    response = api_for(world.bob).post(URL, objective_with(SUBSCRIBERS, line))
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]
    assert not Objective.objects.filter(title="Grow the newsletter").exists()
    assert CheckIn.objects.count() == 0


def test_the_objective_s_own_fault_comes_first(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).post(URL, objective_with(SUBSCRIBERS, level="company"))
    assert response.status_code == 422 and fields_of(response) == ["level"]
    assert KeyResult.objects.count() == 1


def test_a_key_result_owned_by_another_member_may_take_its_first_reading(
    world: World, api_for: ApiFor
) -> None:
    """An admin makes a person's objective with its key results and first readings."""
    body = objective_with({**SUBSCRIBERS, "owner": world.bob.pk}, owner=world.bob.pk)
    response = api_for(world.adam).post(URL, body)
    assert response.status_code == 201, response.content
    check_in = CheckIn.objects.get()
    assert check_in.author == world.adam and check_in.key_result.owner == world.bob


def test_a_closed_cycle_takes_no_objective_and_says_which_field(
    world: World, api_for: ApiFor
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    response = api_for(world.bob).post(URL, objective_with(SUBSCRIBERS, cycle=world.cycle.pk))
    assert response.status_code == 422 and fields_of(response) == ["cycle"]
    # An admin's correction still goes in, but a first reading, as a check-in, does not.
    response = api_for(world.adam).post(URL, objective_with(SUBSCRIBERS, cycle=world.cycle.pk))
    assert response.status_code == 422 and fields_of(response) == ["key_results[0].current"]
    assert not Objective.objects.filter(title="Grow the newsletter").exists()


def test_too_many_key_results_is_a_clear_422(world: World, api_for: ApiFor) -> None:
    lines = [{"title": f"KR {n}"} for n in range(MAX_NESTED_KEY_RESULTS + 1)]
    response = api_for(world.bob).post(URL, objective_with(*lines))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "key_results", "message": f"At most {MAX_NESTED_KEY_RESULTS} items."}
    ]


def test_an_objective_with_no_key_results_is_made_as_before(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).post(URL, {"title": "Learn", "level": "person"})
    assert response.status_code == 201 and response.json()["key_results"] == []


def test_a_retry_with_the_same_key_makes_it_once(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    body = objective_with(SUBSCRIBERS, ARTICLES)
    headers = {"Idempotency-Key": "plan-2027"}
    first = bob.post(URL, body, headers=headers)
    assert first.status_code == 201
    again = bob.post(URL, body, headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Objective.objects.filter(title="Grow the newsletter").count() == 1
    assert CheckIn.objects.count() == 2
    other = bob.post(URL, objective_with(SUBSCRIBERS), headers=headers)
    assert other.status_code == 422 and fields_of(other) == ["Idempotency-Key"]
    # The same key on another operation is another request.
    response = bob.post(
        f"/orgs/acme/key-results/{world.kr.pk}/check-ins", {"value": 2}, headers=headers
    )
    assert response.status_code == 422 and fields_of(response) == ["Idempotency-Key"]


def test_a_refused_request_does_not_use_up_its_key(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    headers = {"Idempotency-Key": "k1"}
    bad = objective_with({"title": "Churn", "kind": "decrease", "start": 5, "target": 8})
    assert bob.post(URL, bad, headers=headers).status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert bob.post(URL, objective_with(SUBSCRIBERS), headers=headers).status_code == 201


# A single key result: `current` too, and the same key.


def test_a_single_key_result_takes_a_first_reading(world: World, api_for: ApiFor) -> None:
    body = {"objective": world.team_objective.pk, "title": "Tickets", "target": 40, "current": 10}
    bob = api_for(world.bob)
    response = bob.post("/orgs/acme/key-results", body, headers={"Idempotency-Key": "kr-1"})
    assert response.status_code == 201, response.content
    assert response.json()["current"] == 10.0 and response.json()["progress"] == 0.25
    kr = KeyResult.objects.get(pk=response.json()["id"])
    assert list(kr.check_ins.values_list("value", flat=True)) == [Decimal(10)]
    again = bob.post("/orgs/acme/key-results", body, headers={"Idempotency-Key": "kr-1"})
    assert again.status_code == 200 and again.json()["id"] == kr.pk
    assert KeyResult.objects.filter(title="Tickets").count() == 1


def test_a_bad_first_reading_of_a_single_key_result_stores_nothing(
    world: World, api_for: ApiFor
) -> None:
    body = {"objective": world.team_objective.pk, "title": "Tickets", "current": 1e17}
    response = api_for(world.bob).post("/orgs/acme/key-results", body)
    assert response.status_code == 422 and fields_of(response) == ["current"]
    assert not KeyResult.objects.filter(title="Tickets").exists()


@override_settings(API_RATE="100000/min")
def test_a_viewer_makes_nothing(world: World, api_for: ApiFor) -> None:
    response = api_for(world.vera).post(URL, objective_with(SUBSCRIBERS))
    assert response.status_code == 403
    assert not Objective.objects.filter(title="Grow the newsletter").exists()
