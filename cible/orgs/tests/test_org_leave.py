"""Leaving an organisation: the membership and team memberships go, the last owner stays."""

import pytest

from cible.orgs.models import Membership, Role, Team, TeamMember

pytestmark = pytest.mark.django_db

URL = "/o/acme/leave/"


def is_member(world, user) -> bool:  # type: ignore[no-untyped-def]
    return Membership.objects.filter(organization=world.org, user=user).exists()


def test_leaving_removes_the_membership(world) -> None:
    response = world.client_for(world.bob).post(URL)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_member(world, world.bob)


def test_leaving_says_goodbye(world) -> None:
    response = world.client_for(world.bob).post(URL, follow=True)

    assert "You left Acme." in [str(m) for m in response.context["messages"]]


def test_leaving_removes_the_team_memberships_and_leads(world) -> None:
    world.client_for(world.bob).post(URL)

    assert not TeamMember.objects.filter(user=world.bob).exists()
    assert Team.objects.get(pk=world.team.pk).lead is None


def test_leaving_keeps_memberships_elsewhere(world) -> None:
    Membership.objects.create(organization=world.other_org, user=world.bob, role=Role.MEMBER)
    globex_team = Team.objects.create(organization=world.other_org, name="Ops", lead=world.bob)
    TeamMember.objects.create(team=globex_team, user=world.bob)

    world.client_for(world.bob).post(URL)

    assert Membership.objects.filter(organization=world.other_org, user=world.bob).exists()
    assert TeamMember.objects.filter(team=globex_team, user=world.bob).exists()
    assert Team.objects.get(pk=globex_team.pk).lead == world.bob


def test_after_leaving_the_organisation_is_a_404(world) -> None:
    client = world.client_for(world.bob)
    client.post(URL)

    assert client.get("/o/acme/").status_code == 404


def test_the_viewer_may_leave(world) -> None:
    response = world.client_for(world.vera).post(URL)

    assert response.status_code == 302
    assert not is_member(world, world.vera)


def test_an_admin_may_leave(world) -> None:
    world.client_for(world.adam).post(URL)

    assert not is_member(world, world.adam)


def test_the_last_owner_cannot_leave(world) -> None:
    response = world.client_for(world.alice).post(URL, follow=True)

    assert response.redirect_chain[-1][0] == "/o/acme/members/"
    assert is_member(world, world.alice)
    assert "You are the last owner: make someone else owner before leaving." in [
        str(m) for m in response.context["messages"]
    ]


def test_an_owner_may_leave_when_another_owner_remains(world) -> None:
    Membership.objects.filter(organization=world.org, user=world.adam).update(role=Role.OWNER)

    world.client_for(world.alice).post(URL)

    assert not is_member(world, world.alice)


def test_the_outsider_gets_404(world) -> None:
    before = Membership.objects.count()

    response = world.client_for(world.oscar).post(URL)

    assert response.status_code == 404
    assert Membership.objects.count() == before
    assert Membership.objects.filter(organization=world.other_org, user=world.oscar).exists()


def test_a_get_is_not_allowed(world) -> None:
    response = world.client_for(world.bob).get(URL)

    assert response.status_code == 405
    assert is_member(world, world.bob)
