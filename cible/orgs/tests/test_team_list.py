"""The teams page: the tree of teams, and a form for admins to create one."""

import pytest

from cible.orgs.models import Team, TeamMember

pytestmark = pytest.mark.django_db

URL = "/o/acme/teams/"


@pytest.mark.parametrize("name", ["alice", "adam", "bob", "vera"])
def test_every_member_gets_200(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Product" in html
    assert "led by Bob Durand" in html


def test_the_outsider_gets_404(world) -> None:
    assert world.client_for(world.oscar).get(URL).status_code == 404


def test_another_organisations_teams_are_not_listed(world) -> None:
    Team.objects.create(organization=world.other_org, name="Globex Ops")

    html = world.client_for(world.alice).get(URL).content.decode()

    assert "Globex Ops" not in html


@pytest.mark.parametrize(("name", "shown"), [("adam", True), ("bob", False), ("vera", False)])
def test_only_admins_see_the_creation_form(world, name: str, shown: bool) -> None:
    html = world.client_for(getattr(world, name)).get(URL).content.decode()

    assert ("Create the team" in html) is shown


def test_an_admin_creates_a_team(world) -> None:
    response = world.client_for(world.adam).post(
        URL, {"name": "Platform", "parent": world.team.pk, "lead": world.bob.pk}
    )

    team = Team.objects.get(organization=world.org, name="Platform")
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/teams/{team.pk}/"
    assert team.parent == world.team
    assert team.lead == world.bob


def test_the_lead_becomes_a_member_of_the_new_team(world) -> None:
    world.client_for(world.adam).post(URL, {"name": "Platform", "lead": world.adam.pk})

    team = Team.objects.get(name="Platform")
    assert TeamMember.objects.filter(team=team, user=world.adam).exists()


def test_a_team_needs_no_parent_nor_lead(world) -> None:
    world.client_for(world.alice).post(URL, {"name": "Solo"})

    team = Team.objects.get(name="Solo")
    assert team.parent is None
    assert team.lead is None
    assert team.organization == world.org


def test_teams_nest_and_show_as_a_tree(world) -> None:
    client = world.client_for(world.adam)
    client.post(URL, {"name": "Support", "parent": world.team.pk})
    support = Team.objects.get(name="Support")
    client.post(URL, {"name": "Tier one", "parent": support.pk})

    assert Team.objects.get(name="Tier one").ancestors() == [support, world.team]
    html = client.get(URL).content.decode()
    assert html.index("Product") < html.index("Support") < html.index("Tier one")
    assert 'class="depth-2"><a href="/o/acme/teams/' in html


def test_a_parent_from_another_organisation_is_rejected(world) -> None:
    foreign = Team.objects.create(organization=world.other_org, name="Globex Ops")

    response = world.client_for(world.adam).post(
        URL, {"name": "Infiltrators", "parent": foreign.pk}
    )

    assert response.status_code == 422
    assert "parent" in response.context["form"].errors
    assert not Team.objects.filter(name="Infiltrators").exists()


def test_a_lead_from_another_organisation_is_rejected(world) -> None:
    response = world.client_for(world.adam).post(
        URL, {"name": "Infiltrators", "lead": world.oscar.pk}
    )

    assert response.status_code == 422
    assert "lead" in response.context["form"].errors
    assert not Team.objects.filter(name="Infiltrators").exists()


def test_an_empty_name_is_rejected(world) -> None:
    before = Team.objects.count()

    response = world.client_for(world.adam).post(URL, {"name": ""})

    assert response.status_code == 422
    assert Team.objects.count() == before


def test_a_duplicate_name_is_rejected_with_422(world) -> None:
    response = world.client_for(world.adam).post(URL, {"name": "Product"})

    assert response.status_code == 422
    assert Team.objects.filter(organization=world.org, name="Product").count() == 1


def test_the_same_name_is_allowed_in_another_organisation(world) -> None:
    Team.objects.create(organization=world.other_org, name="Platform")

    response = world.client_for(world.adam).post(URL, {"name": "Platform"})

    assert response.status_code == 302
    assert Team.objects.filter(organization=world.org, name="Platform").exists()


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_get_403_on_create(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).post(URL, {"name": "Rogue"})

    assert response.status_code == 403
    assert not Team.objects.filter(name="Rogue").exists()


def test_the_outsider_gets_404_on_create(world) -> None:
    response = world.client_for(world.oscar).post(URL, {"name": "Rogue"})

    assert response.status_code == 404
    assert not Team.objects.filter(name="Rogue").exists()
