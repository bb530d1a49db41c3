"""Sign up through django-allauth: an e-mail address, a name and a password."""

import pytest

from cible.accounts.models import User
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/accounts/signup/"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "nina@example.test",
        "name": "Nina Simone",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_the_signup_page_renders_with_a_name_field(client) -> None:
    response = client.get(SIGNUP_URL)

    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()
    assert 'name="email"' in response.content.decode()


def test_it_creates_a_user_with_the_name(client) -> None:
    response = client.post(SIGNUP_URL, signup_data())

    assert response.status_code == 302
    user = User.objects.get(email="nina@example.test")
    assert user.name == "Nina Simone"
    assert user.check_password(PASSWORD)


def test_the_new_user_is_signed_in_after_signing_up(client) -> None:
    client.post(SIGNUP_URL, signup_data())

    user = User.objects.get(email="nina@example.test")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_new_user_without_an_organisation_lands_on_the_creation_page(client) -> None:
    response = client.post(SIGNUP_URL, signup_data(), follow=True)

    assert response.redirect_chain[-1][0] == "/organisations/new/"


def test_the_email_is_stored_in_lower_case(client) -> None:
    client.post(SIGNUP_URL, signup_data(email="Nina@Example.TEST"))

    assert User.objects.filter(email="nina@example.test").exists()


def test_mismatched_passwords_create_nothing(client) -> None:
    response = client.post(SIGNUP_URL, signup_data(password2="something else entirely"))

    assert response.status_code == 200
    assert not User.objects.filter(email="nina@example.test").exists()


def test_an_address_already_taken_creates_nothing(client, world) -> None:
    response = client.post(SIGNUP_URL, signup_data(email="alice@acme.test"))

    assert response.status_code == 200
    assert User.objects.filter(email="alice@acme.test").count() == 1
    assert User.objects.get(email="alice@acme.test").name == "Alice Martin"
