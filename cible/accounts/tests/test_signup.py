"""Sign up through django-allauth: an e-mail address, a name and a password; the address
is confirmed by mail before the account is used, and the answer never tells whether an
address was already registered."""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from cible.accounts.models import User
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/accounts/signup/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """allauth counts the confirmation mails sent in the cache: each test starts with none."""
    cache.clear()


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


def confirm(client: Client, mailoutbox: list[Any]) -> Any:
    """Follow the link of the confirmation mail, as its reader would."""
    [link] = re.findall(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[-1].body)
    return client.post(link, follow=True)


def test_the_new_user_is_signed_in_once_the_address_is_confirmed(client, mailoutbox) -> None:
    client.post(SIGNUP_URL, signup_data())
    assert "_auth_user_id" not in client.session

    confirm(client, mailoutbox)

    user = User.objects.get(email="nina@example.test")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_new_user_without_an_organisation_lands_on_the_creation_page(client, mailoutbox) -> None:
    client.post(SIGNUP_URL, signup_data())

    response = confirm(client, mailoutbox)

    assert response.redirect_chain[-1][0] == "/organisations/new/"


def test_the_email_is_stored_in_lower_case(client) -> None:
    client.post(SIGNUP_URL, signup_data(email="Nina@Example.TEST"))

    assert User.objects.filter(email="nina@example.test").exists()


def test_mismatched_passwords_create_nothing(client) -> None:
    response = client.post(SIGNUP_URL, signup_data(password2="something else entirely"))

    assert response.status_code == 200
    assert not User.objects.filter(email="nina@example.test").exists()


def test_an_address_already_taken_creates_nothing(client, world, mailoutbox) -> None:
    response = client.post(SIGNUP_URL, signup_data(email="alice@acme.test"))

    assert response.status_code == 302
    assert User.objects.filter(email="alice@acme.test").count() == 1
    assert User.objects.get(email="alice@acme.test").name == "Alice Martin"
    assert "_auth_user_id" not in client.session
    [mail] = mailoutbox
    assert mail.to == ["alice@acme.test"] and "/accounts/confirm-email/" not in mail.body


def _main(response: Any) -> str:
    """The page's own content, without the layout's per-request tokens."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", html[html.index("<main") : html.index("</main>")])


@pytest.mark.parametrize("email", ["Alice@Acme.test", "alice@acme.test"])
def test_signing_up_with_a_registered_address_answers_like_a_new_one(
    world, mailoutbox, email: str
) -> None:
    taken = Client().post(SIGNUP_URL, signup_data(email=email), follow=True)
    new = Client().post(SIGNUP_URL, signup_data(email="nina@example.test"), follow=True)

    assert taken.status_code == new.status_code == 200
    assert taken.redirect_chain == new.redirect_chain
    assert _main(taken) == _main(new)
    assert "already" not in _main(taken)
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@acme.test", "nina@example.test"]


@pytest.mark.parametrize("name", ["Nina \u202eenomiS", "Nina\x00", "Nina\nSimone"])
def test_a_name_with_a_control_or_bidi_character_is_refused(client, name: str) -> None:
    response = client.post(SIGNUP_URL, signup_data(name=name))

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not User.objects.filter(email="nina@example.test").exists()
