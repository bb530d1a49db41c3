"""The home page sends people where they belong."""

import pytest

from cible.accounts.models import User
from cible.orgs.models import Membership, Role
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_user_with_no_membership_is_sent_to_create_an_organisation(world) -> None:
    newcomer = User.objects.create_user(email="new@example.test", password=PASSWORD)

    response = world.client_for(newcomer).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/organisations/new/"


def test_a_member_is_sent_to_their_organisation(world) -> None:
    response = world.client_for(world.bob).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"


def test_a_viewer_is_sent_to_their_organisation(world) -> None:
    response = world.client_for(world.vera).get("/")

    assert response["Location"] == "/o/acme/"


def test_the_outsider_is_sent_to_their_own_organisation(world) -> None:
    response = world.client_for(world.oscar).get("/")

    assert response["Location"] == "/o/globex/"


def test_someone_in_two_organisations_is_sent_to_the_first_they_joined(world) -> None:
    Membership.objects.create(organization=world.other_org, user=world.bob, role=Role.MEMBER)

    response = world.client_for(world.bob).get("/")

    assert response["Location"] == "/o/acme/"


def test_a_user_who_left_their_only_organisation_is_sent_to_create_one(world) -> None:
    Membership.objects.filter(user=world.vera).delete()

    response = world.client_for(world.vera).get("/")

    assert response["Location"] == "/organisations/new/"


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
