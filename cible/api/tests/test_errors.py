"""Bad input is a 422 naming the field, in one JSON shape; never a 500. And the rates."""

from typing import Any

import pytest
from django.test import Client, override_settings

from cible.api.tests.conftest import ApiFor, fields_of
from cible.checkins.models import CheckIn
from cible.lib.limits import LONG_TEXT, SHORT_TEXT
from cible.okrs.models import KeyResult, Objective
from conftest import World


def check_in_url(world: World) -> str:
    return f"/orgs/acme/key-results/{world.kr.pk}/check-ins"


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        ('{"value": NaN}', [None]),
        ('{"value": Infinity}', [None]),
        ('{"value": 1e999}', ["value"]),
        ('{"value": "1e999"}', ["value"]),
        ('{"value": "nan"}', ["value"]),
        ('{"value": "abc"}', ["value"]),
        ('{"value": 12345678901234567}', ["value"]),
        ('{"value": 0.00001}', ["value"]),
        ('{"value": 1' + "0" * 5000 + "}", [None]),
        ('{"value": true}', ["value"]),
        ('{"value": null}', ["value"]),
        ('{"value": [1]}', ["value"]),
        ("{}", ["value"]),
        ("[]", [None]),
        ('"text"', [None]),
        ("{not json", [None]),
        ("", [None]),
        ('{"value": 1, "confidence": 11}', ["confidence"]),
        ('{"value": 1, "confidence": -1}', ["confidence"]),
        ('{"value": 1, "confidence": 2.5}', ["confidence"]),
        ('{"value": 1, "confidence": 99999999999999999999999}', ["confidence"]),
        ('{"value": 1, "comment": 3}', ["comment"]),
        ('{"value": 1, "unknown": 3}', ["unknown"]),
    ],
)
def test_bad_check_ins_are_422(world: World, api_for: ApiFor, raw: str, fields: list[Any]) -> None:
    response = api_for(world.bob).post(check_in_url(world), raw)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert fields_of(response) == fields
    assert all(error["message"] for error in response.json()["errors"])
    assert not CheckIn.objects.exists()


def test_texts_are_bounded_like_the_forms(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    too_long = {"value": 1, "comment": "x" * (SHORT_TEXT + 1), "blockers": "y" * (SHORT_TEXT + 1)}
    response = bob.post(check_in_url(world), too_long)
    assert response.status_code == 422
    assert fields_of(response) == ["comment", "blockers"]
    assert response.json()["errors"][0]["message"] == f"At most {SHORT_TEXT} characters."
    at_limit = {"value": 1, "comment": "x" * SHORT_TEXT}
    assert bob.post(check_in_url(world), at_limit).status_code == 201
    body = {"title": "Mine", "level": "person", "description": "d" * (LONG_TEXT + 1)}
    response = bob.post("/orgs/acme/objectives", body)
    assert fields_of(response) == ["description"]
    response = bob.post("/orgs/acme/objectives", {"title": "t" * 201, "level": "person"})
    assert fields_of(response) == ["title"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "9" * 30}, "offset"),
        ({"cycle": "abc"}, "cycle"),
        ({"cycle": "9" * 30}, "cycle"),
        ({"level": "galaxy"}, "level"),
        ({"archived": "maybe"}, "archived"),
        ({"q": "q" * 201}, "q"),
    ],
)
def test_bad_queries_are_422(
    world: World, api_for: ApiFor, query: dict[str, Any], field: str
) -> None:
    response = api_for(world.bob).get("/orgs/acme/objectives", **query)
    assert response.status_code == 422
    assert fields_of(response) == [field]


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "9" * 30])
def test_bad_ids_in_the_path_are_refused(world: World, api_for: ApiFor, bad_id: str) -> None:
    response = api_for(world.bob).get(f"/orgs/acme/objectives/{bad_id}")
    assert response.status_code in (404, 422)
    assert "errors" in response.json()


def test_an_unknown_id_is_404(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).get("/orgs/acme/objectives/999999999")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "message": "Not found."}]}


def test_model_errors_name_their_field(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    response = bob.post(
        "/orgs/acme/key-results",
        {"objective": world.team_objective.pk, "title": "NPS", "start": 5, "target": 5},
    )
    assert response.status_code == 422
    assert fields_of(response) == ["target"]
    response = bob.post(
        "/orgs/acme/key-results",
        {"objective": world.team_objective.pk, "title": "Range", "kind": "stay_between"},
    )
    assert fields_of(response) == ["target_max"]
    response = bob.post(
        "/orgs/acme/key-results",
        {"objective": world.team_objective.pk, "title": "   ", "target": 3},
    )
    assert fields_of(response) == ["title"]
    assert KeyResult.objects.count() == 1


def test_ids_from_another_organisation_in_a_body_are_refused(world: World, api_for: ApiFor) -> None:
    alice = api_for(world.alice)
    body = {"title": "Align", "level": "company", "parents": [world.foreign_objective.pk]}
    response = alice.post("/orgs/acme/objectives", body)
    assert response.status_code == 422 and fields_of(response) == ["parents"]
    response = alice.post(
        "/orgs/acme/objectives", {"title": "X", "level": "person", "owner": world.oscar.pk}
    )
    assert response.status_code == 422 and fields_of(response) == ["owner"]
    response = alice.post(
        "/orgs/acme/key-results", {"objective": world.foreign_objective.pk, "title": "X"}
    )
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": "objective", "message": "Not found."}]}
    assert not Objective.objects.filter(title__in=["Align", "X"]).exists()


def test_a_refused_update_leaves_the_objective_as_it_was(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).patch(
        f"/orgs/acme/objectives/{world.team_objective.pk}", {"title": "New", "level": "galaxy"}
    )
    assert response.status_code == 422
    world.team_objective.refresh_from_db()
    assert world.team_objective.title == "Answer faster"


# The session: the app's own calls, with CSRF on writes.


def test_the_session_reads_and_writes_with_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)
    assert client.get("/api/v1/orgs/acme/objectives").status_code == 200
    url = f"/api/v1{check_in_url(world)}"
    response = client.post(url, '{"value": 3}', content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]
    client.get("/account/tokens/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        url, '{"value": 3}', content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


# Rates.


@override_settings(API_RATE="3/min")
def test_the_rate_per_token_is_429_beyond(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    statuses = [bob.get("/orgs").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = bob.get("/orgs")
    assert response.json()["errors"][0]["field"] is None
    assert int(response["Retry-After"]) >= 1
    # Another token has its own count.
    assert api_for(world.alice).get("/orgs").status_code == 200


@override_settings(API_ANON_RATE="2/min")
def test_failed_attempts_are_limited_per_address(world: World, api_for: ApiFor) -> None:
    anonymous = api_for(None)
    statuses = [anonymous.get("/orgs").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
