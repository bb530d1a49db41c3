"""Comments, mentions, the inbox and reactions in the browser (issue 19 items 2 and 3)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cible.checkins.services import record_check_in
from cible.collab.models import Comment, Reaction
from tests_e2e.conftest import NewPage, sign_in

pytestmark = pytest.mark.browser


def test_a_mention_reaches_the_inbox_and_opens_the_comment(world, new_page: NewPage) -> None:  # type: ignore[no-untyped-def]
    bob = new_page()
    sign_in(bob, world.bob.email)
    bob.goto(world.company_objective.get_absolute_url())
    field = bob.get_by_label("Comment", exact=True)
    field.click()
    field.press_sequentially("Looks good, @ve")
    suggestion = bob.get_by_role("option", name=re.compile("Vera Petit"))
    expect(suggestion).to_be_visible()
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("Looks good, @vera@acme.test ")
    field.press_sequentially("can you check?")
    bob.get_by_role("button", name="Comment", exact=True).click()
    comments = bob.locator("#comments")
    expect(comments.locator(".comment-body")).to_have_text("Looks good, @Vera Petit can you check?")
    assert Comment.objects.get().mentions.get() == world.vera

    vera = new_page()
    sign_in(vera, world.vera.email)
    vera.goto(world.company_objective.get_absolute_url())
    inbox_link = vera.get_by_role("link", name=re.compile("^Inbox"))
    expect(inbox_link.locator(".badge")).to_have_text("1")
    inbox_link.click()
    item = vera.get_by_role("link", name="Bob Durand mentioned you on “Delight our customers”")
    expect(item).to_be_visible()
    item.click()
    expect(vera).to_have_url(re.compile(r"/objectives/\d+/#comment-\d+$"))
    expect(vera.locator(".comment:target .comment-body")).to_contain_text("can you check?")
    expect(vera.get_by_role("link", name=re.compile("^Inbox")).locator(".badge")).to_have_count(0)


def test_a_lead_acknowledges_a_check_in_in_one_click(world, new_page: NewPage) -> None:  # type: ignore[no-untyped-def]
    check_in = record_check_in(world.kr, world.bob, Decimal(3), comment="Good week")
    alice = new_page()
    sign_in(alice, world.alice.email)
    alice.goto(world.kr.get_absolute_url())
    row = alice.locator("#check-ins tbody tr").first
    thumbs = row.get_by_role("button", name="Thumbs up")
    expect(thumbs).to_have_attribute("aria-pressed", "false")
    thumbs.click()
    thumbs = alice.locator("#check-ins tbody tr").first.get_by_role(
        "button", name=re.compile("Thumbs up")
    )
    expect(thumbs).to_have_attribute("aria-pressed", "true")
    expect(thumbs.locator(".count")).to_have_text("1")
    assert Reaction.objects.get().check_in == check_in

    bob = new_page()
    sign_in(bob, world.bob.email)
    bob.goto("/o/acme/inbox/")
    expect(bob.get_by_role("link", name=re.compile("Alice Martin reacted"))).to_be_visible()


def test_commenting_works_without_javascript(world, new_page: NewPage) -> None:  # type: ignore[no-untyped-def]
    bob = new_page(java_script_enabled=False)
    sign_in(bob, world.bob.email)
    bob.goto(world.company_objective.get_absolute_url())
    bob.get_by_label("Comment", exact=True).fill("<script>alert(1)</script> @vera")
    bob.get_by_role("button", name="Comment", exact=True).click()
    expect(bob).to_have_url(re.compile(r"#comment-\d+$"))
    expect(bob.locator(".comment-body")).to_have_text("<script>alert(1)</script> @Vera Petit")
    bob.locator(".comment").get_by_role("button", name="Love it").click()
    expect(
        bob.locator(".comment").get_by_role("button", name=re.compile("Love it"))
    ).to_have_attribute("aria-pressed", "true")
