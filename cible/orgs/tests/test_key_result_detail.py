"""The page of one key result, with its check-ins."""

from decimal import Decimal

import pytest

from cible.okrs.models import Visibility
from cible.okrs.services import create_key_result

pytestmark = pytest.mark.django_db


def url(kr, slug: str = "acme") -> str:  # type: ignore[no-untyped-def]
    return f"/o/{slug}/key-results/{kr.pk}/"


@pytest.fixture
def foreign_kr(world):  # type: ignore[no-untyped-def]
    return create_key_result(
        world.foreign_objective,
        title="Globex hidden KR",
        kind="increase",
        start=Decimal(0),
        target=Decimal(5),
    )


@pytest.mark.parametrize("name", ["alice", "adam", "bob", "vera"])
def test_members_and_viewers_get_200(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(url(world.kr))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cut first response time" in html
    assert "Answer faster" in html
    assert "No check-in yet." in html


def test_it_shows_the_values_and_progress(world) -> None:
    html = world.client_for(world.bob).get(url(world.kr)).content.decode()

    assert "4\u00a0h" in html
    assert "67\u00a0%" in html
    assert "On track" in html


def test_the_outsider_gets_404(world) -> None:
    response = world.client_for(world.oscar).get(url(world.kr))

    assert response.status_code == 404


def test_the_outsider_gets_404_through_their_own_organisation(world) -> None:
    response = world.client_for(world.oscar).get(url(world.kr, "globex"))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["alice", "vera"])
def test_a_foreign_key_result_id_gets_404(world, foreign_kr, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(url(foreign_kr))

    assert response.status_code == 404


def test_an_unknown_key_result_id_gets_404(world) -> None:
    response = world.client_for(world.alice).get("/o/acme/key-results/99999999/")

    assert response.status_code == 404


@pytest.fixture
def private_kr(world):  # type: ignore[no-untyped-def]
    world.company_objective.visibility = Visibility.PRIVATE
    world.company_objective.save()
    return create_key_result(
        world.company_objective,
        title="Board-only metric",
        kind="increase",
        start=Decimal(0),
        target=Decimal(5),
    )


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_a_key_result_of_a_private_objective_the_user_may_not_see_gets_404(
    world, private_kr, name: str
) -> None:
    response = world.client_for(getattr(world, name)).get(url(private_kr))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_a_key_result_of_a_private_objective_is_shown_to_owner_and_admins(
    world, private_kr, name: str
) -> None:
    response = world.client_for(getattr(world, name)).get(url(private_kr))

    assert response.status_code == 200
