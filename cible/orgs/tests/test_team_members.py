"""Adding people to a team and removing them."""

import pytest

from cible.orgs.models import Team, TeamMember

pytestmark = pytest.mark.django_db


def add_url(team) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/teams/{team.pk}/members/"


def remove_url(team, user) -> str:  # type: ignore[no-untyped-def]
    return f"/o/acme/teams/{team.pk}/members/{user.pk}/remove/"


def in_team(team, user) -> bool:  # type: ignore[no-untyped-def]
    return TeamMember.objects.filter(team=team, user=user).exists()


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("name", ["alice", "adam", "bob"])
def test_admins_and_the_lead_add_a_member(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).post(
        add_url(world.team), {"user": world.vera.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/teams/{world.team.pk}/"
    assert in_team(world.team, world.vera)


def test_adding_confirms_and_shows_the_new_member(world) -> None:
    response = world.client_for(world.adam).post(
        add_url(world.team), {"user": world.vera.pk}, follow=True
    )

    assert "Member added." in messages_of(response)
    assert "Vera Petit" in response.content.decode()


def test_adding_someone_twice_keeps_one_team_membership(world) -> None:
    client = world.client_for(world.adam)
    client.post(add_url(world.team), {"user": world.vera.pk})
    client.post(add_url(world.team), {"user": world.vera.pk})

    assert TeamMember.objects.filter(team=world.team, user=world.vera).count() == 1


def test_a_person_from_another_organisation_cannot_be_added(world) -> None:
    response = world.client_for(world.adam).post(
        add_url(world.team), {"user": world.oscar.pk}, follow=True
    )

    assert not in_team(world.team, world.oscar)
    assert "Choose a person from the organisation." in messages_of(response)


@pytest.mark.parametrize("value", ["", "abc", "99999999"])
def test_a_bogus_person_adds_nothing(world, value: str) -> None:
    before = TeamMember.objects.count()

    response = world.client_for(world.adam).post(add_url(world.team), {"user": value})

    assert response.status_code == 302
    assert TeamMember.objects.count() == before


def test_a_member_who_does_not_lead_gets_403_when_adding(world) -> None:
    sales = Team.objects.create(organization=world.org, name="Sales")

    response = world.client_for(world.bob).post(add_url(sales), {"user": world.bob.pk})

    assert response.status_code == 403
    assert not in_team(sales, world.bob)


def test_an_admin_removes_a_member(world) -> None:
    TeamMember.objects.create(team=world.team, user=world.vera)

    response = world.client_for(world.adam).post(remove_url(world.team, world.vera), follow=True)

    assert not in_team(world.team, world.vera)
    assert "Member removed." in messages_of(response)


def test_removing_the_lead_clears_the_lead(world) -> None:
    world.client_for(world.adam).post(remove_url(world.team, world.bob))

    assert not in_team(world.team, world.bob)
    assert Team.objects.get(pk=world.team.pk).lead is None


def test_the_lead_removes_a_member(world) -> None:
    TeamMember.objects.create(team=world.team, user=world.vera)

    response = world.client_for(world.bob).post(remove_url(world.team, world.vera))

    assert response.status_code == 302
    assert not in_team(world.team, world.vera)


def test_removing_someone_not_in_the_team_gets_404(world) -> None:
    response = world.client_for(world.adam).post(remove_url(world.team, world.vera))

    assert response.status_code == 404


def test_removing_someone_from_another_organisation_gets_404(world) -> None:
    response = world.client_for(world.adam).post(remove_url(world.team, world.oscar))

    assert response.status_code == 404


def test_a_member_who_does_not_lead_gets_403_when_removing(world) -> None:
    sales = Team.objects.create(organization=world.org, name="Sales", lead=world.adam)
    TeamMember.objects.create(team=sales, user=world.adam)

    response = world.client_for(world.bob).post(remove_url(sales, world.adam))

    assert response.status_code == 403
    assert in_team(sales, world.adam)


def test_a_team_of_another_organisation_gets_404(world) -> None:
    foreign = Team.objects.create(organization=world.other_org, name="Globex Ops")
    TeamMember.objects.create(team=foreign, user=world.oscar)

    add = world.client_for(world.alice).post(add_url(foreign), {"user": world.bob.pk})
    remove = world.client_for(world.alice).post(remove_url(foreign, world.oscar))

    assert add.status_code == 404
    assert remove.status_code == 404
    assert in_team(foreign, world.oscar)
    assert not in_team(foreign, world.bob)


@pytest.mark.parametrize("path", ["members/", "members/{bob}/remove/"])
def test_a_get_is_not_allowed(world, path: str) -> None:
    url = f"/o/acme/teams/{world.team.pk}/" + path.format(bob=world.bob.pk)

    assert world.client_for(world.adam).get(url).status_code == 405
