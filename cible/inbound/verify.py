"""Is this request really from the chat? Each platform's own proof, checked in constant
time, and each request accepted once.

- Slack: `X-Slack-Signature` is `v0=` and the HMAC-SHA256, keyed by the signing secret, of
  `v0:<X-Slack-Request-Timestamp>:<body>`; the timestamp must be within five minutes.
- Mattermost: slash commands carry the command's token; buttons and dialogs carry a value
  that Cible signed itself when it sent them (`sign_context`).
- Teams: `Authorization: HMAC <base64>` is the HMAC-SHA256 of the body keyed by the
  base64-decoded security token; the activity's `timestamp` must be within five minutes.

A request seen before (the same signature, trigger or activity) is refused: a replay.
"""

import base64
import binascii
import hashlib
import hmac
import logging
from datetime import datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from cible.inbound import secrets
from cible.inbound.models import ChatIntegration, SeenRequest

logger = logging.getLogger(__name__)

WINDOW = timedelta(minutes=5)
# Buttons in a reminder stay valid for the week, and a little more.
CONTEXT_MAX_AGE = timedelta(days=8)
CONTEXT_SALT = "cible.inbound.context"


class Refused(Exception):
    """The request is not proven to come from the chat: answered 401, logged."""


def _refuse(integration: ChatIntegration | None, reason: str) -> Refused:
    logger.warning(
        "Chat request refused: %s (integration %s)", reason, integration and integration.pk
    )
    return Refused(reason)


def once(integration: ChatIntegration, proof: str, now: datetime | None = None) -> None:
    """Remember the proof; refuse it if it was seen within the window (and forget old ones)."""
    now = now or timezone.now()
    SeenRequest.objects.filter(seen_at__lt=now - 2 * CONTEXT_MAX_AGE).delete()
    digest = hashlib.sha256(proof.encode()).hexdigest()
    try:
        with transaction.atomic():
            SeenRequest.objects.create(integration=integration, digest=digest)
    except IntegrityError:
        raise _refuse(integration, "replayed request") from None


def slack(
    integration: ChatIntegration,
    timestamp: str,
    signature: str,
    body: bytes,
    now: datetime | None = None,
) -> None:
    now = now or timezone.now()
    secret = secrets.decrypt(integration.secret)
    if not secret:
        raise _refuse(integration, "no signing secret")
    try:
        sent = datetime.fromtimestamp(int(timestamp), tz=now.tzinfo)
    except (ValueError, OverflowError, OSError):
        raise _refuse(integration, "no timestamp") from None
    if abs(now - sent) > WINDOW:
        raise _refuse(integration, "timestamp outside the window")
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise _refuse(integration, "wrong signature")
    once(integration, "slack:" + signature, now)


def mattermost_token(integration: ChatIntegration, token: str) -> None:
    if not integration.token_hash or not hmac.compare_digest(
        integration.token_hash, secrets.digest(token)
    ):
        raise _refuse(integration, "wrong token")


def sign_context(integration: ChatIntegration, **values: str | int) -> str:
    """A value Cible puts in its own buttons and forms, to know them when they come back."""
    return signing.TimestampSigner(salt=CONTEXT_SALT).sign_object(
        {"i": integration.pk, **values}, compress=True
    )


def context(integration: ChatIntegration, signed: object) -> dict[str, str | int]:
    if not isinstance(signed, str):
        raise _refuse(integration, "no signed context")
    try:
        values = signing.TimestampSigner(salt=CONTEXT_SALT).unsign_object(
            signed, max_age=CONTEXT_MAX_AGE
        )
    except signing.BadSignature:
        raise _refuse(integration, "wrong or expired context") from None
    if not isinstance(values, dict) or values.get("i") != integration.pk:
        raise _refuse(integration, "context of another integration")
    return values


def teams(
    integration: ChatIntegration,
    authorization: str,
    body: bytes,
    sent_at: str,
    activity_id: str,
    now: datetime | None = None,
) -> None:
    now = now or timezone.now()
    secret = secrets.decrypt(integration.secret)
    try:
        key = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise _refuse(integration, "no security token")
    scheme, _space, given = authorization.partition(" ")
    expected = base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()
    if scheme != "HMAC" or not hmac.compare_digest(expected, given.strip()):
        raise _refuse(integration, "wrong signature")
    try:
        sent = datetime.fromisoformat(sent_at.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise _refuse(integration, "no timestamp") from None
    if sent.tzinfo is None or abs(now - sent) > WINDOW:
        raise _refuse(integration, "timestamp outside the window")
    once(integration, "teams:" + (activity_id or expected), now)
