"""Keyboard use: the skip link comes first and takes focus to the main content."""

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in

pytestmark = pytest.mark.browser


def use_skip_link(page: Page) -> None:
    """From a freshly loaded home page, Tab once onto the skip link and follow it."""
    expect(page.get_by_role("heading", level=1, name="Acme")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0] + "#main")


def test_skip_link_is_first_tab_stop_and_leads_into_main(world, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    use_skip_link(page)

    # The next Tab stop is the first control of the main content, not the header's links.
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_label("Cycle")).to_be_focused()


def test_skip_link_moves_focus_to_main(world, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    use_skip_link(page)

    expect(page.get_by_role("main")).to_be_focused(timeout=1_000)
