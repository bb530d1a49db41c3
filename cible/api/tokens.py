"""Personal API tokens: creating one (its secret is shown once), finding the token a request
presents, revoking one. The database keeps a SHA-256 digest of each secret, never the secret:
a token is a long random string, so a plain fast hash is enough to make a leaked database
useless to whoever would call the API with it."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cible.accounts.models import User
from cible.api.models import ApiToken, Scope
from cible.audit.models import Action, TargetType
from cible.audit.services import Target, record
from cible.lib.db import Prepared

TOKEN_PREFIX = "cible_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
MAX_TOKEN_LENGTH = 200
# last_used_at is written at most this often: a script polling the API does not turn every
# read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _audit(
    token: ApiToken,
    action: str,
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
) -> None:
    user = token.user
    target = Target(TargetType.USER, user.pk, user.display_name)
    record(None, user, target, action, before, after)


@transaction.atomic
def create_token(
    user: User, name: str, scope: str = Scope.READ, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret, which only the caller ever sees."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        digest=digest_of(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    _audit(token, Action.CREATED, after={"api_token": token.name, "scope": token.scope})
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _audit(token, Action.DELETED, before={"api_token": token.name, "scope": token.scope})


def revoke_all_tokens(user: User) -> int:
    """Revoke every token the person holds; how many were. A password changed or reset
    often means an account in other hands: its tokens, made with the old password, would
    outlive it."""
    tokens = list(ApiToken.objects.usable().filter(user=user).select_related("user"))
    for token in tokens:
        revoke_token(token)
    return len(tokens)


def revoke_on_new_password(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """allauth's `password_changed` and `password_reset` signals."""
    revoke_all_tokens(user)


# The digest is unique: no ordering, and the rest is checked on the row read. Every API
# request asks: its SQL is built once (cible.lib.db.Prepared).
_TOKEN_BY_DIGEST = Prepared(
    lambda digest: ApiToken.objects.select_related("user").filter(digest=digest).order_by()[:1],
    "sample-digest-for-the-prepared-query",
)


def find_token(secret: str) -> ApiToken | None:
    """The usable token this secret belongs to, with its (active) user; marks it used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_TOKEN_LENGTH:
        return None
    token: ApiToken | None = _TOKEN_BY_DIGEST.one_or_none(digest_of(secret))
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
