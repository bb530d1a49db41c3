"""A key result checked in where it is listed: the editor, the check-in through the
check-in form and service, the objective coming back; refusals store nothing."""

from decimal import Decimal

import pytest

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs.models import KeyResult
from cible.okrs.services import create_key_result

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(kr: KeyResult) -> str:
    return f"/o/acme/key-results/{kr.pk}/check-in/inline/"


def test_the_editor_starts_in_the_value_with_the_last_confidence(world) -> None:
    record_check_in(world.kr, world.bob, value=Decimal(3), confidence=6)
    response = world.client_for(world.bob).get(url(world.kr), headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<li class="kr kr-editing" id="kr-{world.kr.pk}">' in html
    assert f'name="kr-{world.kr.pk}-value"' in html and "autofocus" in html
    assert f'name="kr-{world.kr.pk}-confidence" value="6"' in html


def test_a_check_in_records_and_brings_the_objective_back(world) -> None:
    record_check_in(world.kr, world.bob, value=Decimal(3), confidence=6)
    response = world.client_for(world.bob).post(
        url(world.kr),
        {f"kr-{world.kr.pk}-value": "1", f"kr-{world.kr.pk}-confidence": "6"},
        headers=HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="objective-{world.team_objective.pk}" data-focus-kr="{world.kr.pk}"' in html
    latest = CheckIn.objects.filter(key_result=world.kr).latest("created_at", "id")
    assert (latest.value, latest.confidence, latest.author) == (Decimal(1), 6, world.bob)
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal(1)
    assert "100" in html  # a decrease from 4 to 1, reached


@pytest.mark.parametrize(
    "value, confidence",
    [("1" * 20, "5"), ("abc", "5"), ("2", "11"), ("2", "-1")],
    ids=["too many digits", "no number", "confidence above 10", "confidence below 0"],
)
def test_refusals_show_the_editor_again_and_store_nothing(
    world, value: str, confidence: str
) -> None:
    before = KeyResult.objects.get(pk=world.kr.pk).current
    response = world.client_for(world.bob).post(
        url(world.kr),
        {f"kr-{world.kr.pk}-value": value, f"kr-{world.kr.pk}-confidence": confidence},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#kr-{world.kr.pk}"
    assert 'class="errorlist' in response.content.decode()
    assert not CheckIn.objects.filter(key_result=world.kr).exists()
    assert KeyResult.objects.get(pk=world.kr.pk).current == before


def test_without_htmx_a_check_in_goes_back_to_the_key_result(world) -> None:
    response = world.client_for(world.bob).post(url(world.kr), {f"kr-{world.kr.pk}-value": "3"})

    assert response.status_code == 302
    assert response["Location"] == world.kr.get_absolute_url()
    assert CheckIn.objects.filter(key_result=world.kr, value=Decimal(3)).exists()


def test_cancel_records_nothing(world) -> None:
    response = world.client_for(world.bob).get(url(world.kr) + "?cancel=1", headers=HTMX)

    assert response.status_code == 200
    assert f'data-focus-kr="{world.kr.pk}"' in response.content.decode()
    assert not CheckIn.objects.filter(key_result=world.kr).exists()


def test_only_those_who_may_check_in_get_the_editor(world) -> None:
    body = {f"kr-{world.kr.pk}-value": "3"}
    for user, status in ((world.vera, 403), (world.oscar, 404)):
        client = world.client_for(user)
        assert client.get(url(world.kr), headers=HTMX).status_code == status
        assert client.post(url(world.kr), body, headers=HTMX).status_code == status
    assert not CheckIn.objects.filter(key_result=world.kr).exists()


def test_the_lists_offer_the_editor_only_to_those_who_may_check_in(world) -> None:
    page = world.team_objective.get_absolute_url()
    editor = f'hx-get="{url(world.kr)}'
    assert editor in world.client_for(world.bob).get(page).content.decode()
    assert editor not in world.client_for(world.vera).get(page).content.decode()
    mine = f"/o/acme/people/{world.bob.pk}/"
    assert editor in world.client_for(world.bob).get(mine).content.decode()
    company_kr = create_key_result(
        world.company_objective,
        owner=world.alice,
        title="Net promoter score",
        kind="increase",
        start=Decimal(10),
        target=Decimal(40),
    )
    home = world.client_for(world.alice).get("/o/acme/").content.decode()
    assert f'hx-get="{url(company_kr)}' in home
    assert (
        f'hx-get="{url(company_kr)}'
        not in world.client_for(world.bob).get("/o/acme/").content.decode()
    )
