"""The alignment map in a browser: cards opened in place (htmx) and without scripts, pan
and zoom by keys, wheel, drag and buttons, no sideways scrolling on a phone in either
language, and no serious axe violation in either theme; the dashboard's sections too."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from cible.okrs.models import Level
from cible.okrs.services import create_dependency, create_objective
from cible.orgs.models import Team
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.test_a11y import axe_source, violations  # noqa: F401 - axe_source: a fixture

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
SECTIONS = ("", "rhythm/", "alignment/", "balance/", "focus/", "attention/")


def french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def view_box(page: Page) -> list[float]:
    return [float(n) for n in page.locator("svg.map").get_attribute("viewBox").split()]  # type: ignore[union-attr]


@pytest.fixture
def mapped(world):  # type: ignore[no-untyped-def]
    """The world, with a second company objective both team objectives contribute to and a
    dependency between the teams."""
    other = create_objective(
        world.org, world.alice, cycle=world.cycle, title="Grow abroad", level=Level.COMPANY
    )
    world.team_objective.parents.add(other)
    sales = Team.objects.create(organization=world.org, name="Sales")
    theirs = create_objective(
        world.org, world.bob, parents=[other], cycle=world.cycle, title="Sell more",
        level=Level.TEAM, team=sales,
    )  # fmt: skip
    create_dependency(
        world.alice, organization=world.org, from_objective=world.team_objective,
        to_objective=theirs,
    )  # fmt: skip
    world.other = other
    return world


def test_a_card_opens_in_place_and_stays_where_it_was(mapped, page: Page) -> None:
    sign_in(page, mapped.bob.email, PASSWORD)
    page.goto("/o/acme/map/")
    expect(page.locator("#map-tools")).to_be_visible()  # the script runs
    card = page.locator(f'[data-card="{mapped.company_objective.pk}"]')
    before = card.bounding_box()
    toggle = card.get_by_role("link", name=re.compile("Show 1 aligned"))
    toggle.click()
    expect(page.get_by_role("link", name="Answer faster")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"open={mapped.company_objective.pk}"))
    after = page.locator(f'[data-card="{mapped.company_objective.pk}"]').bounding_box()
    assert before and after
    assert abs(before["x"] - after["x"]) < 2 and abs(before["y"] - after["y"]) < 2
    # Focus stays on the toggle, which now closes the card.
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name=re.compile("Show 2 aligned")).click()
    expect(page.locator("path.map-link-dependency")).to_have_count(1)
    expect(page.locator(".map-links path.map-link-extra")).to_have_count(1)
    page.get_by_role("link", name=re.compile("Hide the 2 aligned")).click()
    expect(page.get_by_role("link", name="Sell more")).to_have_count(0)


def test_keys_buttons_wheel_and_drag_move_the_map(mapped, page: Page) -> None:
    sign_in(page, mapped.bob.email, PASSWORD)
    page.goto(f"/o/acme/map/?open={mapped.company_objective.pk},{mapped.other.pk}")
    viewport = page.locator("#map-canvas")
    expect(page.locator("#map-tools")).to_be_visible()
    start = view_box(page)

    viewport.focus()
    page.keyboard.press("+")
    zoomed = view_box(page)
    assert zoomed[2] < start[2]  # a narrower view: closer
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert view_box(page)[2] > zoomed[2]
    x = view_box(page)[0]
    page.keyboard.press("ArrowRight")
    assert view_box(page)[0] > x
    wide = view_box(page)[2]
    page.get_by_role("button", name="Zoom in").click()
    assert view_box(page)[2] < wide
    width = view_box(page)[2]
    box = viewport.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    expect(page.locator("svg.map")).not_to_have_attribute("viewBox", re.compile(rf" {width:.1f} "))
    assert view_box(page)[2] < width
    before = view_box(page)
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + box["height"] / 2 + 40, steps=5)
    page.mouse.up()
    after = view_box(page)
    assert after[0] < before[0] and after[1] < before[1]  # dragged right and down
    page.get_by_role("button", name="Fit the map").click()
    assert view_box(page)[1] == 0


def test_without_scripts_the_toggles_are_links(mapped, new_page: NewPage) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, mapped.bob.email, PASSWORD)
    page.goto("/o/acme/map/")
    expect(page.locator("#map-tools")).to_be_hidden()
    page.get_by_role("link", name=re.compile("Show 1 aligned")).click()
    expect(page.get_by_role("link", name="Answer faster")).to_be_visible()
    page.get_by_role("link", name="List view", exact=True).click()
    expect(page).to_have_url(re.compile("/o/acme/tree/"))


@pytest.mark.parametrize("locale", ("en-GB", "fr-FR"))
@pytest.mark.parametrize(
    "path", ["/o/acme/map/?open={pk}", *(f"/o/acme/dashboard/{s}" for s in SECTIONS)]
)
def test_no_sideways_scrolling_on_a_phone(
    mapped, new_page: NewPage, locale: str, path: str
) -> None:
    page = new_page(locale=locale, viewport=PHONE)
    sign_in(page, mapped.alice.email, PASSWORD)
    response = page.goto(path.format(pk=mapped.company_objective.pk))
    assert response is not None and response.status == 200
    if "map" in path:
        title = "Alignment map" if locale == "en-GB" else french("Alignment map")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
    width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"{path} ({locale}) is {width} px too wide"


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize(
    "path",
    [
        "/o/acme/map/?open={pk},{other}",
        "/o/acme/map/?status=on_track",
        *(f"/o/acme/dashboard/{s}" for s in SECTIONS),
        "/o/acme/teams/{team}/dashboard/rhythm/",
    ],
)
def test_no_serious_axe_violation(
    mapped,
    new_page: NewPage,
    axe_source: str,  # noqa: F811 - the fixture imported above
    scheme: str,
    path: str,
) -> None:
    page = new_page(bypass_csp=True, color_scheme=scheme)
    sign_in(page, mapped.alice.email, PASSWORD)
    address = path.format(
        pk=mapped.company_objective.pk, other=mapped.other.pk, team=mapped.team.pk
    )
    response = page.goto(address)
    assert response is not None and response.status == 200
    assert violations(page, axe_source) == []
