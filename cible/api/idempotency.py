"""Check-ins that a client may safely retry: a request carrying an ``Idempotency-Key``
records its check-in once; the same request again returns that check-in, the same key with
another request is refused.

The key is claimed in the same transaction as the check-in it records, under a unique
constraint: of two concurrent requests with one key, the second waits for the first to
commit, fails to claim the key, and answers with the first one's check-in."""

import hashlib
import json
from datetime import datetime, timedelta
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


def fingerprint(kr: KeyResult, fields: dict[str, Any]) -> str:
    """What a request asks for, whatever the spelling of its numbers (3 and 3.0 match)."""
    canonical = {
        name: format(value.normalize(), "f") if isinstance(value, Decimal) else value
        for name, value in fields.items()
    }
    canonical["key_result"] = kr.pk
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def check_in_once(kr: KeyResult, author: User, key: str, **fields: Any) -> tuple[CheckIn, bool]:
    """The check-in recorded for this key, and whether this call recorded it."""
    request_print = fingerprint(kr, fields)
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(user=author, key=key, fingerprint=request_print)
            check_in = record_check_in(kr, author, **fields)
            claim.check_in = check_in
            claim.save(update_fields=["check_in"])
            return check_in, True
    except IntegrityError:
        pass  # the key is taken: by this same request earlier, or by another one
    claim = IdempotencyKey.objects.select_related("check_in").get(user=author, key=key)
    if claim.fingerprint != request_print or claim.check_in is None:
        raise ValidationError(
            {HEADER: _("This key was already used for another request: use a new key.")}
        )
    return claim.check_in, False


def prune(now: datetime | None = None) -> int:
    """Forget the keys older than `API_IDEMPOTENCY_DAYS` (`cible worker`, each pass); the
    check-ins they recorded stay. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_IDEMPOTENCY_DAYS)
    old = IdempotencyKey.objects.filter(created_at__lt=cutoff).order_by()
    deleted = 0
    for _batch in range(PRUNE_BATCHES):
        ids = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
        if not ids:
            break
        deleted += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
    return deleted
