"""A value that looks like a typing mistake asks for a second look before it is saved:
the rule once (`rules.check_in_warnings`), the pages ask to confirm, the API records it
and says why."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs import rules
from cible.okrs.models import KeyResult
from cible.okrs.services import create_key_result
from conftest import World

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def hires(world: World) -> KeyResult:
    return create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Hire engineers",
        kind="increase",
        start=D(0),
        target=D(11),
        current=D(4),
    )


@pytest.fixture
def nps(world: World) -> KeyResult:
    kr = create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Raise the NPS",
        kind="increase",
        start=D(30),
        target=D(50),
    )
    record_check_in(kr, world.bob, D(43))
    return kr


def codes(kr: KeyResult, value: str) -> list[str]:
    return [w.code for w in rules.check_in_warnings(kr, D(value))]


def test_55_hires_on_a_target_of_11_asks(hires: KeyResult) -> None:
    [warning] = rules.check_in_warnings(hires, D(55))

    assert (warning.field, warning.code) == ("value", "far_outside_range")
    assert warning.message == (
        "55 is far outside this key result's range, from 0 to 11: check the value."
    )
    with translation.override("fr"):
        [french] = rules.check_in_warnings(hires, D(55))
    assert french.message == (
        "55 est très loin de la plage de ce résultat clé, de 0 à 11 : vérifiez la valeur."
    )


def test_an_nps_from_43_to_7_asks(nps: KeyResult) -> None:
    assert codes(nps, "7") == ["jump_against_trend"]  # down 36 on a range of 20


def test_ordinary_values_ask_nothing(hires: KeyResult, nps: KeyResult) -> None:
    assert codes(hires, "12") == codes(hires, "33") == codes(hires, "0") == []
    assert codes(nps, "30") == codes(nps, "50") == codes(nps, "60") == []
    assert codes(hires, "34") == ["far_outside_range"]  # just beyond 3 x 11 from the start
    assert codes(hires, "-8") == ["jump_against_trend"]  # 12 down, on a range of 11


def test_each_kind_has_its_way(world: World) -> None:
    def kr(kind: str, start: str, target: str, current: str, high: str | None = None) -> KeyResult:
        return create_key_result(
            world.team_objective,
            title=kind,
            kind=kind,
            start=D(start),
            target=D(target),
            target_max=None if high is None else D(high),
            current=D(current),
        )

    time_to_hire = kr("decrease", "60", "35", "50")
    assert codes(time_to_hire, "80") == ["jump_against_trend"]  # 30 up, on a range of 25
    assert codes(time_to_hire, "30") == []
    churn = kr("stay_below", "3", "2", "2")
    assert codes(churn, "1") == []
    assert codes(churn, "4") == ["jump_against_trend"]
    band = kr("stay_between", "92", "90", "92", "95")
    assert codes(band, "80") == ["jump_against_trend"]
    assert codes(band, "96") == []
    milestone = create_key_result(world.team_objective, title="Ship", kind="milestone")
    assert codes(milestone, "1") == codes(milestone, "0") == []


def test_my_check_in_page_asks_then_saves_anyway(world: World, hires: KeyResult) -> None:
    client = world.client_for(world.bob)
    prefix = f"kr-{hires.pk}"
    typed = {f"{prefix}-value": "55", f"{prefix}-comment": "Big hiring week"}

    response = client.post("/o/acme/check-in/", typed)

    assert response.status_code == 422
    html = response.content.decode()
    assert "55 is far outside this key result&#x27;s range" in html
    assert f'name="{prefix}-confirm"' in html and "Save anyway: the value is right" in html
    assert 'value="55"' in html and "Big hiring week" in html  # nothing typed is lost
    assert not CheckIn.objects.filter(key_result=hires).exists()

    response = client.post("/o/acme/check-in/", {**typed, f"{prefix}-confirm": "on"})

    assert response.status_code == 302
    assert CheckIn.objects.get(key_result=hires).value == 55


def test_an_ordinary_check_in_shows_no_confirmation(world: World, hires: KeyResult) -> None:
    client = world.client_for(world.bob)

    response = client.post("/o/acme/check-in/", {f"kr-{hires.pk}-value": "6"})

    assert response.status_code == 302 and CheckIn.objects.get(key_result=hires).value == 6


def test_the_meetings_quick_check_in_asks_in_place(world: World, nps: KeyResult) -> None:
    client = world.client_for(world.bob)
    url = f"/o/acme/key-results/{nps.pk}/check-in/"
    prefix = f"kr-{nps.pk}"

    response = client.post(url, {f"{prefix}-value": "7"}, headers={"HX-Request": "true"})

    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="agenda-{nps.pk}"' in html and f'name="{prefix}-confirm"' in html
    assert nps.check_ins.count() == 1
    response = client.post(
        url, {f"{prefix}-value": "7", f"{prefix}-confirm": "on"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and nps.check_ins.count() == 2


def test_the_key_result_page_shows_the_form_again_to_confirm(
    world: World, hires: KeyResult
) -> None:
    client = world.client_for(world.bob)
    url = f"/o/acme/key-results/{hires.pk}/check-in/"
    prefix = f"kr-{hires.pk}"
    typed = {f"{prefix}-value": "55", f"{prefix}-confidence": "8", f"{prefix}-blockers": "None"}

    with translation.override("fr"):
        response = client.post(url, typed, headers={"Accept-Language": "fr"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Vérifiez la valeur" in html and "Enregistrer quand même" in html
    assert 'value="55"' in html and 'value="8"' in html and 'value="None"' in html
    assert not CheckIn.objects.filter(key_result=hires).exists()
    response = client.post(url, {**typed, f"{prefix}-confirm": "on"})
    assert response.status_code == 302
    assert CheckIn.objects.get(key_result=hires).confidence == 8
