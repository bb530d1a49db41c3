"""A lead staffs a team in a large organisation by picking a person from the suggestions
typed letters bring up, and filters the alignment tree on an owner the same way; an
objective's team and its parents are picked likewise."""

import pytest
from playwright.sync_api import expect

from cible.lib import widgets
from cible.okrs.models import Level, Objective
from cible.okrs.services import create_objective
from cible.orgs.models import Team, TeamMember
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.test_a11y import axe_source, violations

__all__ = ["axe_source"]  # the fixture, used by name

pytestmark = pytest.mark.browser


@pytest.fixture
def large(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Past the list limit, as far as the pickers know (the server runs in this process)."""
    monkeypatch.setattr(widgets, "LIST_LIMIT", 2)


def test_a_lead_adds_a_member_picked_from_the_suggestions(
    world, live_server, large, new_page: NewPage
) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(f"/o/acme/teams/{world.team.pk}/")

    person = page.locator("main").get_by_label("Person")
    expect(person).to_have_attribute("type", "search")
    person.press_sequentially("pet")
    suggestion = page.get_by_role("button", name="Vera Petit")
    expect(suggestion).to_be_visible()
    expect(page.get_by_role("button", name="Alice Martin")).to_have_count(0)
    suggestion.click()

    expect(person).to_have_value("Vera Petit")
    expect(page.locator("input[type=hidden][name=user]")).to_have_value(str(world.vera.pk))
    page.get_by_role("button", name="Add to the team").click()

    expect(page.get_by_role("status")).to_have_text("Member added.")
    assert TeamMember.objects.filter(team=world.team, user=world.vera).exists()


def test_typing_again_after_a_pick_forgets_it(world, live_server, large, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(f"/o/acme/teams/{world.team.pk}/")

    person = page.locator("main").get_by_label("Person")
    person.press_sequentially("vera")
    page.get_by_role("button", name="Vera Petit").click()
    person.fill("nobody at all")
    page.get_by_role("button", name="Add to the team").click()

    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text(
        "Choose a person from the organisation."
    )
    assert not TeamMember.objects.filter(user=world.vera).exists()


def test_the_tree_is_filtered_on_an_owner_picked_from_the_suggestions(
    world, live_server, large, new_page: NewPage
) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/o/acme/tree/")

    page.get_by_label("Owner").press_sequentially("alice")
    page.get_by_role("button", name="Alice Martin").click()
    page.get_by_role("button", name="Filter").click()

    expect(page.get_by_role("heading", name="Matching objectives")).to_be_visible()
    expect(page.get_by_role("link", name="Delight our customers")).to_be_visible()
    expect(page.get_by_role("link", name="Answer faster")).to_have_count(0)


def test_a_lead_sets_an_objectives_team_picked_from_the_suggestions(
    world, live_server, large, new_page: NewPage
) -> None:
    Team.objects.create(organization=world.org, name="Production support")
    Team.objects.create(organization=world.org, name="Sales")
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(f"/o/acme/objectives/new/?cycle={world.cycle.pk}")

    page.get_by_label("Title").fill("Answer every ticket within a day")
    page.get_by_label("Level").select_option(Level.TEAM)
    team = page.get_by_label("Team:", exact=True)
    expect(team).to_have_attribute("type", "search")
    team.press_sequentially("prod")
    expect(page.get_by_role("button", name="Production support")).to_be_visible()
    expect(page.get_by_role("button", name="Sales")).to_have_count(0)
    page.get_by_role("button", name="Product", exact=True).click()

    expect(team).to_have_value("Product")
    expect(page.locator("input[type=hidden][name=team]")).to_have_value(str(world.team.pk))
    page.get_by_role("button", name="Create the objective").click()

    expect(page.get_by_role("status")).to_have_text("Objective created.")
    assert Objective.objects.get(title="Answer every ticket within a day").team == world.team


def test_the_picker_and_its_suggestions_are_accessible(
    world, live_server, large, new_page: NewPage, axe_source: str
) -> None:
    page = new_page(bypass_csp=True)  # axe is injected as an inline script
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(f"/o/acme/teams/{world.team.pk}/")
    page.locator("main").get_by_label("Person").press_sequentially("a")
    expect(page.get_by_role("button", name="Alice Martin")).to_be_visible()

    assert violations(page, axe_source) == []


def test_an_author_picks_the_parents_of_an_objective_from_the_suggestions(
    world, live_server, large, new_page: NewPage
) -> None:
    create_objective(
        world.org, world.alice, cycle=world.cycle, title="Delight our partners", level=Level.COMPANY
    )
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(f"/o/acme/objectives/new/?cycle={world.cycle.pk}")

    page.get_by_label("Title").fill("Answer every partner within a day")
    page.get_by_label("Level").select_option(Level.PERSON)
    search = page.get_by_label("Find an objective to contribute to")
    expect(search).to_have_attribute("type", "search")
    expect(page.get_by_text("Answer faster")).to_have_count(0)  # not every objective listed
    search.press_sequentially("delight")
    expect(page.get_by_role("button", name="Delight our partners (Company)")).to_be_visible()
    page.get_by_role("button", name="Delight our customers (Company)").click()
    search.press_sequentially("partners")
    page.get_by_role("button", name="Delight our partners (Company)").click()

    customers = page.get_by_role("checkbox", name="Delight our customers (Company)")
    partners = page.get_by_role("checkbox", name="Delight our partners (Company)")
    expect(customers).to_be_checked()
    expect(partners).to_be_checked()
    expect(search).to_have_value("")
    partners.uncheck()
    page.get_by_role("button", name="Create the objective").click()

    expect(page.get_by_role("status")).to_have_text("Objective created.")
    created = Objective.objects.get(title="Answer every partner within a day")
    assert list(created.parents.all()) == [world.company_objective]
