"""Admins create invitation links; the link is shown in a message."""

import pytest

from cible.orgs.models import Invitation, Role

pytestmark = pytest.mark.django_db

URL = "/o/acme/invitations/"


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_an_admin_creates_an_invitation(world) -> None:
    response = world.client_for(world.adam).post(
        URL, {"role": Role.MEMBER, "email": "newbie@example.test"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/members/"
    invitation = Invitation.objects.get()
    assert invitation.organization == world.org
    assert invitation.role == Role.MEMBER
    assert invitation.email == "newbie@example.test"
    assert invitation.created_by == world.adam
    assert invitation.is_usable


def test_the_link_is_shown_in_a_message(world) -> None:
    response = world.client_for(world.adam).post(URL, {"role": Role.VIEWER}, follow=True)

    invitation = Invitation.objects.get()
    link = f"http://testserver/invitations/{invitation.token}/"
    assert any(link in message for message in messages_of(response))
    assert link in response.content.decode()


def test_the_email_is_optional(world) -> None:
    world.client_for(world.alice).post(URL, {"role": Role.ADMIN})

    assert Invitation.objects.get().email == ""


def test_each_invitation_gets_its_own_token(world) -> None:
    client = world.client_for(world.alice)
    client.post(URL, {"role": Role.MEMBER})
    client.post(URL, {"role": Role.MEMBER})

    assert len(set(Invitation.objects.values_list("token", flat=True))) == 2


def test_an_admin_cannot_invite_an_owner(world) -> None:
    response = world.client_for(world.adam).post(URL, {"role": Role.OWNER}, follow=True)

    assert not Invitation.objects.exists()
    assert "Choose a valid role and e-mail address." in messages_of(response)


def test_an_owner_can_invite_an_owner(world) -> None:
    world.client_for(world.alice).post(URL, {"role": Role.OWNER})

    assert Invitation.objects.get().role == Role.OWNER


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"role": "god"}, id="unknown-role"),
        pytest.param({}, id="no-role"),
        pytest.param({"role": Role.MEMBER, "email": "not an address"}, id="bad-email"),
    ],
)
def test_bad_input_creates_nothing(world, data: dict[str, str]) -> None:
    response = world.client_for(world.alice).post(URL, data, follow=True)

    assert not Invitation.objects.exists()
    assert "Choose a valid role and e-mail address." in messages_of(response)


@pytest.mark.parametrize("name", ["bob", "vera"])
def test_members_and_viewers_get_403(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).post(URL, {"role": Role.MEMBER})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_outsider_gets_404(world) -> None:
    response = world.client_for(world.oscar).post(URL, {"role": Role.OWNER})

    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_a_get_is_not_allowed(world) -> None:
    assert world.client_for(world.alice).get(URL).status_code == 405
