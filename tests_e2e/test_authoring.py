"""Writing OKRs in the browser: templates, alignment, origin, privacy, roles, the coach and
the key-result form (issue 3's journeys)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from cible.okrs import library
from cible.okrs.models import KeyResult, Level, Objective, Visibility
from cible.okrs.services import create_key_result, create_objective
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, add_member, sign_in

pytestmark = pytest.mark.browser

OBJECTIVE_URL = re.compile(r"/o/acme/objectives/(\d+)/$")
NOT_FOUND = re.compile(r"not found", re.IGNORECASE)
FORBIDDEN = re.compile(r"forbidden|permission|not allowed", re.IGNORECASE)


def created_objective(page: Page) -> Objective:
    """The objective whose page the browser landed on after saving a form."""
    expect(page).to_have_url(OBJECTIVE_URL)
    match = OBJECTIVE_URL.search(page.url)
    assert match, page.url
    return Objective.objects.get(pk=int(match.group(1)))


def fact(page: Page, name: str) -> Locator:
    """The value of one line of the objective page's facts (Level, Owner, Origin...)."""
    return page.locator("dl.facts dt", has_text=name).locator("xpath=following-sibling::dd[1]")


def test_admin_creates_a_company_objective_from_a_template(world, new_page: NewPage) -> None:
    template = dict(library.by_function("en"))["Customer service"][0]
    title = template.title("en")
    page = new_page()
    sign_in(page, world.adam.email, PASSWORD)

    page.get_by_role("link", name="New company objective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New objective for {world.cycle}")
    page.get_by_text("Start from a template", exact=True).click()
    # Typing filters the library at once; each template shows its key results' numbers.
    page.get_by_label("Find a template").fill(template.key_results[0].title("en"))
    expect(page.locator("#template-list [data-filter-item]:visible")).not_to_have_count(0)
    expect(page.get_by_role("heading", name="Marketing")).to_be_hidden()
    page.get_by_role("link", name=title, exact=True).click()

    # The form is pre-filled, with the key results' example numbers in its fields.
    expect(page.get_by_label("Title")).to_have_value(title)
    expect(page.get_by_label("Level")).to_have_value(Level.COMPANY)
    expect(page.locator(".template-kr")).to_have_count(len(template.key_results))
    page.get_by_role("button", name="Create the objective").click()
    # Example numbers kept as they are need a yes.
    expect(page.locator("#template-confirm-error")).to_be_visible()
    page.get_by_label("These numbers are ours: keep them as they are").check()
    page.get_by_role("button", name="Create the objective").click()

    objective = created_objective(page)
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Objective created.")
    krs = page.locator(f"#objective-{objective.pk} .krs > li")
    assert len(template.key_results) >= 3
    expect(krs).to_have_count(len(template.key_results))
    for kr, row in zip(template.key_results, krs.all(), strict=True):
        expect(row.locator(".kr-title")).to_have_text(kr.title("en"))
    assert objective.level == Level.COMPANY
    assert objective.owner == world.adam
    assert objective.cycle == world.cycle


def test_lead_aligns_a_team_objective_under_the_company_one(world, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.get_by_role("link", name="Product", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Product")).to_be_visible()

    page.get_by_role("link", name="New team objective").click()
    expect(page.get_by_label("Level")).to_have_value(Level.TEAM)
    expect(page.get_by_label("Team:", exact=True)).to_have_value(str(world.team.pk))
    page.get_by_label("Title").fill("Become the easiest team to reach")

    # The picker filters its choices as one types, then the parent is ticked.
    parents = page.locator("#parent-choices")
    company = parents.get_by_label("Delight our customers (Company)")
    sibling = parents.get_by_label("Answer faster (Product)")
    expect(sibling).to_be_visible()
    page.get_by_label("Find an objective to contribute to").fill("delight")
    expect(sibling).to_be_hidden()
    company.check()
    page.get_by_role("button", name="Create the objective").click()

    objective = created_objective(page)
    expect(page.get_by_role("heading", level=1, name=objective.title)).to_be_visible()
    expect(fact(page, "Origin")).to_have_text("Top-down")
    expect(fact(page, "Level")).to_contain_text("Team · Product")
    contributes = page.get_by_role("heading", name="Contributes to").locator(
        "xpath=following::ul[1]"
    )
    expect(contributes.get_by_role("link", name="Delight our customers")).to_be_visible()
    assert list(objective.parents.all()) == [world.company_objective]
    assert objective.team == world.team


def test_member_proposes_a_bottom_up_personal_objective(world, new_page: NewPage) -> None:
    carol = add_member(world.org, "carol@acme.test", "Carol Blanc", team=world.team)
    page = new_page()
    sign_in(page, carol.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My OKRs").click()
    page.get_by_role("link", name="New personal objective").click()
    expect(page.get_by_label("Level")).to_have_value(Level.PERSON)
    page.get_by_label("Title").fill("Make every answer feel personal")
    page.get_by_label("Find an objective to contribute to").fill("answer")
    page.locator("#parent-choices").get_by_label("Answer faster (Product)").check()
    page.get_by_role("button", name="Create the objective").click()

    objective = created_objective(page)
    expect(fact(page, "Origin")).to_have_text("Bottom-up")
    expect(fact(page, "Owner")).to_have_text("Carol Blanc")
    assert objective.origin == "bottom_up"
    assert list(objective.parents.all()) == [world.team_objective]


def test_alignment_tree_loads_aligned_objectives_on_demand(world, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alignment").click()
    expect(page.get_by_role("heading", level=1, name="Alignment tree")).to_be_visible()
    item = page.locator("ul.tree > li").filter(
        has=page.get_by_role("link", name="Delight our customers", exact=True)
    )
    expect(item).to_have_count(1)
    toggle = item.locator("details.tree-node > summary")
    expect(toggle).to_have_text("1 aligned objective")
    # Not rendered until asked for.
    expect(page.get_by_role("link", name="Answer faster", exact=True)).to_have_count(0)

    children = f"/o/acme/tree/{world.company_objective.pk}/children/"
    with page.expect_response(lambda response: response.url.endswith(children)) as loaded:
        toggle.click()
    assert loaded.value.status == 200

    expect(item.locator("details.tree-node")).to_have_attribute("open", "")
    expect(item.get_by_role("link", name="Answer faster", exact=True)).to_be_visible()
    expect(item.get_by_text("Loading…")).to_have_count(0)


def test_the_tree_loads_the_next_page_of_unaligned_objectives(
    world, new_page: NewPage, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("cible.okrs.views.tree.ORPHANS_PAGE", 2)
    for n in range(3):
        create_objective(
            world.org, world.alice, cycle=world.cycle, title=f"Unaligned {n}",
            level=Level.TEAM, team=world.team, position=n,
        )  # fmt: skip
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/o/acme/tree/")
    orphans = page.locator("#tree-orphans")
    more = orphans.get_by_role("link", name=re.compile(r"Show the next"))
    expect(more).to_be_visible()
    listed = orphans.locator(":scope > li:not(.tree-more)")
    expect(listed).to_have_count(2)

    more.click()
    expect(listed).to_have_count(3)
    expect(orphans.get_by_role("link", name="Unaligned 2", exact=True)).to_be_visible()
    expect(more).to_have_count(0)


@pytest.fixture
def secret(world) -> Objective:  # type: ignore[no-untyped-def]
    """A private personal objective of bob's, with a key result."""
    objective = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Quietly rethink the support rota",
        level=Level.PERSON,
        visibility=Visibility.PRIVATE,
    )
    create_key_result(
        objective,
        owner=world.bob,
        title="Rota satisfaction among agents",
        kind="increase",
        start=Decimal(5),
        target=Decimal(8),
    )
    return objective


def search(page: Page, query: str) -> None:
    box = page.get_by_role("search").get_by_label("Search OKRs")
    box.fill(query)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()


def test_private_objective_is_hidden_from_another_member(
    world, secret: Objective, new_page: NewPage
) -> None:
    carol = add_member(world.org, "carol@acme.test", "Carol Blanc", team=world.team)
    url = secret.get_absolute_url()

    other = new_page()
    sign_in(other, carol.email, PASSWORD)
    response = other.goto(url)
    assert response is not None and response.status == 404
    expect(other.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
    expect(other.get_by_text(secret.title)).to_have_count(0)

    other.goto("/o/acme/tree/")
    expect(other.get_by_role("link", name="Delight our customers")).to_be_visible()
    expect(other.get_by_role("heading", name="Objectives aligned to nothing")).to_be_visible()
    expect(other.get_by_text(secret.title)).to_have_count(0)

    search(other, "rota")
    expect(other.get_by_text("No objective found.")).to_be_visible()
    expect(other.get_by_text("No key result found.")).to_be_visible()
    expect(other.get_by_text(secret.title)).to_have_count(0)

    owner = new_page()
    sign_in(owner, world.bob.email, PASSWORD)
    response = owner.goto(url)
    assert response is not None and response.status == 200
    expect(owner.get_by_role("heading", level=1, name=secret.title)).to_be_visible()
    expect(fact(owner, "Visibility")).to_have_text("Private")

    owner.goto("/o/acme/tree/")
    expect(owner.get_by_role("link", name=secret.title)).to_be_visible()

    search(owner, "rota")
    results = owner.locator("#results")
    expect(results.get_by_role("link", name=secret.title)).to_be_visible()
    expect(results.get_by_role("link", name="Rota satisfaction among agents")).to_be_visible()


def test_viewer_sees_no_edit_buttons_and_cannot_edit(world, new_page: NewPage) -> None:
    objective = world.team_objective
    page = new_page()
    sign_in(page, world.vera.email, PASSWORD)

    page.goto(objective.get_absolute_url())
    expect(page.get_by_role("heading", level=1, name=objective.title)).to_be_visible()
    main = page.get_by_role("main")
    # The key result's own line (the forecast section names it too).
    expect(main.locator(".kr-title", has_text="Cut first response time")).to_be_visible()
    for name in ("Edit", "Add a key result", "Archive"):
        expect(main.get_by_role("link", name=name)).to_have_count(0)
        expect(main.get_by_role("button", name=name)).to_have_count(0)
    expect(main.locator(".kr-tools")).to_have_count(0)

    response = page.goto(f"/o/acme/objectives/{objective.pk}/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)

    # A forged POST, with a valid CSRF token, is refused too and changes nothing.
    page.goto(objective.get_absolute_url())
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        f"/o/acme/objectives/{objective.pk}/archive/",
        headers={"X-CSRFToken": token},
        form={},
        max_redirects=0,
    )
    assert refused.status == 403
    objective.refresh_from_db()
    assert objective.archived_at is None


def test_outsider_gets_a_404_for_the_organisation(world, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.oscar.email, PASSWORD)

    for url in ("/o/acme/", world.company_objective.get_absolute_url()):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
        expect(page.get_by_text("Delight our customers")).to_have_count(0)


def test_coach_advises_while_typing_without_submitting(world, new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, world.adam.email, PASSWORD)
    page.get_by_role("link", name="New company objective").click()
    form_url = page.url
    count = Objective.objects.count()

    page.get_by_label("Title").press_sequentially("Reach 60 points of NPS")

    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("Coach's advice")
    expect(feedback).to_contain_text("This objective contains a figure or a metric.")
    expect(feedback).to_contain_text("you can save as it is")
    expect(page).to_have_url(form_url)
    expect(page.get_by_label("Title")).to_have_value("Reach 60 points of NPS")
    assert Objective.objects.count() == count

    # The advice goes away once the title is qualitative.
    page.get_by_label("Title").fill("Be the team customers love to talk to")
    expect(feedback).not_to_contain_text("contains a figure")


def test_key_result_form_fits_its_kind_and_keyboard_reorders(world, new_page: NewPage) -> None:
    objective = world.team_objective
    page = new_page()
    sign_in(page, world.bob.email, PASSWORD)
    page.goto(objective.get_absolute_url())
    page.get_by_role("link", name="Add a key result").click()
    expect(page.get_by_role("heading", level=1, name="New key result")).to_be_visible()

    kind = page.get_by_label("Kind")
    start, target = page.get_by_label("Start value"), page.get_by_label("Target")
    upper = page.get_by_label("Upper bound")
    expect(upper).to_be_hidden()
    expect(start).to_be_visible()

    kind.select_option(label="Milestone (done or not)")
    expect(start).to_be_hidden()
    expect(target).to_be_hidden()
    expect(upper).to_be_hidden()

    kind.select_option(label="Stay between")
    expect(upper).to_be_visible()
    expect(start).to_be_visible()
    expect(target).to_be_visible()

    page.get_by_label("Title:", exact=True).fill("Backlog of open tickets")
    start.fill("40")
    target.fill("20")
    upper.fill("50")
    page.get_by_role("button", name="Add the key result").click()

    expect(page).to_have_url(objective.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("Key result added.")
    added = KeyResult.objects.get(objective=objective, title="Backlog of open tickets")
    assert (added.kind, added.target, added.target_max) == ("stay_between", 20, 50)
    titles = page.locator(f"#objective-{objective.pk} .krs > li .kr-title")
    expect(titles).to_have_text(["Cut first response time", "Backlog of open tickets"])

    # From the first KR's title, Tab passes its "Check in", skips its disabled "↑" and
    # reaches its "↓".
    titles.first.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Check in: Cut first response time")).to_be_focused()
    page.keyboard.press("Tab")
    down = page.get_by_role("button", name="Move down: Cut first response time")
    expect(down).to_be_focused()
    page.keyboard.press("Enter")

    expect(titles).to_have_text(["Backlog of open tickets", "Cut first response time"])
    ordered = objective.key_results.order_by("position", "id").values_list("title", flat=True)
    assert list(ordered) == ["Backlog of open tickets", "Cut first response time"]
