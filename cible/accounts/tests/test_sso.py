"""Single sign-on: the CIBLE_OIDC_* settings, the sign-in button, and joining an
organisation by e-mail domain. The whole journey through a real provider is in
tests_e2e/test_sso.py."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import user_signed_up
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.signals import social_account_added
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.utils import translation

from cible.accounts.models import User
from cible.accounts.sso import SocialAccountAdapter
from cible.accounts.sso_config import PROVIDER_ID, join_domains, oidc_providers
from cible.audit.models import Action, AuditEntry
from cible.orgs.models import Membership, Role
from cible.orgs.sso import join_by_email_domain
from conftest import make_user

LOGIN_URL = "/accounts/login/"
ISSUER = "https://id.example.com/realms/acme"
PROVIDERS = oidc_providers(ISSUER, "cible", "s3cret", "Acme ID")
ROOT = Path(__file__).resolve().parents[3]


# The settings read from the environment.


def test_without_a_server_url_single_sign_on_is_off() -> None:
    assert oidc_providers("", "", "") == {}
    assert join_domains("", {}) == {}


def test_a_configured_provider_is_one_settings_app() -> None:
    (app,) = PROVIDERS["openid_connect"]["APPS"]

    assert app["provider_id"] == PROVIDER_ID
    assert app["name"] == "Acme ID"
    assert (app["client_id"], app["secret"]) == ("cible", "s3cret")
    assert app["settings"]["server_url"] == ISSUER
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["default_name"] is False


def test_the_default_name_is_single_sign_on() -> None:
    (app,) = oidc_providers(ISSUER + "/", "cible", "s3cret")["openid_connect"]["APPS"]

    with translation.override("en"):
        assert str(app["name"]) == "Single sign-on"
    assert app["settings"]["default_name"] is True
    assert app["settings"]["server_url"] == ISSUER


@pytest.mark.parametrize(
    ("server_url", "client_id", "name", "message"),
    [
        ("", "cible", "", "CIBLE_OIDC_CLIENT_ID is set but CIBLE_OIDC_SERVER_URL is not"),
        ("", "", "Acme ID", "CIBLE_OIDC_NAME is set but CIBLE_OIDC_SERVER_URL is not"),
        (ISSUER, "", "", "CIBLE_OIDC_CLIENT_ID is not"),
        ("id.example.com", "cible", "", "must be the provider's issuer URL"),
    ],
)
def test_an_incomplete_provider_stops_the_start_up(
    server_url: str, client_id: str, name: str, message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc_providers(server_url, client_id, "s3cret", name)


def test_join_domains_maps_each_domain_to_an_organisation() -> None:
    value = " Example.COM=acme , example.org=globex-2,, sub.example.net=acme "

    assert join_domains(value, PROVIDERS) == {
        "example.com": "acme",
        "example.org": "globex-2",
        "sub.example.net": "acme",
    }


@pytest.mark.parametrize(
    "value",
    [
        "example.com",
        "example.com=",
        "=acme",
        "example.com:acme",
        "@example.com=acme",
        "alice@example.com=acme",
        "localhost=acme",
        "example..com=acme",
        "exa mple.com=acme",
        "example.com=acme/x",
        "example.com=acme=globex",
    ],
)
def test_a_malformed_join_entry_stops_the_start_up_and_names_it(value: str) -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        join_domains(f"example.org=globex,{value}", PROVIDERS)

    assert f"CIBLE_OIDC_JOIN: {value!r} is not of the form domain=organisation-slug" in str(
        error.value
    )


def test_a_domain_given_twice_stops_the_start_up() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"'example\.com' appears twice"):
        join_domains("example.com=acme,EXAMPLE.com=globex", PROVIDERS)


def test_joining_without_a_provider_stops_the_start_up() -> None:
    with pytest.raises(ImproperlyConfigured, match="CIBLE_OIDC_JOIN is set but single sign-on"):
        join_domains("example.com=acme", {})


def test_a_bad_join_variable_stops_the_server_with_a_clear_message(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CIBLE_DATA_DIR": str(tmp_path),
        "CIBLE_SECRET_KEY": "test",
        "CIBLE_OIDC_SERVER_URL": ISSUER,
        "CIBLE_OIDC_CLIENT_ID": "cible",
        "CIBLE_OIDC_JOIN": "example.com acme",
        "DJANGO_SETTINGS_MODULE": "cible.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: CIBLE_OIDC_JOIN: 'example.com acme'" in result.stderr


# The sign-in page.


@pytest.mark.django_db
def test_without_configuration_the_sign_in_page_shows_no_single_sign_on(client) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert b"/accounts/oidc/" not in response.content
    assert b"Sign in with" not in response.content
    assert b'name="password"' in response.content


@pytest.mark.django_db
def test_configured_the_sign_in_page_has_a_posting_button(client, settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS

    response = client.get(LOGIN_URL + "?next=/o/acme/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<button type="submit" class="primary">Sign in with Acme ID</button>' in html
    action = "/accounts/oidc/sso/login/?process=login&amp;next=%2Fo%2Facme%2F"
    assert f'<form method="post" action="{action}">' in html
    assert 'name="password"' in html  # the password form stays


@pytest.mark.django_db
def test_the_default_button_is_translated(client, settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(ISSUER, "cible", "s3cret")

    english = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Sign in with single sign-on" in english
    assert 'lang="fr"' in french
    assert "/accounts/oidc/sso/login/" in french


@pytest.mark.django_db
def test_a_get_on_the_provider_url_only_asks_for_confirmation(client, settings) -> None:
    """No request leaves for the provider on a GET: a link cannot start a sign-in."""
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS

    response = client.get("/accounts/oidc/sso/login/")

    assert response.status_code == 200
    assert b'method="post"' in response.content


@pytest.mark.django_db
def test_an_unconfigured_provider_url_is_a_404(client) -> None:
    assert client.get("/accounts/oidc/sso/login/").status_code == 404


# The person's name from the provider.


@pytest.mark.django_db
def test_the_name_comes_from_the_provider(settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS
    request = RequestFactory().get("/")
    adapter = SocialAccountAdapter(request)
    sociallogin = SocialLogin(user=User(), account=SocialAccount(provider=PROVIDER_ID))

    user = adapter.populate_user(request, sociallogin, {"email": "d@x.test", "name": "Dana M"})
    assert user.name == "Dana M"

    parts = {"email": "d@x.test", "first_name": "Dana", "last_name": "Moreau"}
    assert adapter.populate_user(request, sociallogin, parts).name == "Dana Moreau"


# Joining by e-mail domain.


@pytest.fixture
def joining(settings, world):  # type: ignore[no-untyped-def]
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS
    settings.SSO_JOIN_DOMAINS = {"acme.test": "acme", "acme.example": "acme", "gone.test": "gone"}
    return world


def social_login(user, email: str, verified: bool) -> SocialLogin:  # type: ignore[no-untyped-def]
    return SocialLogin(
        user=user,
        account=SocialAccount(provider=PROVIDER_ID, uid=email),
        email_addresses=[EmailAddress(email=email, verified=verified, primary=True)],
    )


def joins(org) -> int:  # type: ignore[no-untyped-def]
    return AuditEntry.objects.filter(organization=org, action=Action.JOINED).count()


@pytest.mark.django_db
def test_a_new_account_joins_its_domain_organisation_as_a_member(joining) -> None:
    dana = make_user("dana@acme.test", "Dana Moreau")
    before = joins(joining.org)

    user_signed_up.send(
        sender=type(dana), request=None, user=dana, sociallogin=social_login(dana, dana.email, True)
    )

    membership = Membership.objects.get(organization=joining.org, user=dana)
    assert membership.role == Role.MEMBER
    assert joins(joining.org) == before + 1
    entry = AuditEntry.objects.filter(action=Action.JOINED).latest("pk")
    assert (entry.actor, entry.target_label) == (dana, "Dana Moreau")


@pytest.mark.django_db
def test_joining_twice_changes_nothing(joining) -> None:
    dana = make_user("dana@acme.test", "Dana Moreau")

    first = join_by_email_domain(dana, ["dana@acme.test", "dana@acme.example"])
    entries = joins(joining.org)
    second = join_by_email_domain(dana, ["dana@acme.test"])

    assert len(first) == 1
    assert second == []
    assert Membership.objects.filter(user=dana).count() == 1
    assert joins(joining.org) == entries


@pytest.mark.django_db
def test_an_existing_membership_keeps_its_role(joining) -> None:
    social_account_added.send(
        sender=SocialLogin,
        request=None,
        sociallogin=social_login(joining.alice, joining.alice.email, True),
    )

    assert Membership.objects.get(organization=joining.org, user=joining.alice).role == Role.OWNER


@pytest.mark.django_db
def test_an_existing_account_joins_when_it_first_signs_in_by_sso(joining) -> None:
    oscar = joining.oscar
    social_account_added.send(
        sender=SocialLogin, request=None, sociallogin=social_login(oscar, "oscar@acme.test", True)
    )

    assert Membership.objects.get(organization=joining.org, user=oscar).role == Role.MEMBER


@pytest.mark.django_db
def test_an_unverified_address_joins_nothing(joining) -> None:
    dana = make_user("dana@acme.test", "Dana Moreau")

    user_signed_up.send(
        sender=type(dana),
        request=None,
        user=dana,
        sociallogin=social_login(dana, dana.email, False),
    )

    assert not Membership.objects.filter(user=dana).exists()


@pytest.mark.django_db
def test_a_password_sign_up_joins_nothing(joining) -> None:
    dana = make_user("dana@acme.test", "Dana Moreau")

    user_signed_up.send(sender=type(dana), request=None, user=dana)

    assert not Membership.objects.filter(user=dana).exists()


@pytest.mark.django_db
def test_other_domains_and_missing_organisations_join_nothing(joining, caplog) -> None:
    dana = make_user("dana@elsewhere.test", "Dana Moreau")

    assert join_by_email_domain(dana, ["dana@elsewhere.test", "dana@acme.test.evil"]) == []
    assert join_by_email_domain(dana, ["dana@gone.test"]) == []

    assert not Membership.objects.filter(user=dana).exists()
    assert "names the organisation 'gone', which does not exist" in caplog.text


@pytest.mark.django_db
def test_joining_takes_a_fixed_number_of_queries(joining, django_assert_max_num_queries) -> None:
    dana = make_user("dana@acme.test", "Dana Moreau")

    with django_assert_max_num_queries(8):
        join_by_email_domain(dana, ["dana@acme.test", "dana@acme.example"])
