"""The team pickers (a team's parent, an objective's team, the tree's and the report's team
filters): a select in a small organisation, a search with a few suggestions past a few
hundred teams; without JavaScript a team's exact name or its id is enough."""

import pytest

from cible.lib import widgets
from cible.okrs.models import Level, Objective
from cible.okrs.services import create_objective
from cible.orgs.models import Team

pytestmark = pytest.mark.django_db

SUGGEST = "/o/acme/teams/suggest/"


def suggest(world, user, query: str, field: str = "parent"):  # type: ignore[no-untyped-def]
    return world.client_for(user).get(SUGGEST, {f"{field}_search": query})


def picks(response) -> int:  # type: ignore[no-untyped-def]
    return response.content.decode().count("data-pick=")


@pytest.fixture
def teams(world) -> dict[str, Team]:  # type: ignore[no-untyped-def]
    """Two more teams in Acme, one in Globex."""
    engineering = Team.objects.create(organization=world.org, name="Engineering")
    return {
        "engineering": engineering,
        "platform": Team.objects.create(
            organization=world.org, name="Platform", parent=engineering
        ),
        "foreign": Team.objects.create(organization=world.other_org, name="Globex Engineering"),
    }


@pytest.fixture
def large(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An organisation past the list limit, as far as the pickers know."""
    monkeypatch.setattr(widgets, "LIST_LIMIT", 1)


# --- The suggestions -------------------------------------------------------------------


def test_a_member_gets_the_teams_whose_name_holds_the_query(world, teams) -> None:
    html = suggest(world, world.bob, "FORM").content.decode()

    assert f'data-pick="{teams["platform"].pk}"' in html
    assert 'data-label="Platform"' in html
    assert "Engineering" in html  # where it sits
    assert picks(suggest(world, world.bob, "product")) == 1


def test_teams_of_another_organisation_are_never_suggested(world, teams) -> None:
    html = suggest(world, world.bob, "engineering").content.decode()

    assert f'data-pick="{teams["engineering"].pk}"' in html
    assert "Globex" not in html
    assert picks(suggest(world, world.bob, "engineering")) == 1


def test_a_viewer_may_search_and_an_outsider_gets_404(world, teams) -> None:
    assert suggest(world, world.vera, "eng").status_code == 200
    assert suggest(world, world.oscar, "eng").status_code == 404
    assert world.client_for(None).get(SUGGEST, {"q": "eng"}).status_code == 302


def test_suggestions_are_bounded_ordered_and_say_that_more_match(world) -> None:
    for n in reversed(range(widgets.SUGGESTIONS + 3)):
        Team.objects.create(organization=world.org, name=f"Squad {n:02}")

    response = suggest(world, world.bob, "squad")

    html = response.content.decode()
    assert picks(response) == widgets.SUGGESTIONS
    assert html.index("Squad 00") < html.index("Squad 01")
    assert "More match" in html


def test_an_empty_query_suggests_no_team(world, teams) -> None:
    assert picks(suggest(world, world.bob, "")) == 0


# --- The team form's parent ------------------------------------------------------------


def team_page(world, user) -> str:  # type: ignore[no-untyped-def]
    return world.client_for(user).get(f"/o/acme/teams/{world.team.pk}/").content.decode()


def test_a_small_organisation_keeps_its_parent_select(world, teams) -> None:
    html = team_page(world, world.bob)

    assert '<select name="parent"' in html
    assert "parent_search" not in html


def test_the_team_page_searches_for_the_parent_past_the_list_limit(world, teams, large) -> None:
    world.team.parent = teams["engineering"]
    world.team.save()

    html = team_page(world, world.bob)

    assert f'hx-get="{SUGGEST}"' in html
    assert 'name="parent_search" value="Engineering"' in html  # the parent as it is
    assert f'name="parent" value="{teams["engineering"].pk}"' in html
    assert "Platform" not in html  # no team is listed


def edit(world, **data: object):  # type: ignore[no-untyped-def]
    body = {"name": "Product", "lead": world.bob.pk, **data}
    return world.client_for(world.alice).post(f"/o/acme/teams/{world.team.pk}/edit/", body)


@pytest.mark.parametrize(
    "data",
    [
        {"parent": "ENG", "parent_search": "Engineering"},  # picked: the id is written below
        {"parent": "", "parent_search": " engineering "},
        {"parent": "", "parent_search": "ENG"},
    ],
    ids=["picked", "exact name", "id typed"],
)
def test_a_parent_picked_or_typed_is_saved(world, teams, large, data) -> None:
    pk = str(teams["engineering"].pk)
    data = {k: pk if v == "ENG" else v for k, v in data.items()}

    response = edit(world, **data)

    assert response.status_code == 302
    world.team.refresh_from_db()
    assert world.team.parent == teams["engineering"]


@pytest.mark.parametrize("typed", ["Eng", "Globex Engineering", "nothing"])
def test_a_text_naming_no_one_team_is_refused(world, teams, large, typed) -> None:
    response = edit(world, parent="", parent_search=typed)

    assert response.status_code == 422
    world.team.refresh_from_db()
    assert world.team.parent is None


def test_another_organisations_team_or_the_team_itself_is_refused(world, teams, large) -> None:
    for refused in (teams["foreign"], world.team):
        assert edit(world, parent=refused.pk, parent_search="x").status_code == 422
    world.team.refresh_from_db()
    assert world.team.parent is None


# --- The objective's team --------------------------------------------------------------


def test_the_objective_form_searches_for_its_team(world, teams, large) -> None:
    client = world.client_for(world.bob)
    new = client.get(f"/o/acme/objectives/new/?cycle={world.cycle.pk}").content.decode()
    edit_page = client.get(f"/o/acme/objectives/{world.team_objective.pk}/edit/")

    assert 'name="team_search"' in new
    assert "Platform" not in new
    assert 'name="team_search" value="Product"' in edit_page.content.decode()


def create(world, **team: object):  # type: ignore[no-untyped-def]
    data = {
        "title": "Ship the picker",
        "level": Level.TEAM,
        "owner": world.bob.pk,
        "visibility": "organization",
        "state": "active",
        "origin": "",
        **team,
    }
    url = f"/o/acme/objectives/new/?cycle={world.cycle.pk}"
    return world.client_for(world.bob).post(url, data)


@pytest.mark.parametrize("typed", ["ID", "product", " PRODUCT "])
def test_an_objective_gets_its_team_by_id_or_exact_name(world, teams, large, typed) -> None:
    typed = str(world.team.pk) if typed == "ID" else typed

    response = create(world, team="", team_search=typed)

    assert response.status_code == 302
    assert Objective.objects.get(title="Ship the picker").team == world.team


def test_an_objective_of_another_organisations_team_is_refused(world, teams, large) -> None:
    response = create(world, team=teams["foreign"].pk, team_search="Globex Engineering")

    assert response.status_code == 422
    assert not Objective.objects.filter(title="Ship the picker").exists()
    assert 'name="team_search"' in response.content.decode()


# --- The tree's and the report's filters -----------------------------------------------


@pytest.fixture
def platform_objective(world, teams) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org,
        world.alice,
        cycle=world.cycle,
        title="Scale the platform",
        level=Level.TEAM,
        team=teams["platform"],
    )


def tree(world, **query: object) -> str:  # type: ignore[no-untyped-def]
    return world.client_for(world.bob).get("/o/acme/tree/", query).content.decode()


def test_a_small_organisation_keeps_its_team_filter_select(world, teams) -> None:
    html = tree(world)

    assert '<select name="team" id="f-team">' in html
    assert f'<option value="{teams["platform"].pk}">Platform</option>' in html


@pytest.mark.parametrize("how", ["picked", "typed name", "typed id"])
def test_the_tree_filters_on_a_team_picked_or_typed(world, large, platform_objective, how) -> None:
    pk = str(platform_objective.team_id)
    query = {
        "picked": {"team": pk, "team_search": "Platform"},
        "typed name": {"team": "", "team_search": "platform"},
        "typed id": {"team": "", "team_search": pk},
    }[how]

    html = tree(world, **query)

    assert f'hx-get="{SUGGEST}"' in html
    assert 'name="team_search" value="Platform"' in html
    assert "Scale the platform" in html
    assert "Answer faster" not in html
    assert "Engineering" not in html  # no team is listed


def test_the_tree_never_filters_on_another_organisations_team(world, teams, large) -> None:
    html = tree(world, team=teams["foreign"].pk)

    assert "Globex" not in html
    assert "Answer faster" not in html


def report(world, **query: object):  # type: ignore[no-untyped-def]
    url = f"/o/acme/cycles/{world.cycle.pk}/report/"
    return world.client_for(world.bob).get(url, query)


def test_the_report_is_narrowed_to_a_team_typed_without_javascript(
    world, large, platform_objective
) -> None:
    html = report(world, team="", team_search="Platform").content.decode()

    assert f'hx-get="{SUGGEST}"' in html
    assert 'name="team_search" value="Platform"' in html
    assert "Scale the platform" in html
    assert "Answer faster" not in html


def test_the_report_refuses_another_organisations_team(world, teams, large) -> None:
    assert report(world, team=teams["foreign"].pk).status_code == 404
