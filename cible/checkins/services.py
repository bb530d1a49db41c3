from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, QuerySet
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.checkins import signals
from cible.checkins.models import CheckIn
from cible.kpis import guardrails
from cible.kpis.models import Guardrail
from cible.lib.db import Prepared, insert_row, update_row
from cible.okrs import rules
from cible.okrs.models import CycleState, KeyResult, Objective
from cible.orgs.models import Membership


def key_results_to_check_in(membership: Membership) -> QuerySet[KeyResult]:
    """The KRs someone checks in this week: theirs (owned or co-owned), in active cycles,
    still running and not following another objective."""
    return (
        KeyResult.objects.live()
        .owned_by(membership.user_id)
        .filter(
            driven_by__isnull=True,
            objective__in=Objective.objects.visible_to(membership).active(),
            objective__cycle__state=CycleState.ACTIVE,
        )
        .select_related("objective__cycle", "objective__organization", "owner")
        .order_by("objective__cycle__start", "objective__position", "objective_id", "position")
    )


# The queries of every check-in, their SQL built once (cible.lib.db.Prepared): building it
# through the ORM cost more Python than the rest of the check-in.
_LOCK_KEY_RESULT = Prepared(
    lambda pk: KeyResult.objects.filter(pk=pk).select_for_update().values_list("pk").order_by(),
    -7_000_011,
)
_NEWEST: dict[tuple[object, ...], Prepared] = {}


def _newest_check_in() -> Prepared:
    """The newest check-in's value, confidence and time, whether anyone listens, and whether
    the key result has guardrails: one query for each set of listeners (they are connected at
    start-up)."""
    key = tuple(signals.LISTENERS)
    prepared = _NEWEST.get(key)
    if prepared is None:
        prepared = _NEWEST[key] = Prepared(
            lambda kr_id, org_id, guarded_id: (
                CheckIn.objects.filter(key_result_id=kr_id)
                .annotate(
                    listened=signals.listening(org_id),
                    guarded=Exists(
                        Guardrail.objects.filter(key_result_id=guarded_id).values("pk")[:1]
                    ),
                )
                .order_by("-created_at", "-id")
                .values_list("value", "confidence", "created_at", "listened", "guarded")[:1]
            ),
            -7_000_012,
            -7_000_013,
            -7_000_014,
        )
    return prepared


def record_check_in(
    kr: KeyResult,
    author: User,
    value: Decimal,
    confidence: int | None = None,
    comment: str = "",
    blockers: str = "",
    at: datetime | None = None,
) -> CheckIn:
    """Record a reading of the KR; the KR's current value and confidence follow the newest
    check-in, so a late-arriving older reading never overwrites a newer one."""
    rules.check_cycle_open(kr.objective.cycle, "value")
    if kr.cancelled_at is not None:
        raise ValidationError({"value": _("This key result was cancelled: it takes no check-in.")})
    rules.check_confidence(confidence)
    rules.check_value(value)
    organization = kr.objective.organization
    check_in = CheckIn(
        key_result=kr,
        author=author,
        value=value,
        confidence=confidence,
        comment=comment,
        blockers=blockers,
    )
    # Whether anyone listens comes with the newest check-in, read in the transaction: an
    # organisation without webhooks pays neither a query nor the payload's making.
    # The queries are put together before it starts: on SQLite the transaction holds the
    # database's one write lock, which every other writer waits for.
    newest_first = _newest_check_in()
    with transaction.atomic():
        # One check-in of a KR at a time: lock the KR's row before reading its newest
        # check-in. Without it, under PostgreSQL's READ COMMITTED, a check-in that read "the
        # newest" just before a concurrent newer one committed wrote its stale value into
        # the KR last. SQLite has no row locks (the query would lock nothing) and needs
        # none: its transactions begin IMMEDIATE (settings), one writer at a time.
        if connection.features.has_select_for_update:
            list(_LOCK_KEY_RESULT.queryset(kr.pk))
        check_in.created_at = at or timezone.now()
        _insert(check_in)
        newest_value, newest_confidence, newest_at, listened, guarded = next(
            iter(newest_first.queryset(kr.pk, organization.pk, kr.pk))
        )
        if listened:
            signals.check_in_recorded.send(
                CheckIn, check_in=check_in, current=newest_value, confidence=newest_confidence
            )
        update_row(
            KeyResult,
            kr.pk,
            {
                "current": newest_value,
                "confidence": newest_confidence,
                "last_check_in_at": newest_at,
            },
        )
        kr.current, kr.confidence = newest_value, newest_confidence
        kr.last_check_in_at = newest_at
        if guarded:
            guardrails.key_result_checked_in(kr, check_in.created_at)
        record(
            organization,
            author,
            check_in,
            Action.CREATED,
            after={"value": value, "confidence": confidence},
            label=kr.title,
        )
    return check_in


def _insert(check_in: CheckIn) -> None:
    """`check_in.save(force_insert=True)`, its signals included, in one plain INSERT."""
    using = "default"
    pre_save.send(CheckIn, instance=check_in, raw=False, using=using, update_fields=None)
    check_in.pk = insert_row(
        CheckIn,
        {
            "key_result_id": check_in.key_result_id,
            "author_id": check_in.author_id,
            "value": check_in.value,
            "confidence": check_in.confidence,
            "comment": check_in.comment,
            "blockers": check_in.blockers,
            "created_at": check_in.created_at,
        },
        using,
    )
    check_in._state.adding, check_in._state.db = False, using
    post_save.send(
        CheckIn, instance=check_in, created=True, raw=False, using=using, update_fields=None
    )
