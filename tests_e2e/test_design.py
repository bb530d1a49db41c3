"""The design system in a browser: the header on one line on a laptop, every main page
without sideways scrolling on a phone, in both languages, and a theme choice that sticks."""

from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests_e2e.conftest import NewPage, open_person_menu, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 800}

# The main pages, each from the shared world.
MAIN_PAGES: dict[str, Callable[..., str]] = {
    "home": lambda w: "/o/acme/",
    "my OKRs": lambda w: f"/o/acme/people/{w.alice.pk}/",
    "check-in": lambda w: "/o/acme/check-in/",
    "objective": lambda w: w.team_objective.get_absolute_url(),
    "team": lambda w: w.team.get_absolute_url(),
    "alignment tree": lambda w: "/o/acme/tree/",
    "dashboard": lambda w: "/o/acme/dashboard/",
}
LOCALES = ("en-GB", "fr-FR")


def french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", MAIN_PAGES)
def test_main_page_does_not_scroll_sideways_on_a_phone(
    name: str, locale: str, world, new_page: NewPage
) -> None:
    page = new_page(locale=locale, viewport=PHONE)
    sign_in(page, world.alice.email, PASSWORD)
    response = page.goto(MAIN_PAGES[name](world))
    assert response is not None and response.status == 200

    assert overflow(page) <= 0, f"{name} ({locale}) is {overflow(page)} px too wide"


@pytest.mark.parametrize("locale", LOCALES)
def test_header_holds_on_one_line_on_a_laptop(locale: str, world, new_page: NewPage) -> None:
    page = new_page(locale=locale, viewport=LAPTOP)
    sign_in(page, world.alice.email, PASSWORD)
    header = page.locator(".site-header")
    links = page.get_by_role("navigation", name=french("Main") if locale == "fr-FR" else "Main")
    expect(links.get_by_role("link")).to_have_count(9)

    # Every item of the header sits on the same row, and the header is one row high.
    tops = page.evaluate(
        """() => [...document.querySelectorAll(
              '.site-header .brand, .site-header .org-name, .main-nav a, .header-search input,'
              + ' .person-menu summary')].map(e => e.getBoundingClientRect())
              .map(r => Math.round(r.top + r.height / 2))"""
    )
    assert len(tops) >= 12
    assert max(tops) - min(tops) <= 2, tops
    row = page.locator(".person-menu summary").bounding_box()
    box = header.bounding_box()
    assert row is not None and box is not None
    assert box["height"] < 2 * row["height"], (box, row)
    assert overflow(page) <= 0


def test_phone_folds_the_sections_into_a_menu(world, new_page: NewPage) -> None:
    page = new_page(viewport=PHONE)
    sign_in(page, world.alice.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()

    menu = page.get_by_role("button", name="Menu", exact=True)
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="Check-in").click()
    expect(page.get_by_role("heading", level=1, name="My weekly check-in")).to_be_visible()


def test_check_in_is_one_column_of_large_controls_on_a_phone(world, new_page: NewPage) -> None:
    page = new_page(viewport=PHONE)
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/o/acme/check-in/")
    value = page.get_by_label(f"New value: {world.kr.title}")
    confidence = page.get_by_label(f"Confidence: {world.kr.title}")
    comment = page.get_by_label(f"Comment: {world.kr.title}")
    boxes = [field.bounding_box() for field in (value, confidence, comment)]
    assert all(box is not None for box in boxes)
    lefts = {round(box["x"]) for box in boxes if box}
    assert len(lefts) == 1, boxes  # one under the other
    for box in boxes:
        assert box is not None
        assert box["width"] >= 300 and box["height"] >= 44, box
    assert overflow(page) <= 0


def background(page: Page) -> str:
    return str(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))


def test_theme_follows_the_system_until_one_is_chosen(world, new_page: NewPage) -> None:
    page = new_page(color_scheme="dark")
    sign_in(page, world.alice.email, PASSWORD)
    system_dark = background(page)
    assert page.locator("html").get_attribute("data-theme") is None

    open_person_menu(page)
    page.get_by_role("button", name="Light", exact=True).click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    light = background(page)
    assert light != system_dark
    open_person_menu(page)
    expect(page.get_by_role("button", name="Light", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def test_chosen_theme_persists_across_pages_and_reloads(world, new_page: NewPage) -> None:
    page = new_page(color_scheme="light")
    sign_in(page, world.alice.email, PASSWORD)
    light = background(page)
    home = page.url

    open_person_menu(page)
    page.get_by_role("button", name="Dark", exact=True).click()
    expect(page).to_have_url(home)
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    dark = background(page)
    assert dark != light

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.goto("/o/acme/check-in/")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == dark

    # Back to the system's setting: the choice is forgotten.
    open_person_menu(page)
    page.get_by_role("button", name="System", exact=True).click()
    expect(page.locator("html")).not_to_have_attribute("data-theme", "dark")
    assert background(page) == light


def test_person_menu_opens_from_the_keyboard_and_closes_with_escape(
    world, new_page: NewPage
) -> None:
    page = new_page()
    sign_in(page, world.alice.email, PASSWORD)
    summary = page.locator(".person-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    page.keyboard.press("Escape")
    expect(sign_out).to_be_hidden()
    expect(summary).to_be_focused()
