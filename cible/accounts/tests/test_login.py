"""Signing in with an e-mail address, signing out, and what anonymous visitors get."""

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"


def test_it_signs_in_with_the_email_and_password(client, world) -> None:
    response = client.post(LOGIN_URL, {"login": "alice@acme.test", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_signing_in_leads_to_the_organisation(client, world) -> None:
    response = client.post(
        LOGIN_URL, {"login": "alice@acme.test", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/o/acme/"
    assert response.status_code == 200


def test_the_email_is_case_insensitive(client, world) -> None:
    client.post(LOGIN_URL, {"login": "ALICE@acme.test", "password": PASSWORD})

    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_a_wrong_password_does_not_sign_in(client, world) -> None:
    response = client.post(LOGIN_URL, {"login": "alice@acme.test", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_signs_out_on_post(world) -> None:
    client = world.client_for(world.alice)

    response = client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/o/acme/").status_code == 302


def test_a_get_on_the_sign_out_url_does_not_sign_out(world) -> None:
    client = world.client_for(world.alice)

    response = client.get(LOGOUT_URL)

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_an_anonymous_visitor_of_an_organisation_is_sent_to_the_login_page(client, world) -> None:
    response = client.get("/o/acme/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/o/acme/"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/organisations/new/",
        "/o/acme/settings/",
        "/o/acme/members/",
        "/o/acme/teams/",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_anonymous_post_changes_nothing_and_asks_to_sign_in(client, world) -> None:
    response = client.post("/o/acme/teams/", {"name": "Sneaky"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not world.org.teams.filter(name="Sneaky").exists()
