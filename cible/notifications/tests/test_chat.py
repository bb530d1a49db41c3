"""A team's chat webhook, against a real HTTP receiver on loopback: one message per team and
week in the team's format (Slack, Mattermost, Microsoft Teams) with its members' key
results to check in and the team's digest; a failing webhook is retried with back-off,
then recorded as failed with its error and logged, never lost. And the webhook's settings:
only the team's managers set them, and only they ever see the address (a secret)."""

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time as clock
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cible.checkins.services import record_check_in
from cible.notifications import chat, services, tasks
from cible.notifications.models import Delivery, DeliveryStatus, Kind, Round
from cible.okrs.models import Visibility
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import ChatFormat, Membership, Team, TeamMember

from .conftest import DATABASE, add_key_result, add_member, free_port, later

pytestmark = pytest.mark.django_db

SECRET = "T0001/B0002/s3cr3t-t0k3n"
MAX_BODY = 1 << 20


# The receiver ---------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """An incoming webhook on 127.0.0.1: keeps every POST it gets and answers each with the
    next scripted answer (a status, or a status and headers, or "hang"), then 200."""

    def __init__(self, *answers: object) -> None:
        self.received: list[Received] = []
        self.answers = list(answers)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{SECRET}"

    def _next_answer(self) -> object:
        with self.lock:
            return self.answers.pop(0) if self.answers else 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5  # A client that stalls mid-request cannot hold a thread for long.

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.send_error(413)
                    return
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                answer = receiver._next_answer()
                if answer == "hang":
                    time.sleep(2)
                    answer = 200
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                reply = b"ok" if status < 300 else b"invalid_token"
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # The client gave up waiting (the timeout test).

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


# The world ------------------------------------------------------------------------------


@pytest.fixture
def product(world, slot):  # type: ignore[no-untyped-def]
    """Bob leads Product (world.kr, on track, never checked in). Carol is in the team too:
    NPS is far behind pace (off track, never checked in); the help centre is on pace but
    its owner has little confidence (at risk) and checked it in this week."""
    carol = add_member(world.org, "carol")
    TeamMember.objects.create(team=world.team, user=carol)
    add_key_result(world, carol, "Raise the NPS", current=Decimal(1))
    help_centre = add_key_result(world, carol, "Ship the help centre articles", current=Decimal(6))
    record_check_in(help_centre, carol, Decimal(6), confidence=5, at=later(slot, days=-1))
    world.carol = carol
    return world


def hook(team: Team, url: str, chat_format: str = ChatFormat.SLACK) -> None:
    Team.objects.filter(pk=team.pk).update(chat_webhook_url=url, chat_format=chat_format)


def chat_delivery(team: Team) -> Delivery:
    return Delivery.objects.get(team=team, kind=Kind.CHAT)


def lines_of(chat_format: str, body: dict[str, Any]) -> list[str]:
    """The message as lines of text, whatever its format, for checking what it says."""
    if chat_format == ChatFormat.SLACK:
        texts = [block["text"]["text"] for block in body["blocks"] if "text" in block]
        texts += [e["text"] for b in body["blocks"] for e in b.get("elements", [])]
        return "\n".join(texts).splitlines()
    if chat_format == ChatFormat.MATTERMOST:
        return str(body["text"]).splitlines()
    card = body["attachments"][0]["content"]
    return ["".join(run["text"] for run in block["inlines"]) for block in card["body"]]


def section(lines: list[str], start: str, end: str | None = None) -> list[str]:
    first = next(i for i, line in enumerate(lines) if start in line)
    rest = lines[first + 1 :]
    if end is None:
        return rest
    return rest[: next(i for i, line in enumerate(rest) if end in line)]


# One message per team and week, in each format --------------------------------------------


def test_a_slack_webhook_gets_text_and_mrkdwn_blocks(product, slot, receiver) -> None:
    hook(product.team, receiver.url, ChatFormat.SLACK)

    tasks.dispatch(later(slot, minutes=1))

    [request] = receiver.received
    assert request.path == f"/hooks/{SECRET}"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    body = request.json()
    assert set(body) == {"text", "blocks"}
    assert body["text"] == "Product: weekly OKR check-in"
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Product: weekly OKR check-in", "emoji": False},
    }
    assert {b["type"] for b in body["blocks"]} == {"header", "section", "context"}
    sections = [b["text"] for b in body["blocks"] if b["type"] == "section"]
    assert {s["type"] for s in sections} == {"mrkdwn"}
    assert all(len(s["text"]) <= 3000 for s in sections)
    lines = lines_of(ChatFormat.SLACK, body)
    to_check_in = section(lines, "*To check in", "*Objectives*")
    assert "\u2022 *Bob Durand*: Cut first response time (Answer faster)" in to_check_in
    assert "\u2022 *Carol*: Raise the NPS (Answer faster)" in to_check_in
    assert not any("Ship the help centre" in line for line in to_check_in)
    risks = section(lines, "*At risk or off track*", "*Missing check-ins")
    assert risks[0].startswith("\u2022 Raise the NPS (Carol): *Off track*, 10\u00a0% done, ")
    assert risks[1].startswith("\u2022 Ship the help centre articles (Carol): *At risk*")
    assert "<http://127.0.0.1:8000/o/acme/check-in/|Check in now>" in lines[-1]
    assert f"/o/acme/teams/{product.team.pk}/|Open the team page>" in lines[-1]


def test_a_mattermost_webhook_gets_markdown_text(product, slot, receiver) -> None:
    hook(product.team, receiver.url, ChatFormat.MATTERMOST)

    tasks.dispatch(later(slot, minutes=1))

    [request] = receiver.received
    body = request.json()
    assert set(body) == {"text"}
    text = body["text"]
    assert text.startswith("#### Product: weekly OKR check-in\n\n")
    assert "- **Bob Durand**: Cut first response time (Answer faster)" in text
    assert "- Raise the NPS (Carol): **Off track**, 10\u00a0% done, " in text
    assert "- Ship the help centre articles (Carol): **At risk**" in text
    missing = text.split("**Missing check-ins")[1]
    assert "- Cut first response time (Bob Durand)" in missing
    assert "Ship the help centre" not in missing
    assert "[Check in now](http://127.0.0.1:8000/o/acme/check-in/)" in text


def test_a_teams_webhook_gets_an_adaptive_card(product, slot, receiver) -> None:
    hook(product.team, receiver.url, ChatFormat.TEAMS)

    tasks.dispatch(later(slot, minutes=1))

    [request] = receiver.received
    body = request.json()
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == "1.4"
    assert {block["type"] for block in card["body"]} == {"RichTextBlock"}
    assert all(run["type"] == "TextRun" for b in card["body"] for run in b["inlines"])
    assert [a["type"] for a in card["actions"]] == ["Action.OpenUrl", "Action.OpenUrl"]
    assert card["actions"][0] == {
        "type": "Action.OpenUrl",
        "title": "Check in now",
        "url": "http://127.0.0.1:8000/o/acme/check-in/",
    }
    lines = lines_of(ChatFormat.TEAMS, body)
    assert lines[0] == "Product: weekly OKR check-in"
    assert "\u2022 Bob Durand: Cut first response time (Answer faster)" in lines
    [nps] = [
        block
        for block in card["body"]
        if "".join(run["text"] for run in block["inlines"]).startswith(
            "\u2022 Raise the NPS (Carol): Off track"
        )
    ]
    assert {"type": "TextRun", "text": "Off track", "weight": "Bolder"} in nps["inlines"]


@pytest.mark.parametrize("chat_format", list(ChatFormat))
def test_each_format_is_delivered_once_and_recorded(product, slot, receiver, chat_format) -> None:
    hook(product.team, receiver.url, chat_format)

    tasks.dispatch(later(slot, minutes=1))

    assert len(receiver.received) == 1
    lines = lines_of(chat_format, receiver.received[0].json())
    assert any("Cut first response time" in line for line in lines)
    assert any("Raise the NPS" in line and "Off track" in line for line in lines)
    delivery = chat_delivery(product.team)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        1,
        "",
    )
    assert delivery.user is None
    assert delivery.period == slot.date().isoformat()
    assert delivery.sent_at is not None


def test_a_team_without_a_webhook_gets_nothing(product, slot, receiver) -> None:
    support = Team.objects.create(organization=product.org, name="Support", lead=product.adam)
    TeamMember.objects.create(team=support, user=product.adam)
    hook(product.team, receiver.url)

    tasks.dispatch(later(slot, minutes=1))

    assert [r.json()["text"] for r in receiver.received] == ["Product: weekly OKR check-in"]
    assert not Delivery.objects.filter(team=support).exists()
    assert Delivery.objects.filter(kind=Kind.CHAT).count() == 1


def test_without_any_webhook_no_chat_is_planned(product, slot, receiver) -> None:
    tasks.dispatch(later(slot, minutes=1))

    assert receiver.received == []
    assert not Delivery.objects.filter(kind=Kind.CHAT).exists()


def test_each_team_gets_its_own_message_at_its_own_webhook(product, slot) -> None:
    support = Team.objects.create(organization=product.org, name="Support", lead=product.carol)
    create_objective(
        product.org,
        product.carol,
        parents=[product.company_objective],
        cycle=product.cycle,
        title="Solve on first contact",
        level="team",
        team=support,
    )
    with Receiver() as first, Receiver() as second:
        hook(product.team, first.url, ChatFormat.MATTERMOST)
        hook(support, second.url, ChatFormat.MATTERMOST)

        tasks.dispatch(later(slot, minutes=1))

    [product_message] = [r.json()["text"] for r in first.received]
    [support_message] = [r.json()["text"] for r in second.received]
    assert "Answer faster" in product_message and "Solve on first contact" not in product_message
    assert "Solve on first contact" in support_message and "Answer faster" not in support_message


def test_running_the_scheduler_twice_sends_once(product, slot, receiver) -> None:
    hook(product.team, receiver.url)

    tasks.dispatch(later(slot, minutes=1))
    tasks.dispatch(later(slot, minutes=2))
    tasks.dispatch(later(slot, hours=5))

    assert len(receiver.received) == 1
    assert Round.objects.filter(organization=product.org, kind=Kind.CHAT).count() == 1
    assert Delivery.objects.filter(kind=Kind.CHAT).count() == 1


def test_the_next_week_gets_the_next_message(product, slot, receiver) -> None:
    hook(product.team, receiver.url)

    for hours in (0, 1, 30, 24 * 7, 24 * 7 + 1):
        tasks.dispatch(later(slot, minutes=1, hours=hours))

    assert len(receiver.received) == 2
    sent = Delivery.objects.filter(kind=Kind.CHAT, status=DeliveryStatus.SENT)
    assert len({d.period for d in sent}) == 2


def test_the_sending_task_run_twice_posts_once(product, slot, receiver) -> None:
    from cible.notifications.tasks import send_delivery

    hook(product.team, receiver.url)
    services.due_chats(later(slot, minutes=1))
    delivery = chat_delivery(product.team)

    results = [send_delivery.call(delivery.pk, 0), send_delivery.call(delivery.pk, 0)]

    assert results == ["sent", "taken"]
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_cible_worker_posts_it_through_the_database_queue(world, settings, receiver) -> None:
    settings.TASKS = DATABASE
    today = timezone.now().astimezone(services.org_zone(world.org))
    world.org.checkin_weekday = today.weekday()
    world.org.checkin_time = clock(0, 0)
    world.org.save()
    hook(world.team, receiver.url, ChatFormat.MATTERMOST)

    call_command("worker", "--once")
    call_command("worker", "--once")

    assert len(receiver.received) == 1
    assert "Cut first response time" in receiver.received[0].json()["text"]
    assert chat_delivery(world.team).status == DeliveryStatus.SENT


# What it says --------------------------------------------------------------------------


def test_a_french_organisation_gets_a_french_message(product, slot, receiver) -> None:
    product.org.language = "fr"
    product.org.save()
    hook(product.team, receiver.url, ChatFormat.MATTERMOST)

    tasks.dispatch(later(slot, minutes=1))

    text = receiver.received[0].json()["text"]
    assert text.startswith("#### Product\u00a0: point OKR hebdomadaire")
    assert "**À mettre à jour (aucun point depuis le " in text
    assert "- **Bob Durand**\u00a0: Cut first response time (Answer faster)" in text
    assert "**À risque ou en retard**" in text
    assert "**En retard**, 10\u00a0% atteint, " in text
    assert "**Points manquants (aucun depuis le " in text
    assert "[Faites le point maintenant](" in text
    assert "[Ouvrir la page de l'équipe](" in text
    assert "Off track" not in text and "check in" not in text.lower()


def test_a_checked_in_key_result_is_not_in_the_reminder(product, slot, receiver) -> None:
    record_check_in(product.kr, product.bob, Decimal(2), at=later(slot, days=-1))
    hook(product.team, receiver.url, ChatFormat.MATTERMOST)

    tasks.dispatch(later(slot, minutes=1))

    text = receiver.received[0].json()["text"]
    assert "Cut first response time" not in text.split("**Objectives**")[0]
    assert "- **Carol**: Raise the NPS (Answer faster)" in text


def test_muted_members_and_viewers_are_not_named_in_the_reminder(product, slot, receiver) -> None:
    Membership.objects.filter(user=product.carol).update(reminders_muted=True)
    TeamMember.objects.create(team=product.team, user=product.vera)
    add_key_result(product, product.vera, "Vera's KR")
    hook(product.team, receiver.url, ChatFormat.MATTERMOST)

    tasks.dispatch(later(slot, minutes=1))

    reminder = receiver.received[0].json()["text"].split("**Objectives**")[0]
    assert "**Bob Durand**" in reminder
    assert "Carol" not in reminder and "Vera" not in reminder


def test_private_objectives_stay_out_of_the_chat(product, slot, receiver, mailoutbox) -> None:
    secret = create_objective(
        product.org,
        product.bob,
        parents=[product.company_objective],
        cycle=product.cycle,
        title="Quietly prepare the acquisition",
        level="team",
        team=product.team,
        visibility=Visibility.PRIVATE,
    )
    create_key_result(
        secret,
        owner=product.bob,
        title="Sign the term sheet",
        kind="milestone",
        start=Decimal(0),
        target=Decimal(1),
    )
    hook(product.team, receiver.url, ChatFormat.MATTERMOST)

    tasks.dispatch(later(slot, minutes=1))

    text = receiver.received[0].json()["text"]
    assert "Cut first response time" in text
    assert "acquisition" not in text and "term sheet" not in text
    [digest] = [m for m in mailoutbox if m.extra_headers["X-Cible-Notification"] == "digest"]
    assert "Quietly prepare the acquisition" in digest.body  # The lead's e-mail has it.


@pytest.mark.parametrize("chat_format", list(ChatFormat))
def test_what_people_typed_is_escaped(product, slot, receiver, chat_format) -> None:
    add_key_result(product, product.bob, "<!channel> *bold* @all")
    hook(product.team, receiver.url, chat_format)

    tasks.dispatch(later(slot, minutes=1))

    raw = receiver.received[0].body.decode()
    body = receiver.received[0].json()
    lines = lines_of(chat_format, body)
    if chat_format == ChatFormat.SLACK:
        assert any("&lt;!channel&gt; *bold* @all" in line for line in lines)
        assert "<!channel>" not in raw
    elif chat_format == ChatFormat.MATTERMOST:
        assert "\\<!channel\\> \\*bold\\* @\u200ball" in body["text"]
        assert "@all" not in body["text"]
    else:  # Teams: TextRuns are never read as Markdown, the title shows as typed.
        assert any("<!channel> *bold* @all" in line for line in lines)


def test_a_long_list_is_cut_and_counted(product, slot, receiver) -> None:
    for number in range(services.CHAT_LIST_LIMIT + 3):
        add_key_result(product, product.bob, f"Extra KR {number:02}")
    hook(product.team, receiver.url, ChatFormat.MATTERMOST)

    tasks.dispatch(later(slot, minutes=1))

    reminder = receiver.received[0].json()["text"].split("**Objectives**")[0]
    assert reminder.count("\n- ") == services.CHAT_LIST_LIMIT
    assert "_…and 5 more._" in reminder


def test_a_team_with_nothing_to_say_posts_nothing(world, slot, receiver) -> None:
    idle = Team.objects.create(organization=world.org, name="Idle", lead=world.adam)
    hook(idle, receiver.url)

    tasks.dispatch(later(slot, minutes=1))

    assert receiver.received == []
    assert chat_delivery(idle).status == DeliveryStatus.SKIPPED


def test_a_webhook_removed_before_the_message_leaves_gets_nothing(product, slot, receiver) -> None:
    hook(product.team, receiver.url)
    now = later(slot, minutes=1)
    services.due_chats(now)
    hook(product.team, "")

    tasks.enqueue_pending(now)

    assert receiver.received == []
    assert chat_delivery(product.team).status == DeliveryStatus.SKIPPED


# Failures ----------------------------------------------------------------------------------


def test_a_500_is_retried_after_the_back_off_then_delivered(product, slot, caplog) -> None:
    with Receiver(500) as flaky:
        hook(product.team, flaky.url)
        now = later(slot, minutes=1)
        services.due_chats(now)
        delivery = chat_delivery(product.team)

        assert services.deliver(delivery.pk, 0, now) == "retry"

        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.last_error == "HTTP 500: invalid_token"
        assert delivery.next_attempt_at == now + services.BACKOFF[0]
        [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert "team Product" in warning.getMessage()

        tasks.dispatch(later(now, seconds=59))
        assert len(flaky.received) == 1

        tasks.dispatch(later(now, minutes=1))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        2,
        "",
    )
    assert len(flaky.received) == 2
    assert flaky.received[0].body == flaky.received[1].body


def test_a_closed_port_is_retried_then_recorded_as_failed_and_logged(product, slot, caplog) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/{SECRET}"
    hook(product.team, url)
    now = later(slot, minutes=1)
    services.due_chats(now)
    delivery = chat_delivery(product.team)

    for attempt in range(services.MAX_ATTEMPTS):
        assert services.deliver(delivery.pk, attempt, now) in ("retry", "failed")
        delivery.refresh_from_db()
        assert delivery.attempts == attempt + 1
        assert delivery.last_error == "127.0.0.1 refused the connection."
        if attempt + 1 < services.MAX_ATTEMPTS:
            assert delivery.status == DeliveryStatus.PENDING
            assert delivery.next_attempt_at == now + services.BACKOFF[attempt]
            now = delivery.next_attempt_at

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.sent_at is None
    assert services.deliver(delivery.pk, services.MAX_ATTEMPTS, now) == "taken"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(warnings) == services.MAX_ATTEMPTS - 1
    assert "chat" in error.getMessage() and "team Product" in error.getMessage()
    assert "after 5 attempts" in error.getMessage()
    assert SECRET not in caplog.text and SECRET not in delivery.last_error


def test_a_failed_message_shows_on_the_team_page_of_its_managers(product, slot) -> None:
    hook(product.team, f"http://127.0.0.1:{free_port()}/hooks/{SECRET}")
    now = later(slot, minutes=1)
    services.due_chats(now)
    delivery = chat_delivery(product.team)
    for attempt in range(services.MAX_ATTEMPTS):
        services.deliver(delivery.pk, attempt, now)

    html = product.client_for(product.bob).get(team_url(product.team)).content.decode()

    assert "The last message could not be posted after 5 attempts:" in html
    assert "127.0.0.1 refused the connection." in html


def test_a_redirect_is_not_followed(product, slot) -> None:
    with Receiver() as elsewhere:
        with Receiver((302, {"Location": elsewhere.url})) as moved:
            hook(product.team, moved.url)

            tasks.dispatch(later(slot, minutes=1))

        assert len(moved.received) == 1
    assert elsewhere.received == []
    delivery = chat_delivery(product.team)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("HTTP 302")


def test_a_receiver_that_hangs_times_out(product, slot, monkeypatch) -> None:
    monkeypatch.setattr(chat, "TIMEOUT", 0.3)
    with Receiver("hang") as slow:
        hook(product.team, slow.url)
        started = time.monotonic()

        tasks.dispatch(later(slot, minutes=1))

        assert time.monotonic() - started < 2
    delivery = chat_delivery(product.team)
    assert delivery.status == DeliveryStatus.PENDING
    assert "did not answer within 0.3 seconds" in delivery.last_error


# The settings ---------------------------------------------------------------------------


def edit_url(team: Team) -> str:
    return f"/o/acme/teams/{team.pk}/edit/"


def team_url(team: Team) -> str:
    return f"/o/acme/teams/{team.pk}/"


def edit_data(team: Team, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": team.name,
        "parent": team.parent_id or "",
        "lead": team.lead_id or "",
        "chat_webhook_url": team.chat_webhook_url,
        "chat_format": team.chat_format,
    }
    values.update(overrides)
    return values


HOOK = f"https://hooks.slack.com/services/{SECRET}"


@pytest.fixture
def mia(world):  # type: ignore[no-untyped-def]
    """A plain member of Product, who does not lead it."""
    mia = add_member(world.org, "mia")
    TeamMember.objects.create(team=world.team, user=mia)
    return mia


@pytest.mark.parametrize("name", ["adam", "alice"])
def test_admins_and_owners_set_the_webhook(world, name: str) -> None:
    response = world.client_for(getattr(world, name)).post(
        edit_url(world.team),
        edit_data(world.team, chat_webhook_url=HOOK, chat_format=ChatFormat.TEAMS),
    )

    assert response.status_code == 302
    team = Team.objects.get(pk=world.team.pk)
    assert (team.chat_webhook_url, team.chat_format) == (HOOK, ChatFormat.TEAMS)


def test_the_remove_box_removes_the_webhook(world) -> None:
    hook(world.team, HOOK)

    world.client_for(world.adam).post(
        edit_url(world.team),
        edit_data(world.team, chat_webhook_url="", chat_webhook_remove="on"),
    )

    assert Team.objects.get(pk=world.team.pk).chat_webhook_url == ""


def test_a_form_without_the_fields_keeps_the_webhook(world) -> None:
    hook(world.team, HOOK, ChatFormat.MATTERMOST)
    data = {"name": "Produit", "parent": "", "lead": world.bob.pk}

    response = world.client_for(world.bob).post(edit_url(world.team), data)

    assert response.status_code == 302
    team = Team.objects.get(pk=world.team.pk)
    assert (team.name, team.chat_webhook_url, team.chat_format) == (
        "Produit",
        HOOK,
        ChatFormat.MATTERMOST,
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.org/hook",
        "file:///etc/passwd",
        "gopher://example.org/hook",
        "not a web address",
        "https://" + "a" * 500 + ".example.org/hook",
    ],
)
def test_anything_but_an_http_address_is_rejected_with_422(world, url: str) -> None:
    hook(world.team, HOOK)

    response = world.client_for(world.adam).post(
        edit_url(world.team), edit_data(world.team, chat_webhook_url=url, name="Renamed")
    )

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["chat_webhook_url"]
    assert 'id="id_chat_webhook_url_error"' in response.content.decode()
    team = Team.objects.get(pk=world.team.pk)
    assert (team.name, team.chat_webhook_url) == ("Product", HOOK)


def test_an_unknown_format_is_rejected_with_422(world) -> None:
    response = world.client_for(world.adam).post(
        edit_url(world.team), edit_data(world.team, chat_webhook_url=HOOK, chat_format="irc")
    )

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["chat_format"]
    assert Team.objects.get(pk=world.team.pk).chat_webhook_url == ""


def test_the_model_refuses_an_ftp_address_too(world) -> None:
    from django.core.exceptions import ValidationError

    world.team.chat_webhook_url = "ftp://files.example.org/hook"
    with pytest.raises(ValidationError) as caught:
        world.team.full_clean()

    assert list(caught.value.message_dict) == ["chat_webhook_url"]


def test_the_outsider_gets_404(world) -> None:
    response = world.client_for(world.oscar).post(
        edit_url(world.team), edit_data(world.team, chat_webhook_url="https://evil.test/x")
    )

    assert response.status_code == 404
    assert Team.objects.get(pk=world.team.pk).chat_webhook_url == ""


def test_a_viewer_gets_403(world) -> None:
    response = world.client_for(world.vera).post(
        edit_url(world.team), edit_data(world.team, chat_webhook_url="https://evil.test/x")
    )

    assert response.status_code == 403
    assert Team.objects.get(pk=world.team.pk).chat_webhook_url == ""


def test_a_plain_member_of_the_team_gets_403(world, mia) -> None:
    hook(world.team, HOOK)

    response = world.client_for(mia).post(
        edit_url(world.team),
        edit_data(world.team, chat_webhook_url="https://evil.test/x", chat_format="teams"),
    )

    assert response.status_code == 403
    team = Team.objects.get(pk=world.team.pk)
    assert (team.chat_webhook_url, team.chat_format) == (HOOK, ChatFormat.SLACK)


@pytest.mark.parametrize("who", ["mia", "vera"])
def test_the_team_page_never_shows_the_address_to_non_managers(world, mia, who: str) -> None:
    hook(world.team, HOOK, ChatFormat.MATTERMOST)
    user = mia if who == "mia" else world.vera

    response = world.client_for(user).get(team_url(world.team))

    html = response.content.decode()
    assert response.status_code == 200
    assert "A chat webhook is set (Mattermost)" in html
    assert SECRET not in html and "hooks.slack.com" not in html
    assert "chat_webhook_url" not in html


@pytest.mark.parametrize("who", ["adam", "alice"])
def test_admins_see_the_host_of_the_address_in_their_form_not_its_token(world, who: str) -> None:
    hook(world.team, HOOK)

    html = world.client_for(getattr(world, who)).get(team_url(world.team)).content.decode()

    assert "A chat webhook is set (Slack)" in html
    assert 'placeholder="https://hooks.slack.com/…"' in html
    assert SECRET not in html


def test_a_team_without_a_webhook_says_so(world, mia) -> None:
    html = world.client_for(mia).get(team_url(world.team)).content.decode()

    assert "No chat webhook" in html


def test_a_french_team_page_speaks_french(world, mia) -> None:
    hook(world.team, HOOK, ChatFormat.TEAMS)
    client = world.client_for(mia)

    html = client.get(team_url(world.team), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Un webhook de discussion est configuré (Microsoft Teams)" in html


def test_a_chat_webhook_on_an_internal_address_fails_at_once_with_the_reason(
    product, slot, receiver, settings
) -> None:
    settings.OUTBOUND_ALLOW = []
    hook(product.team, receiver.url)
    now = later(slot, minutes=1)
    services.due_chats(now)
    delivery = chat_delivery(product.team)

    assert services.deliver(delivery.pk, 0, now) == "failed"

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert "is on a private or internal network" in delivery.last_error
    assert "CIBLE_OUTBOUND_ALLOW" in delivery.last_error
    assert SECRET not in delivery.last_error
    assert receiver.received == []
