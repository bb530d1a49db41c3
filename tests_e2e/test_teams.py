"""An admin builds the team tree and staffs a team."""

import pytest
from playwright.sync_api import expect

from cible.orgs.models import Team
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in

pytestmark = pytest.mark.browser


def test_admin_creates_sub_team_and_adds_a_member(world, live_server, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.adam.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", level=1, name="Teams")).to_be_visible()
    form = page.get_by_role("main")
    form.get_by_label("Name").fill("Support")
    form.get_by_label("Parent team").select_option(label="Product")
    form.get_by_role("button", name="Create the team").click()

    support = Team.objects.get(organization=world.org, name="Support")
    expect(page).to_have_url(f"{live_server.url}/o/acme/teams/{support.pk}/")
    expect(page.get_by_role("heading", level=1, name="Support")).to_be_visible()
    expect(page.locator(".breadcrumb").get_by_role("link", name="Product")).to_be_visible()
    expect(page.get_by_text("No member yet.")).to_be_visible()

    page.locator("main").get_by_label("Person").select_option(label="Vera Petit")
    page.get_by_role("button", name="Add to the team").click()

    expect(page.get_by_role("status")).to_have_text("Member added.")
    members = (
        page.get_by_role("main")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("button", name="Remove"))
    )
    expect(members).to_have_count(1)
    expect(members).to_contain_text("Vera Petit")

    page.locator(".breadcrumb").get_by_role("link", name="Product").click()
    expect(page.get_by_role("heading", level=1, name="Product")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Support")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    expect(page.locator(".team-tree .depth-1")).to_have_text("Support")
