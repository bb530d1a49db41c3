"""Resetting a forgotten password by e-mail."""

import re

import pytest

from cible.accounts.models import User

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "a brand new passphrase 42"


def test_it_sends_a_mail_to_the_address(client, world, mailoutbox) -> None:
    response = client.post(RESET_URL, {"email": "alice@acme.test"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@acme.test"]


def test_the_mail_holds_a_link_that_sets_a_new_password(client, world, mailoutbox) -> None:
    client.post(RESET_URL, {"email": "alice@acme.test"})
    [link] = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)

    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert User.objects.get(pk=world.alice.pk).check_password(NEW_PASSWORD)


def test_an_unknown_address_gets_no_reset_link(client, world, mailoutbox) -> None:
    client.post(RESET_URL, {"email": "nobody@nowhere.test"})

    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)
