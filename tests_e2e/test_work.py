"""Initiatives and the approval of drafts in the browser: a lead adds an initiative under
a key result and moves it to done; a draft is submitted for approval and its approver
approves it."""

import pytest
from playwright.sync_api import expect

from cible.okrs.models import Initiative, Level, ObjectiveState
from cible.okrs.services import create_objective
from cible.orgs.models import Team
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, add_member, sign_in

pytestmark = pytest.mark.browser


def test_a_lead_adds_an_initiative_and_moves_it_to_done(world, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(world.team_objective.get_absolute_url())

    page.locator(f"#kr-{world.kr.pk} .kr-initiatives").get_by_role(
        "link", name="Add an initiative"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New initiative")
    expect(page.get_by_text("It never counts in progress")).to_be_visible()
    page.get_by_label("Title").fill("Add a chatbot for <the> common questions")
    page.get_by_label("Link").fill("https://tickets.example.com/OPS-12")
    page.get_by_role("button", name="Add the initiative").click()

    initiative = Initiative.objects.get()
    assert initiative.key_result == world.kr
    row = page.locator(f"#initiative-{initiative.pk}")
    expect(row).to_contain_text("Add a chatbot for <the> common questions")
    expect(row.locator(".tag")).to_have_text("Planned")
    expect(page.get_by_text("They never count in progress")).to_be_visible()

    row.get_by_label("State of Add a chatbot for <the> common questions").select_option("done")
    row.get_by_role("button", name="Change").click()
    # htmx swaps the line in place.
    expect(page.locator(f"#initiative-{initiative.pk} .tag")).to_have_text("Done")
    initiative.refresh_from_db()
    assert initiative.state == "done"
    # The key result's progress did not move.
    world.kr.refresh_from_db()
    assert world.kr.current == 2


def test_a_draft_is_submitted_for_approval_and_approved(world, new_page: NewPage) -> None:
    world.org.approval_required = True
    world.org.save()
    support = Team.objects.create(organization=world.org, name="Support", parent=world.team)
    sam = add_member(world.org, "sam@acme.test", "Sam Leroy", team=support)
    support.lead = sam
    support.save()
    draft = create_objective(
        world.org,
        sam,
        cycle=world.cycle,
        title="Answer every ticket within a day",
        level=Level.TEAM,
        team=support,
        state=ObjectiveState.DRAFT,
    )

    owner_page = new_page()
    sign_in(owner_page, sam.email, PASSWORD)
    owner_page.goto(draft.get_absolute_url())
    approval = owner_page.locator("#approval")
    expect(approval).to_contain_text("Bob Durand")
    approval.get_by_role("button", name="Submit for approval").click()
    expect(owner_page.locator("#approval")).to_contain_text("Waiting for approval by: Bob Durand")

    approver_page = new_page()
    sign_in(approver_page, world.bob.email, PASSWORD)
    approver_page.goto(draft.get_absolute_url())
    approver_page.locator("#approval").get_by_role("button", name="Approve and publish").click()
    expect(approver_page.get_by_text("Objective approved and published.")).to_be_visible()
    facts = approver_page.locator("dl.facts dt", has_text="State").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(facts).to_have_text("Active")
    draft.refresh_from_db()
    assert draft.state == ObjectiveState.ACTIVE
