"""The interface follows the browser's language, and the header's switcher overrides it."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from conftest import PASSWORD
from tests_e2e.conftest import NewPage, open_person_menu, sign_in

pytestmark = pytest.mark.browser


def french(message: str) -> str:
    """The French of an interface text, from the compiled catalogue (English without one)."""
    with translation.override("fr"):
        return translation.gettext(message)


@pytest.fixture
def french_catalogue() -> None:
    """The French interface texts come from the compiled catalogue, which ``make`` builds
    (the .mo file is not versioned): without it, French pages would still show English."""
    if french("Sign out") == "Sign out":
        pytest.skip(
            "French catalogue not compiled: run `make` or `.venv/bin/pybabel compile -i "
            "cible/locale/fr/LC_MESSAGES/django.po -o cible/locale/fr/LC_MESSAGES/django.mo`"
        )


def company_heading(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Company objectives")


def test_english_browser_gets_the_home_in_english(world, live_server, new_page: NewPage) -> None:
    page = new_page(locale="en-US")
    sign_in(page, world.bob.email, PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/o/acme/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="Acme")).to_be_visible()
    expect(page.get_by_role("heading", name="Company objectives")).to_be_visible()
    expect(page.get_by_role("link", name="Delight our customers")).to_be_visible()
    open_person_menu(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.usefixtures("french_catalogue")
def test_french_browser_gets_the_home_in_french(world, new_page: NewPage) -> None:
    page = new_page(locale="fr-FR")
    sign_in(page, world.bob.email, PASSWORD)

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1, name="Acme")).to_be_visible()
    expect(page.get_by_role("heading", name=company_heading("fr"))).to_be_visible()
    expect(page.get_by_role("link", name="Delight our customers")).to_be_visible()
    open_person_menu(page)
    expect(page.get_by_role("button", name=french("Sign out"), exact=True)).to_be_visible()


@pytest.mark.usefixtures("french_catalogue")
def test_language_switcher_changes_the_page_language(world, new_page: NewPage) -> None:
    page = new_page(locale="en-GB")
    sign_in(page, world.bob.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    home = page.url

    # One click: each language is a button of the person menu, no separate "Change".
    open_person_menu(page)
    languages = page.get_by_role("group", name="Language")
    expect(languages.get_by_role("button", name="English")).to_have_attribute(
        "aria-pressed", "true"
    )
    languages.get_by_role("button", name="Français").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(home)
    expect(page.get_by_role("heading", name=company_heading("fr"))).to_be_visible()
    open_person_menu(page)
    expect(page.get_by_role("button", name=french("Sign out"), exact=True)).to_be_visible()

    # The choice sticks: a new page load stays in French despite the English browser.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    open_person_menu(page)
    page.get_by_role("group", name=french("Language")).get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Company objectives")).to_be_visible()
