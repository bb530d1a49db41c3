"""A team lead asks another team for something their objective depends on; the other
team's lead accepts it from their team's page; both teams' pages show it accepted, with
the answer. The same answer works without JavaScript."""

import pytest
from playwright.sync_api import Page, expect

from cible.okrs.models import Dependency, DependencyState, Level, Objective
from cible.okrs.services import create_dependency, create_objective
from cible.orgs.models import Role, Team
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, add_member, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def sales(world) -> tuple[Team, Objective]:  # type: ignore[no-untyped-def]
    team = Team.objects.create(organization=world.org, name="Sales")
    sam = add_member(world.org, "sam@acme.test", "Sam Leroy", Role.MEMBER, team=team)
    Team.objects.filter(pk=team.pk).update(lead=sam)
    objective = create_objective(
        world.org,
        world.alice,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Open the new market",
        level=Level.TEAM,
        team=team,
    )
    return team, objective


def dependencies_of(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#dependencies")


def test_a_lead_asks_the_other_team_accepts_both_teams_see_it(
    world, live_server, new_page: NewPage, sales
) -> None:
    team, _theirs = sales
    bob = new_page()
    sign_in(bob, world.bob.email, PASSWORD)
    bob.goto(world.team_objective.get_absolute_url())
    bob.get_by_text("Declare a dependency on another team").click()
    bob.locator("#id_to_objective").select_option(label="Sales · Open the new market")
    bob.get_by_label("Note").fill("The pricing page before the launch")
    bob.get_by_role("button", name="Record the dependency").click()
    expect(bob.get_by_role("status")).to_have_text("Dependency recorded.")
    expect(dependencies_of(bob)).to_contain_text("Proposed")
    dependency = Dependency.objects.get()

    sam = new_page()
    sign_in(sam, "sam@acme.test", PASSWORD)
    sam.goto(f"/o/acme/teams/{team.pk}/")
    row = sam.locator(f"#dependency-{dependency.pk}")
    expect(row).to_contain_text("The pricing page before the launch")
    row.get_by_label("Comment").fill("Planned for week 6")
    row.get_by_role("button", name="Accept").click()
    # htmx swapped the row: the next moves, the answer and who gave it.
    row = sam.locator(f"#dependency-{dependency.pk}")
    expect(row).to_contain_text("Accepted")
    expect(row).to_contain_text("Planned for week 6")
    expect(row.get_by_role("button", name="Mark done")).to_be_visible()
    assert Dependency.objects.get().state == DependencyState.ACCEPTED

    sam.reload()
    expect(sam.locator(f"#dependency-{dependency.pk}")).to_contain_text("Accepted")
    bob.goto(f"/o/acme/teams/{world.team.pk}/")
    bob_row = bob.locator(f"#dependency-{dependency.pk}")
    expect(bob_row).to_contain_text("Accepted")
    expect(bob_row).to_contain_text("Sam Leroy")
    expect(bob_row).to_contain_text("Planned for week 6")
    expect(bob_row.get_by_role("button", name="Accept")).to_have_count(0)


def test_declining_without_javascript_says_why_it_is_needed(
    world, live_server, new_page: NewPage, sales
) -> None:
    team, theirs = sales
    dependency = create_dependency(
        world.bob,
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=theirs,
        note="The pricing page",
    )
    sam = new_page(java_script_enabled=False)
    sign_in(sam, "sam@acme.test", PASSWORD)
    sam.goto(f"/o/acme/teams/{team.pk}/")
    row = sam.locator(f"#dependency-{dependency.pk}")

    row.get_by_role("button", name="Decline").click()
    expect(sam.get_by_role("alert")).to_contain_text("Say why the dependency is declined.")
    assert Dependency.objects.get().state == DependencyState.PROPOSED

    row = sam.locator(f"#dependency-{dependency.pk}")
    row.get_by_label("Comment").fill("No one free this quarter")
    row.get_by_role("button", name="Decline").click()
    expect(sam).to_have_url(f"{live_server.url}/o/acme/teams/{team.pk}/#dependency-{dependency.pk}")
    expect(sam.locator(f"#dependency-{dependency.pk}")).to_contain_text("Declined")
    expect(sam.locator(f"#dependency-{dependency.pk}")).to_contain_text("No one free this quarter")
