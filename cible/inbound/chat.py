"""Chat check-ins, the same on every platform: who is asking, and the answer to a command,
a button or a form. The platform modules (`slack`, `mattermost`, `teams`) turn requests
into these calls and the answers into their own payloads.

A chat account speaks for a person once linked (`link_url`, then the page `chat_link`
where the person, signed in to Cible, confirms). Everything recorded goes through the
check-in service, as a check-in on the page would: the audit trail, the webhooks, the
progress, the reminders that stop. A command sees only what that person may see.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cible.checkins.services import key_results_to_check_in
from cible.inbound import commands, lines, services
from cible.inbound.models import ChatAccount, ChatIntegration
from cible.notifications.services import site_url
from cible.okrs.models import KeyResult
from cible.okrs.templatetags.okrs import value as shown
from cible.orgs.models import Membership

LINK_SALT = "cible.inbound.link"
LINK_MAX_AGE = timedelta(hours=1)
FORM_LINES = 20  # a chat form holds this many key results; the page holds them all


@dataclass
class Answer:
    """What to say back (`text`), or the form to open (`form`), or, for a form sent back
    with mistakes, the mistake of each of its fields (`field_errors`, by key result)."""

    text: str = ""
    form: list[KeyResult] | None = None
    field_errors: dict[int, str] = field(default_factory=dict)


def account(integration: ChatIntegration, external_id: str) -> Membership | None:
    linked = (
        ChatAccount.objects.filter(integration=integration, external_id=external_id)
        .select_related("membership__user", "membership__organization")
        .first()
    )
    return linked.membership if linked else None


def link_token(integration: ChatIntegration, external_id: str, name: str) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign_object(
        {"i": integration.pk, "u": external_id, "n": name[:100]}
    )


def read_link_token(token: str) -> dict[str, object] | None:
    try:
        values = signing.TimestampSigner(salt=LINK_SALT).unsign_object(token, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return values if isinstance(values, dict) else None


def link_url(integration: ChatIntegration, external_id: str, name: str) -> str:
    return site_url(reverse("chat_link", args=[link_token(integration, external_id, name)]))


def link(integration: ChatIntegration, external_id: str, membership: Membership) -> ChatAccount:
    linked, _created = ChatAccount.objects.update_or_create(
        integration=integration, external_id=external_id, defaults={"membership": membership}
    )
    return linked


def key_results(membership: Membership) -> list[KeyResult]:
    return list(key_results_to_check_in(membership))


def form_default(kr: KeyResult) -> str:
    """A form line as the chat shows it first: the last value and confidence."""
    text = "" if kr.current is None else format(kr.current.normalize(), "f")
    if kr.confidence is not None:
        text += f", {kr.confidence}"
    return text


def _line(kr: KeyResult) -> str:
    confidence = (
        _("confidence %(level)s/10") % {"level": kr.confidence} if kr.confidence is not None else ""
    )
    level = f" ({confidence})" if confidence else ""
    return f"#{kr.pk} {kr.title}: {shown(kr.current, kr.unit)} → {shown(kr.target, kr.unit)}{level}"


def help_text() -> str:
    return _(
        "/okr lists your key results; /okr checkin opens the check-in form; "
        '/okr 42 1500 conf 7 "comment" checks in key result 42; '
        "/okr nochange checks in all of yours at their last value."
    )


def _record(
    membership: Membership, readings: list[lines.Reading], ask: Callable[[services.Doubt], str]
) -> tuple[int, list[str]]:
    """Record the readings, all or none; a value that looks like a typing mistake, not
    confirmed with "!", is asked about (`ask` says how to confirm it) and nothing is
    recorded."""
    accepted, refused = services.check_readings(membership, readings)
    problems, doubtful = services.record_readings(membership, accepted, refused)
    if problems or doubtful:
        return 0, [p.reason for p in problems] + [ask(doubt) for doubt in doubtful]
    return len(accepted), []


def _ask_again(language: str) -> Callable[[services.Doubt], str]:
    """How to confirm a doubtful value of a command: the same command, "!" after the value."""

    def ask(doubt: services.Doubt) -> str:
        reading = doubt.reading
        again = f"/okr {reading.key_result_id} {lines.digits(reading.value, language)}!"
        if reading.confidence is not None:
            again += f" conf {reading.confidence}"
        if reading.comment:
            again += f' "{reading.comment}"'
        return (
            doubt.reason
            + " "
            + _("If it is right, send %(command)s to record it.") % {"command": again}
        )

    return ask


def _recorded(count: int) -> str:
    return translation.ngettext(
        "Thank you: %(count)d check-in recorded.", "Thank you: %(count)d check-ins recorded.", count
    ) % {"count": count}


def command(integration: ChatIntegration, external_id: str, name: str, text: str) -> Answer:
    """The answer to `/okr <text>` from this chat account."""
    org = integration.organization
    with translation.override(org.language):
        membership = account(integration, external_id)
        if membership is None:
            return Answer(
                _(
                    "Your chat account is not linked to Cible yet. Open this link, signed in "
                    "to Cible, to link it (valid one hour): %(url)s"
                )
                % {"url": link_url(integration, external_id, name)}
            )
        asked = commands.parse(text, org.language)
        if asked.kind == commands.Kind.HELP:
            return Answer(help_text())
        if asked.kind == commands.Kind.UNREADABLE:
            return Answer(
                _("“%(text)s” was not understood.") % {"text": asked.problem} + " " + help_text()
            )
        if asked.kind == commands.Kind.NO_CHANGE:
            return no_change(integration, membership)
        krs = key_results(membership)
        if asked.kind == commands.Kind.LIST:
            if not krs:
                return Answer(_("You have no key result to check in."))
            return Answer("\n".join(_line(kr) for kr in krs))
        if asked.kind == commands.Kind.FORM:
            if not krs:
                return Answer(_("You have no key result to check in."))
            return Answer(form=krs[:FORM_LINES])
        assert asked.reading is not None
        count, problems = _record(membership, [asked.reading], _ask_again(org.language))
        return Answer(_recorded(count) if count else " ".join(problems))


def no_change(integration: ChatIntegration, membership: Membership) -> Answer:
    """Every key result of the person, checked in at its last value and confidence."""
    with translation.override(integration.organization.language):
        readings = [
            # The values already recorded: nothing to confirm again.
            lines.Reading(n, kr.pk, kr.current, kr.confidence, "", confirmed=True)
            for n, kr in enumerate(key_results(membership), 1)
            if kr.current is not None
        ]
        if not readings:
            return Answer(_("You have no key result to check in."))
        count, problems = _record(
            membership, readings, _ask_again(integration.organization.language)
        )
        return Answer(_recorded(count) if count else " ".join(problems))


def submit(integration: ChatIntegration, membership: Membership, fields: dict[int, str]) -> Answer:
    """A form sent back: one text per key result ("1500, 7, comment"); empty ones are left
    out. All are recorded, or none and each field says what is wrong, or asks to confirm a
    value that looks like a typing mistake ("55!, 7" confirms it)."""
    with translation.override(integration.organization.language):
        readings: list[lines.Reading] = []
        errors: dict[int, str] = {}
        for kr_id, text in fields.items():
            if not text.strip():
                continue
            parsed = lines.parse(f"{kr_id}: {text}", integration.organization.language)
            if parsed.problems or len(parsed.readings) != 1:
                reason = parsed.problems[0].reason if parsed.problems else ""
                errors[kr_id] = reason or _("Write the value, then the confidence and a comment.")
                continue
            # The line is the key result's number: each refusal then names its field.
            readings.append(replace(parsed.readings[0], line=kr_id))
        unread = [lines.Problem(kr_id, "", reason) for kr_id, reason in errors.items()]
        accepted, refused = services.check_readings(membership, readings)
        problems, doubtful = services.record_readings(membership, accepted, [*unread, *refused])
        language = integration.organization.language
        problems += [
            lines.Problem(
                doubt.reading.line,
                "",
                # The way to confirm first: a chat may cut a long error short.
                _("Write %(value)s! if it is right: %(reason)s")
                % {"value": lines.digits(doubt.reading.value, language), "reason": doubt.reason},
            )
            for doubt in doubtful
        ]
        if problems:
            field_errors = {problem.line: problem.reason for problem in problems}
            return Answer(_("Nothing was recorded."), field_errors=field_errors)
        if not accepted:
            return Answer(_("You have no key result to check in."))
        return Answer(_recorded(len(accepted)))
