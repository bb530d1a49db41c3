"""Check-in reminders and weekly digests: who gets one, when, and sending it exactly once.

The scheduler (`tasks.dispatch`, run every minute by `cible worker`) plans each organisation's
round once its check-in day and time have passed in the current week (in its own time
zone), then queues one task per delivery. The task claims its row before sending and marks
it after, so a restarted worker or a second one never sends the same mail twice; a failed
send is retried with back-off and ends up recorded as failed, never dropped.

Teams with a chat webhook get the same, in one message per team and week (kind "chat"):
their members' key results still to check in and the team's digest, posted by the same
rounds, rows, tasks and retries (see `cible.notifications.chat` for the formats).
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cible.checkins.models import CheckIn
from cible.checkins.services import key_results_to_check_in
from cible.lib import okrmath
from cible.notifications import chat, replies, signals
from cible.notifications.models import Delivery, DeliveryStatus, Kind, Round
from cible.okrs.contexts import KRRow, ObjectiveRow, objective_rows
from cible.okrs.models import CycleState, KeyResult, Objective, ObjectiveState, Visibility
from cible.okrs.templatetags.okrs import percent, status_label
from cible.orgs.models import Membership, Organization, Role, Team, TeamMember, org_zone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# How long to wait after the 1st, 2nd, ... failed attempt.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# A queued task owns its row this long; past it, the scheduler queues the row again (the
# task was lost). A claimed row is owned while its mail is sent.
QUEUE_LEASE = timedelta(hours=1)
SEND_LEASE = timedelta(minutes=10)
# An SMTP server that accepts the connection and then hangs must not stall the worker.
SMTP_TIMEOUT = 30
# A chat message lists this many lines at most per list, then counts the rest.
CHAT_LIST_LIMIT = 10


# When ---------------------------------------------------------------------------------


def _slot_on(org: Organization, day: date) -> datetime:
    return datetime.combine(day, org.checkin_time, tzinfo=org_zone(org))


def week_slot(org: Organization, now: datetime) -> datetime:
    """This week's check-in day and time (weeks run Monday to Sunday in the organisation's
    time zone); it may still be ahead of `now`."""
    today = now.astimezone(org_zone(org)).date()
    monday = today - timedelta(days=today.weekday())
    return _slot_on(org, monday + timedelta(days=org.checkin_weekday))


def due_slot(org: Organization, now: datetime) -> datetime | None:
    """This week's slot once it has passed, else None: nothing is due before it."""
    slot = week_slot(org, now)
    return slot if slot <= now else None


def next_slot(org: Organization, now: datetime) -> datetime:
    slot = week_slot(org, now)
    return slot if slot > now else week_slot(org, now + timedelta(days=7))


def previous_slot(org: Organization, period: str) -> datetime:
    """The check-in slot a week before `period`: a KR checked in since then is up to date."""
    return _slot_on(org, date.fromisoformat(period) - timedelta(days=7))


# Who ----------------------------------------------------------------------------------


def _checked_in_since(since: datetime) -> Exists:
    return Exists(CheckIn.objects.filter(key_result=OuterRef("pk"), created_at__gte=since))


def key_results_to_remind(membership: Membership, since: datetime) -> QuerySet[KeyResult]:
    """The KRs of the check-in page that nobody checked in since `since`."""
    return key_results_to_check_in(membership).exclude(_checked_in_since(since))


def reminder_recipients(org: Organization, since: datetime) -> list[int]:
    """Every member (not a viewer, not muted) owning a KR to check in that nobody checked in
    since `since`: the set-based twin of `key_results_to_remind`, which the sending task
    applies again, so one planning query serves a large organisation."""
    waiting = (
        KeyResult.objects.live()
        .filter(
            objective__organization=org,
            objective__archived_at__isnull=True,
            objective__cycle__state=CycleState.ACTIVE,
            driven_by__isnull=True,
        )
        .exclude(_checked_in_since(since))
    )
    owners = waiting.values("owner_id")
    # A co-owner is reminded as an owner is.
    co_owners = KeyResult.co_owners.through.objects.filter(
        keyresult_id__in=waiting.values("pk")
    ).values("user_id")
    return list(
        Membership.objects.filter(organization=org, reminders_muted=False)
        .filter(Q(user_id__in=owners) | Q(user_id__in=co_owners))
        .exclude(role=Role.VIEWER)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _live_team_objectives(org: Organization) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(organization=org, cycle__state=CycleState.ACTIVE)
        .active()
        .exclude(state__in=[ObjectiveState.CANCELLED, ObjectiveState.CLOSED])
    )


def digest_recipients(org: Organization) -> list[int]:
    """The leads (still members) of teams that have objectives in an active cycle."""
    live = _live_team_objectives(org).filter(team=OuterRef("pk"))
    leads = Team.objects.filter(organization=org, lead__isnull=False).filter(Exists(live))
    return list(
        Membership.objects.filter(organization=org, user_id__in=leads.values("lead_id"))
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def chat_recipients(org: Organization) -> list[int]:
    """The teams that have a chat webhook: each gets one message a week."""
    teams = Team.objects.filter(organization=org).exclude(chat_webhook_url="")
    return list(teams.order_by("pk").values_list("pk", flat=True))


# Planning -----------------------------------------------------------------------------


def _due_periods(kind: str, now: datetime) -> list[tuple[Organization, str]]:
    """The organisations whose slot has passed this week and whose round for it has not
    been planned yet, with the period (the ISO date of the check-in day)."""
    due = []
    orgs = Organization.objects.only(
        "slug", "name", "language", "time_zone", "checkin_weekday", "checkin_time"
    )
    for org in orgs.order_by("pk"):
        slot = due_slot(org, now)
        if slot is not None:
            due.append((org, slot.date().isoformat()))
    planned = set(
        Round.objects.filter(kind=kind, period__in={period for _org, period in due}).values_list(
            "organization_id", "period"
        )
    )
    return [(org, period) for org, period in due if (org.pk, period) not in planned]


def _plan_round(
    org: Organization, kind: str, period: str, recipient_ids: Iterable[int], now: datetime
) -> int:
    """Record the round and its deliveries together; a second scheduler gets nothing. The
    recipients are people, or teams for chat messages."""
    recipient = "team_id" if kind == Kind.CHAT else "user_id"
    try:
        with transaction.atomic():
            Round.objects.create(organization=org, kind=kind, period=period, planned_at=now)
            created = Delivery.objects.bulk_create(
                [
                    Delivery(
                        organization=org,
                        kind=kind,
                        period=period,
                        next_attempt_at=now,
                        **{recipient: pk},
                    )
                    for pk in recipient_ids
                ],
                ignore_conflicts=True,
            )
    except IntegrityError:
        return 0
    logger.info("Planned %d %s(s) for %s, %s", len(created), kind, org.slug, period)
    return len(created)


def due_reminders(now: datetime | None = None) -> int:
    """Plan this week's reminders of every organisation whose check-in slot has passed:
    one per owner of KRs not checked in since the previous slot. Returns how many."""
    now = now or timezone.now()
    count = 0
    for org, period in _due_periods(Kind.REMINDER, now):
        try:
            recipients = reminder_recipients(org, previous_slot(org, period))
            count += _plan_round(org, Kind.REMINDER, period, recipients, now)
        except Exception:
            logger.exception("Could not plan the reminders of %s for %s", org.slug, period)
    return count


def due_digests(now: datetime | None = None) -> int:
    """Plan this week's digest to each lead of a team with live objectives."""
    now = now or timezone.now()
    count = 0
    for org, period in _due_periods(Kind.DIGEST, now):
        try:
            count += _plan_round(org, Kind.DIGEST, period, digest_recipients(org), now)
        except Exception:
            logger.exception("Could not plan the digests of %s for %s", org.slug, period)
    return count


def due_chats(now: datetime | None = None) -> int:
    """Plan this week's chat message to each team with a webhook, at the same slot."""
    now = now or timezone.now()
    count = 0
    for org, period in _due_periods(Kind.CHAT, now):
        try:
            count += _plan_round(org, Kind.CHAT, period, chat_recipients(org), now)
        except Exception:
            logger.exception("Could not plan the chat messages of %s for %s", org.slug, period)
    return count


# Sending ------------------------------------------------------------------------------


def claim(delivery_id: int, attempt: int, now: datetime) -> Delivery | None:
    """Take the row for this attempt, or None when another task already took it (the
    attempt counter moved on) or it is no longer pending."""
    with transaction.atomic():
        taken = Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, attempts=attempt
        ).update(attempts=attempt + 1, leased_until=now + SEND_LEASE)
    if not taken:
        return None
    return Delivery.objects.select_related("organization", "user", "team").get(pk=delivery_id)


def deliver(delivery_id: int, attempt: int, now: datetime | None = None) -> str:
    """Send one delivery (claimed first); returns what became of it."""
    now = now or timezone.now()
    delivery = claim(delivery_id, attempt, now)
    if delivery is None:
        return "taken"
    try:
        sent = _send(delivery, now)
    except Exception as error:
        return _record_failure(delivery, error, now)
    status = DeliveryStatus.SENT if sent else DeliveryStatus.SKIPPED
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, sent_at=now if sent else None, leased_until=None, last_error=""
    )
    return status.value


def _send(delivery: Delivery, now: datetime) -> bool:
    """Build and send the mail or the chat message; False when there was nothing to say."""
    if delivery.kind == Kind.CHAT:
        chat_message = build_chat(delivery, now)
        if chat_message is not None:
            chat.post(chat_message)
        return chat_message is not None
    message = build_message(delivery, now)
    if message is not None:
        send_message(message)
    return message is not None


def _describe(error: Exception) -> str:
    if isinstance(error, chat.WebhookError):
        return str(error)  # Already says what failed, without the webhook's secret address.
    return f"{type(error).__name__}: {error}"


def _record_failure(delivery: Delivery, error: Exception, now: datetime) -> str:
    text = _describe(error)[:2000]
    final = isinstance(error, chat.WebhookError) and error.final
    if final or delivery.attempts >= MAX_ATTEMPTS:
        logger.error(
            "Giving up on %s %s to %s after %d attempts: %s",
            delivery.kind,
            delivery.period,
            delivery.recipient,
            delivery.attempts,
            text,
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error=text, leased_until=None
        )
        return DeliveryStatus.FAILED.value
    wait = BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
    logger.warning(
        "Attempt %d of %s %s to %s failed, retrying in %s: %s",
        delivery.attempts,
        delivery.kind,
        delivery.period,
        delivery.recipient,
        wait,
        text,
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        last_error=text, next_attempt_at=now + wait, leased_until=None
    )
    return "retry"


def send_message(message: EmailMultiAlternatives) -> None:
    mailer = mailers.default
    if getattr(mailer, "timeout", 0) is None:
        mailer.timeout = SMTP_TIMEOUT  # type: ignore[attr-defined]
    mailer.send_messages([message])


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def build_message(delivery: Delivery, now: datetime) -> EmailMultiAlternatives | None:
    """The mail, in the organisation's language and time zone, or None when there is
    nothing left to say (everything was checked in meanwhile, the person left...)."""
    org = delivery.organization
    if delivery.user is None:
        return None
    membership = (
        Membership.objects.filter(organization=org, user=delivery.user)
        .select_related("organization", "user")
        .first()
    )
    if membership is None:
        return None
    build = _reminder if delivery.kind == Kind.REMINDER else _digest
    with translation.override(org.language), timezone.override(org_zone(org)):
        content = build(membership, delivery.period)
        if content is None:
            return None
        subject, template, context = content
        reply_to = replies.reply_address(membership.pk) if replies.enabled() else None
        context |= {
            "org": org,
            "user": delivery.user,
            "reply_by_mail": reply_to is not None and delivery.kind == Kind.REMINDER,
            "settings_url": site_url(reverse("notification_settings", args=[org.slug])),
        }
        text = render_to_string(f"notifications/{template}.txt", context)
        html = render_to_string(f"notifications/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[membership.user.email],
        reply_to=[reply_to] if context["reply_by_mail"] and reply_to else None,
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Cible-Notification": delivery.kind,
            "List-Unsubscribe": f"<{context['settings_url']}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


Content = tuple[str, str, dict[str, object]]


def _reminder(membership: Membership, period: str) -> Content | None:
    if membership.role == Role.VIEWER or membership.reminders_muted:
        return None
    org = membership.organization
    since = previous_slot(org, period)
    krs = list(key_results_to_remind(membership, since))
    if not krs:
        return None
    subject = ngettext(
        "%(org)s: %(count)d key result to check in",
        "%(org)s: %(count)d key results to check in",
        len(krs),
    ) % {"org": org.name, "count": len(krs)}
    context: dict[str, object] = {
        "key_results": krs,
        "since": since,
        "check_in_url": site_url(reverse("my_check_in", args=[org.slug])),
    }
    return subject, "reminder", context


@dataclass
class TeamDigest:
    team: Team
    url: str
    objectives: list[ObjectiveRow]
    at_risk: list[KRRow] = field(default_factory=list)
    missing: list[KeyResult] = field(default_factory=list)


def team_digests(org: Organization, lead_id: int, since: datetime) -> list[TeamDigest]:
    """For each team the person leads: its live objectives' progress, the KRs at risk or
    off track (worst first) and the KRs nobody checked in since `since`."""
    return _team_digests(org, Q(team__lead_id=lead_id), since)


def team_digest(team: Team, since: datetime) -> TeamDigest | None:
    """The digest of one team for its chat, whose readers Cible does not know: the team's
    objectives open to the whole organisation only, never its private ones."""
    digests = _team_digests(
        team.organization, Q(team=team, visibility=Visibility.ORGANIZATION), since
    )
    return digests[0] if digests else None


def _team_digests(org: Organization, objectives_filter: Q, since: datetime) -> list[TeamDigest]:
    krs = KeyResult.objects.live().select_related("owner").order_by("position", "id")
    objectives = list(
        _live_team_objectives(org)
        .filter(objectives_filter)
        .select_related("owner", "team", "cycle", "organization")
        .prefetch_related(Prefetch("key_results", queryset=krs))
        .order_by("team__name", "position", "id")
    )
    kr_ids = [kr.pk for o in objectives for kr in o.key_results.all()]
    fresh = set(
        CheckIn.objects.filter(key_result_id__in=kr_ids, created_at__gte=since).values_list(
            "key_result_id", flat=True
        )
    )
    alarming = {okrmath.Status.AT_RISK, okrmath.Status.OFF_TRACK}
    digests: dict[int, TeamDigest] = {}
    for row in objective_rows(objectives, org):
        team = row.objective.team
        assert team is not None
        url = site_url(reverse("team_detail", args=[org.slug, team.pk]))
        digest = digests.setdefault(team.pk, TeamDigest(team, url, []))
        digest.objectives.append(row)
        digest.at_risk += [r for r in row.key_results if r.status in alarming]
        digest.missing += [
            r.kr for r in row.key_results if r.kr.driven_by_id is None and r.kr.pk not in fresh
        ]
    for digest in digests.values():
        digest.at_risk.sort(key=lambda r: -okrmath.SEVERITY[okrmath.Status(r.status)])
    return list(digests.values())


def _digest(membership: Membership, period: str) -> Content | None:
    org = membership.organization
    since = previous_slot(org, period)
    teams = team_digests(org, membership.user_id, since)
    if not teams:
        return None
    subject = _("%(org)s: your teams' weekly OKR digest") % {"org": org.name}
    return subject, "digest", {"teams": teams, "since": since}


# Team chat ----------------------------------------------------------------------------


def chat_reminders(team: Team, since: datetime) -> list[KeyResult]:
    """The reminder part of a team's chat message: the key results its members (those an
    e-mail would remind: not viewers, not muted) have not checked in since `since`, on
    objectives open to the whole organisation (the chat's readers are not Cible's to know)."""
    members = (
        Membership.objects.filter(
            organization_id=team.organization_id,
            reminders_muted=False,
            user_id__in=TeamMember.objects.filter(team=team).values("user_id"),
        )
        .exclude(role=Role.VIEWER)
        .select_related("organization", "user")
        .order_by("user__name", "user__email")
    )
    key_results: list[KeyResult] = []
    for membership in members:
        key_results += key_results_to_remind(membership, since).filter(
            objective__visibility=Visibility.ORGANIZATION
        )
    return key_results


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _spans(pattern: str, **values: chat.Span) -> chat.Line:
    """A translated pattern ("%(owner)s: %(key_result)s") as a line whose values keep their
    emphasis: the translation decides the order and the punctuation."""
    parts = _PLACEHOLDER.split(pattern)
    spans: list[chat.Span] = []
    for index, part in enumerate(parts):
        span = values[part] if index % 2 else part.replace("%%", "%")
        if span:
            spans.append(span)
    return tuple(spans)


def _chat_section(title: str, lines: list[chat.Line], empty: str) -> chat.Section:
    shown = lines[:CHAT_LIST_LIMIT]
    rest = len(lines) - len(shown)
    if rest:
        note = ngettext("…and %(count)d more.", "…and %(count)d more.", rest) % {"count": rest}
    else:
        note = "" if lines else empty
    return chat.Section(title, shown, note)


def build_chat(delivery: Delivery, now: datetime) -> chat.ChatMessage | None:
    """The team's message, in the organisation's language and time zone, or None when the
    webhook was removed meanwhile or there is nothing to say (nothing to check in and no
    live objectives)."""
    team = delivery.team
    if team is None or not team.chat_webhook_url:
        return None
    org = delivery.organization
    team.organization = org
    with translation.override(org.language), timezone.override(org_zone(org)):
        return _chat_message(team, delivery.period)


def _chat_message(team: Team, period: str) -> chat.ChatMessage | None:
    org = team.organization
    since = previous_slot(org, period)
    to_check_in = chat_reminders(team, since)
    digest = team_digest(team, since)
    if not to_check_in and digest is None:
        return None
    since_text = formats.date_format(timezone.localtime(since), "DATE_FORMAT")
    sections = [
        _chat_section(
            _("To check in (no check-in since %(since)s)") % {"since": since_text},
            [
                _spans(
                    _("%(owner)s: %(key_result)s (%(objective)s)"),
                    owner=chat.Strong(kr.owner.display_name),
                    key_result=kr.title,
                    objective=kr.objective.title,
                )
                for kr in to_check_in
            ],
            _("Nothing: every member has checked in."),
        )
    ]
    if digest is not None:
        sections += [
            _chat_section(
                _("Objectives"),
                [
                    _spans(
                        _("%(objective)s: %(progress)s (%(status)s)"),
                        objective=row.objective.title,
                        progress=percent(row.progress),
                        status=chat.Strong(status_label(row.status)),
                    )
                    for row in digest.objectives
                ],
                "",
            ),
            _chat_section(
                _("At risk or off track"),
                [
                    _spans(
                        _(
                            "%(key_result)s (%(owner)s): %(status)s, %(progress)s done, "
                            "%(expected)s expected"
                        ),
                        key_result=row.kr.title,
                        owner=row.kr.owner.display_name,
                        status=chat.Strong(status_label(row.status)),
                        progress=percent(row.progress),
                        expected=percent(row.expected),
                    )
                    for row in digest.at_risk
                ],
                _("Nothing: every key result is on track."),
            ),
            _chat_section(
                _("Missing check-ins (none since %(since)s)") % {"since": since_text},
                [
                    _spans(
                        _("%(key_result)s (%(owner)s)"),
                        key_result=kr.title,
                        owner=kr.owner.display_name,
                    )
                    for kr in digest.missing
                ],
                _("None: every key result was checked in."),
            ),
        ]
    return chat.ChatMessage(
        url=team.chat_webhook_url,
        format=team.chat_format,
        title=_("%(team)s: weekly OKR check-in") % {"team": team.name},
        intro=_(
            "Check-in time at %(org)s: the key results the team's members still have to "
            "check in, and where the team stands."
        )
        % {"org": org.name},
        sections=sections,
        links=[
            chat.Link(_("Check in now"), site_url(reverse("my_check_in", args=[org.slug]))),
            chat.Link(
                _("Open the team page"),
                site_url(reverse("team_detail", args=[org.slug, team.pk])),
            ),
        ],
        buttons=_chat_buttons(team),
    )


def _chat_buttons(team: Team) -> list[dict[str, Any]]:
    """The buttons higher apps add to the team's message (see `signals.chat_buttons`)."""
    buttons: list[dict[str, Any]] = []
    sent = signals.chat_buttons.send(
        chat.ChatMessage, organization=team.organization, chat_format=team.chat_format
    )
    for _receiver, found in sent:
        if isinstance(found, list):
            buttons.extend(found)
    return buttons


# Preferences --------------------------------------------------------------------------


def set_reminders_muted(membership: Membership, muted: bool) -> None:
    Membership.objects.filter(pk=membership.pk).update(reminders_muted=muted)
    membership.reminders_muted = muted
