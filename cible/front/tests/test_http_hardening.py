"""HTTP hardening: CSRF on every form, login throttling, strong passwords hashed with
Argon2, the Content Security Policy and the other protective headers, HttpOnly session
cookies, and secure cookies, HSTS and the proxy header in production (over https)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.test import Client

import cible.settings as production
from cible.accounts.models import User
from conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
SIGNUP_URL = "/accounts/signup/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """allauth counts attempts in the cache: each test starts with none."""
    cache.clear()


# --- CSRF -------------------------------------------------------------------------------


def csrf_client(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def form_posts(world: World) -> list[tuple[str, dict[str, object]]]:
    kr = world.kr
    return [
        ("/o/acme/objectives/new/", {"title": "Forged", "level": "person", "owner": world.bob.pk}),
        ("/o/acme/check-in/", {f"kr-{kr.pk}-value": "1.5"}),
        (f"/o/acme/key-results/{kr.pk}/check-in/", {f"kr-{kr.pk}-value": "1.5"}),
        (f"/o/acme/key-results/{kr.pk}/score/", {"score": "0.67"}),
        (f"/o/acme/teams/{world.team.pk}/meeting/", {"notes": "Forged"}),
        ("/accounts/logout/", {}),
    ]


def test_a_post_without_its_csrf_token_is_refused_with_403(world: World) -> None:
    client = csrf_client(world.bob)
    client.get("/o/acme/check-in/")  # the CSRF cookie is set, but the forged form has no token
    for url, data in form_posts(world):
        response = client.post(url, data)

        assert response.status_code == 403, url
        html = response.content.decode()
        assert "The form has expired" in html, url  # the site's own page
        assert 'class="site-header"' in html
    assert not world.kr.check_ins.exists()


def test_a_sign_in_without_its_csrf_token_is_refused_with_403(world: World) -> None:
    response = csrf_client(None).post(LOGIN_URL, {"login": world.bob.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in response.client.session


def test_the_same_post_with_its_token_goes_through(world: World) -> None:
    """The control: the 403s above come from the missing token."""
    client = csrf_client(world.bob)
    client.get("/o/acme/check-in/")
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/o/acme/check-in/", {f"kr-{world.kr.pk}-value": "1.5", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert world.kr.check_ins.count() == 1


# --- Login throttling -------------------------------------------------------------------


def sign_in(client: Client, email: str, password: str) -> int:
    return client.post(LOGIN_URL, {"login": email, "password": password}).status_code


def test_repeated_failures_make_that_address_wait_even_with_the_right_password(
    world: World,
) -> None:
    """The address that guessed waits (cible/accounts/throttle.py); the right password from
    another address is not held back by it (cible/accounts/tests/test_throttle.py)."""
    client = Client()
    for _attempt in range(5):
        assert sign_in(client, world.bob.email, "not the password") == 200

    response = client.post(LOGIN_URL, {"login": world.bob.email, "password": PASSWORD})

    assert "Too many failed sign-ins from this address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_flood_of_sign_ins_from_one_address_gets_429(world: World) -> None:
    client = Client()
    statuses = [
        sign_in(client, f"guess{attempt}@acme.test", "not the password") for attempt in range(40)
    ]

    assert 429 in statuses
    first = statuses.index(429)
    assert first <= 30, statuses
    assert set(statuses[first:]) == {429}
    # Even the right password is turned away while the address is throttled.
    response = client.post(LOGIN_URL, {"login": world.bob.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_throttled(world: World) -> None:
    flood = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(35):
        sign_in(flood, f"guess{attempt}@acme.test", "not the password")

    client = Client(REMOTE_ADDR="198.51.100.1")
    response = client.post(LOGIN_URL, {"login": world.bob.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.bob.pk)


# --- Passwords --------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2_in_production() -> None:
    """The test suite swaps in a fast hasher (see conftest.py): the settings module holds
    the production list."""
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_argon2_hasher_works_here(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS

    hashed = make_password(PASSWORD)

    assert hashed.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, hashed)
    assert not check_password("wrong", hashed)


def test_the_password_validators_are_all_on() -> None:
    names = [v["NAME"].rsplit(".", 1)[-1] for v in production.AUTH_PASSWORD_VALIDATORS]

    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("password", ["This password is too common."]),
        ("12345678", ["This password is too common.", "This password is entirely numeric."]),
        ("Xq7!", ["This password is too short. It must contain at least 8 characters."]),
        ("marie.curie.lab", ["The password is too similar to the"]),
    ],
)
def test_a_weak_password_is_refused_at_sign_up(
    db,  # type: ignore[no-untyped-def]
    password: str,
    messages: list[str],
) -> None:
    client = Client()

    response = client.post(
        SIGNUP_URL,
        {
            "email": "marie.curie.lab@example.org",
            "name": "Marie",
            "password1": password,
            "password2": password,
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert not User.objects.filter(email="marie.curie.lab@example.org").exists()


def test_a_strong_password_is_accepted_at_sign_up(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        SIGNUP_URL,
        {
            "email": "marie@example.org",
            "name": "Marie",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="marie@example.org").exists()


# --- Headers and cookies ----------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/o/acme/", "/o/acme/dashboard/", LOGIN_URL, "/o/acme/nowhere/"])
def test_every_page_carries_a_strict_content_security_policy(world: World, path: str) -> None:
    client = world.client_for(None if path == LOGIN_URL else world.bob)

    response = client.get(path)

    header = response.headers["Content-Security-Policy"]
    directives = csp_directives(header)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


def test_the_protective_headers_are_set(world: World) -> None:
    response = world.client_for(world.bob).get("/o/acme/")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only(world: World) -> None:
    client = Client()

    response = client.post(LOGIN_URL, {"login": world.bob.email, "password": PASSWORD})

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_over_https_has_secure_cookies_hsts_and_the_proxy_header(
    tmp_path: Path,
) -> None:
    """The settings as a server started with CIBLE_SITE_URL=https://... sees them."""
    env = {
        **os.environ,
        "CIBLE_DATA_DIR": str(tmp_path),
        "CIBLE_SITE_URL": "https://okr.example.com",
        "CIBLE_ALLOWED_HOSTS": "okr.example.com",
        "CIBLE_DEBUG": "false",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import json, cible.settings as s; print(json.dumps({k: getattr(s, k, None) for k in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_PROXY_SSL_HEADER', 'CSRF_TRUSTED_ORIGINS', 'DEBUG']}))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://okr.example.com"]
    assert values["DEBUG"] is False
