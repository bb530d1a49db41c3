"""A number's limits are stated once, from `cible.okrs.rules`' bounds: the same words in
the API's errors, the web forms' errors, the OKR files' problems, the OpenAPI schema and
docs/api.md."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from cible.api.main import api
from cible.api.tests.conftest import ApiFor
from cible.checkins.forms import CheckInRowForm
from cible.okrs import rules
from cible.okrs.access import Powers
from cible.okrs.forms import KeyResultForm
from cible.okrs.models import KeyResult
from cible.okrs.tests.test_rules import VALID, file_problems
from cible.orgs.models import Membership
from conftest import World

DOCS = Path(__file__).resolve().parents[3] / "docs"
VALUE_WORDS = "At most 16 digits before the point and 4 after."


def test_the_wording_comes_from_the_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    assert rules.value_digits_message() == VALUE_WORDS
    assert rules.weight_digits_message() == "At most 4 digits before the point and 2 after."
    monkeypatch.setattr(rules, "VALUE_MAX_DIGITS", 9)
    monkeypatch.setattr(rules, "VALUE_DECIMAL_PLACES", 3)
    assert rules.value_digits_message() == "At most 6 digits before the point and 3 after."
    with translation.override("fr"):
        assert "6" in rules.value_digits_message() and "chiffres" in rules.value_digits_message()


def _kr_body(world: World, **fields: Any) -> dict[str, Any]:
    return {"objective": world.team_objective.pk, "title": "Revenue", **fields}


@pytest.mark.parametrize("target", [1e20, "100000000000000000000", "12345678901234567", 0.00001])
def test_the_api_says_the_rule(world: World, api_for: ApiFor, target: Any) -> None:
    response = api_for(world.bob).post("/orgs/acme/key-results", _kr_body(world, target=target))
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [{"field": "target", "message": VALUE_WORDS}]
    assert KeyResult.objects.count() == 1


def test_the_api_follows_a_change_of_the_bounds(
    world: World, api_for: ApiFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "VALUE_MAX_DIGITS", 7)
    url = f"/orgs/acme/key-results/{world.kr.pk}/check-ins"
    response = api_for(world.bob).post(url, {"value": 12345})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "value", "message": "At most 3 digits before the point and 4 after."}
    ]


def test_the_forms_say_the_rule(world: World) -> None:
    powers = Powers(Membership.objects.get(user=world.bob, organization=world.org))
    data = {
        "title": "Revenue",
        "kind": "increase",
        "start": "0",
        "target": "1e20",
        "weight": "12345",
        "owner": str(world.bob.pk),
    }
    form = KeyResultForm(data, objective=world.team_objective, powers=powers)
    assert not form.is_valid()
    assert form.errors["target"] == [VALUE_WORDS]
    assert form.errors["weight"] == [rules.weight_digits_message()]
    prefix = f"kr-{world.kr.pk}"
    row = CheckInRowForm({f"{prefix}-value": "0.00001"}, key_result=world.kr)
    assert not row.is_valid()
    assert row.errors["value"] == [VALUE_WORDS]


def test_the_okr_files_say_the_rule() -> None:
    assert "start: 70, target: 90" in VALID
    found = file_problems("start: 70, target: 90", "start: 70, target: 100000000000000000000")
    assert any(VALUE_WORDS in message for message in found), found


def test_the_openapi_schema_says_the_rule() -> None:
    schemas = api.get_openapi_schema()["components"]["schemas"]
    for name in ("target", "start", "target_max"):
        assert VALUE_WORDS in str(schemas["KeyResultIn"]["properties"][name]), name
    assert VALUE_WORDS in str(schemas["CheckInIn"]["properties"]["value"])
    assert rules.weight_digits_message() in str(schemas["KeyResultIn"]["properties"]["weight"])


# "16 digits before the point and 4 after", "16 digits before the decimal point", "at most
# 4 and 2" (a weight): every number of digits the docs state.
DIGITS = re.compile(r"(\d+) digits before the (?:decimal )?point(?: and (\d+) after)?")


def test_the_docs_say_the_rule() -> None:
    text = (DOCS / "api.md").read_text()
    assert rules.value_digits_message() in text
    stated = [
        (path.name, match.groups())
        for path in sorted(DOCS.glob("*.md"))
        for match in DIGITS.finditer(path.read_text())
    ]
    assert stated, "the docs state no limit"
    whole = str(rules.VALUE_MAX_DIGITS - rules.VALUE_DECIMAL_PLACES)
    places = str(rules.VALUE_DECIMAL_PLACES)
    for name, (found_whole, found_places) in stated:
        assert found_whole == whole, name
        assert found_places in (None, places), name
