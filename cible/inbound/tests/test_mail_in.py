"""Check-ins by replying to the reminder: a real SMTP session on 127.0.0.1 to `cible
mail-in`'s listener, the pipe mode, and the HTTP endpoint of inbound-mail services."""

import base64
import io
import json
import smtplib
import socket
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from cible.inbound import services, smtp
from cible.inbound.models import MailReply, Outcome
from cible.notifications import replies, tasks
from cible.notifications.services import week_slot
from cible.okrs.models import CycleState
from cible.okrs.services import create_key_result

ADDRESS = "checkin@okr.acme.test"


@pytest.fixture(autouse=True)
def _mail_in(settings):  # type: ignore[no-untyped-def]
    settings.MAIL_IN_ADDRESS = ADDRESS
    settings.MAIL_IN_TOKEN = "s3cret-mail-in"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def reply(
    world: Any,
    body: str,
    *,
    sender: str = "bob@acme.test",
    to: str | None = None,
    message_id: str | None = "<reply-1@mail.acme.test>",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Bob <{sender}>"
    message["To"] = to or replies.reply_address(world.org.memberships.get(user=world.bob).pk)
    message["Subject"] = "Re: Acme: 1 key result to check in"
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def check_ins(world: Any) -> list[tuple[Decimal, int | None, str]]:
    return [
        (c.value, c.confidence, c.comment)
        for c in CheckIn.objects.filter(key_result=world.kr).order_by("created_at", "id")
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def listener() -> Iterator[int]:
    port = free_port()
    controller = smtp.controller("127.0.0.1", port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_the_reminder_carries_a_signed_reply_address_and_the_lines_to_fill(
    world, mailoutbox
) -> None:
    tasks.dispatch(week_slot(world.org, timezone.now()) + timedelta(minutes=1))

    mail = next(m for m in mailoutbox if m.to == ["bob@acme.test"])
    membership = world.org.memberships.get(user=world.bob)
    assert mail.reply_to == [replies.reply_address(membership.pk)]
    assert mail.reply_to[0].startswith("checkin+") and mail.reply_to[0].endswith("@okr.acme.test")
    assert f"\n{world.kr.pk}: 2\n" in mail.body
    assert f"#{world.kr.pk} Cut first response time" in mail.body
    assert replies.membership_id_for(mail.reply_to[0]) == membership.pk
    assert replies.membership_id_for(mail.reply_to[0].upper()) == membership.pk


def test_without_the_setting_the_reminder_has_no_reply_address(world, mailoutbox, settings) -> None:
    settings.MAIL_IN_ADDRESS = ""
    tasks.dispatch(week_slot(world.org, timezone.now()) + timedelta(minutes=1))

    mail = next(m for m in mailoutbox if m.to == ["bob@acme.test"])
    assert mail.reply_to == []
    assert "answer this e-mail" not in mail.body


def test_a_forged_or_foreign_reply_address_names_nobody(world) -> None:
    good = replies.reply_address(world.org.memberships.get(user=world.bob).pk)
    member_id, signature = good.split("+")[1].split("@")[0].split("-")
    forged = good.replace(f"+{member_id}-", f"+{int(member_id) + 1}-")
    assert replies.membership_id_for(forged) is None
    assert replies.membership_id_for(good.replace(signature, "0" * 24)) is None
    assert replies.membership_id_for(good.replace("okr.acme.test", "evil.test")) is None
    assert replies.membership_id_for(good.replace("checkin+", "other+")) is None
    assert replies.membership_id_for("bob@acme.test") is None


@pytest.mark.django_db(transaction=True)
def test_a_reply_over_smtp_becomes_a_check_in_and_is_answered(world, listener, mailoutbox) -> None:
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        client.sendmail(
            "bob@acme.test",
            [replies.reply_address(world.org.memberships.get(user=world.bob).pk)],
            reply(world, f"Hello,\n\n{world.kr.pk}: 1.5, 8, new macros\n\nBob"),
        )

    assert check_ins(world)[-1] == (Decimal("1.5"), 8, "new macros")
    world.kr.refresh_from_db()
    assert (world.kr.current, world.kr.confidence) == (Decimal("1.5"), 8)
    entry = AuditEntry.objects.filter(organization=world.org).order_by("-id").first()
    assert entry is not None and entry.actor_id == world.bob.pk
    (answer,) = mailoutbox
    assert answer.to == ["bob@acme.test"]
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert answer.extra_headers["In-Reply-To"] == "<reply-1@mail.acme.test>"
    assert "Cut first response time: 1.5" in answer.body
    assert MailReply.objects.get().outcome == Outcome.RECORDED


@pytest.mark.django_db(transaction=True)
def test_a_malformed_reply_over_smtp_changes_nothing_and_is_explained(
    world, listener, mailoutbox
) -> None:
    before = check_ins(world)
    other = create_key_result(
        world.team_objective, owner=world.bob, title="Close tickets", start=0, target=10
    )
    body = f"{other.pk}: 4\n{world.kr.pk}: lots, 7\n999999: 3\n{world.kr.pk}: 1{'0' * 30}"
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        client.sendmail(
            "bob@acme.test",
            [replies.reply_address(world.org.memberships.get(user=world.bob).pk)],
            reply(world, body),
        )

    assert check_ins(world) == before
    assert not CheckIn.objects.filter(key_result=other).exists()
    (answer,) = mailoutbox
    assert "Nothing was recorded" in answer.body
    assert "line 2" in answer.body and "“lots” is not a number." in answer.body
    assert "You have no key result number 999999 to check in." in answer.body
    assert "line 4" in answer.body and "digits" in answer.body


@pytest.mark.django_db(transaction=True)
def test_the_listener_refuses_any_other_recipient(world, listener) -> None:
    with (
        smtplib.SMTP("127.0.0.1", listener, timeout=10) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        client.sendmail("bob@acme.test", ["alice@acme.test"], reply(world, "1: 1"))


def test_the_same_message_delivered_twice_records_once_and_answers_once(world, mailoutbox) -> None:
    message = reply(world, f"{world.kr.pk}: 1.5")
    first = services.receive(message)
    again = services.receive(message)

    assert first.outcome == Outcome.RECORDED
    assert again.outcome is None and "already read" in again.reason
    assert check_ins(world)[-1][0] == Decimal("1.5")
    assert CheckIn.objects.filter(key_result=world.kr, value=Decimal("1.5")).count() == 1
    assert len(mailoutbox) == 1


def test_mail_from_another_address_is_ignored_and_not_answered(world, mailoutbox) -> None:
    before = check_ins(world)
    result = services.receive(reply(world, f"{world.kr.pk}: 1", sender="mallory@evil.test"))

    assert result.outcome is None
    assert check_ins(world) == before
    assert mailoutbox == []


def test_automatic_answers_are_ignored(world, mailoutbox) -> None:
    before = check_ins(world)
    for headers in ({"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}):
        result = services.receive(reply(world, f"{world.kr.pk}: 1", **headers))
        assert result.outcome is None
    assert check_ins(world) == before
    assert mailoutbox == []


def test_a_key_result_the_person_may_not_check_in_is_refused(world, mailoutbox) -> None:
    alices = create_key_result(
        world.company_objective, owner=world.alice, title="Alice's", start=0, target=10
    )
    foreign = create_key_result(
        world.foreign_objective, owner=world.oscar, title="Globex's", start=0, target=10
    )

    result = services.receive(reply(world, f"{alices.pk}: 4\n{foreign.pk}: 5"))

    assert result.outcome == Outcome.REFUSED
    assert [p.line for p in result.problems] == [1, 2]
    assert not CheckIn.objects.filter(key_result__in=[alices, foreign]).exists()
    assert "Globex" not in mailoutbox[0].body


def test_a_closed_cycle_takes_no_check_in_by_mail(world, mailoutbox) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    before = check_ins(world)

    result = services.receive(reply(world, f"{world.kr.pk}: 1"))

    assert result.outcome == Outcome.REFUSED
    assert check_ins(world) == before


def test_a_reply_without_any_line_is_explained(world, mailoutbox) -> None:
    result = services.receive(reply(world, "Thanks, will do it tomorrow!"))

    assert result.outcome == Outcome.REFUSED
    assert "The reply holds no check-in line." in mailoutbox[0].body
    assert "42: 1500, 7" in mailoutbox[0].body


def test_a_french_organisation_reads_french_numbers_and_answers_in_french(
    world, mailoutbox
) -> None:
    world.org.language = "fr"
    world.org.save()

    services.receive(reply(world, f"{world.kr.pk} : 1,5 ; 6 ; nouvelles macros\n{world.kr.pk}x"))
    assert "Rien n'a été enregistré" in mailoutbox[0].body

    services.receive(reply(world, f"{world.kr.pk} : 1,5 ; 6", message_id="<reply-2@acme.test>"))
    assert check_ins(world)[-1] == (Decimal("1.5"), 6, "")
    assert "Merci" in mailoutbox[1].body


def test_a_message_without_message_id_is_recognised_by_its_content(world, mailoutbox) -> None:
    message = reply(world, f"{world.kr.pk}: 3", message_id=None)
    services.receive(message)
    services.receive(message)

    assert CheckIn.objects.filter(key_result=world.kr, value=Decimal(3)).count() == 1


def test_the_pipe_mode_reads_one_message_from_standard_input(world, monkeypatch) -> None:
    message = reply(world, f"{world.kr.pk}: 2.5")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(message)))
    out = io.StringIO()

    call_command("mail-in", "--stdin", stdout=out)

    assert out.getvalue().strip() == "recorded"
    assert check_ins(world)[-1][0] == Decimal("2.5")


def post(client: Client, body: object, token: str | None = "s3cret-mail-in") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post("/mail-in/", data, content_type="application/json", headers=headers)


def test_an_inbound_mail_service_posts_a_reply_as_json(world, client, mailoutbox) -> None:
    address = replies.reply_address(world.org.memberships.get(user=world.bob).pk)
    answer = post(
        client,
        {
            "From": "Bob <bob@acme.test>",
            "To": address,
            "Subject": "Re: reminder",
            "TextBody": f"{world.kr.pk}: 1.25, 9",
            "MessageID": "abc-123",
        },
    )

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "recorded" and answer.json()["recorded"] == 1
    assert check_ins(world)[-1][:2] == (Decimal("1.25"), 9)


def test_the_json_endpoint_takes_a_raw_message_and_basic_authentication(world, client) -> None:
    credentials = base64.b64encode(b"mail:s3cret-mail-in").decode()
    answer = client.post(
        "/mail-in/",
        json.dumps({"raw": reply(world, f"{world.kr.pk}: 3.5").decode()}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )

    assert answer.status_code == 200, answer.content
    assert check_ins(world)[-1][0] == Decimal("3.5")


def test_the_json_endpoint_refuses_what_it_cannot_take(world, client, settings) -> None:
    before = check_ins(world)
    assert post(client, {"to": "x"}, token=None).status_code == 401
    assert post(client, {"to": "x"}, token="wrong").json()["field"] == "Authorization"
    assert post(client, "not json").status_code == 400
    assert post(client, [1, 2]).status_code == 400
    assert post(client, {"text": "1: 1"}).json()["field"] == "to"
    ignored = post(client, {"to": "someone@else.test", "text": "1: 1", "from": "bob@acme.test"})
    assert ignored.status_code == 200 and ignored.json()["outcome"] == "ignored"
    assert client.get("/mail-in/").status_code == 405
    settings.MAIL_IN_TOKEN = ""
    assert post(client, {"to": "x"}).status_code == 404
    assert check_ins(world) == before


@pytest.mark.django_db
def test_a_value_that_looks_like_a_typing_mistake_is_asked_about_then_confirmed_with_a_mark(
    world, mailoutbox
) -> None:
    hires = create_key_result(
        world.team_objective, owner=world.bob, title="Hire engineers", start=0, target=11
    )
    before = check_ins(world)

    text = f"{world.kr.pk}: 3, 8, steady\n{hires.pk}: 55, 6, the new office"
    result = services.receive(reply(world, text))

    assert result.outcome == Outcome.TO_CONFIRM
    assert check_ins(world) == before and not CheckIn.objects.filter(key_result=hires).exists()
    assert MailReply.objects.get().outcome == Outcome.TO_CONFIRM
    (answer,) = mailoutbox
    assert "Nothing was recorded yet: these values look like typing mistakes." in answer.body
    assert (
        "- line 2 (Hire engineers): 55 is far outside this key result's range, from 0 to 11: "
        "check the value."
    ) in answer.body
    again = [f"{world.kr.pk}: 3; 8; steady", f"{hires.pk}: 55!; 6; the new office"]
    assert "\n".join(again) in answer.body

    # The lines of the answer, sent back as they are, record both.
    confirmed = services.receive(reply(world, "\n".join(again), message_id="<reply-2@acme>"))

    assert confirmed.outcome == Outcome.RECORDED
    assert check_ins(world)[-1] == (Decimal(3), 8, "steady")
    recorded = CheckIn.objects.get(key_result=hires)
    assert (recorded.value, recorded.confidence, recorded.comment) == (55, 6, "the new office")


@pytest.mark.django_db
def test_a_line_that_cannot_be_recorded_is_said_before_a_value_to_confirm(
    world, mailoutbox
) -> None:
    hires = create_key_result(
        world.team_objective, owner=world.bob, title="Hire engineers", start=0, target=11
    )

    result = services.receive(reply(world, f"{hires.pk}: 55\n{world.kr.pk}: 1, conf 11"))

    assert result.outcome == Outcome.REFUSED and not result.doubts
    assert [problem.line for problem in result.problems] == [2]
    assert not CheckIn.objects.filter(key_result=hires).exists()


@pytest.mark.django_db
def test_the_question_is_asked_in_the_organisations_language(world, mailoutbox) -> None:
    world.org.language = "fr"
    world.org.save()
    hires = create_key_result(
        world.team_objective, owner=world.bob, title="Recruter", start=0, target=11
    )

    result = services.receive(reply(world, f"{hires.pk}: 55,5"))

    assert result.outcome == Outcome.TO_CONFIRM
    assert result.again == [f"{hires.pk}: 55,5!"]
    (answer,) = mailoutbox
    assert "Rien n'est encore enregistré" in answer.body
    assert "55,5 est très loin" in answer.body
