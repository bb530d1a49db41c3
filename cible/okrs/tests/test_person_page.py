"""A person's page: their objectives for the cycle and the key results they own in other
people's objectives; only people of the organisation have one."""

from decimal import Decimal

import pytest
from django.utils import timezone

from cible.okrs.models import KeyResult, Level
from cible.okrs.services import create_objective

pytestmark = pytest.mark.django_db


def url(user) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/people/{user.pk}/"


def page(world, person, viewer=None) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(viewer or world.vera).get(url(person))
    assert response.status_code == 200
    return response.content.decode()


def objectives_part(html: str) -> str:
    return html[html.index("<h2>Objectives</h2>") : html.index("Key results owned in other")]


def elsewhere_part(html: str) -> str:
    return html[html.index("Key results owned in other") :]


@pytest.fixture
def bobs_kr_in_company_objective(world) -> KeyResult:  # type: ignore[no-untyped-def]
    return KeyResult.objects.create(
        objective=world.company_objective,
        title="Lift the NPS",
        owner=world.bob,
        start=Decimal(20),
        target=Decimal(40),
        current=Decimal(30),
    )


def test_it_shows_the_persons_objectives(world) -> None:
    html = objectives_part(page(world, world.bob))

    assert "Answer faster" in html
    assert "Delight our customers" not in html


def test_it_shows_the_persons_personal_objectives(world) -> None:
    create_objective(
        world.org, world.bob, cycle=world.cycle, title="Learn to delegate", level=Level.PERSON
    )

    html = objectives_part(page(world, world.bob))

    assert "Learn to delegate" in html


def test_it_shows_the_key_results_owned_in_others_objectives(
    world, bobs_kr_in_company_objective
) -> None:
    html = elsewhere_part(page(world, world.bob))

    assert "Lift the NPS" in html
    assert "Delight our customers" in html
    assert f'href="/o/acme/key-results/{bobs_kr_in_company_objective.pk}/"' in html


def test_key_results_in_the_persons_own_objectives_are_not_repeated_as_elsewhere(world) -> None:
    html = elsewhere_part(page(world, world.bob))

    assert "Cut first response time" not in html
    assert "None." in html


def test_archived_key_results_are_not_shown_as_elsewhere(
    world, bobs_kr_in_company_objective
) -> None:
    KeyResult.objects.filter(pk=bobs_kr_in_company_objective.pk).update(archived_at=timezone.now())

    html = elsewhere_part(page(world, world.bob))

    assert "Lift the NPS" not in html


def test_the_owner_of_those_objectives_does_not_get_them_as_elsewhere(
    world, bobs_kr_in_company_objective
) -> None:
    html = page(world, world.alice)

    assert "Lift the NPS" not in elsewhere_part(html)
    assert "Delight our customers" in objectives_part(html)


def test_my_own_page_is_titled_my_okrs(world) -> None:
    html = page(world, world.bob, world.bob)

    assert "<h1>My OKRs</h1>" in html


def test_it_names_the_persons_teams(world) -> None:
    html = page(world, world.bob)

    assert f'href="/o/acme/teams/{world.team.pk}/"' in html


def test_a_person_of_another_organisation_gets_404(world) -> None:
    response = world.client_for(world.alice).get(url(world.oscar))

    assert response.status_code == 404


def test_an_unknown_person_gets_404(world) -> None:
    response = world.client_for(world.alice).get("/o/acme/people/999999/")

    assert response.status_code == 404


def test_the_outsider_gets_404_on_a_members_page(world) -> None:
    response = world.client_for(world.oscar).get(url(world.bob))

    assert response.status_code == 404
