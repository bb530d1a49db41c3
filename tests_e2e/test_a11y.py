"""No main page has a serious or critical accessibility violation, as axe-core sees it, in
the light theme and in the dark one (the browser asks for dark, the pages follow).

axe-core comes from the npm registry, pinned in package.json / package-lock.json: `make test`
installs it into node_modules/ (or run `npm ci`); without it these tests are skipped. The
app's Content Security Policy forbids inline scripts, so the test browser bypasses it to
inject axe (``bypass_csp`` changes nothing for the app, only for this test's browser).
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cible.checkins.services import record_check_in
from cible.okrs.models import Cycle, Level
from cible.okrs.services import create_key_result, create_objective
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, open_person_menu, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(
            f"axe-core not installed ({AXE} missing): run `make test` or `npm ci` "
            "to check accessibility"
        )
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, axe_source: str) -> list[str]:
    """The serious and critical axe violations of the page as it is now, one line each."""
    page.wait_for_load_state("load")
    page.add_script_tag(content=axe_source)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            found.append(
                f"{violation['impact']} {violation['id']}: {violation['help']} "
                f"({len(targets)}): {'; '.join(targets[:5])}"
            )
    return found


@pytest.fixture
def rich_world(world):  # type: ignore[no-untyped-def]
    """The shared world, plus KRs of Alice's of every shape (a check-in page to fill, a
    chart with points, a milestone, a stay-between) and a later cycle to carry over into."""
    mine = create_objective(
        world.org,
        world.alice,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Hear every customer",
        level=Level.PERSON,
    )
    survey = create_key_result(
        mine,
        owner=world.alice,
        title="Survey answers",
        kind="increase",
        start=Decimal(0),
        target=Decimal(200),
    )
    create_key_result(mine, owner=world.alice, title="Customer panel set up", kind="milestone")
    create_key_result(
        mine,
        owner=world.alice,
        title="Response time",
        kind="stay_between",
        start=Decimal(2),
        target=Decimal(1),
        target_max=Decimal(3),
        unit="h",
    )
    record_check_in(survey, world.alice, value=Decimal(40), confidence=6, comment="Slow start")
    record_check_in(world.kr, world.bob, value=Decimal(3), confidence=7, comment="Better")
    today = timezone.localdate()
    Cycle.objects.create(
        organization=world.org,
        name="Later",
        kind="custom",
        state="planning",
        start=today + timedelta(days=46),
        end=today + timedelta(days=136),
    )
    return world


def expand_tree(page: Page) -> None:
    page.locator("details.tree-node > summary").first.click()
    expect(page.get_by_role("link", name="Answer faster")).to_be_visible()


def search(page: Page) -> None:
    expect(page.locator("#results").get_by_role("link", name="Answer faster")).to_be_visible()


# Each page: its address (from the world) and, optionally, what to do before checking it.
PAGES: dict[str, tuple[Callable[..., str], Callable[[Page], None] | None]] = {
    "org home": (lambda w: "/o/acme/", None),
    "my OKRs": (lambda w: f"/o/acme/people/{w.alice.pk}/", None),
    "dashboard": (lambda w: "/o/acme/dashboard/", None),
    "person menu": (lambda w: "/o/acme/", open_person_menu),
    "objective": (lambda w: w.team_objective.get_absolute_url(), None),
    "key result": (lambda w: w.kr.get_absolute_url(), None),
    "new objective": (
        lambda w: f"/o/acme/objectives/new/?cycle={w.cycle.pk}&level=company",
        lambda page: page.get_by_text("Start from a template").click(),
    ),
    "new objective from a template": (
        lambda w: f"/o/acme/objectives/new/?cycle={w.cycle.pk}&template=marketing-brand-awareness",
        None,
    ),
    "new key result": (
        lambda w: f"/o/acme/objectives/{w.team_objective.pk}/key-results/new/?kind=stay_between",
        None,
    ),
    "alignment tree": (lambda w: "/o/acme/tree/", expand_tree),
    "search results": (lambda w: "/o/acme/search/?q=answer", search),
    "my check-in": (lambda w: "/o/acme/check-in/", None),
    "team": (lambda w: w.team.get_absolute_url(), None),
    "weekly meeting": (lambda w: f"/o/acme/teams/{w.team.pk}/meeting/", None),
    "monthly review": (lambda w: f"/o/acme/teams/{w.team.pk}/monthly-review/", None),
    "company monthly review": (lambda w: "/o/acme/monthly-review/", None),
    "cycle review": (lambda w: f"/o/acme/cycles/{w.cycle.pk}/review/", None),
    "members": (lambda w: "/o/acme/members/", None),
    "teams": (lambda w: "/o/acme/teams/", None),
    "cycles": (lambda w: "/o/acme/cycles/", None),
    "settings": (lambda w: "/o/acme/settings/", None),
}


SCHEMES = ("light", "dark")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_sign_in_page(scheme: str, db, axe_source: str, new_page: NewPage) -> None:
    page = new_page(bypass_csp=True, color_scheme=scheme)
    page.goto("/accounts/login/")
    expect(page.locator("input[name=login]")).to_be_visible()

    assert violations(page, axe_source) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_page_as_owner(
    name: str, scheme: str, rich_world, axe_source: str, new_page: NewPage
) -> None:
    url, prepare = PAGES[name]
    page = new_page(bypass_csp=True, color_scheme=scheme)
    sign_in(page, rich_world.alice.email, PASSWORD)
    response = page.goto(url(rich_world))
    assert response is not None and response.status == 200, url(rich_world)
    if prepare is not None:
        prepare(page)

    assert violations(page, axe_source) == []
