"""The initiatives' endpoints: listed, read, created once per idempotency key, edited and
moved along, with the web's rules; never counted in progress."""

from typing import Any

import pytest

from cible.api.tests.conftest import ApiFor, fields_of
from cible.audit.models import AuditEntry, TargetType
from cible.okrs.models import Initiative, KeyResult
from cible.okrs.services import create_initiative, create_key_result
from conftest import World

pytestmark = pytest.mark.django_db

URL = "/orgs/acme/initiatives"


def body(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "objective": world.team_objective.pk,
        "key_result": world.kr.pk,
        "title": "Hire a second agent",
        **extra,
    }


def test_it_creates_an_initiative_owned_by_the_caller(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).post(URL, body(world, link="https://tickets.example.com/1"))

    assert response.status_code == 201
    data = response.json()
    initiative = Initiative.objects.get()
    assert data["id"] == initiative.pk
    assert data["owner"] == world.bob.pk
    assert data["state"] == "planned"
    assert data["key_result"] == world.kr.pk
    assert data["link"] == "https://tickets.example.com/1"
    assert AuditEntry.objects.filter(target_type=TargetType.INITIATIVE, action="created").exists()


def test_the_same_idempotency_key_creates_it_once(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    headers = {"Idempotency-Key": "plan-1"}

    first = bob.post(URL, body(world), headers=headers)
    again = bob.post(URL, body(world), headers=headers)
    other = bob.post(URL, body(world, title="Another"), headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert other.status_code == 422
    assert fields_of(other) == ["Idempotency-Key"]
    assert Initiative.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"state": "finished"}, "state"),
        ({"owner": 999_999}, "owner"),
        ({"due_date": "soon"}, "due_date"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    world: World, api_for: ApiFor, extra: dict[str, Any], field: str
) -> None:
    response = api_for(world.bob).post(URL, body(world, **extra))

    assert response.status_code == 422
    assert field in fields_of(response)
    assert not Initiative.objects.exists()


def test_a_key_result_of_another_objective_is_refused(world: World, api_for: ApiFor) -> None:
    other = create_key_result(world.company_objective, title="NPS", start=0, target=50)

    response = api_for(world.bob).post(URL, body(world, key_result=other.pk))

    assert response.status_code == 422
    assert fields_of(response) == ["key_result"]


def test_a_viewer_gets_403_and_an_outsider_404(world: World, api_for: ApiFor) -> None:
    initiative = create_initiative(world.team_objective, world.bob, title="Write the FAQ")

    assert api_for(world.vera).post(URL, body(world)).status_code == 403
    assert api_for(world.vera).patch(f"{URL}/{initiative.pk}", {"state": "done"}).status_code == 403
    assert api_for(world.oscar).get(f"{URL}/{initiative.pk}").status_code == 404
    assert (
        api_for(world.oscar).patch(f"{URL}/{initiative.pk}", {"state": "done"}).status_code == 404
    )
    initiative.refresh_from_db()
    assert initiative.state == "planned"


def test_moving_it_to_done(world: World, api_for: ApiFor) -> None:
    initiative = create_initiative(
        world.team_objective, world.bob, key_result=world.kr, title="Write the FAQ"
    )
    before = KeyResult.objects.get(pk=world.kr.pk).current

    response = api_for(world.bob).patch(f"{URL}/{initiative.pk}", {"state": "done"})

    assert response.status_code == 200
    assert response.json()["state"] == "done"
    assert response.json()["key_result"] == world.kr.pk
    assert KeyResult.objects.get(pk=world.kr.pk).current == before


def test_a_refused_patch_keeps_what_is_stored(world: World, api_for: ApiFor) -> None:
    initiative = create_initiative(world.team_objective, world.bob, title="Write the FAQ")

    response = api_for(world.bob).patch(f"{URL}/{initiative.pk}", {"link": "ftp:/x"})

    assert response.status_code == 422
    initiative.refresh_from_db()
    assert initiative.link == ""


def test_the_list_filters(world: World, api_for: ApiFor) -> None:
    create_initiative(world.team_objective, world.bob, key_result=world.kr, title="A")
    done = create_initiative(world.team_objective, world.bob, title="B", state="done")
    create_initiative(world.foreign_objective, world.oscar, title="Globex secret")

    bob = api_for(world.bob)
    everything = bob.get(URL).json()
    finished = bob.get(URL, state="done").json()
    of_kr = bob.get(URL, key_result=world.kr.pk).json()
    still_open = bob.get(URL, open="true").json()

    assert everything["count"] == 2
    assert [i["id"] for i in finished["items"]] == [done.pk]
    assert [i["title"] for i in of_kr["items"]] == ["A"]
    assert [i["title"] for i in still_open["items"]] == ["A"]
