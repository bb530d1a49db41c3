"""Opening an invitation link and joining the organisation with the invitation's role."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cible.accounts.models import User
from cible.orgs.models import Invitation, Membership, Role
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(world) -> Invitation:  # type: ignore[no-untyped-def]
    return Invitation.objects.create(
        organization=world.org, created_by=world.alice, role=Role.ADMIN
    )


@pytest.fixture
def newcomer(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user(email="nina@example.test", password=PASSWORD, name="Nina")


@pytest.fixture
def other_newcomer(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user(email="otto@example.test", password=PASSWORD, name="Otto")


def url(invitation: Invitation) -> str:
    return f"/invitations/{invitation.token}/"


def test_an_anonymous_visitor_is_asked_to_sign_in_or_sign_up(client, invitation) -> None:
    response = client.get(url(invitation))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Acme" in html
    assert f"/accounts/signup/?next=/invitations/{invitation.token}/" in html
    assert f"/accounts/login/?next=/invitations/{invitation.token}/" in html


def test_an_anonymous_post_creates_nothing(client, invitation) -> None:
    response = client.post(url(invitation))

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_signed_in_visitor_sees_the_role_offered(world, invitation, newcomer) -> None:
    response = world.client_for(newcomer).get(url(invitation))

    assert response.status_code == 200
    html = response.content.decode()
    assert "You are invited with the role: Admin." in html
    assert 'class="primary">Join</button>' in html


def test_a_get_does_not_join(world, invitation, newcomer) -> None:
    world.client_for(newcomer).get(url(invitation))

    assert not Membership.objects.filter(user=newcomer).exists()


def test_accepting_creates_a_membership_with_the_invitations_role(
    world, invitation, newcomer
) -> None:
    response = world.client_for(newcomer).post(url(invitation))

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    membership = Membership.objects.get(user=newcomer)
    assert membership.organization == world.org
    assert membership.role == Role.ADMIN


def test_accepting_marks_the_invitation_used(world, invitation, newcomer) -> None:
    world.client_for(newcomer).post(url(invitation))

    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer
    assert invitation.accepted_at is not None
    assert not invitation.is_usable


def test_the_new_member_can_open_the_organisation(world, invitation, newcomer) -> None:
    client = world.client_for(newcomer)
    client.post(url(invitation))

    assert client.get("/o/acme/").status_code == 200


def test_an_invitation_cannot_be_reused(world, invitation, newcomer, other_newcomer) -> None:
    world.client_for(newcomer).post(url(invitation))

    response = world.client_for(other_newcomer).post(url(invitation))

    assert response.status_code == 200
    assert not Membership.objects.filter(user=other_newcomer).exists()
    assert "This invitation has expired or was already used." in response.content.decode()


def test_a_used_invitation_says_so_on_get(world, invitation, newcomer, other_newcomer) -> None:
    world.client_for(newcomer).post(url(invitation))

    html = world.client_for(other_newcomer).get(url(invitation)).content.decode()

    assert "This invitation has expired or was already used." in html
    assert 'class="primary">Join</button>' not in html


def test_an_expired_invitation_is_rejected(world, invitation, newcomer) -> None:
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()

    response = world.client_for(newcomer).post(url(invitation))

    assert response.status_code == 200
    assert not Membership.objects.filter(user=newcomer).exists()
    assert "This invitation has expired or was already used." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unknown_token_gets_404(world, newcomer) -> None:
    response = world.client_for(newcomer).get("/invitations/not-a-real-token/")

    assert response.status_code == 404


def test_an_unknown_token_post_gets_404(world, newcomer) -> None:
    response = world.client_for(newcomer).post("/invitations/not-a-real-token/")

    assert response.status_code == 404
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_existing_member_keeps_their_role_and_the_invitation_stays_open(
    world, invitation
) -> None:
    response = world.client_for(world.vera).post(url(invitation))

    assert response.status_code == 302
    assert Membership.objects.get(organization=world.org, user=world.vera).role == Role.VIEWER
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_the_outsider_joins_with_a_valid_link(world, invitation) -> None:
    world.client_for(world.oscar).post(url(invitation))

    assert Membership.objects.get(organization=world.org, user=world.oscar).role == Role.ADMIN
    assert Membership.objects.get(organization=world.other_org, user=world.oscar).role == Role.OWNER


def test_signing_up_from_the_link_leads_back_to_it(client, invitation, mailoutbox) -> None:
    response = client.post(
        f"/accounts/signup/?next={url(invitation)}",
        {
            "email": "fresh@example.test",
            "name": "Fresh",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": url(invitation),
        },
    )

    # The address is confirmed first; its link signs in and leads back to the invitation.
    assert response.status_code == 302
    [link] = re.findall(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[-1].body)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == url(invitation)
    client.post(url(invitation))
    assert Membership.objects.get(user__email="fresh@example.test").role == Role.ADMIN
