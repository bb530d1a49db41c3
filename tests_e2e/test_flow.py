"""Updating in place, keyboard shortcuts and the command palette, and the guided start of
a new organisation: from the keyboard, in both languages, on a phone, and for axe."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from cible.checkins.models import CheckIn
from cible.okrs.models import KeyResult
from cible.orgs.models import Invitation
from cible.orgs.services import create_organization
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.test_a11y import AXE, SCHEMES, violations
from tests_e2e.test_design import PHONE, overflow

pytestmark = pytest.mark.browser

LOCALES = ("en-GB", "fr-FR")


@pytest.fixture(scope="module")
def axe() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE} missing): run `make test` or `npm ci`")
    return AXE.read_text(encoding="utf-8")


def line(page: Page, kr: KeyResult):  # type: ignore[no-untyped-def]
    return page.locator(f"#kr-{kr.pk}")


def settled(page: Page) -> None:
    """htmx has swapped and wired what came back (a person is never that fast)."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


@pytest.mark.parametrize("locale", LOCALES)
def test_check_in_in_place_from_the_objective_page(world, new_page: NewPage, locale: str) -> None:
    page = new_page(locale=locale)
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(world.team_objective.get_absolute_url())
    kr = world.kr
    opener = line(page, kr).locator(".kr-checkin")
    opener.focus()
    page.keyboard.press("Enter")
    value = page.locator(f"#kr-{kr.pk} [name=kr-{kr.pk}-value]")
    expect(value).to_be_focused()
    settled(page)

    # Escape puts the line back, nothing recorded, the focus on the line.
    page.keyboard.type("2")
    page.keyboard.press("Escape")
    expect(value).to_have_count(0)
    expect(line(page, kr).locator(".kr-checkin")).to_be_focused()
    assert not CheckIn.objects.filter(key_result=kr).exists()

    # A refused value shows its error inline; nothing is recorded.
    page.keyboard.press("Enter")
    expect(value).to_be_focused()
    settled(page)
    page.keyboard.type("1" * 20)
    page.keyboard.press("Enter")
    expect(line(page, kr).locator(".errorlist")).to_be_visible()
    settled(page)
    assert not CheckIn.objects.filter(key_result=kr).exists()

    # Enter records; the objective comes back with the new value and progress.
    progress = page.locator(f"#objective-{world.team_objective.pk} .objective-progress")
    expect(progress).to_contain_text("67")
    value.fill("1")
    page.keyboard.press("Enter")
    expect(line(page, kr).locator(".kr-values")).to_contain_text("1")
    expect(line(page, kr).locator(".kr-checkin")).to_be_focused()
    [check_in] = CheckIn.objects.filter(key_result=kr)
    assert check_in.value == Decimal(1) and check_in.author == world.bob
    expect(progress).to_contain_text("100")


def test_a_viewer_sees_no_editor_and_without_scripts_the_link_leads_to_the_key_result(
    world, new_page: NewPage
) -> None:
    page = new_page()
    sign_in(page, world.vera.email, PASSWORD)
    page.goto(world.team_objective.get_absolute_url())
    expect(line(page, world.kr)).to_be_visible()
    expect(page.locator(".kr-checkin")).to_have_count(0)

    plain = new_page(java_script_enabled=False)
    sign_in(plain, world.bob.email, PASSWORD)
    plain.goto("/o/acme/")
    plain.goto(world.team_objective.get_absolute_url())
    line(plain, world.kr).locator(".kr-checkin").click()
    expect(plain).to_have_url(re.compile(rf"/key-results/{world.kr.pk}/#check-in-heading$"))
    expect(plain.locator(f"[name=kr-{world.kr.pk}-value]")).to_be_visible()


@pytest.mark.parametrize("locale", LOCALES)
def test_keyboard_shortcuts(world, new_page: NewPage, locale: str) -> None:
    page = new_page(locale=locale)
    sign_in(page, world.alice.email, PASSWORD)
    page.goto("/o/acme/teams/")
    page.wait_for_load_state("load")

    page.keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.locator("kbd", has_text="Ctrl")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.keyboard.press("/")
    search = page.locator("#header-search")
    expect(search).to_be_focused()
    page.keyboard.type("cg h")  # typing in a field fires nothing
    expect(search).to_have_value("cg h")
    expect(page).to_have_url(re.compile(r"/o/acme/teams/$"))
    search.blur()

    page.keyboard.press("g")
    page.keyboard.press("h")
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    page.wait_for_load_state("load")
    page.keyboard.press("g")
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(rf"/o/acme/people/{world.alice.pk}/$"))
    page.wait_for_load_state("load")
    page.keyboard.press("c")
    expect(page).to_have_url(re.compile(r"/o/acme/check-in/$"))


@pytest.mark.parametrize("locale", LOCALES)
def test_command_palette_jumps_to_what_one_may_see(world, new_page: NewPage, locale: str) -> None:
    page = new_page(locale=locale)
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/o/acme/")
    page.wait_for_load_state("load")
    page.keyboard.press("Control+k")
    palette = page.locator("dialog#palette")
    field = palette.locator("#palette-input")
    expect(field).to_be_focused()
    page.keyboard.type("produ")
    options = palette.get_by_role("option")
    expect(options).to_have_count(1)  # the team; nothing of Globex's
    page.keyboard.press("Escape")
    expect(palette).to_be_hidden()

    page.keyboard.press("Meta+k")
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    page.keyboard.type("a")
    expect(options.first).to_be_visible()
    labels = options.all_inner_texts()
    assert any("Answer faster" in text for text in labels), labels
    assert not any("Globex" in text or "Oscar" in text for text in labels), labels
    index = next(i for i, text in enumerate(labels) if "Answer faster" in text)
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    expect(options.nth(index)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/objectives/{world.team_objective.pk}/$"))


@pytest.mark.parametrize("locale", LOCALES)
def test_guided_start_invites_and_leads_to_the_first_check_in(
    world, new_page: NewPage, locale: str
) -> None:
    org = create_organization(world.bob, name="Startco", language="en", time_zone="UTC")
    page = new_page(locale=locale)
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(f"/o/{org.slug}/start/")
    main = page.get_by_role("main")
    cycle = main.locator("[name=cycle]")
    expect(cycle.locator("option:checked")).to_contain_text(re.compile(r"Q\d|T\d"))

    # Four objectives are one too many: refused, nothing published.
    for index in range(3):
        main.locator("input[name=templates]").nth(index).check()
    main.locator("[name=title_1]").fill("Open our first shop")
    main.locator("button.primary").click()
    expect(main.locator("[role=alert]")).to_contain_text("3")
    assert not org.objectives.exists()
    main.locator("[name=title_1]").fill("")
    main.locator("button.primary").click()
    expect(page).to_have_url(re.compile(r"/start/invite/$"))
    assert org.objectives.filter(state="active").count() == 3

    field = main.locator("[name=emails]")
    field.fill("Ann <ann@startco.test>, not-an-address")
    main.locator("button.primary").click()
    expect(main.locator(".errorlist")).to_contain_text("not-an-address")
    assert not Invitation.objects.filter(organization=org).exists()
    field.fill("Ann <ann@startco.test>, joe@startco.test\nann@startco.test")
    main.locator("button.primary").click()
    expect(page).to_have_url(re.compile(r"/start/check-in/$"))
    invited = Invitation.objects.filter(organization=org)
    emails = sorted(invited.values_list("email", flat=True))
    assert emails == ["ann@startco.test", "joe@startco.test"]
    sent = {address for message in mail.outbox for address in message.to}
    assert {"ann@startco.test", "joe@startco.test"} <= sent
    assert all(i.token in "".join(m.body for m in mail.outbox) for i in invited)

    main.locator("a.primary").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/check-in/$"))
    expect(page.locator("table.checkin-table tbody tr").first).to_be_visible()


def _start_org(world):  # type: ignore[no-untyped-def]
    return create_organization(world.alice, name="Fresh", language="en", time_zone="UTC")


NEW_PAGES = {
    "guided start": lambda slug: f"/o/{slug}/start/",
    "guided start, invitations": lambda slug: f"/o/{slug}/start/invite/",
    "guided start, check-in": lambda slug: f"/o/{slug}/start/check-in/",
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", NEW_PAGES)
def test_new_pages_do_not_scroll_sideways_on_a_phone(
    name: str, locale: str, world, new_page: NewPage
) -> None:
    org = _start_org(world)
    page = new_page(locale=locale, viewport=PHONE)
    sign_in(page, world.alice.email, PASSWORD)
    page.goto(NEW_PAGES[name](org.slug))
    assert overflow(page) <= 0, f"{name} ({locale}) is {overflow(page)} px too wide"


@pytest.mark.parametrize("locale", LOCALES)
def test_palette_and_inline_editor_fit_a_phone(world, new_page: NewPage, locale: str) -> None:
    page = new_page(locale=locale, viewport=PHONE)
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(world.team_objective.get_absolute_url())
    page.wait_for_load_state("load")
    line(page, world.kr).locator(".kr-checkin").click()
    expect(page.locator(f"[name=kr-{world.kr.pk}-value]")).to_be_focused()
    settled(page)
    assert overflow(page) <= 0, f"inline editor ({locale}) is {overflow(page)} px too wide"
    page.keyboard.press("Escape")
    expect(line(page, world.kr).locator(".kr-checkin")).to_be_focused()
    page.keyboard.press("Control+k")
    page.keyboard.type("a")
    expect(page.locator("#palette-results [role=option]").first).to_be_visible()
    assert overflow(page) <= 0, f"palette ({locale}) is {overflow(page)} px too wide"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", NEW_PAGES)
def test_new_pages_for_axe(
    name: str,
    scheme: str,
    world,
    axe: str,
    new_page: NewPage,
) -> None:
    org = _start_org(world)
    page = new_page(bypass_csp=True, color_scheme=scheme)
    sign_in(page, world.alice.email, PASSWORD)
    page.goto(NEW_PAGES[name](org.slug))
    assert violations(page, axe) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_palette_shortcuts_and_inline_editor_for_axe(
    scheme: str,
    world,
    axe: str,
    new_page: NewPage,
) -> None:
    page = new_page(bypass_csp=True, color_scheme=scheme)
    sign_in(page, world.alice.email, PASSWORD)
    page.goto(world.team_objective.get_absolute_url())
    page.wait_for_load_state("load")
    line(page, world.kr).locator(".kr-checkin").click()
    expect(page.locator(f"[name=kr-{world.kr.pk}-value]")).to_be_focused()
    settled(page)
    assert violations(page, axe) == []
    page.keyboard.press("Escape")
    expect(line(page, world.kr).locator(".kr-checkin")).to_be_focused()
    page.keyboard.press("?")
    expect(page.locator("dialog#shortcuts")).to_be_visible()
    assert violations(page, axe) == []
    page.keyboard.press("Escape")
    page.keyboard.press("Control+k")
    page.keyboard.type("a")
    expect(page.locator("#palette-results [role=option]").first).to_be_visible()
    assert violations(page, axe) == []


def test_weekly_meeting_line_from_the_keyboard(world, new_page: NewPage) -> None:
    kr = world.kr
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(f"/o/acme/teams/{world.team.pk}/meeting/")
    page.wait_for_load_state("load")
    row = page.locator(f"#agenda-{kr.pk}")
    value = row.get_by_label("New value")
    title = row.get_by_role("link", name=kr.title)

    # Escape drops what was typed; the focus goes to the line.
    value.fill("1.5")
    page.keyboard.press("Escape")
    expect(value).to_have_value("")
    expect(title).to_be_focused()
    assert not CheckIn.objects.filter(key_result=kr).exists()

    # Enter records; the line comes back with the new reading, the focus on it.
    value.fill("1.5")
    page.keyboard.press("Enter")
    expect(row).to_contain_text("1.5")
    expect(title).to_be_focused()
    assert CheckIn.objects.get(key_result=kr).value == Decimal("1.5")
