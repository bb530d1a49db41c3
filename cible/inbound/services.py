"""A reply to the reminder e-mail, read and recorded as check-ins.

`receive()` takes the message as it arrived (from `cible mail-in`'s SMTP listener, its
`--stdin` mode for a mail server's pipe, or `POST /mail-in/`) and:

1. finds the membership in the signed reply address (`notifications.replies`) among the
   envelope's recipients and the To, Cc and Delivered-To headers;
2. ignores automatic mail (out-of-office answers, bounces: `Auto-Submitted`, `Precedence`),
   mail from another address than the member's, and a message already read (its
   Message-ID): nothing is recorded and nothing is answered, so no two robots write to each
   other forever;
3. reads the lines (`lines.parse`), in the organisation's language;
4. checks every reading as the check-in page does (a key result the person may check in,
   an open cycle, the value's digits, the confidence): all are recorded, in one transaction,
   through the ordinary check-in service (audit trail, webhooks, progress, reminders), or,
   when a single line is wrong, none is;
5. asks, as the page does, before recording a value that looks like a typing mistake (far
   outside the key result's range, or a jump against the trend) once every line could be
   recorded: nothing is, and the answer gives the lines to send back, the doubtful values
   marked with "!";
6. answers the member, at their account's address only, with what was recorded, the
   values to confirm, or the lines that could not be read and why.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives as OutgoingMail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from cible.checkins.services import record_check_in
from cible.inbound import lines
from cible.inbound.models import MailReply, Outcome
from cible.notifications import replies
from cible.notifications.services import send_message, site_url
from cible.okrs import rules
from cible.okrs.access import Powers
from cible.okrs.models import KeyResult, Objective
from cible.orgs.models import Membership

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1_000_000
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


@dataclass
class Result:
    """What became of a message: `outcome` is None when it was ignored (see `reason`)."""

    outcome: Outcome | None
    reason: str = ""
    recorded: list[tuple[KeyResult, lines.Reading]] = field(default_factory=list)
    problems: list[lines.Problem] = field(default_factory=list)
    # Values that look like typing mistakes, not confirmed: nothing is recorded, and the
    # answer asks to confirm them (`doubts`) with the lines to send back.
    doubts: list["Doubt"] = field(default_factory=list)
    # Every reading that could be recorded, written back (`lines.write`) with the mark that
    # confirms each doubtful value: replying with them records all.
    again: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Doubt:
    """A value that looks like a typing mistake (`rules.check_in_warnings`), written without
    the mark that confirms it (`lines.CONFIRM`): it is asked about, as the page asks."""

    key_result: KeyResult
    reading: lines.Reading
    reasons: list[str]

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def doubts(accepted: list[tuple[KeyResult, lines.Reading]]) -> list[Doubt]:
    """The readings to confirm before anything is recorded, in the order of the lines."""
    found: list[Doubt] = []
    for kr, reading in accepted:
        if reading.confirmed:
            continue
        warnings = rules.check_in_warnings(kr, reading.value)
        if warnings:
            found.append(Doubt(kr, reading, [w.message for w in warnings]))
    return found


def _ignored(reason: str, *args: object) -> Result:
    logger.info("Mail reply ignored: " + reason, *args)
    return Result(None, reason % args if args else reason)


def _addresses(message: EmailMessage, envelope: list[str]) -> list[str]:
    headers = [str(h) for name in ("Delivered-To", "To", "Cc") for h in message.get_all(name, [])]
    return [*envelope, *(address for _name, address in getaddresses(headers))]


def _is_automatic(message: EmailMessage) -> bool:
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        submitted != "no"
        or precedence in _AUTOMATIC_PRECEDENCE
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
    )


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, ValueError):  # an unknown charset, a broken encoding
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    return strip_tags(content) if body.get_content_type() == "text/html" else content


def _message_id(message: EmailMessage, raw: bytes) -> str:
    given = str(message.get("Message-ID", "")).strip()
    if given and len(given) <= 255:
        return given
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def receive(raw: bytes, envelope: list[str] | None = None) -> Result:
    """Read one message; see the module's description."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return _ignored("message of %d bytes, over the limit", len(raw))
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    membership_id = next(
        (m for m in map(replies.membership_id_for, _addresses(message, envelope or [])) if m),
        None,
    )
    if membership_id is None:
        return _ignored("no signed reply address among the recipients")
    membership = (
        Membership.objects.select_related("organization", "user").filter(pk=membership_id).first()
    )
    if membership is None:
        return _ignored("membership %s no longer exists", membership_id)
    if _is_automatic(message):
        return _ignored("automatic message")
    sender = parseaddr(str(message.get("From", "")))[1]
    if sender.casefold() != membership.user.email.casefold():
        return _ignored("sent from another address than the member's")
    org = membership.organization
    message_id = _message_id(message, raw)
    if MailReply.objects.filter(organization=org, message_id=message_id).exists():
        return _ignored("message %s already read", message_id)
    with translation.override(org.language):
        result = _record(membership, lines.parse(_text(message), org.language), message_id)
        if result.outcome is not None:
            _answer(membership, message, result)
    return result


def check_readings(
    membership: Membership, readings: list[lines.Reading]
) -> tuple[list[tuple[KeyResult, lines.Reading]], list[lines.Problem]]:
    """The readings of key results the person may check in, each with its key result, and
    the problems of the others: a key result the person may not check in (or cannot see:
    the same words, so that nothing is revealed), twice the same key result. The check-in
    service says the rest (`record_readings`)."""
    found = {
        kr.pk: kr
        for kr in KeyResult.objects.filter(
            pk__in=[r.key_result_id for r in readings],
            objective__in=Objective.objects.visible_to(membership).active(),
        ).select_related("objective__cycle", "objective__organization", "owner")
    }
    powers = Powers(membership)
    seen: set[int] = set()
    accepted: list[tuple[KeyResult, lines.Reading]] = []
    problems: list[lines.Problem] = []
    for reading in readings:
        kr = found.get(reading.key_result_id)
        text = f"{reading.key_result_id}: …"
        if kr is None or not powers.can_edit_key_result(kr):
            reason = _("You have no key result number %(id)d to check in.") % {
                "id": reading.key_result_id
            }
            problems.append(lines.Problem(reading.line, text, reason))
        elif kr.pk in seen:
            reason = _("Key result %(id)d is on two lines.") % {"id": kr.pk}
            problems.append(lines.Problem(reading.line, text, reason))
        else:
            seen.add(kr.pk)
            accepted.append((kr, reading))
    return accepted, problems


class _Undone(Exception):
    """Raised to undo the readings recorded so far: one of them, or another line, is wrong."""


def record_readings(
    membership: Membership,
    accepted: list[tuple[KeyResult, lines.Reading]],
    refused: list[lines.Problem] | None = None,
) -> tuple[list[lines.Problem], list[Doubt]]:
    """Record the readings as ordinary check-ins, all or none. The check-in service's own
    refusals (a closed cycle, too many digits, a confidence out of 0-10, a cancelled key
    result) join the problems already found (`refused`); with any problem, nothing stays,
    and the problems come back in the order of the lines. When the service would take them
    all but some values look like typing mistakes, nothing stays either and those come back
    (`doubts`), to be confirmed: what cannot be recorded anyway is said first."""
    problems = list(refused or [])
    doubtful = doubts(accepted)  # judged against the values before these
    try:
        with transaction.atomic():
            for kr, reading in accepted:
                try:
                    record_check_in(
                        kr,
                        membership.user,
                        reading.value,
                        reading.confidence,
                        comment=reading.comment,
                    )
                except ValidationError as error:
                    text = f"{kr.pk}: …"
                    problems.append(lines.Problem(reading.line, text, " ".join(error.messages)))
            if problems or doubtful:
                raise _Undone
    except _Undone:
        pass
    if problems:
        return sorted(problems, key=lambda p: p.line), []
    return [], doubtful


def _record(membership: Membership, parsed: lines.Parsed, message_id: str) -> Result:
    refused = list(parsed.problems)
    if not parsed.readings and not refused:
        refused.append(lines.Problem(0, "", _("The reply holds no check-in line.")))
    accepted, not_theirs = check_readings(membership, parsed.readings)
    org, user = membership.organization, membership.user
    try:
        with transaction.atomic():
            reply = MailReply.objects.create(
                organization=org,
                user=user,
                message_id=message_id,
                outcome=Outcome.RECORDED,
                recorded=len(accepted),
            )
            problems, doubtful = record_readings(membership, accepted, [*refused, *not_theirs])
            if problems or doubtful:
                reply.outcome = Outcome.REFUSED if problems else Outcome.TO_CONFIRM
                reply.recorded = 0
                reply.save(update_fields=["outcome", "recorded"])
    except IntegrityError:  # the same message, read at the same moment by another process
        return _ignored("message %s already read", message_id)
    if problems:
        return Result(Outcome.REFUSED, problems=problems)
    if doubtful:
        flagged = {id(doubt.reading) for doubt in doubtful}
        again = [
            lines.write(reading, org.language, confirmed=id(reading) in flagged)
            for _kr, reading in accepted
        ]
        return Result(Outcome.TO_CONFIRM, doubts=doubtful, again=again)
    return Result(Outcome.RECORDED, recorded=accepted)


def _answer(membership: Membership, message: EmailMessage, result: Result) -> None:
    org = membership.organization
    subject = str(message.get("Subject", "")).strip()
    if not subject.lower().startswith("re:"):
        subject = "Re: " + subject if subject else _("Your check-in by e-mail")
    context = {
        "org": org,
        "user": membership.user,
        "recorded": result.recorded,
        "problems": result.problems,
        "doubts": result.doubts,
        "again": result.again,
        "check_in_url": site_url(reverse("my_check_in", args=[org.slug])),
    }
    mail = OutgoingMail(
        subject[:200],
        render_to_string("inbound/answer.txt", context),
        to=[membership.user.email],
        headers={"Auto-Submitted": "auto-replied", "X-Cible-Notification": "mail-in"},
    )
    original = str(message.get("Message-ID", "")).strip()
    if original:
        mail.extra_headers |= {"In-Reply-To": original, "References": original}
    try:
        send_message(mail)
    except OSError:
        logger.warning("The answer to a reply by e-mail could not be sent", exc_info=True)
