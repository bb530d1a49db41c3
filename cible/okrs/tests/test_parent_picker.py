"""The objective form's parents on a large organisation: past the list limit, only the chosen
parents are listed, checked, with a search whose suggestions come from the form's own
choices; without JavaScript an id or an exact title typed in adds a parent. Every id is
still checked against the choices."""

from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cible.lib import widgets
from cible.okrs.access import Powers
from cible.okrs.forms import ObjectiveForm
from cible.okrs.models import Cycle, Level, Objective, Visibility
from cible.okrs.services import create_objective
from cible.okrs.tests.test_authoring_objectives import edit_data
from cible.okrs.tests.test_authoring_objectives import objective_data as new_data
from cible.orgs.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Past the list limit, as far as the pickers know, from the first choice on."""
    monkeypatch.setattr(widgets, "LIST_LIMIT", 0)


def new_url(world, **params: Any) -> str:  # type: ignore[no-untyped-def]
    query = "&".join(f"{k}={v}" for k, v in {"cycle": world.cycle.pk, **params}.items())
    return f"/o/acme/objectives/new/?{query}"


def created() -> Objective:
    return Objective.objects.get(title="Become the team people recommend")


def checked(objective: Objective) -> str:
    return f'<input type="checkbox" name="parents" value="{objective.pk}" checked>'


def company(world, title: str, **extra: Any) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org, world.alice, cycle=world.cycle, title=title, level=Level.COMPANY, **extra
    )


def suggest(client: Client, query: str = "", **params: Any):  # type: ignore[no-untyped-def]
    return client.get("/o/acme/objectives/parents/suggest/", {"parents_search": query, **params})


def picks(response) -> list[str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-pick="')[1:]]


# --- The form -------------------------------------------------------------------------


def test_up_to_the_limit_every_choice_is_a_checkbox_with_its_filter(world) -> None:
    html = world.client_for(world.bob).get(new_url(world)).content.decode()

    assert 'id="parent-filter"' in html
    assert "Delight our customers (Company)" in html
    assert "Answer faster (Product)" in html
    assert 'name="parents_search"' not in html


def test_past_the_limit_the_page_shows_a_search_instead_of_every_objective(world, large) -> None:
    html = world.client_for(world.bob).get(new_url(world)).content.decode()

    assert 'name="parents_search"' in html
    assert f"/o/acme/objectives/parents/suggest/?cycle={world.cycle.pk}" in html
    assert 'label for="id_parents"' in html
    assert 'id="parent-filter"' not in html
    assert "Delight our customers" not in html
    assert "Answer faster" not in html


def test_a_parent_given_in_the_address_is_listed_checked(world, large) -> None:
    response = world.client_for(world.bob).get(new_url(world, parent=world.company_objective.pk))

    html = response.content.decode()
    assert checked(world.company_objective) + " Delight our customers (Company)" in html
    assert "Answer faster" not in html


def test_the_search_is_given_the_edited_objective_to_leave_out(world, large) -> None:
    url = f"/o/acme/objectives/{world.team_objective.pk}/edit/"
    html = world.client_for(world.bob).get(url).content.decode()

    assert f"?cycle={world.cycle.pk}&amp;objective={world.team_objective.pk}" in html
    assert checked(world.company_objective) in html


def test_editing_keeps_the_existing_parents(world, large) -> None:
    url = f"/o/acme/objectives/{world.team_objective.pk}/edit/"
    data = edit_data(world.team_objective, title="Answer much faster", parents_search="")

    response = world.client_for(world.bob).post(url, data)

    assert response.status_code == 302
    world.team_objective.refresh_from_db()
    assert world.team_objective.title == "Answer much faster"
    assert list(world.team_objective.parents.all()) == [world.company_objective]


def test_editing_adds_a_typed_parent_to_the_checked_ones(world, large) -> None:
    other = company(world, "Grow abroad")
    url = f"/o/acme/objectives/{world.team_objective.pk}/edit/"
    data = edit_data(world.team_objective, parents_search="grow ABROAD")

    response = world.client_for(world.bob).post(url, data)

    assert response.status_code == 302
    assert set(world.team_objective.parents.all()) == {world.company_objective, other}


def test_unchecking_a_parent_drops_it(world, large) -> None:
    url = f"/o/acme/objectives/{world.team_objective.pk}/edit/"
    data = {k: v for k, v in edit_data(world.team_objective).items() if k != "parents"}

    response = world.client_for(world.bob).post(url, data)

    assert response.status_code == 302
    assert not world.team_objective.parents.exists()


def test_without_javascript_an_id_adds_the_parent(world, large) -> None:
    typed = f"#{world.company_objective.pk}"

    response = world.client_for(world.bob).post(
        new_url(world), new_data(world.bob, parents_search=typed)
    )

    assert response.status_code == 302
    assert list(created().parents.all()) == [world.company_objective]


def test_without_javascript_an_exact_title_adds_the_parent(world, large) -> None:
    data = new_data(world.bob, parents_search="  delight OUR customers ")

    response = world.client_for(world.bob).post(new_url(world), data)

    assert response.status_code == 302
    assert list(created().parents.all()) == [world.company_objective]


def test_a_title_naming_two_objectives_is_refused(world, large) -> None:
    company(world, "Grow")
    company(world, "Grow")

    response = world.client_for(world.bob).post(
        new_url(world), new_data(world.bob, parents_search="Grow")
    )

    assert response.status_code == 422
    assert not Objective.objects.filter(title="Become the team people recommend").exists()
    # The text comes back in the search, to correct.
    assert 'name="parents_search" value="Grow"' in response.content.decode()


def test_a_form_refused_for_another_reason_keeps_its_chosen_parents(world, large) -> None:
    data = new_data(world.bob, title=" ", parents=[world.company_objective.pk], parents_search="")

    response = world.client_for(world.bob).post(new_url(world), data)

    assert response.status_code == 422
    assert checked(world.company_objective) in response.content.decode()


@pytest.mark.parametrize(
    "how",
    [
        "private by title",
        "private by id",
        "checked private",
        "foreign",
        "huge id",
        "huge checked id",
        "junk",
    ],
)
def test_a_parent_the_author_may_not_pick_is_refused(world, large, how: str) -> None:
    secret = company(world, "Secret plan", visibility=Visibility.PRIVATE)
    cases: dict[str, dict[str, Any]] = {
        "private by title": {"parents_search": "Secret plan"},
        "private by id": {"parents_search": f"#{secret.pk}"},
        "checked private": {"parents": [secret.pk]},
        "foreign": {"parents_search": str(world.foreign_objective.pk)},
        "huge id": {"parents_search": "#99999999999999999999999999"},
        "huge checked id": {"parents": ["99999999999999999999999999"]},
        "junk": {"parents": ["x1"]},
    }
    data = cases[how]

    response = world.client_for(world.bob).post(new_url(world), new_data(world.bob, **data))

    assert response.status_code == 422
    assert not Objective.objects.filter(title="Become the team people recommend").exists()
    assert f'value="{secret.pk}" checked' not in response.content.decode()


# --- The suggestions ------------------------------------------------------------------


def test_the_suggestions_are_the_visible_objectives_matching_what_was_typed(world) -> None:
    secret = company(world, "Secret customers plan", visibility=Visibility.PRIVATE)

    response = suggest(world.client_for(world.bob), "CUSTOMERS", cycle=world.cycle.pk)

    assert response.status_code == 200
    assert picks(response) == [str(world.company_objective.pk)]
    html = response.content.decode()
    assert 'data-label="Delight our customers (Company)"' in html
    assert "Secret" not in html
    # Its owner sees it.
    owner = suggest(world.client_for(world.alice), "customers", cycle=world.cycle.pk)
    assert str(secret.pk) in picks(owner)


def test_a_viewer_may_ask_and_sees_only_what_they_may_see(world) -> None:
    company(world, "Secret customers plan", visibility=Visibility.PRIVATE)

    response = suggest(world.client_for(world.vera), "customers", cycle=world.cycle.pk)

    assert response.status_code == 200
    assert picks(response) == [str(world.company_objective.pk)]


def test_an_outsider_gets_404_and_an_anonymous_visitor_the_login_page(world) -> None:
    assert suggest(world.client_for(world.oscar), "a", cycle=world.cycle.pk).status_code == 404
    response = suggest(Client(), "a", cycle=world.cycle.pk)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_edited_objective_is_left_out(world) -> None:
    response = suggest(
        world.client_for(world.bob),
        "answer",
        cycle=world.cycle.pk,
        objective=world.team_objective.pk,
    )

    assert picks(response) == []


def test_the_parent_cycles_objectives_are_suggested_but_not_other_cycles(world) -> None:
    year = Cycle.objects.create(
        organization=world.org, name="Year", kind="year", start="2026-01-01", end="2026-12-31"
    )
    world.cycle.parent = year
    world.cycle.save()
    elsewhere = Cycle.objects.create(
        organization=world.org, name="Later", kind="custom", start="2030-01-01", end="2030-03-31"
    )
    yearly = create_objective(
        world.org, world.alice, cycle=year, title="Grow yearly", level=Level.COMPANY
    )
    create_objective(
        world.org, world.alice, cycle=elsewhere, title="Grow later", level=Level.COMPANY
    )

    response = suggest(world.client_for(world.bob), "grow", cycle=world.cycle.pk)

    assert picks(response) == [str(yearly.pk)]


def test_without_a_cycle_the_current_one_is_used(world) -> None:
    response = suggest(world.client_for(world.bob), "customers")

    assert picks(response) == [str(world.company_objective.pk)]


@pytest.mark.parametrize(
    "params",
    [
        {"cycle": "abc"},
        {"cycle": "0"},
        {"cycle": "99999999999999999999999"},
        {"cycle": "²"},
        {"objective": "abc"},
        {"objective": "-1"},
    ],
)
def test_bad_ids_are_a_404(world, params: dict[str, str]) -> None:
    response = suggest(world.client_for(world.bob), "a", **{"cycle": world.cycle.pk, **params})

    assert response.status_code == 404


def test_another_organisations_cycle_is_a_404(world) -> None:
    response = suggest(world.client_for(world.bob), "a", cycle=world.foreign_objective.cycle_id)

    assert response.status_code == 404


def test_suggestions_are_bounded_and_say_that_more_match(world) -> None:
    for n in range(widgets.SUGGESTIONS + 5):
        company(world, f"Grow region {n}")
    client = world.client_for(world.bob)
    suggest(client, "region", cycle=world.cycle.pk)

    with CaptureQueriesContext(connection) as queries:
        response = suggest(client, "region", cycle=world.cycle.pk)

    assert len(picks(response)) == widgets.SUGGESTIONS
    assert "More match" in response.content.decode()
    few = len(queries)
    company(world, "Grow region again")
    with CaptureQueriesContext(connection) as queries:
        suggest(client, "region", cycle=world.cycle.pk)
    assert len(queries) == few


def test_an_empty_query_suggests_nothing(world) -> None:
    response = suggest(world.client_for(world.bob), "  ", cycle=world.cycle.pk)

    assert response.status_code == 200
    assert picks(response) == []


# --- The widget alone -----------------------------------------------------------------


def test_the_widget_returns_the_checked_ids_and_the_one_typed(world) -> None:
    membership = Membership.objects.get(user=world.bob, organization=world.org)
    form = ObjectiveForm(org=world.org, cycle=world.cycle, powers=Powers(membership))
    widget = form.fields["parents"].widget
    data = QueryDict(mutable=True)
    data.setlist("parents", ["7"])
    data["parents_search"] = " answer FASTER "

    assert widget.value_from_datadict(data, {}, "parents") == ["7", str(world.team_objective.pk)]
    data["parents_search"] = "#7"
    assert widget.value_from_datadict(data, {}, "parents") == ["7"]
    data["parents_search"] = "nothing like it"
    assert widget.value_from_datadict(data, {}, "parents") == ["7", "nothing like it"]


def test_a_parent_ticked_before_the_level_is_chosen_asks_for_the_level(world) -> None:
    """The form checks itself while filled in: a parent may be ticked before the level."""
    data = new_data(world.bob, level="", parents=[world.company_objective.pk])

    response = world.client_for(world.bob).post(new_url(world), data)

    assert response.status_code == 422
    assert "level" in response.context["form"].errors
