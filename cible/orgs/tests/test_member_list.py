"""The members page: everyone in the organisation, and the admin tools for its admins."""

import pytest

from cible.orgs.models import Invitation, Role

pytestmark = pytest.mark.django_db

URL = "/o/acme/members/"


@pytest.mark.parametrize("name", ["alice", "adam", "bob", "vera"])
def test_every_member_gets_200_and_sees_everyone(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    for email in ("alice@acme.test", "adam@acme.test", "bob@acme.test", "vera@acme.test"):
        assert email in html
    assert "oscar@globex.test" not in html


def test_the_outsider_gets_404(world) -> None:
    response = world.client_for(world.oscar).get(URL)

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["alice", "adam"])
def test_admins_see_the_role_forms_and_the_invitation_form(world, name: str) -> None:
    html = world.client_for(getattr(world, name)).get(URL).content.decode()

    assert "/role/" in html
    assert 'action="/o/acme/invitations/"' in html


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_see_no_admin_tools(world, name: str) -> None:
    html = world.client_for(getattr(world, name)).get(URL).content.decode()

    assert "/role/" not in html
    assert 'action="/o/acme/invitations/"' not in html


def test_admins_do_not_get_a_role_form_for_themselves(world) -> None:
    adam_membership = world.org.memberships.get(user=world.adam)

    html = world.client_for(world.adam).get(URL).content.decode()

    assert f"/members/{adam_membership.pk}/role/" not in html


@pytest.fixture
def invitation(world) -> Invitation:  # type: ignore[no-untyped-def]
    return Invitation.objects.create(
        organization=world.org, created_by=world.adam, role=Role.MEMBER
    )


def test_admins_see_the_open_invitation_links(world, invitation) -> None:
    html = world.client_for(world.adam).get(URL).content.decode()

    assert invitation.token in html


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_never_see_invitation_links(world, invitation, name: str) -> None:
    html = world.client_for(getattr(world, name)).get(URL).content.decode()

    assert invitation.token not in html


def test_used_invitations_are_not_listed(world, invitation) -> None:
    from django.utils import timezone

    invitation.accepted_at = timezone.now()
    invitation.save()

    html = world.client_for(world.adam).get(URL).content.decode()

    assert invitation.token not in html


def test_another_organisations_invitations_are_not_listed(world) -> None:
    foreign = Invitation.objects.create(organization=world.other_org, role=Role.MEMBER)

    html = world.client_for(world.alice).get(URL).content.decode()

    assert foreign.token not in html
