"""The dependency form's search pickers: suggestions come from the form's own choices (other
teams' visible objectives of the cycle, their key results), a few at a time, for those who
may declare a dependency; without JavaScript an exact title is enough."""

from decimal import Decimal
from typing import Any

import pytest

from cible.lib import widgets
from cible.okrs.models import Dependency, Level, Objective, Visibility
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(world) -> Team:  # type: ignore[no-untyped-def]
    return Team.objects.create(organization=world.org, name="Sales")


def sales_objective(world, sales: Team, title: str, **extra: Any) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org,
        world.alice,
        cycle=world.cycle,
        title=title,
        level=Level.TEAM,
        team=sales,
        **extra,
    )


def suggest(world, user, field: str, query: str):  # type: ignore[no-untyped-def]
    url = f"/o/acme/objectives/{world.team_objective.pk}/dependencies/suggest/"
    return world.client_for(user).get(url, {"field": field, f"{field}_search": query})


def picks(response) -> int:  # type: ignore[no-untyped-def]
    return response.content.decode().count("data-pick=")


def test_the_lead_gets_other_teams_objectives_matching_what_was_typed(world, sales) -> None:
    market = sales_objective(world, sales, "Open the new market")
    sales_objective(world, sales, "Hire two sellers")

    response = suggest(world, world.bob, "to_objective", "MARKET")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-pick="{market.pk}"' in html
    assert "Sales · Open the new market" in html
    assert "Hire two sellers" not in html


def test_its_own_teams_objectives_are_not_suggested(world, sales) -> None:
    response = suggest(world, world.bob, "to_objective", "Answer")

    assert picks(response) == 0
    assert "No match." in response.content.decode()


def test_a_private_objective_the_lead_may_not_see_is_never_suggested(world, sales) -> None:
    sales_objective(world, sales, "Secret market plan", visibility=Visibility.PRIVATE)
    sales_objective(world, sales, "Public market plan")

    html = suggest(world, world.bob, "to_objective", "market plan").content.decode()
    assert "Public market plan" in html
    assert "Secret market plan" not in html


def test_key_results_come_with_their_objective(world, sales) -> None:
    market = sales_objective(world, sales, "Open the new market")
    kr = create_key_result(
        market, title="Sign ten resellers", kind="increase", start=Decimal(0), target=Decimal(10)
    )

    html = suggest(world, world.bob, "to_key_result", "resellers").content.decode()

    assert f'data-pick="{kr.pk}"' in html
    assert "Open the new market" in html


def test_suggestions_are_bounded_and_say_that_more_match(world, sales) -> None:
    for n in range(widgets.SUGGESTIONS + 5):
        sales_objective(world, sales, f"Grow region {n}")

    response = suggest(world, world.bob, "to_objective", "region")

    assert picks(response) == widgets.SUGGESTIONS
    assert "More match" in response.content.decode()


def test_an_empty_query_suggests_nothing(world, sales) -> None:
    sales_objective(world, sales, "Open the new market")

    response = suggest(world, world.bob, "to_objective", "  ")

    assert response.status_code == 200
    assert picks(response) == 0


def test_an_unknown_field_is_a_404(world) -> None:
    assert suggest(world, world.bob, "owner", "a").status_code == 404


def test_a_viewer_gets_403_and_an_outsider_404(world, sales) -> None:
    sales_objective(world, sales, "Open the new market")

    assert suggest(world, world.vera, "to_objective", "market").status_code == 403
    assert suggest(world, world.oscar, "to_objective", "market").status_code == 404


def test_the_objective_page_shows_a_search_past_the_list_limit(world, sales, monkeypatch) -> None:
    sales_objective(world, sales, "Open the new market")
    sales_objective(world, sales, "Hire two sellers")
    monkeypatch.setattr(widgets, "LIST_LIMIT", 1)

    response = world.client_for(world.bob).get(f"/o/acme/objectives/{world.team_objective.pk}/")

    html = response.content.decode()
    assert 'name="to_objective_search"' in html
    assert "dependencies/suggest/?field=to_objective" in html
    assert "Hire two sellers" not in html  # the page no longer lists every objective


def test_without_javascript_an_exact_title_declares_the_dependency(world, sales) -> None:
    market = sales_objective(world, sales, "Open the new market")
    url = f"/o/acme/objectives/{world.team_objective.pk}/dependencies/"

    response = world.client_for(world.bob).post(
        url, {"to_objective": "", "to_objective_search": " open the NEW market "}
    )

    assert response.status_code == 302
    assert Dependency.objects.get().to_objective == market


def test_a_title_naming_two_objectives_is_refused(world, sales) -> None:
    sales_objective(world, sales, "Grow")
    sales_objective(world, sales, "Grow")
    url = f"/o/acme/objectives/{world.team_objective.pk}/dependencies/"

    response = world.client_for(world.bob).post(url, {"to_objective_search": "Grow"})

    assert response.status_code == 422
    assert not Dependency.objects.exists()


def test_a_picked_id_is_still_checked_against_the_forms_choices(world, sales) -> None:
    url = f"/o/acme/objectives/{world.team_objective.pk}/dependencies/"

    # The foreign objective's id, as if picked: another organisation's, refused.
    response = world.client_for(world.bob).post(
        url, {"to_objective": world.foreign_objective.pk, "to_objective_search": "x"}
    )

    assert response.status_code == 422
    assert not Dependency.objects.exists()


def test_the_field_named_in_the_url_says_which_input_to_read(world, sales) -> None:
    sales_objective(world, sales, "Open the new market")
    url = f"/o/acme/objectives/{world.team_objective.pk}/dependencies/suggest/"
    query = {"field": "to_objective", "to_key_result_search": "zzz", "to_objective_search": "new"}

    response = world.client_for(world.bob).get(url, query)

    assert "Open the new market" in response.content.decode()
