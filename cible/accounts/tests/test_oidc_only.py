"""CIBLE_OIDC_ONLY: sign-in through the organisation's provider only. The password pages
are gone (a GET leads to the single sign-on button, a POST is refused) and the sign-in page
shows the button alone; without the setting everything stays."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cible.accounts.oidc_only import HIDDEN
from cible.accounts.sso_config import oidc_providers
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
PROVIDERS = oidc_providers("https://id.example.com/realms/acme", "cible", "s3cret", "Acme ID")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def sso(settings):  # type: ignore[no-untyped-def]
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS
    return settings


@pytest.fixture
def oidc_only(sso):  # type: ignore[no-untyped-def]
    sso.OIDC_ONLY = True
    return sso


def _reset_key_url(world) -> str:  # type: ignore[no-untyped-def]
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(world.alice)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(world.alice), "key": key},
    )


# Each password page, by URL name: (URL, signed in to reach it).
def password_pages(world) -> dict[str, tuple[str, bool]]:  # type: ignore[no-untyped-def]
    return {
        "account_signup": ("/accounts/signup/", False),
        "account_reset_password": ("/accounts/password/reset/", False),
        "account_reset_password_done": ("/accounts/password/reset/done/", False),
        "account_reset_password_from_key": (_reset_key_url(world), False),
        "account_reset_password_from_key_done": ("/accounts/password/reset/key/done/", False),
        "account_change_password": ("/accounts/password/change/", True),
        "account_set_password": ("/accounts/password/set/", True),
        "account_reauthenticate": ("/accounts/reauthenticate/", True),
        "account_confirm_login_code": ("/accounts/login/code/confirm/", False),
    }


def test_every_hidden_page_is_listed_here(world) -> None:
    assert set(password_pages(world)) == HIDDEN


def _client(world, signed_in: bool) -> Client:  # type: ignore[no-untyped-def]
    return world.client_for(world.alice) if signed_in else Client()


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_with_oidc_only_a_password_page_leads_to_the_sign_in_button(
    world, oidc_only, name: str
) -> None:
    url, signed_in = password_pages(world)[name]

    response = _client(world, signed_in).get(url + "?next=/o/acme/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/o/acme/"


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_with_oidc_only_a_post_to_a_password_page_is_a_404(world, oidc_only, name: str) -> None:
    url, signed_in = password_pages(world)[name]
    data = {"email": "new@acme.test", "password1": PASSWORD, "password2": PASSWORD}

    response = _client(world, signed_in).post(url, data)

    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_without_oidc_only_the_password_pages_are_there(world, sso, name: str) -> None:
    url, signed_in = password_pages(world)[name]

    response = _client(world, signed_in).get(url + "?next=/o/acme/")

    # allauth's own answer: the page, or where its journey continues.
    assert response.status_code in (200, 302), url
    assert response.get("Location") != "/accounts/login/?next=/o/acme/", url


def test_with_oidc_only_the_sign_in_page_shows_only_the_button(client, world, oidc_only) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="password"' not in content
    assert "/accounts/signup/" not in content
    assert "Sign in with Acme ID" in content
    assert "Sign in through your organisation" in content
    assert "Or sign in through your organisation" not in content


def test_with_oidc_only_a_password_sign_in_is_refused(client, world, oidc_only) -> None:
    response = client.post(LOGIN_URL, {"login": "alice@acme.test", "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_without_oidc_only_the_sign_in_page_has_both(client, world, sso) -> None:
    content = client.get(LOGIN_URL).content.decode()

    assert 'name="password"' in content
    assert "/accounts/signup/" in content
    assert "Or sign in through your organisation" in content
    client.post(LOGIN_URL, {"login": "alice@acme.test", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_with_oidc_only_the_sign_in_page_is_in_french(client, world, oidc_only) -> None:
    with translation.override("fr"):
        response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="fr")

    assert "Connectez-vous via votre organisation" in response.content.decode()


def test_with_oidc_only_the_single_sign_on_journey_starts(client, world, oidc_only) -> None:
    # A GET on the provider's URL asks to confirm (test_sso); the POST leaves for the provider.
    response = client.get("/accounts/oidc/sso/login/?process=login")

    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()


def _start(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CIBLE_DATA_DIR": str(tmp_path),
        "CIBLE_SECRET_KEY": "test",
        "DJANGO_SETTINGS_MODULE": "cible.settings",
        **{f"CIBLE_{name}": value for name, value in variables.items()},
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.OIDC_ONLY)",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("value", "expected"), [("true", "True"), ("", "False")])
def test_the_setting_reads_cible_oidc_only(tmp_path: Path, value: str, expected: str) -> None:
    sso = {"OIDC_SERVER_URL": "https://id.example.com/realms/acme", "OIDC_CLIENT_ID": "cible"}

    result = _start(tmp_path, OIDC_ONLY=value, **sso)

    assert result.stdout.strip() == expected, result.stderr


def test_oidc_only_without_a_provider_stops_the_start_up(tmp_path: Path) -> None:
    result = _start(tmp_path, OIDC_ONLY="true")

    assert result.returncode != 0
    assert "CIBLE_OIDC_ONLY is set but single sign-on is off" in result.stderr
