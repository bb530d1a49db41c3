"""The page of one objective: members and viewers read it, nobody else even learns it exists."""

import pytest

from cible.okrs.models import Visibility

pytestmark = pytest.mark.django_db


def url(objective, slug: str = "acme") -> str:  # type: ignore[no-untyped-def]
    return f"/o/{slug}/objectives/{objective.pk}/"


def make_private(objective) -> None:  # type: ignore[no-untyped-def]
    objective.visibility = Visibility.PRIVATE
    objective.save()


@pytest.mark.parametrize("name", ["alice", "adam", "bob", "vera"])
def test_members_and_viewers_get_200(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(url(world.team_objective))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Answer faster" in html
    assert "Cut first response time" in html


def test_it_shows_what_the_objective_contributes_to(world) -> None:
    html = world.client_for(world.bob).get(url(world.team_objective)).content.decode()

    assert "Delight our customers" in html
    assert f'href="/o/acme/teams/{world.team.pk}/"' in html


def test_it_shows_the_aligned_objectives(world) -> None:
    html = world.client_for(world.vera).get(url(world.company_objective)).content.decode()

    assert "Answer faster" in html


def test_the_outsider_gets_404(world) -> None:
    response = world.client_for(world.oscar).get(url(world.team_objective))

    assert response.status_code == 404


def test_the_outsider_gets_404_through_their_own_organisation(world) -> None:
    response = world.client_for(world.oscar).get(url(world.team_objective, "globex"))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["alice", "vera"])
def test_a_foreign_objective_id_gets_404(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(url(world.foreign_objective))

    assert response.status_code == 404


def test_an_unknown_objective_id_gets_404(world) -> None:
    response = world.client_for(world.alice).get("/o/acme/objectives/99999999/")

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_a_private_objective_the_user_may_not_see_gets_404(world, name: str) -> None:
    make_private(world.company_objective)

    response = world.client_for(getattr(world, name)).get(url(world.company_objective))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_a_private_objective_is_shown_to_its_owner_and_admins(world, name: str) -> None:
    make_private(world.company_objective)

    response = world.client_for(getattr(world, name)).get(url(world.company_objective))

    assert response.status_code == 200


def test_a_private_parent_is_not_named_on_its_childs_page(world) -> None:
    make_private(world.company_objective)

    html = world.client_for(world.vera).get(url(world.team_objective)).content.decode()

    assert "Delight our customers" not in html
    assert "Aligned to no objective." in html


def test_a_private_child_is_not_named_on_its_parents_page(world) -> None:
    make_private(world.team_objective)
    world.team_objective.owner = world.alice
    world.team_objective.save()

    html = world.client_for(world.vera).get(url(world.company_objective)).content.decode()

    assert "Answer faster" not in html


def test_a_private_team_objective_is_shown_to_the_team_lead_only(world) -> None:
    make_private(world.team_objective)
    world.team_objective.owner = world.alice
    world.team_objective.save()

    assert world.client_for(world.bob).get(url(world.team_objective)).status_code == 200
    assert world.client_for(world.vera).get(url(world.team_objective)).status_code == 404
