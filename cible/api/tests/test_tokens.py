"""Personal API tokens: scopes, revocation, expiry, storage, and the tokens page."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cible.api.models import ApiToken
from cible.api.tests.conftest import Api, ApiFor
from cible.api.tokens import create_token, digest_of, revoke_token
from cible.audit.models import AuditEntry
from conftest import PASSWORD, World

ORGS = "/orgs/acme/objectives"


def test_a_token_reads_with_its_owners_rights(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob, "read").get(ORGS)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_read_only_token_cannot_write(world: World, api_for: ApiFor) -> None:
    response = api_for(world.alice, "read").post(
        f"/orgs/acme/key-results/{world.kr.pk}/check-ins", {"value": 3}
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "This token is read-only."
    assert not world.kr.check_ins.exists()


def test_a_write_token_writes(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob, "write").post(
        f"/orgs/acme/key-results/{world.kr.pk}/check-ins", {"value": 3}
    )
    assert response.status_code == 201
    assert world.kr.check_ins.get().author == world.bob


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cible_not-a-token",
        "Bearer ",
        "Bearer something-else",
        "Bearer " + "cible_" + "x" * 500,
    ],
)
def test_an_unknown_token_is_401(world: World, header: str) -> None:
    client = Api()
    response = client.get(ORGS, headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    [error] = response.json()["errors"]
    assert error["field"] is None and error["message"]


def test_a_revoked_token_is_401(world: World) -> None:
    token, secret = create_token(world.bob, "script", "write")
    assert Api(secret).get(ORGS).status_code == 200
    revoke_token(token)
    response = Api(secret).get(ORGS)
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"][0]["message"]


def test_an_expired_token_is_401(world: World) -> None:
    token, secret = create_token(world.bob, "script", "read", timezone.now() + timedelta(days=1))
    assert Api(secret).get(ORGS).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Api(secret).get(ORGS).status_code == 401


def test_a_deactivated_persons_token_is_401(world: World) -> None:
    _token, secret = create_token(world.bob, "script", "read")
    world.bob.is_active = False
    world.bob.save()
    assert Api(secret).get(ORGS).status_code == 401


def test_a_bad_token_beside_a_session_is_still_401(world: World) -> None:
    """A script must learn that its token stopped working, even from a signed-in browser."""
    client = world.client_for(world.bob)
    response = Api("cible_wrong", client=client).get(ORGS)
    assert response.status_code == 401


def test_the_secret_is_not_stored(world: World) -> None:
    token, secret = create_token(world.bob, "script", "write")
    token.refresh_from_db()
    assert token.digest == digest_of(secret) and secret not in token.digest
    assert secret.startswith("cible_") and len(secret) > 40
    assert token.prefix == secret[: len(token.prefix)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
    assert rows and not any(secret in str(value) for row in rows for value in row)
    assert not AuditEntry.objects.filter(after__icontains=secret).exists()


def test_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    token, secret = create_token(world.bob, "script", "read")
    assert token.last_used_at is None
    Api(secret).get(ORGS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    Api(secret).get(ORGS)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    Api(secret).get(ORGS)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_creating_and_revoking_are_audited(world: World) -> None:
    token, _secret = create_token(world.bob, "CI", "write")
    revoke_token(token)
    entries = AuditEntry.objects.filter(actor=world.bob, target_id=world.bob.pk).order_by("id")
    assert [(e.action, e.after or e.before) for e in entries] == [
        ("created", {"api_token": "CI", "scope": "write"}),
        ("deleted", {"api_token": "CI", "scope": "write"}),
    ]


# The tokens page.

PAGE = "/account/tokens/"


def test_the_page_creates_a_token_and_shows_its_secret_once(world: World) -> None:
    client = world.client_for(world.bob)
    response = client.post(PAGE, {"name": "Sync", "scope": "write", "expires_on": ""})
    assert response.status_code == 302 and response["Location"] == PAGE
    page = client.get(PAGE).content.decode()
    secret = re.search(r'value="(cible_[^"]+)"', page)
    assert secret is not None
    token = ApiToken.objects.get(user=world.bob)
    assert token.name == "Sync" and token.scope == "write" and token.expires_at is None
    assert token.digest == digest_of(secret.group(1))
    # Never again.
    again = client.get(PAGE)
    assert "no-store" in again["Cache-Control"] or "max-age=0" in again["Cache-Control"]
    assert secret.group(1) not in again.content.decode()
    assert token.prefix in again.content.decode() and "Sync" in again.content.decode()
    # And it works.
    assert Api(secret.group(1)).get(ORGS).status_code == 200


def test_another_browser_never_sees_the_secret(world: World) -> None:
    """The secret reaches the page through the creating browser's cookie only."""
    world.client_for(world.bob).post(PAGE, {"name": "Sync", "scope": "read"})
    page = world.client_for(world.bob).get(PAGE).content.decode()
    assert "cible_" not in page.replace(ApiToken.objects.get().prefix, "")


def test_a_forged_secret_cookie_shows_nothing(world: World) -> None:
    token, _secret = create_token(world.bob, "Mine")
    client = world.client_for(world.bob)
    client.cookies["cible_new_api_token"] = f"{token.pk}:cible_forged"
    page = client.get(PAGE).content.decode()
    assert "cible_forged" not in page


def test_the_page_sets_an_expiry(world: World) -> None:
    client = world.client_for(world.bob)
    day = timezone.localdate() + timedelta(days=30)
    client.post(PAGE, {"name": "Temp", "scope": "read", "expires_on": day.isoformat()})
    token = ApiToken.objects.get(user=world.bob)
    assert timezone.localtime(token.expires_at).date() == day + timedelta(days=1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "scope": "read"}, "name"),
        ({"name": "   ", "scope": "read"}, "name"),
        ({"name": "x" * 101, "scope": "read"}, "name"),
        ({"name": "A", "scope": "admin"}, "scope"),
        ({"name": "A", "scope": "read", "expires_on": "2001-01-01"}, "expires_on"),
        ({"name": "A", "scope": "read", "expires_on": "9999-12-31"}, "expires_on"),
        ({"name": "A", "scope": "read", "expires_on": "tomorrow"}, "expires_on"),
    ],
)
def test_the_page_refuses_bad_input(world: World, data: dict[str, str], field: str) -> None:
    response = world.client_for(world.bob).post(PAGE, data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_ones_own_tokens(world: World) -> None:
    create_token(world.alice, "Alice's script")
    create_token(world.bob, "Bob's script")
    page = world.client_for(world.bob).get(PAGE).content.decode()
    assert "Bob&#x27;s script" in page and "Alice" not in page.split("<main", 1)[1]


def test_revoking_from_the_page(world: World) -> None:
    token, secret = create_token(world.bob, "Old")
    client = world.client_for(world.bob)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(secret).get(ORGS).status_code == 401
    assert "Revoked" in client.get(PAGE).content.decode()


def test_another_persons_token_is_404(world: World) -> None:
    token, secret = create_token(world.alice, "Alice's")
    response = world.client_for(world.bob).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Api(secret).get(ORGS).status_code == 200


def test_the_page_needs_a_sign_in(world: World) -> None:
    response = Api().client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_speaks_french(world: World) -> None:
    client = world.client_for(world.bob)
    page = client.get(PAGE, headers={"Accept-Language": "fr"}).content.decode()
    assert '<html lang="fr">' in page


NEW_PASSWORD = "a brand new passphrase 42"


def test_a_password_change_revokes_every_token_of_the_person(world: World, api_for: ApiFor) -> None:
    bob, alice = api_for(world.bob), api_for(world.alice)
    client = world.client_for(world.bob)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert bob.get(ORGS).status_code == 401
    assert alice.get(ORGS).status_code == 200
    assert not ApiToken.objects.usable().filter(user=world.bob).exists()


def test_a_password_reset_revokes_every_token_of_the_person(
    world: World, api_for: ApiFor, client: Any, mailoutbox: list[Any]
) -> None:
    bob = api_for(world.bob)
    client.post("/accounts/password/reset/", {"email": "bob@acme.test"})
    [link] = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert bob.get(ORGS).status_code == 401
    assert AuditEntry.objects.filter(actor=world.bob, action="deleted").exists()


def test_the_tokens_page_says_a_new_password_revokes_them(world: World) -> None:
    page = world.client_for(world.bob).get("/account/tokens/").content.decode()
    assert "Changing or resetting your password revokes all your tokens" in page
