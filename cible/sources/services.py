"""Key results and KPIs fed by a data source: configuring one, and a run.

`tasks.run_due` (called by `cible worker` on each pass) queues one task per enabled source
whose next run has come, leasing the row so that the next pass does not queue it again. A run
claims the source first (the `runs` counter moves from the value the task was queued with),
so two copies of a task, or a task and "Run now", never both run it.

A run reads one value. Success records a check-in (when the value changed, or nobody
checked the KR in this week), or a KPI's value (when it changed, or none was recorded
today), and clears any failure. A failure writes nothing to the KR:
it stores the reason, and mails the KR's owner once per failure streak.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.kpis.models import KPI, ValueOrigin
from cible.kpis.services import record_value
from cible.notifications.services import send_message, site_url
from cible.okrs import rules
from cible.okrs.models import CycleState, KeyResult
from cible.orgs.models import Membership, Organization, Role, org_zone
from cible.sources.models import DataSource, SourceKind
from cible.sources.readers import SourceError, csv_table, json_url, sql_query

logger = logging.getLogger(__name__)

READERS: dict[str, Callable[[DataSource], Decimal]] = {
    SourceKind.JSON: json_url.read,
    SourceKind.CSV: csv_table.read,
    SourceKind.SQL: sql_query.read,
}
# A queued task owns its source this long; past it, the scheduler queues it again (the
# task was lost). A claimed run owns it while it reads (bounded by the timeouts).
QUEUE_LEASE = timedelta(minutes=30)
RUN_LEASE = timedelta(minutes=5)
# Sources queued per scheduler pass at most; the rest wait for the next pass.
BATCH = 500

Outcome = str  # "recorded", "unchanged", "failed", "skipped" or "taken"


# Configuring --------------------------------------------------------------------------

CONFIG_FIELDS = ("kind", "url", "path", "file", "column", "database", "query", "every", "minutes")


type Target = KeyResult | KPI


def _of(target: Target) -> dict[str, Target]:
    return {"kpi": target} if isinstance(target, KPI) else {"key_result": target}


def source_of(target: Target) -> DataSource | None:
    return DataSource.objects.filter(**_of(target)).first()


def save_source(target: Target, author: User, values: dict[str, object]) -> DataSource:
    """Create or change the KR's (or KPI's) source; it runs at the scheduler's next pass. A
    new configuration starts with a clean slate: the old failure was the old one's."""
    now = timezone.now()
    with transaction.atomic():
        source = DataSource.objects.select_for_update().filter(**_of(target)).first()
        before = source.describe() if source else ""
        if source is None:
            source = DataSource(**_of(target), created_by=author)
        for name in CONFIG_FIELDS:
            setattr(source, name, values.get(name, getattr(source, name)))
        source.next_run_at = now
        source.last_error, source.last_error_params = "", {}
        source.failing_since, source.owner_notified = None, False
        source.save()
        _audit(target, author, before, source.describe())
    return source


def set_enabled(source: DataSource, author: User, enabled: bool) -> None:
    before = source.describe()
    source.enabled = enabled
    if enabled:
        source.next_run_at = timezone.now()
    with transaction.atomic():
        source.save(update_fields=["enabled", "next_run_at", "updated_at"])
        _audit(source.target, author, before, source.describe())


def delete_source(source: DataSource, author: User) -> None:
    with transaction.atomic():
        _audit(source.target, author, source.describe(), "")
        source.delete()


def organization_of(target: Target) -> Organization:
    return target.organization if isinstance(target, KPI) else target.objective.organization


def _audit(target: Target, author: User, before: str, after: str) -> None:
    record(
        organization_of(target),
        author,
        target,
        Action.UPDATED,
        before={"data_source": before},
        after={"data_source": after},
    )


# Scheduling ---------------------------------------------------------------------------


def lease_free(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def _live() -> Q:
    """Sources whose KR still takes check-ins, or whose KPI is not archived: the others are
    left alone."""
    live_kr = Q(
        key_result__isnull=False,
        key_result__archived_at__isnull=True,
        key_result__cancelled_at__isnull=True,
        key_result__driven_by__isnull=True,
        key_result__objective__archived_at__isnull=True,
    ) & ~Q(key_result__objective__cycle__state=CycleState.CLOSED)
    return live_kr | Q(kpi__isnull=False, kpi__archived=False)


def due_sources(now: datetime) -> QuerySet[DataSource]:
    return DataSource.objects.filter(enabled=True, next_run_at__lte=now).filter(
        lease_free(now), _live()
    )


def _with_key_result() -> QuerySet[DataSource]:
    return DataSource.objects.select_related(
        "key_result__objective__cycle",
        "key_result__objective__organization",
        "key_result__owner",
        "kpi__organization",
        "kpi__owner",
        "kpi__team",
        "created_by",
    )


def claim(source_id: int, runs: int, now: datetime) -> DataSource | None:
    """Take the source for one run, or None when another run already took it."""
    source = _with_key_result().filter(pk=source_id, runs=runs).first()
    if source is None:
        return None
    taken = DataSource.objects.filter(pk=source_id, runs=runs).update(
        runs=runs + 1,
        last_run_at=now,
        next_run_at=now + source.interval,
        leased_until=now + RUN_LEASE,
    )
    if not taken:
        return None
    source.runs, source.last_run_at = runs + 1, now
    source.next_run_at = now + source.interval
    return source


def run_claimed(source_id: int, runs: int, now: datetime | None = None) -> Outcome:
    """The task's work: claim the source, then run it."""
    now = now or timezone.now()
    source = claim(source_id, runs, now)
    if source is None:
        return "taken"
    return _run(source, now)


def run_now(source: DataSource, now: datetime | None = None) -> Outcome:
    """ "Run now": at once, in the request (the readers' timeouts bound it)."""
    return run_claimed(source.pk, source.runs, now)


# Running ------------------------------------------------------------------------------


def _skipped(kr: KeyResult) -> bool:
    return bool(
        kr.archived_at
        or kr.cancelled_at
        or kr.driven_by_id
        or kr.objective.archived_at
        or not rules.cycle_takes_changes(kr.objective.cycle)
    )


def _run(source: DataSource, now: datetime) -> Outcome:
    kr = source.key_result
    if kr is None and source.kpi is not None:
        return _run_for_kpi(source, source.kpi, now)
    assert kr is not None
    if _skipped(kr):
        DataSource.objects.filter(pk=source.pk).update(leased_until=None)
        return "skipped"
    try:
        value = READERS[source.kind](source)
    except SourceError as error:
        return _failed(source, error, now)
    except Exception as error:
        logger.exception("Data source %s of key result %s failed", source.pk, kr.pk)
        return _failed(source, SourceError("internal", reason=type(error).__name__), now)
    try:
        recorded = _record(source, value, now)
    except ValidationError as error:
        return _failed(source, SourceError("refused", reason=" ".join(error.messages)), now)
    return "recorded" if recorded else "unchanged"


def _read(source: DataSource, now: datetime) -> Decimal | Outcome:
    """The value read, or the outcome of a failure."""
    try:
        return READERS[source.kind](source)
    except SourceError as error:
        return _failed(source, error, now)
    except Exception as error:
        logger.exception("Data source %s failed", source.pk)
        return _failed(source, SourceError("internal", reason=type(error).__name__), now)


def _run_for_kpi(source: DataSource, kpi: KPI, now: datetime) -> Outcome:
    if kpi.archived:
        DataSource.objects.filter(pk=source.pk).update(leased_until=None)
        return "skipped"
    value = _read(source, now)
    if not isinstance(value, Decimal):
        return value
    zone = org_zone(kpi.organization)
    fresh = kpi.last_measured_at is not None and (
        kpi.last_measured_at.astimezone(zone).date() == now.astimezone(zone).date()
    )
    recorded = value != kpi.last_value or not fresh
    try:
        with transaction.atomic():
            if recorded:
                record_value(kpi, value, now, author=author_of(source), origin=ValueOrigin.SOURCE)
            _succeeded(source, value, now)
    except ValidationError as error:
        return _failed(source, SourceError("refused", reason=" ".join(error.messages)), now)
    return "recorded" if recorded else "unchanged"


def _succeeded(source: DataSource, value: Decimal, now: datetime) -> None:
    DataSource.objects.filter(pk=source.pk).update(
        last_success_at=now,
        last_value=value,
        last_error="",
        last_error_params={},
        failing_since=None,
        owner_notified=False,
        leased_until=None,
    )


def week_start(kr: KeyResult, now: datetime) -> datetime:
    """Monday 00:00 of this week, in the organisation's time zone."""
    zone = org_zone(kr.objective.organization)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=zone)


def author_of(source: DataSource) -> User | None:
    """Who signs the check-in or the value: the source's creator while they may still
    write in the organisation, else the KR's (or KPI's) owner."""
    target = source.target
    creator = source.created_by
    if creator is not None:
        writes = (
            Membership.objects.filter(organization=organization_of(target), user=creator)
            .exclude(role=Role.VIEWER)
            .exists()
        )
        if writes:
            return creator
    return target.owner


def _record(source: DataSource, value: Decimal, now: datetime) -> bool:
    """Check the value in when it changed or the KR had no check-in this week; True when a
    check-in was recorded. Either way the source's failure, if any, is over."""
    kr = source.key_result
    assert kr is not None
    org = kr.objective.organization
    with transaction.atomic():
        fresh = CheckIn.objects.filter(key_result=kr, created_at__gte=week_start(kr, now))
        recorded = value != kr.current or not fresh.exists()
        if recorded:
            with translation.override(org.language):
                comment = _("Recorded by the key result's data source (%(kind)s).") % {
                    "kind": source.get_kind_display()
                }
            author = author_of(source)
            assert author is not None  # a key result always has its owner
            record_check_in(kr, author, value, confidence=kr.confidence, comment=comment, at=now)
        _succeeded(source, value, now)
    return recorded


def _failed(source: DataSource, error: SourceError, now: datetime) -> Outcome:
    source.last_error, source.last_error_params = error.code, error.params
    source.failing_since = source.failing_since or now
    DataSource.objects.filter(pk=source.pk).update(
        last_error=error.code,
        last_error_params=error.params,
        failing_since=source.failing_since,
        leased_until=None,
    )
    logger.info("Data source %s failed: %s", source.pk, error.code)
    if not source.owner_notified and source.target.owner is not None:
        try:
            send_message(failure_message(source))
        except Exception:
            # Not marked as told: the next failing run tries the mail again.
            logger.exception("Could not mail the owner about data source %s", source.pk)
        else:
            DataSource.objects.filter(pk=source.pk).update(owner_notified=True)
            source.owner_notified = True
    return "failed"


def failure_message(source: DataSource) -> EmailMultiAlternatives:
    """The mail to the KR's (or KPI's) owner, in the organisation's language and time
    zone."""
    if source.kpi is not None:
        return _kpi_failure_message(source, source.kpi)
    kr = source.key_result
    assert kr is not None
    org = kr.objective.organization
    with translation.override(org.language), timezone.override(org_zone(org)):
        context = {
            "org": org,
            "kr": kr,
            "source": source,
            "error": source.error_message(),
            "url": site_url(kr.get_absolute_url()),
        }
        subject = _("%(org)s: the data source of “%(key_result)s” is failing") % {
            "org": org.name,
            "key_result": kr.title,
        }
        text = render_to_string("sources/failing_email.txt", context)
    return EmailMultiAlternatives(
        subject,
        text,
        to=[kr.owner.email],
        headers={"Auto-Submitted": "auto-generated", "X-Cible-Notification": "data-source"},
    )


def _kpi_failure_message(source: DataSource, kpi: KPI) -> EmailMultiAlternatives:
    org = kpi.organization
    assert kpi.owner is not None
    with translation.override(org.language), timezone.override(org_zone(org)):
        context = {
            "kpi": kpi,
            "source": source,
            "error": source.error_message(),
            "url": site_url(kpi.get_absolute_url()),
        }
        subject = _("%(org)s: the data source of the KPI “%(kpi)s” is failing") % {
            "org": org.name,
            "kpi": kpi.name,
        }
        text = render_to_string("sources/kpi_failing_email.txt", context)
    return EmailMultiAlternatives(
        subject,
        text,
        to=[kpi.owner.email],
        headers={"Auto-Submitted": "auto-generated", "X-Cible-Notification": "data-source"},
    )
