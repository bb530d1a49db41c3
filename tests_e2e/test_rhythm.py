"""The OKR rhythm in the browser: the weekly check-in, the weekly meeting, the monthly
review and the end-of-cycle review (issue 4's journeys)."""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cible.checkins.models import CheckIn, Review
from cible.okrs.models import Cycle, KeyResult, Level, Objective
from cible.okrs.services import create_key_result, create_objective
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in

pytestmark = pytest.mark.browser


def flash(page: Page) -> Locator:
    """The messages shown after an action (the meeting's timer is a status too)."""
    return page.locator("ul.messages")


def five_key_results(world) -> list[KeyResult]:  # type: ignore[no-untyped-def]
    """Bob owns exactly these five KRs in the running cycle (the fixture's one goes to Adam)."""
    KeyResult.objects.filter(pk=world.kr.pk).update(owner=world.adam)
    objective = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Be a calmer support desk",
        level=Level.PERSON,
    )
    return [
        create_key_result(
            objective,
            owner=world.bob,
            title=title,
            kind="increase",
            start=Decimal(0),
            target=Decimal(10),
        )
        for title in (
            "Macros written",
            "Agents trained",
            "Help articles",
            "Customers called back",
            "Weekly reviews held",
        )
    ]


def test_member_checks_in_five_key_results_from_the_keyboard(world, new_page: NewPage) -> None:
    krs = five_key_results(world)
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/o/acme/check-in/")
    expect(page.get_by_role("heading", level=1, name="My weekly check-in")).to_be_visible()
    rows = page.locator("table.checkin-table tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.locator("td", has_text="Never")).to_have_count(5)

    started = time.monotonic()
    page.get_by_label(f"New value: {krs[0].title}").focus()
    for number, kr in enumerate(krs, start=1):
        expect(page.get_by_label(f"New value: {kr.title}")).to_be_focused()
        page.keyboard.type(str(number + 1))
        page.keyboard.press("Tab")
        expect(page.get_by_label(f"Confidence: {kr.title}")).to_be_focused()
        page.keyboard.type(str(number + 4))
        page.keyboard.press("Tab")
        expect(page.get_by_label(f"Comment: {kr.title}")).to_be_focused()
        page.keyboard.type(f"Week note {number}")
        if kr is krs[-1]:
            page.keyboard.press("Enter")  # submits the whole form
        else:
            # Past the blockers and the next row's link, to its value field.
            for _ in range(3):
                page.keyboard.press("Tab")
    expect(flash(page)).to_have_text("5 check-ins recorded.")
    elapsed = time.monotonic() - started

    assert elapsed < 60, f"checking in five KRs took {elapsed:.1f} s"
    for number, kr in enumerate(krs, start=1):
        check_in = CheckIn.objects.get(key_result=kr)
        assert (check_in.value, check_in.confidence, check_in.comment) == (
            Decimal(number + 1),
            number + 4,
            f"Week note {number}",
        )
        assert check_in.author == world.bob
    # Back on the page, every line shows its new reading as the last check-in.
    expect(rows.first.locator("td").first).to_contain_text("2")
    expect(rows.locator("td", has_text="Never")).to_have_count(0)


def test_lead_runs_the_weekly_meeting(world, new_page: NewPage) -> None:
    kr = world.kr
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(world.team.get_absolute_url())
    page.get_by_role("link", name="Weekly meeting").click()
    expect(page.get_by_role("heading", level=1, name="Weekly meeting · Product")).to_be_visible()

    timer = page.get_by_role("timer")
    expect(timer).to_be_visible()
    expect(timer.locator(".timer-value")).to_have_text(re.compile(r"^00:0[1-9]$"))

    # An inline check-in replaces the agenda row only: no page load.
    page.evaluate("window.sameDocument = true")
    row = page.locator(f"#agenda-{kr.pk}")
    expect(row.locator(".status")).to_be_visible()
    row.get_by_label("New value").fill("1.5")
    row.get_by_label("Confidence (0-10)").fill("8")
    row.get_by_label("Comment").fill("The chat bot helps")
    with page.expect_response(lambda r: r.url.endswith(f"/key-results/{kr.pk}/check-in/")) as sent:
        row.get_by_role("button", name="Check in").click()
    assert sent.value.status == 200
    assert sent.value.request.headers.get("hx-request") == "true"
    expect(row).to_contain_text("confidence 8/10")
    expect(row).to_contain_text("1.5")
    expect(row.get_by_label("New value")).to_have_value("")
    assert page.evaluate("window.sameDocument") is True
    check_in = CheckIn.objects.get(key_result=kr)
    assert (check_in.value, check_in.confidence) == (Decimal("1.5"), 8)

    notes = page.locator("section.card", has=page.get_by_role("heading", name="Meeting notes"))
    notes.get_by_label("Notes").fill("Chat answers are now under two hours.")
    notes.get_by_label("Decisions").fill("Keep the bot; review in a month.")
    notes.get_by_role("button", name="Save the notes").click()

    expect(flash(page)).to_have_text("Meeting notes saved.")
    previous = page.locator("section", has=page.get_by_role("heading", name="Previous meetings"))
    expect(previous.get_by_role("listitem")).to_have_count(1)
    expect(previous).to_contain_text("Chat answers are now under two hours.")
    expect(previous).to_contain_text("Keep the bot; review in a month.")
    expect(previous).to_contain_text("Bob Durand")
    review = Review.objects.get(team=world.team)
    assert review.duration_seconds is not None and review.duration_seconds >= 1


def test_monthly_target_change_with_its_reason_shows_in_the_history(
    world, new_page: NewPage
) -> None:
    reason = "The chat bot now answers the easy questions"
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(world.team.get_absolute_url())
    page.get_by_role("link", name="Monthly review").click()
    expect(page.get_by_role("heading", level=1, name="Monthly review · Product")).to_be_visible()

    adjust = page.locator("details.adjust", has_text="Cut first response time")
    adjust.locator("summary").click()
    adjust.get_by_label("New target").fill("0.5")
    adjust.get_by_label("Reason").fill(reason)
    adjust.get_by_role("button", name="Record the decision").click()

    expect(flash(page)).to_contain_text("Key result adjusted")
    world.kr.refresh_from_db()
    assert world.kr.target == Decimal("0.5")

    page.get_by_role("link", name="Answer faster", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Answer faster")).to_be_visible()
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    change = history.get_by_role("listitem").filter(has_text="adjusted in a review")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("Cut first response time")
    expect(change).to_contain_text(f"Reason: {reason}")
    expect(change.locator("del")).to_have_text(re.compile(r"^1(\.0+)?$"))
    expect(change.locator("ins")).to_have_text("0.5")


def test_closing_a_quarter(world, new_page: NewPage) -> None:
    today = timezone.localdate()
    later = Cycle.objects.create(
        organization=world.org,
        name="Later",
        kind="custom",
        state="planning",
        start=today + timedelta(days=46),
        end=today + timedelta(days=136),
    )
    lead = new_page()
    sign_in(lead, world.bob.email, PASSWORD)
    lead.goto("/o/acme/cycles/")
    lead.get_by_role("row", name="Now").get_by_role("link", name="Review and scores").click()
    expect(lead.get_by_role("heading", level=1, name="Review of Now")).to_be_visible()

    # The owner adjusts the proposed score, saying why.
    article = lead.locator(f"#objective-{world.team_objective.pk}")
    article.get_by_label("Score of Cut first response time").fill("0.5")
    article.get_by_label("Why this score").fill("Weekends still pile up")
    article.get_by_role("button", name="Confirm").click()
    expect(flash(lead)).to_have_text("Score saved.")
    expect(article.locator(f"#kr-{world.kr.pk}")).to_contain_text("Weekends still pile up")
    expect(article.locator(".objective-progress")).to_contain_text("0.50")

    article.get_by_text("Retrospective", exact=True).click()
    article.get_by_label("What worked").fill("Pairing on hard tickets")
    article.get_by_label("What we learn").fill("Weekend cover needs a rota")
    article.get_by_role("button", name="Save the retrospective").click()
    expect(flash(lead)).to_have_text("Retrospective saved.")
    expect(article.get_by_label("What worked")).to_have_value("Pairing on hard tickets")

    article.get_by_label("Carry over into").select_option(label="Later")
    article.get_by_role("button", name="Carry over").click()
    expect(flash(lead)).to_have_text("Objective carried over into Later.")
    expect(lead.get_by_role("heading", level=1, name="Answer faster")).to_be_visible()
    copy = Objective.objects.get(cycle=later, carried_from=world.team_objective)
    expect(lead).to_have_url(re.compile(rf"/o/acme/objectives/{copy.pk}/$"))
    assert copy.key_results.get().current == Decimal(2)

    admin = new_page()
    sign_in(admin, world.adam.email, PASSWORD)
    admin.goto(f"/o/acme/cycles/{world.cycle.pk}/review/")
    admin.get_by_role("button", name="Close the cycle").click()

    expect(flash(admin)).to_have_text("Now is closed: its scores are final.")
    expect(admin.get_by_text("This cycle is closed: its scores are final.")).to_be_visible()
    expect(admin.get_by_role("button", name="Close the cycle")).to_have_count(0)
    world.cycle.refresh_from_db()
    assert world.cycle.is_closed
    # The lead now finds it read-only.
    lead.goto(f"/o/acme/cycles/{world.cycle.pk}/review/")
    expect(lead.get_by_text("This cycle is closed: its scores are final.")).to_be_visible()
    expect(lead.get_by_role("button", name="Confirm")).to_have_count(0)
