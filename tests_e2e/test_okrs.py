"""Reading OKRs: the cycle switcher, and objective and key-result pages with their status."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cible.okrs.models import Cycle, Level
from cible.okrs.services import create_key_result, create_objective
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


def test_cycle_switcher_shows_another_cycles_objectives(
    world, live_server, new_page: NewPage
) -> None:
    today = timezone.localdate()
    next_cycle = Cycle.objects.create(
        organization=world.org,
        name="Next",
        kind="custom",
        state="planning",
        start=today + timedelta(days=46),
        end=today + timedelta(days=136),
    )
    create_objective(
        world.org, world.alice, cycle=next_cycle, title="Open in Spain", level=Level.COMPANY
    )
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    cycle = page.get_by_role("main").get_by_label("Cycle")

    # The running cycle is the default.
    expect(cycle).to_have_value(str(world.cycle.pk))
    expect(page.get_by_role("link", name="Delight our customers")).to_be_visible()
    expect(page.get_by_role("link", name="Open in Spain")).to_have_count(0)

    # Choosing a cycle shows it at once (the select submits its form itself).
    with page.expect_navigation(url=f"{live_server.url}/o/acme/?cycle={next_cycle.pk}"):
        cycle.select_option(label="Next (Planning)")

    expect(cycle).to_have_value(str(next_cycle.pk))
    expect(page.get_by_role("link", name="Open in Spain")).to_be_visible()
    expect(page.get_by_role("link", name="Delight our customers")).to_have_count(0)

    with page.expect_navigation(url=f"{live_server.url}/o/acme/?cycle={world.cycle.pk}"):
        cycle.select_option(label="Now (Active)")
    expect(page.get_by_role("link", name="Delight our customers")).to_be_visible()
    expect(page.get_by_role("link", name="Open in Spain")).to_have_count(0)


def test_objective_and_key_result_pages_show_progress_and_status(world, new_page: NewPage) -> None:
    # Halfway through the cycle, 80 % done is on track, 30 % at risk, 10 % off track.
    for title, current, unit in (
        ("Raise the satisfaction score", 8, ""),
        ("Publish help articles", 3, ""),
        ("Answer chats within a minute", 10, "%"),
    ):
        target = 100 if unit == "%" else 10
        create_key_result(
            world.company_objective,
            title=title,
            kind="increase",
            start=Decimal(0),
            target=Decimal(target),
            current=Decimal(current),
            unit=unit,
        )
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)

    page.get_by_role("link", name="Delight our customers").click()

    expect(page.get_by_role("heading", level=1, name="Delight our customers")).to_be_visible()
    objective = page.locator(f"#objective-{world.company_objective.pk}")
    header = objective.locator(".objective-head")
    # The objective shows its KRs' mean, (8/10 + 3/10 + 10/100) / 3, and its own status:
    # 40 % done for 50 % expected, within the at-risk gap (docs/status.md), and says so.
    expect(header.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "40")
    expect(header.locator(".progress-text")).to_have_text(f"40{NBSP}%")
    expect(header.locator(".status")).to_have_text("On track")
    expect(header.locator(".status")).to_have_attribute(
        "title",
        f"40{NBSP}% done, 50{NBSP}% expected by today, weighted over its 3 key results "
        "(1 on track, 1 at risk, 1 off track)",
    )

    rows = {
        "Raise the satisfaction score": ("80", "8", "On track"),
        "Publish help articles": ("30", "3", "At risk"),
        "Answer chats within a minute": ("10", f"10{NBSP}%", "Off track"),
    }
    for title, (percent, current, status) in rows.items():
        row = objective.get_by_role("listitem").filter(
            has=page.get_by_role("link", name=title, exact=True)
        )
        expect(row.get_by_role("progressbar", name="Progress")).to_have_attribute("value", percent)
        expect(row.locator(".progress-text")).to_have_text(f"{percent}{NBSP}%")
        expect(row.locator(".kr-values")).to_contain_text(current)
        expect(row.locator(".status")).to_have_text(status)

    objective.get_by_role("link", name="Publish help articles").click()

    expect(page.get_by_role("heading", level=1, name="Publish help articles")).to_be_visible()
    expect(page.get_by_role("link", name="Delight our customers")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "30")
    expect(facts.locator(".progress-text")).to_have_text(f"30{NBSP}%")
    expect(facts.locator(".status")).to_have_text("At risk")
    expect(page.get_by_role("cell", name="No check-in yet.")).to_be_visible()
