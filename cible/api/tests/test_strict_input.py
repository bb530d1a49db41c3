"""The API reads its input strictly: texts without NUL or control characters, numbers that
are numbers, JSON bodies that say so, PATCH fields that the schema marks as they behave."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cible.api.tests.conftest import Api, ApiFor, fields_of
from cible.checkins.models import CheckIn
from cible.okrs.models import Objective
from conftest import World


def check_ins(world: World) -> str:
    return f"/orgs/acme/key-results/{world.kr.pk}/check-ins"


@pytest.mark.parametrize("field", ["comment", "blockers"])
def test_a_check_in_text_with_a_nul_is_refused_naming_the_field(
    world: World, api_for: ApiFor, field: str
) -> None:
    response = api_for(world.bob).post(check_ins(world), {"value": 2, field: "late\u0000"})
    assert response.status_code == 422
    assert fields_of(response) == [field]
    assert "U+0000" in response.json()["errors"][0]["message"]
    assert not CheckIn.objects.exists()


def test_a_check_in_comment_keeps_its_newlines_and_tabs(world: World, api_for: ApiFor) -> None:
    comment = "Two things:\n\t- faster\r\n\t- kinder"
    response = api_for(world.bob).post(check_ins(world), {"value": 2, "comment": comment})
    assert response.status_code == 201
    assert CheckIn.objects.get().comment == comment


def test_a_check_in_comment_with_a_bidi_override_is_refused(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).post(check_ins(world), {"value": 2, "comment": "ok \u202e"})
    assert response.status_code == 422
    assert fields_of(response) == ["comment"]


def test_an_idempotency_key_with_a_nul_is_refused_naming_the_header(
    world: World, api_for: ApiFor
) -> None:
    response = api_for(world.bob).post(
        check_ins(world), {"value": 2}, headers={"Idempotency-Key": "run\u00001"}
    )
    assert response.status_code == 422
    assert fields_of(response) == ["Idempotency-Key"]
    assert not CheckIn.objects.exists()


def test_a_search_with_a_nul_is_refused_naming_q(world: World, api_for: ApiFor) -> None:
    response = api_for(world.vera, scope="read").get("/orgs/acme/objectives", q="\u0000")
    assert response.status_code == 422
    assert fields_of(response) == ["q"]


def test_a_slug_with_a_nul_is_refused_naming_it(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).get("/orgs/ac%00me/objectives")
    assert response.status_code == 422
    assert fields_of(response) == ["slug"]


@pytest.mark.parametrize("title", ["Grow\u202ereven", "Grow\u2066 fast", "Two\nlines", "Bell\x07"])
def test_an_objective_title_with_a_control_character_is_refused(
    world: World, api_for: ApiFor, title: str
) -> None:
    body = {"title": title, "level": "person"}
    response = api_for(world.bob).post("/orgs/acme/objectives", body)
    assert response.status_code == 422
    assert fields_of(response) == ["title"]
    assert not Objective.objects.filter(title=title).exists()


@pytest.mark.parametrize("confidence", [True, "5", 5.0])
def test_a_confidence_must_be_a_json_whole_number(
    world: World, api_for: ApiFor, confidence: object
) -> None:
    response = api_for(world.bob).post(check_ins(world), {"value": 2, "confidence": confidence})
    assert response.status_code == 422
    assert fields_of(response) == ["confidence"]


@pytest.mark.parametrize(
    "value", ["١٢٣", "1_000", " 5 ", "NaN", "Infinity", "1e3", "", "+", True, False, None]
)
def test_a_value_must_be_a_number_or_plain_ascii_digits(
    world: World, api_for: ApiFor, value: object
) -> None:
    response = api_for(world.bob).post(check_ins(world), {"value": value})
    assert response.status_code == 422
    assert fields_of(response) == ["value"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("value", "stored"), [(12.5, "12.5"), ("12.5", "12.5"), ("-3", "-3"), (7, "7")]
)
def test_a_value_may_be_a_json_number_or_a_decimal_string(
    world: World, api_for: ApiFor, value: object, stored: str
) -> None:
    response = api_for(world.bob).post(check_ins(world), {"value": value})
    assert response.status_code == 201
    assert CheckIn.objects.get().value == Decimal(stored)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_declared_json_gets_a_415(
    world: World, api_for: ApiFor, content_type: str
) -> None:
    api = api_for(world.bob)
    response = api.client.post(
        "/api/v1" + check_ins(world), '{"value": 2}', content_type=content_type, headers=api.headers
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["field"] is None
    assert "application/json" in response.json()["errors"][0]["message"]
    assert not CheckIn.objects.exists()


def test_a_json_body_with_a_charset_is_read(world: World, api_for: ApiFor) -> None:
    api = api_for(world.bob)
    response = api.client.post(
        "/api/v1" + check_ins(world),
        '{"value": 2}',
        content_type="application/json; charset=utf-8",
        headers=api.headers,
    )
    assert response.status_code == 201


@pytest.mark.parametrize("field", ["title", "level", "owner", "visibility", "parents"])
def test_a_null_in_an_objective_patch_is_refused_where_the_schema_says_so(
    world: World, api_for: ApiFor, field: str
) -> None:
    response = api_for(world.bob).patch(
        f"/orgs/acme/objectives/{world.team_objective.pk}", {field: None}
    )
    assert response.status_code == 422
    assert fields_of(response) == [field]
    patch = api_for(world.bob).get("/openapi.json").json()["components"]["schemas"]
    assert "anyOf" not in patch["ObjectivePatch"]["properties"][field]


def test_the_schema_states_the_bounds_of_a_value(world: World, api_for: ApiFor) -> None:
    schemas = api_for(world.bob).get("/openapi.json").json()["components"]["schemas"]
    number, text = schemas["CheckInIn"]["properties"]["value"]["anyOf"]
    assert number == {"type": "number", "exclusiveMinimum": -(10**16), "exclusiveMaximum": 10**16}
    weight = schemas["KeyResultIn"]["properties"]["weight"]["anyOf"][0]
    assert weight == {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10**4}
    assert text["pattern"] == r"^[+-]?[0-9]{1,16}(\.[0-9]{1,4})?$"
    confidence = schemas["CheckInIn"]["properties"]["confidence"]["anyOf"][0]
    assert confidence == {"type": "integer", "minimum": 0, "maximum": 10}


def test_seventeen_digits_before_the_point_are_refused(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).post(check_ins(world), {"value": "1" * 17})
    assert response.status_code == 422
    assert fields_of(response) == ["value"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31"])
def test_a_cycle_dated_outside_the_sane_years_is_refused(
    world: World, api_for: ApiFor, day: str
) -> None:
    body = {"name": "Far", "kind": "custom", "start": day, "end": "2030-12-31"}
    response = api_for(world.alice).post("/orgs/acme/cycles", body)
    assert response.status_code == 422
    assert fields_of(response) == ["start"]
    assert "1970" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_review_held_outside_the_sane_years_is_refused(
    world: World, api_for: ApiFor, day: str
) -> None:
    body = {"kind": "weekly", "team": world.team.pk, "held_on": day}
    response = api_for(world.bob).post("/orgs/acme/reviews", body)
    assert response.status_code == 422
    assert fields_of(response) == ["held_on"]


def test_check_ins_since_year_9999_is_refused_naming_since(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).get("/orgs/acme/check-ins", since="9999-01-01T00:00:00Z")
    assert response.status_code == 422
    assert fields_of(response) == ["since"]


def test_the_refusal_of_a_nul_speaks_french_to_a_french_reader(
    world: World, api_for: ApiFor
) -> None:
    response = api_for(world.bob).post(
        check_ins(world), {"value": 2, "comment": "a\u0000"}, headers={"Accept-Language": "fr"}
    )
    assert (
        response.json()["errors"][0]["message"] == "Retirez le caractère nul (U+0000) de ce texte."
    )


def _text_fields(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """The body's free-text fields (no choice, no date)."""
    body = components[schema["$ref"].split("/")[-1]]
    names = []
    for name, prop in body["properties"].items():
        options = prop.get("anyOf", [prop])
        free = [o for o in options if o.get("type") == "string"]
        if free and not any({"enum", "format", "pattern"} & set(o) for o in free):
            names.append(name)
    return names


def test_every_text_field_of_every_body_refuses_a_nul(world: World, api_for: ApiFor) -> None:
    api = api_for(world.alice)
    session = Client()
    session.force_login(world.alice)
    schema = api.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    checked = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            url = path.removeprefix("/api/v1").replace("{slug}", "acme").replace("{id}", "1")
            # An operation of the session's only (making a token) is called through it.
            by_token = {"TokenAuth": []} in operation.get("security", [{"TokenAuth": []}])
            caller = api if by_token else Api(client=session)
            for name in _text_fields(content["application/json"]["schema"], components):
                response = caller.call(method.upper(), url, {name: "a\u0000b"})
                assert response.status_code == 422, (method, path, name, response.status_code)
                assert name in fields_of(response), (method, path, name)
                checked.append(name)
    assert {"title", "description", "comment", "blockers", "name", "unit", "note"} <= set(checked)
