"""Planning in the browser: writing a key result shows a suggested target that "Use this
target" puts in the field (never by itself); a monthly review shows a decision to take and
records it; both hold at phone width and pass axe."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cible.checkins.models import CheckIn, Decision, DecisionPrompt
from cible.insights import prompts
from cible.okrs.models import Cycle, CycleState, KeyResult, Level, Objective
from cible.okrs.services import create_key_result
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.test_a11y import axe_source, violations  # noqa: F401 - axe_source: a fixture
from tests_e2e.test_design import PHONE, overflow

pytestmark = pytest.mark.browser


def team_at_095(world) -> None:  # type: ignore[no-untyped-def]
    end = world.cycle.start
    cycle = Cycle.objects.create(
        organization=world.org,
        name="Last quarter",
        kind=world.cycle.kind,
        state=CycleState.CLOSED,
        start=end - timedelta(days=90),
        end=end,
    )
    Objective.objects.create(
        organization=world.org,
        cycle=cycle,
        title="Answer the phone",
        level=Level.TEAM,
        team=world.team,
        owner=world.bob,
        score=Decimal("0.95"),
    )


def write_key_result(page: Page, world) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/o/acme/objectives/{world.team_objective.pk}/key-results/new/")
    page.fill("#id_title", "Calls answered")
    page.fill("#id_start", "0")
    page.fill("#id_target", "100")
    page.locator("#id_target").blur()


def test_writing_a_key_result_shows_the_suggestion_and_use_fills_the_field(
    world, new_page: NewPage
) -> None:
    team_at_095(world)
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    write_key_result(page, world)
    suggestion = page.locator("#target-suggestion")
    expect(suggestion).to_contain_text("Your team reached 0.95 on average")
    expect(suggestion).to_contain_text("146")
    expect(page.locator("#id_target")).to_have_value("100")  # never applied by itself
    page.get_by_role("button", name="Use this target").click()
    expect(page.locator("#id_target")).to_have_value("146")
    page.get_by_role("button", name="Add the key result").click()
    expect(page.locator("ul.messages")).to_contain_text("Key result added.")
    assert KeyResult.objects.get(title="Calls answered").target == Decimal(146)


def reading(kr: KeyResult, days_ago: int, value: str) -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.combine(day, time(10)))
    CheckIn.objects.create(key_result=kr, value=Decimal(value), created_at=moment)


def off_course(world) -> KeyResult:  # type: ignore[no-untyped-def]
    """A key result forecast at 90 to 90 for a target of 100 (see test_prompts)."""
    kr = create_key_result(
        world.team_objective,
        owner=world.bob,
        title="Signups",
        start=Decimal(0),
        target=Decimal(100),
    )
    for days_ago, value in ((5, "40"), (4, "41"), (3, "42"), (2, "43"), (1, "44"), (0, "45")):
        reading(kr, days_ago, value)
    # Each reading is scanned once stored (committed at once here); the day's scan finds
    # the same and opens nothing more.
    prompts.scan(world.org)
    assert DecisionPrompt.objects.filter(key_result=kr).count() == 1
    return kr


def test_a_monthly_review_shows_a_prompt_and_records_the_decision(world, new_page: NewPage) -> None:
    kr = off_course(world)
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/o/acme/inbox/")
    page.get_by_role("link", name="A decision is waiting on your key result “Signups”").click()
    expect(page.get_by_role("heading", name="A decision to take")).to_be_visible()
    page.goto(f"/o/acme/teams/{world.team.pk}/monthly-review/")
    agenda = page.locator(".decision-agenda")
    expect(agenda).to_contain_text("it is forecast at 90 to 90")
    agenda.get_by_label("Adjust the target").check()
    agenda.get_by_label("New target (to adjust it)").fill("90")
    agenda.get_by_label("Reason").fill("The campaign moved to next quarter")
    agenda.get_by_role("button", name="Record the decision").click()
    expect(page.locator("ul.messages")).to_contain_text("Decision recorded")
    expect(page.locator(".decision-agenda")).to_have_count(0)
    decision = Decision.objects.get(key_result=kr)
    assert (decision.choice, decision.before["target"], decision.after["target"]) == (
        "adjust",
        "100",
        "90",
    )


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_both_hold_on_a_phone_and_pass_axe(
    world,
    new_page: NewPage,
    axe_source: str,  # noqa: F811 - the fixture imported above
    locale: str,
) -> None:
    team_at_095(world)
    off_course(world)
    page = new_page(locale=locale, viewport=PHONE, bypass_csp=True)
    sign_in(page, world.bob.email, PASSWORD)
    write_key_result(page, world)
    expect(page.locator("#target-suggestion button")).to_be_visible()
    assert overflow(page) <= 0
    assert violations(page, axe_source) == []
    page.goto(f"/o/acme/teams/{world.team.pk}/monthly-review/")
    expect(page.locator(".decision-prompt")).to_have_count(1)
    assert overflow(page) <= 0
    assert violations(page, axe_source) == []
