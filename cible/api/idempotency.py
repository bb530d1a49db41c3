"""Creates that a client may safely retry: a request carrying an ``Idempotency-Key``
makes its objects once (a check-in, a bulk check-in, an objective with its key results, a
key result); the same request again returns them, the same key with another request is
refused.

The key is claimed in the same transaction as what it makes, under a unique constraint:
of two concurrent requests with one key, the second waits for the first to commit, fails
to claim the key, and answers with the first one's result. A refused request (nothing
made) does not use up its key: its claim is rolled back with the rest."""

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.api.models import IdempotencyKey
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs.models import KeyResult

HEADER = "Idempotency-Key"
# Old keys are deleted this many at a time, at most PRUNE_BATCHES times a pass: no
# statement holds the table long, and a backlog goes in a few passes.
PRUNE_BATCH = 5000
PRUNE_BATCHES = 20


def _canonical(value: Any) -> Any:
    """A request's content whatever the spelling of its numbers (3 and 3.0 match)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(name): _canonical(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def digest(content: dict[str, Any]) -> str:
    text = json.dumps(_canonical(content), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(kr: KeyResult, fields: dict[str, Any]) -> str:
    """What a check-in request asks for."""
    return digest({**fields, "key_result": kr.pk})


def request_fingerprint(operation: str, organization_id: int, body: dict[str, Any]) -> str:
    """What another create asks for: its operation and organisation are part of it, so
    one key sent to two operations is two requests."""
    return digest({"operation": operation, "organization": organization_id, "body": body})


def key_taken() -> ValidationError:
    return ValidationError(
        {HEADER: _("This key was already used for another request: use a new key.")}
    )


def once(
    author: User, key: str, request_print: str, make: Callable[[IdempotencyKey], None]
) -> tuple[IdempotencyKey, bool]:
    """The claim of this key, and whether this call made what it holds: `make` makes it
    and notes it in the claim (saved after), in the claim's transaction."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(
                    user=author, key=key, fingerprint=request_print
                )
        except IntegrityError:
            claim = None  # the key is taken: by this same request earlier, or another one
        if claim is not None:
            make(claim)
            claim.save()
            return claim, True
    claim = IdempotencyKey.objects.filter(user=author, key=key).first()
    if claim is None or claim.fingerprint != request_print:
        raise key_taken()
    return claim, False


def check_in_once(kr: KeyResult, author: User, key: str, **fields: Any) -> tuple[CheckIn, bool]:
    """The check-in recorded for this key, and whether this call recorded it."""

    def make(claim: IdempotencyKey) -> None:
        claim.check_in = record_check_in(kr, author, **fields)

    claim, created = once(author, key, fingerprint(kr, fields), make)
    if claim.check_in is None:
        raise key_taken()
    return claim.check_in, created


def prune(now: datetime | None = None) -> int:
    """Forget the keys older than `API_IDEMPOTENCY_DAYS` (`cible worker`, each pass); what
    they made stays. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_IDEMPOTENCY_DAYS)
    old = IdempotencyKey.objects.filter(created_at__lt=cutoff).order_by()
    deleted = 0
    for _batch in range(PRUNE_BATCHES):
        ids = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
        if not ids:
            break
        deleted += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
    return deleted
