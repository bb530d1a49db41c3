"""A newcomer signs up, creates an organisation and invites a colleague, who joins."""

import re

import pytest
from playwright.sync_api import Page, expect

from cible.orgs.models import Membership, Role
from tests_e2e.conftest import NewPage, sign_up

pytestmark = pytest.mark.browser


def see_empty_home(page: Page, base_url: str) -> None:
    expect(page).to_have_url(f"{base_url}/o/newco/")
    expect(page.get_by_role("heading", level=1, name="Newco")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("article")).to_have_count(0)


def test_sign_up_create_organisation_invite_and_join(db, live_server, new_page: NewPage) -> None:
    founder = new_page()
    founder.goto("/")
    expect(founder).to_have_url(re.compile(r"/accounts/login/"))
    founder.get_by_role("main").get_by_role("link", name="sign up").click()
    sign_up(founder, "nina@newco.test", "Nina Lefebvre")

    expect(founder).to_have_url(f"{live_server.url}/organisations/new/")
    expect(founder.get_by_role("heading", name="Create your organisation")).to_be_visible()
    main = founder.get_by_role("main")
    main.get_by_label("Name").fill("Newco")
    expect(main.get_by_label("Language")).to_have_value("en")
    main.get_by_role("button", name="Create").click()

    # The guided start, skipped step by step.
    expect(founder).to_have_url(f"{live_server.url}/o/newco/start/")
    main.get_by_role("link", name="Skip this step").click()
    expect(founder).to_have_url(f"{live_server.url}/o/newco/start/invite/")
    main.get_by_role("link", name="Skip this step").click()
    main.get_by_role("link", name="Go to my organisation").click()
    see_empty_home(founder, live_server.url)

    founder.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(founder.get_by_role("heading", level=1, name="Members")).to_be_visible()
    expect(founder.get_by_role("row", name="Nina Lefebvre")).to_contain_text("Owner")
    main.get_by_label("Role").select_option(label="Member")
    founder.get_by_role("button", name="Create an invitation link").click()

    status = founder.get_by_role("status")
    expect(status).to_contain_text("Invitation link, valid for 14 days:")
    match = re.search(r"https?://\S+/invitations/[\w-]+/", status.inner_text())
    assert match, status.inner_text()
    link = match.group(0)
    expect(main.locator("code")).to_have_text(link)

    colleague = new_page()
    colleague.goto(link)
    expect(colleague.get_by_role("heading", name="Join Newco")).to_be_visible()
    colleague.get_by_role("link", name="Create an account").click()
    sign_up(colleague, "omar@elsewhere.test", "Omar Benali")

    # Signing up from the invitation comes back to it.
    expect(colleague).to_have_url(link)
    expect(colleague.get_by_text("You are invited with the role: Member.")).to_be_visible()
    colleague.get_by_role("button", name="Join", exact=True).click()

    see_empty_home(colleague, live_server.url)
    membership = Membership.objects.get(
        organization__slug="newco", user__email="omar@elsewhere.test"
    )
    assert membership.role == Role.MEMBER

    # The founder now sees the colleague as a member, and the used link is gone.
    founder.reload()
    expect(founder.get_by_role("row", name="Omar Benali").get_by_label("Role")).to_have_value(
        Role.MEMBER
    )
    expect(main.locator("code")).to_have_count(0)
