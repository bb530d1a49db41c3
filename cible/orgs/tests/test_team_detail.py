"""The page of one team: its objectives, sub-teams and members."""

import pytest

from cible.okrs.models import Visibility
from cible.orgs.models import Team, TeamMember

pytestmark = pytest.mark.django_db


def url(team, slug: str = "acme") -> str:  # type: ignore[no-untyped-def]
    return f"/o/{slug}/teams/{team.pk}/"


@pytest.mark.parametrize("name", ["alice", "adam", "bob", "vera"])
def test_every_member_gets_200(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(url(world.team))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Led by Bob Durand" in html
    assert "Answer faster" in html


def test_it_lists_the_sub_teams(world) -> None:
    Team.objects.create(organization=world.org, name="Support", parent=world.team)

    html = world.client_for(world.vera).get(url(world.team)).content.decode()

    assert "Support" in html


def test_the_outsider_gets_404(world) -> None:
    assert world.client_for(world.oscar).get(url(world.team)).status_code == 404


def test_a_team_of_another_organisation_gets_404(world) -> None:
    foreign = Team.objects.create(organization=world.other_org, name="Globex Ops")

    assert world.client_for(world.alice).get(url(foreign)).status_code == 404


def test_an_unknown_team_gets_404(world) -> None:
    assert world.client_for(world.alice).get("/o/acme/teams/99999999/").status_code == 404


@pytest.mark.parametrize(("name", "shown"), [("adam", True), ("bob", True), ("vera", False)])
def test_only_managers_see_the_management_forms(world, name: str, shown: bool) -> None:
    html = world.client_for(getattr(world, name)).get(url(world.team)).content.decode()

    assert ("Add to the team" in html) is shown
    assert (f'action="/o/acme/teams/{world.team.pk}/edit/"' in html) is shown


def test_a_member_who_does_not_lead_sees_no_management_forms(world) -> None:
    sales = Team.objects.create(organization=world.org, name="Sales")

    html = world.client_for(world.bob).get(url(sales)).content.decode()

    assert "Add to the team" not in html


def test_a_private_objective_of_the_team_is_hidden_from_a_viewer(world) -> None:
    world.team_objective.visibility = Visibility.PRIVATE
    world.team_objective.save()
    TeamMember.objects.create(team=world.team, user=world.vera)

    html = world.client_for(world.vera).get(url(world.team)).content.decode()

    assert "Answer faster" not in html
