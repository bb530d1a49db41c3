"""The command palette's search: what the reader may see, a bounded number of results, a
constant number of queries."""

import pytest

from cible.front.views.palette import LIMIT
from cible.okrs.models import Level, Visibility
from cible.okrs.services import create_objective
from cible.orgs.models import Membership, Team
from conftest import make_user

pytestmark = pytest.mark.django_db

URL = "/o/acme/palette/"


def found(world, user, query: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    response = world.client_for(user).get(URL, {"q": query})
    assert response.status_code == 200
    return [(r["label"], r["url"]) for r in response.json()["results"]]


def test_objectives_teams_and_people_by_any_part_of_their_name(world) -> None:
    assert found(world, world.bob, "FASTER") == [
        ("Answer faster", world.team_objective.get_absolute_url())
    ]
    assert found(world, world.bob, "rodu") == [("Product", world.team.get_absolute_url())]
    assert found(world, world.bob, "vera@") == [("Vera Petit", f"/o/acme/people/{world.vera.pk}/")]
    assert ("Adam Roux", f"/o/acme/people/{world.adam.pk}/") in found(world, world.bob, "roux")


def test_nothing_of_another_organisation_nor_a_private_objective_of_someone_else(world) -> None:
    create_objective(
        world.org,
        world.alice,
        cycle=world.cycle,
        title="Secret merger",
        level=Level.PERSON,
        visibility=Visibility.PRIVATE,
    )

    assert found(world, world.bob, "Globex") == []
    assert found(world, world.bob, "oscar") == []
    assert found(world, world.bob, "merger") == []
    assert [label for label, _ in found(world, world.alice, "merger")] == ["Secret merger"]
    assert world.client_for(world.oscar).get(URL, {"q": "a"}).status_code == 404


def test_results_are_bounded_and_the_queries_constant(world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    Team.objects.bulk_create(Team(organization=world.org, name=f"Squad {i}") for i in range(40))
    for i in range(30):
        create_objective(
            world.org, world.alice, cycle=world.cycle, title=f"Squad goal {i}", level=Level.COMPANY
        )
    for i in range(10):
        Membership.objects.create(
            organization=world.org, user=make_user(f"squad{i}@acme.test", f"Squad member {i}")
        )
    client = world.client_for(world.bob)
    client.get(URL, {"q": "x"})  # the session and the membership read once

    with django_assert_max_num_queries(8):
        results = client.get(URL, {"q": "squad"}).json()["results"]

    assert len(results) == LIMIT
    kinds = [r["kind"] for r in results]
    assert (kinds.count("Objective"), kinds.count("Team"), kinds.count("Person")) == (10, 5, 5)


@pytest.mark.parametrize("query", ["", "   ", "a\x00b", "x" * 5000])
def test_odd_queries_answer_an_empty_list(world, query: str) -> None:
    response = world.client_for(world.bob).get(URL, {"q": query})

    assert response.status_code == 200
    assert response.json()["results"] == [] or query == "x" * 5000
