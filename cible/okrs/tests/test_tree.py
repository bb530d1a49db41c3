"""The alignment tree: company objectives at the root, aligned objectives loaded on demand,
orphans listed apart, filters, and a first render whose cost does not grow with the tree."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.checkins.services import record_check_in
from cible.okrs.models import KeyResult, Level, Objective
from cible.okrs.services import archive_objective, create_key_result, create_objective
from cible.orgs.models import Team

pytestmark = pytest.mark.django_db

TREE = "/o/acme/tree/"
WITH_ORPHANS = TREE + "?orphans=1"  # the unaligned objectives in the page, without htmx


def children_url(objective: Objective) -> str:
    return f"/o/acme/tree/{objective.pk}/children/"


def get(world, url: str, user=None) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(user or world.vera).get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def section(html: str, start: str, end: str | None = None) -> str:
    tail = html[html.index(start) :]
    return tail[: tail.index(end)] if end else tail


def roots_part(html: str) -> str:
    return section(html, '<ul class="tree">', "Objectives aligned to nothing")


def orphans_part(html: str) -> str:
    return section(html, "Objectives aligned to nothing")


def company(world, title: str) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org, world.alice, cycle=world.cycle, title=title, level=Level.COMPANY
    )


@pytest.fixture
def sales(world) -> Team:  # type: ignore[no-untyped-def]
    return Team.objects.create(organization=world.org, name="Sales")


# --- Roots and children ---------------------------------------------------------------


def test_the_roots_are_the_company_objectives(world) -> None:
    html = roots_part(get(world, TREE))

    assert "Delight our customers" in html
    assert "Answer faster" not in html


def test_a_root_with_aligned_objectives_loads_them_on_demand(world) -> None:
    html = roots_part(get(world, TREE))

    assert f'hx-get="{children_url(world.company_objective)}"' in html
    assert "1 aligned objective" in html


def test_the_children_endpoint_lists_the_aligned_objectives(world) -> None:
    html = get(world, children_url(world.company_objective))

    assert "Answer faster" in html
    assert "Delight our customers" not in html
    assert "<html" not in html


def test_the_children_endpoint_of_a_leaf_says_nothing_is_aligned(world) -> None:
    html = get(world, children_url(world.team_objective))

    assert "No aligned objective." in html


def test_the_children_endpoint_leaves_out_archived_children(world) -> None:
    Objective.objects.filter(pk=world.team_objective.pk).update(archived_at=timezone.now())

    html = get(world, children_url(world.company_objective))

    assert "Answer faster" not in html


def test_the_children_endpoint_of_a_globex_objective_is_404(world) -> None:
    response = world.client_for(world.alice).get(children_url(world.foreign_objective))

    assert response.status_code == 404


def test_the_tree_of_another_organisation_is_404_for_an_outsider(world) -> None:
    response = world.client_for(world.oscar).get(TREE)

    assert response.status_code == 404


def test_a_team_objective_aligned_to_nothing_is_listed_as_an_orphan(world, sales) -> None:
    create_objective(
        world.org, world.alice, cycle=world.cycle, title="Lone wolf", level=Level.TEAM, team=sales
    )

    html = get(world, WITH_ORPHANS)

    assert "Lone wolf" in orphans_part(html)
    assert "Lone wolf" not in roots_part(html)


def test_an_aligned_objective_is_not_an_orphan(world) -> None:
    html = orphans_part(get(world, WITH_ORPHANS))

    assert "Answer faster" not in html
    assert "Every objective is aligned." in html


def test_an_objective_whose_only_parent_is_archived_is_still_in_the_tree(world) -> None:
    archive_objective(world.company_objective, world.alice)

    html = get(world, WITH_ORPHANS)

    assert "Answer faster" in orphans_part(html)

    archive_objective(world.company_objective, world.alice, archived=False)

    assert "Answer faster" not in orphans_part(get(world, WITH_ORPHANS))


def test_an_objective_with_two_parents_says_so(world) -> None:
    second = company(world, "Grow profitably")
    world.team_objective.parents.add(second)

    html = get(world, children_url(world.company_objective))

    assert "2 parents" in html


def test_an_objective_with_one_parent_shows_no_parent_count(world) -> None:
    html = get(world, children_url(world.company_objective))

    assert "parents" not in html
    assert "1 parent" not in html


def test_the_tree_shows_only_the_chosen_cycle(world) -> None:
    html = get(world, f"{TREE}?cycle={world.foreign_objective.cycle_id}")

    assert "Globex secret" not in html
    assert "Delight our customers" in html


# --- Filters ---------------------------------------------------------------------------


@pytest.fixture
def spread(world, sales):  # type: ignore[no-untyped-def]
    """A Sales objective owned by Adam, far behind its schedule."""
    behind = create_objective(
        world.org,
        world.adam,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Sign the big accounts",
        level=Level.TEAM,
        team=sales,
    )
    signed = create_key_result(
        behind,
        title="Signed accounts",
        kind="increase",
        start=Decimal(0),
        target=Decimal(100),
        current=Decimal(0),
    )
    record_check_in(signed, world.adam, Decimal(0), confidence=7)
    return behind


def test_the_team_filter_returns_that_teams_objectives(world, spread) -> None:
    html = get(world, f"{TREE}?team={world.team.pk}")

    assert "Matching objectives" in html
    assert "Answer faster" in html
    assert "Sign the big accounts" not in html
    assert "Delight our customers" not in html


def test_the_team_filter_includes_personal_objectives_of_its_members(world, spread) -> None:
    create_objective(
        world.org, world.bob, cycle=world.cycle, title="Bob's own goal", level=Level.PERSON
    )

    html = get(world, f"{TREE}?team={world.team.pk}")

    assert "Bob&#x27;s own goal" in html


def test_the_owner_filter_returns_that_persons_objectives(world, spread) -> None:
    html = get(world, f"{TREE}?owner={world.adam.pk}")

    assert "Sign the big accounts" in html
    assert "Answer faster" not in html
    assert "Delight our customers" not in html


def test_the_status_filter_returns_the_objectives_off_track(world, spread) -> None:
    html = get(world, f"{TREE}?status=off_track")

    assert "Sign the big accounts" in html
    assert "Answer faster" not in html


def test_the_status_filter_returns_the_objectives_on_track(world, spread) -> None:
    html = get(world, f"{TREE}?status=on_track")

    assert "Answer faster" in html
    assert "Delight our customers" not in html
    assert "Sign the big accounts" not in html


def test_the_status_filter_returns_the_objectives_not_started(world, spread) -> None:
    html = get(world, f"{TREE}?status=not_started")

    assert "Delight our customers" in html  # no key result yet
    assert "Answer faster" not in html


def test_filters_combine(world, spread) -> None:
    html = get(world, f"{TREE}?team={world.team.pk}&owner={world.adam.pk}")

    assert "No objective matches these filters." in html


def test_a_non_numeric_filter_is_ignored_rather_than_failing(world, spread) -> None:
    html = get(world, f"{TREE}?team=abc&owner=1%20OR%201&status=nonsense")

    assert "Answer faster" in html
    assert "Sign the big accounts" in html


@pytest.mark.parametrize("name", ["team", "owner"])
def test_a_filter_of_non_ascii_digits_is_ignored_rather_than_failing(world, name: str) -> None:
    html = get(world, f"{TREE}?{name}=%C2%B2")

    assert "Answer faster" in html


# --- Cost of the first render ------------------------------------------------------------


def company_objectives_with_krs(world, total: int) -> None:  # type: ignore[no-untyped-def]
    """Add company objectives (each with a KR and an aligned team objective) up to `total`."""
    team = Team.objects.get_or_create(organization=world.org, name="Ops")[0]
    existing = Objective.objects.filter(organization=world.org, level=Level.COMPANY).count()
    for index in range(existing, total):
        root = company(world, f"Company goal {index}")
        KeyResult.objects.create(
            objective=root,
            title=f"Measure {index}",
            owner=world.alice,
            start=Decimal(0),
            target=Decimal(10),
            current=Decimal(index % 10),
        )
        create_objective(
            world.org,
            world.bob,
            parents=[root],
            cycle=world.cycle,
            title=f"Team goal {index}",
            level=Level.TEAM,
            team=team,
        )


def tree_queries(world) -> int:  # type: ignore[no-untyped-def]
    client = world.client_for(world.vera)
    client.get(TREE)  # warm the session and any per-process cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(TREE)
    assert response.status_code == 200
    return len(captured)


def test_the_first_render_costs_the_same_with_3_or_12_company_objectives(world) -> None:
    company_objectives_with_krs(world, 3)
    with_three = tree_queries(world)

    company_objectives_with_krs(world, 12)
    with_twelve = tree_queries(world)

    assert Objective.objects.filter(level=Level.COMPANY, organization=world.org).count() == 12
    assert with_twelve == with_three


# --- Orphans, a page at a time --------------------------------------------------------


def orphans(world, sales, n: int) -> list[Objective]:  # type: ignore[no-untyped-def]
    made = []
    for i in range(n):
        objective = create_objective(
            world.org, world.alice, cycle=world.cycle, title=f"Orphan {i:02}",
            level=Level.TEAM, team=sales, position=i,
        )  # fmt: skip
        made.append(objective)
    return made


def test_orphans_come_a_page_at_a_time(world, sales, monkeypatch) -> None:
    monkeypatch.setattr("cible.okrs.views.tree.ORPHANS_PAGE", 2)
    orphans(world, sales, 5)
    html = orphans_part(get(world, WITH_ORPHANS))
    shown = [t for t in (f"Orphan {i:02}" for i in range(5)) if t in html]
    total = Objective.objects.filter(organization=world.org, cycle=world.cycle).count()
    assert len(shown) == 2
    # The next page, loaded on demand; without JavaScript, the same page as a link.
    assert f'hx-get="/o/acme/tree/orphans/?cycle={world.cycle.pk}&amp;orphans=2"' in html
    assert f'href="/o/acme/tree/?cycle={world.cycle.pk}&amp;orphans=2#tree-orphans"' in html
    assert "Show the next 2 objectives" in html
    assert "objectives in all." in html and total > 5

    seen = set(shown)
    page = 2
    while True:
        part = get(world, f"/o/acme/tree/orphans/?cycle={world.cycle.pk}&orphans={page}")
        listed = {t for t in (f"Orphan {i:02}" for i in range(5)) if t in part}
        assert not listed & seen
        seen |= listed
        if "orphans=" not in part:
            break
        page += 1
    assert seen == {f"Orphan {i:02}" for i in range(5)}
    # The whole page works the same way, past its end or with nonsense too.
    for query in ("orphans=99", "orphans=0", "orphans=abc", "orphans=-1"):
        assert "Orphan" in get(world, f"{TREE}?cycle={world.cycle.pk}&{query}")


def test_the_orphans_page_of_another_organisation_is_404(world) -> None:
    response = world.client_for(world.oscar).get("/o/acme/tree/orphans/")
    assert response.status_code == 404


def test_the_orphans_page_costs_the_same_queries_for_any_page(world, sales, monkeypatch) -> None:
    monkeypatch.setattr("cible.okrs.views.tree.ORPHANS_PAGE", 2)
    orphans(world, sales, 6)
    client = world.client_for(world.vera)
    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/o/acme/tree/orphans/?orphans={page}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_the_first_render_loads_the_unaligned_objectives_afterwards(world, sales) -> None:
    orphans(world, sales, 1)
    html = orphans_part(get(world, TREE))

    assert "Orphan 00" not in html
    cycle = world.cycle.pk
    assert f'hx-get="/o/acme/tree/orphans/?cycle={cycle}&amp;orphans=1" hx-trigger="load"' in html
    assert f'href="/o/acme/tree/?cycle={cycle}&amp;orphans=1#tree-orphans"' in html
    assert "Orphan 00" in get(world, f"/o/acme/tree/orphans/?cycle={cycle}&orphans=1")
