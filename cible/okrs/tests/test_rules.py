"""The OKR rules are stated once, in cible/okrs/rules.py: each check says what is wrong by
field and code, and a bound changed there reaches the forms, the API and the OKR files."""

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cible.api.tokens import create_token
from cible.checkins.forms import CheckInRowForm
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrfiles.tests.files import VALID, problems
from cible.okrs import rules
from cible.okrs.access import Powers
from cible.okrs.forms import KeyResultForm
from cible.okrs.models import CycleState, KeyResult, Level
from cible.orgs.models import Membership
from conftest import World


def codes(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str | None]]:
    return {
        field: [error.code for error in errors]
        for field, errors in excinfo.value.error_dict.items()
    }


def test_each_check_names_its_field_and_code(world: World) -> None:
    cases: list[tuple[Any, tuple[Any, ...], str, str]] = [
        (rules.check_confidence, (11,), "confidence", "confidence_range"),
        (rules.check_confidence, (-1,), "confidence", "confidence_range"),
        (rules.check_weight, (Decimal(0),), "weight", "weight_range"),
        (rules.check_score, (Decimal("1.01"),), "score", "score_range"),
        (rules.check_value, (Decimal("NaN"),), "value", "invalid"),
        (rules.check_value, (Decimal("1e17"),), "value", "max_whole_digits"),
        (rules.check_value, (Decimal("0.00001"),), "value", "max_decimal_places"),
        (rules.check_parent_levels, ("company", ["team"]), "parents", "level"),
        (rules.check_parent_cycle, (1, 2, 3), "parents", "parent_cycle"),
    ]
    for check, args, field, code in cases:
        with pytest.raises(ValidationError) as excinfo:
            check(*args)
        assert codes(excinfo) == {field: [code]}, (check, args)


def test_values_within_the_bounds_pass(world: World) -> None:
    rules.check_confidence(None)
    rules.check_confidence(10)
    rules.check_value(Decimal("9999999999999999.9999"))
    rules.check_value(Decimal("1.50000"))  # trailing zeros are not digits kept
    rules.check_weight(Decimal("0.01"))
    rules.check_score(Decimal(1))
    rules.check_parent_levels("person", ["company", "team", "person"])


def test_a_closed_cycle_takes_only_an_admins_correction(world: World) -> None:
    world.cycle.state = CycleState.CLOSED
    with pytest.raises(ValidationError) as excinfo:
        rules.check_cycle_open(world.cycle, "value")
    assert codes(excinfo) == {"value": ["cycle_closed"]}
    rules.check_cycle_open(world.cycle, correction=True)
    assert not rules.cycle_takes_changes(world.cycle)


def test_targets_are_checked_per_kind() -> None:
    one, two = Decimal(1), Decimal(2)
    assert set(rules.target_errors("increase", two, one, None)) == {"target"}
    assert set(rules.target_errors("decrease", one, two, None)) == {"target"}
    assert set(rules.target_errors("increase", one, one, None)) == {"target"}
    assert set(rules.target_errors("stay_between", one, two, None)) == {"target_max"}
    assert set(rules.target_errors("stay_between", one, two, one)) == {"target_max"}
    assert rules.target_errors("stay_above", one, two, None) == {}
    assert set(rules.target_errors("increase", None, None, None)) == {"start", "target"}


def test_levels_and_teams() -> None:
    assert set(rules.level_team_errors(Level.COMPANY, has_team=True)) == {"team"}
    assert set(rules.level_team_errors(Level.TEAM, has_team=False)) == {"team"}
    assert rules.level_team_errors(Level.PERSON, has_team=True) == {}


def test_permission_checks_leave_the_objects_as_they_were(world: World) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    kr = KeyResult.objects.select_related("objective__cycle").get(pk=world.kr.pk)
    admin = Powers(Membership.objects.get(user=world.adam, organization=world.org))
    assert admin.can_edit_key_result(kr)
    assert admin.can_edit(kr.objective)
    assert not kr.correction and not kr.objective.correction
    kr.target = Decimal(50)
    with pytest.raises(ValidationError):
        kr.full_clean()


# A bound changed in rules.py: every way in follows.


def api_check_in(world: World, body: dict[str, Any]) -> Any:
    _token, secret = create_token(world.bob, "tests", "write")
    return Client().post(
        f"/api/v1/orgs/acme/key-results/{world.kr.pk}/check-ins",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def check_in_form(world: World, **fields: str) -> CheckInRowForm:
    prefix = f"kr-{world.kr.pk}"
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    return CheckInRowForm(data, key_result=world.kr)


def file_problems(old: str, new: str) -> list[str]:
    assert old in VALID
    return [message for _line, message in problems(VALID.replace(old, new, 1))]


def test_a_stricter_confidence_reaches_forms_api_services_and_files(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_in = "value: 3.5, confidence: 7,"
    assert check_in_form(world, value="3", confidence="7").is_valid()
    assert not file_problems(check_in, check_in)

    monkeypatch.setattr(rules, "CONFIDENCE_MAX", 5)

    form = check_in_form(world, value="3", confidence="7")
    assert not form.is_valid()
    assert "confidence" in form.errors
    response = api_check_in(world, {"value": 3, "confidence": 7})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["confidence"]
    with pytest.raises(ValidationError):
        record_check_in(world.kr, world.bob, Decimal(3), confidence=7)
    assert any("confidence" in message for message in file_problems(check_in, check_in))
    assert not CheckIn.objects.exists()
    assert api_check_in(world, {"value": 3, "confidence": 5}).status_code == 201


def test_fewer_digits_reach_forms_api_and_files(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "VALUE_MAX_DIGITS", 6)

    form = check_in_form(world, value="1234567")
    assert not form.is_valid()
    assert "value" in form.errors
    response = api_check_in(world, {"value": 1234567})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["value"]
    found = file_problems("start: 70, target: 90", "start: 70, target: 1234567")
    assert any("digits" in message for message in found)
    assert not CheckIn.objects.exists()


def test_a_higher_least_weight_reaches_forms_and_files(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "WEIGHT_MIN", Decimal(2))
    powers = Powers(Membership.objects.get(user=world.bob, organization=world.org))
    data = {
        "title": "Answer within a day",
        "kind": "increase",
        "start": "0",
        "target": "10",
        "weight": "1",
        "owner": str(world.bob.pk),
    }
    form = KeyResultForm(data, objective=world.team_objective, powers=powers)
    assert not form.is_valid()
    assert "weight" in form.errors
    found = file_problems("start: 70, target: 90", "start: 70, target: 90, weight: 1")
    assert any("weight" in message for message in found)
