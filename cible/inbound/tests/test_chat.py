"""Chat check-ins over real HTTP on 127.0.0.1: requests signed the way Slack, Mattermost and
Teams sign them, sent to a live Cible; the chats' own APIs (Slack's views.open, Mattermost's
dialogs, Slack's response_url) played by a small server on 127.0.0.1 that records what
Cible sends it."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from django.test import Client

from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from cible.inbound import chat, platforms, secrets
from cible.inbound.models import ChatAccount, ChatIntegration, Platform
from cible.notifications.services import _chat_message
from cible.okrs.services import create_key_result
from cible.orgs.models import ChatFormat

pytestmark = pytest.mark.django_db(transaction=True)

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
COMMAND_TOKEN = "xr3j5x3p4pfjkjmi4g5bj6d2aa"
TEAMS_KEY = base64.b64encode(b"a teams security token, 32 bytes").decode()


@dataclass
class Chat:
    """The chat's side on 127.0.0.1: what Cible posted to it, and what it answers."""

    url: str
    received: list[tuple[str, dict[str, str], dict[str, Any]]] = field(default_factory=list)


@pytest.fixture
def chat_server(settings) -> Iterator[Chat]:  # type: ignore[no-untyped-def]
    received: list[tuple[str, dict[str, str], dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            received.append((self.path, dict(self.headers), json.loads(self.rfile.read(length))))
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    settings.SLACK_API_URL = url + "/api/"
    try:
        yield Chat(url, received)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def slack(world) -> ChatIntegration:  # type: ignore[no-untyped-def]
    return ChatIntegration.objects.create(
        organization=world.org,
        platform=Platform.SLACK,
        public_id="slack-acme",
        secret=secrets.encrypt(SIGNING_SECRET),
        bot_token=secrets.encrypt(BOT_TOKEN),
    )


@pytest.fixture
def mattermost(world, chat_server) -> ChatIntegration:  # type: ignore[no-untyped-def]
    return ChatIntegration.objects.create(
        organization=world.org,
        platform=Platform.MATTERMOST,
        public_id="mm-acme",
        token_hash=secrets.digest(COMMAND_TOKEN),
        server_url=chat_server.url,
    )


@pytest.fixture
def teams(world) -> ChatIntegration:  # type: ignore[no-untyped-def]
    return ChatIntegration.objects.create(
        organization=world.org,
        platform=Platform.TEAMS,
        public_id="teams-acme",
        secret=secrets.encrypt(TEAMS_KEY),
    )


def linked(integration: ChatIntegration, external_id: str, world: Any) -> None:
    chat.link(integration, external_id, world.org.memberships.get(user=world.bob))


def send(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    try:
        with urlopen(Request(url, data=body, headers=headers, method="POST"), timeout=10) as a:
            content = a.read()
            return a.status, json.loads(content) if content else None
    except HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def slack_request(
    live_server: Any,
    integration: ChatIntegration,
    fields: dict[str, str],
    *,
    secret: str = SIGNING_SECRET,
    at: float | None = None,
) -> tuple[bytes, dict[str, str]]:
    body = urlencode(fields).encode()
    timestamp = str(int(at if at is not None else time.time()))
    signature = hmac.new(
        secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={signature}",
    }
    return body, headers


def slack_url(live_server: Any, integration: ChatIntegration) -> str:
    return f"{live_server.url}/chat/slack/{integration.public_id}/"


def slash(live_server: Any, integration: ChatIntegration, text: str, **options: Any) -> Any:
    fields = {
        "team_id": "T1",
        "user_id": "U1",
        "user_name": "bob",
        "command": "/okr",
        "text": text,
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "response_url": "https://hooks.slack.test/commands/1",
    }
    body, headers = slack_request(live_server, integration, fields, **options)
    return send(slack_url(live_server, integration), body, headers)


def values(world: Any) -> list[tuple[Decimal, int | None, str]]:
    return [
        (c.value, c.confidence, c.comment)
        for c in CheckIn.objects.filter(key_result=world.kr).order_by("created_at", "id")
    ]


# Linking


def test_an_unlinked_account_gets_a_signed_link_that_links_it_once_followed(
    world, slack, live_server
) -> None:
    status, answer = slash(live_server, slack, "")
    assert status == 200 and answer["response_type"] == "ephemeral"
    assert "not linked" in answer["text"]
    link = answer["text"].split("http://127.0.0.1:8000")[1].split()[0]

    client = Client()
    assert client.get(link).status_code == 302  # signed in first
    client.force_login(world.bob)
    page = client.get(link)
    assert page.status_code == 200 and "Slack" in page.content.decode()
    assert client.post(link).status_code == 302
    assert ChatAccount.objects.get().membership.user == world.bob

    status, answer = slash(live_server, slack, "list")
    assert f"#{world.kr.pk} Cut first response time" in answer["text"]


def test_a_link_is_refused_to_a_stranger_and_when_tampered(world, slack) -> None:
    link = f"/chat/link/{chat.link_token(slack, 'T1:U1', 'bob')}/"
    stranger = Client()
    stranger.force_login(world.oscar)
    assert stranger.get(link).status_code == 404
    assert stranger.post(link).status_code == 404
    member = Client()
    member.force_login(world.bob)
    assert member.get(link[:-3] + "xx/").status_code == 404
    assert not ChatAccount.objects.exists()


# Slack


def test_a_slack_command_records_a_check_in(world, slack, live_server) -> None:
    linked(slack, "T1:U1", world)

    status, answer = slash(live_server, slack, f'{world.kr.pk} 1.5 conf 6 "new macros"')

    assert status == 200
    assert "1 check-in recorded" in answer["text"]
    assert values(world)[-1] == (Decimal("1.5"), 6, "new macros")
    entry = AuditEntry.objects.filter(target_type="check_in").latest("id")
    assert entry.actor_id == world.bob.pk


def test_slack_requests_badly_signed_old_or_replayed_are_refused(world, slack, live_server) -> None:
    linked(slack, "T1:U1", world)
    before = values(world)
    text = f"{world.kr.pk} 3"

    assert slash(live_server, slack, text, secret="wrong")[0] == 401
    assert slash(live_server, slack, text, at=time.time() - 600)[0] == 401
    fields = {"team_id": "T1", "user_id": "U1", "text": text, "trigger_id": "t-1"}
    body, headers = slack_request(live_server, slack, fields)
    assert send(slack_url(live_server, slack), body, headers)[0] == 200
    assert send(slack_url(live_server, slack), body, headers)[0] == 401  # the same again
    no_signature = {"Content-Type": "application/x-www-form-urlencoded"}
    assert send(slack_url(live_server, slack), body, no_signature)[0] == 401
    assert values(world) == [*before, (Decimal(3), None, "")]


def test_slack_checkin_opens_a_modal_whose_submission_records_all_or_nothing(
    world, slack, live_server, chat_server
) -> None:
    linked(slack, "T1:U1", world)
    second = create_key_result(
        world.team_objective, owner=world.bob, title="Close tickets", start=0, target=10
    )

    status, _answer = slash(live_server, slack, "checkin")

    assert status == 200
    path, headers, sent = chat_server.received[-1]
    assert path == "/api/views.open"
    assert headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    blocks = {b["block_id"]: b for b in sent["view"]["blocks"]}
    assert blocks[f"kr_{world.kr.pk}"]["element"]["initial_value"] == "2"

    def submit(fields: dict[str, str]) -> tuple[int, Any]:
        payload = {
            "type": "view_submission",
            "user": {"id": "U1"},
            "team": {"id": "T1"},
            "view": {
                "callback_id": "cible_checkin",
                "state": {
                    "values": {
                        k: {"reading": {"type": "plain_text_input", "value": v}}
                        for k, v in fields.items()
                    }
                },
            },
        }
        body, headers = slack_request(live_server, slack, {"payload": json.dumps(payload)})
        return send(slack_url(live_server, slack), body, headers)

    before = values(world)
    status, answer = submit({f"kr_{world.kr.pk}": "1.5, 7", f"kr_{second.pk}": "lots"})
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [f"kr_{second.pk}"]
    assert values(world) == before

    status, answer = submit({f"kr_{world.kr.pk}": "1.5, 7, faster", f"kr_{second.pk}": "4"})
    assert answer == {"response_action": "clear"}
    assert values(world)[-1] == (Decimal("1.5"), 7, "faster")
    assert CheckIn.objects.get(key_result=second).value == Decimal(4)


def test_the_no_change_button_checks_in_every_key_result_at_its_last_value(
    world, slack, live_server, chat_server
) -> None:
    linked(slack, "T1:U1", world)
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "team_id": "T1"},
        "trigger_id": "t-2",
        "response_url": chat_server.url + "/response",
        "actions": [{"action_id": "cible_nochange", "value": "nochange"}],
    }
    body, headers = slack_request(live_server, slack, {"payload": json.dumps(payload)})

    assert send(slack_url(live_server, slack), body, headers)[0] == 200

    assert values(world)[-1][0] == Decimal(2)
    path, _headers, said = chat_server.received[-1]
    assert path == "/response" and "1 check-in recorded" in said["text"]


def test_a_command_sees_only_what_the_person_may_see_and_explains_bad_input(
    world, slack, live_server
) -> None:
    linked(slack, "T1:U1", world)
    foreign = create_key_result(
        world.foreign_objective, owner=world.oscar, title="Globex's", start=0, target=10
    )
    before = values(world)

    answers = [
        slash(live_server, slack, text)[1]["text"]
        for text in (
            f"{foreign.pk} 5",
            f"{world.kr.pk} lots",
            f"{world.kr.pk} 1{'0' * 30}",
            f"{world.kr.pk} 5 conf 11",
            "\n".join(f"{n} 1" for n in range(10_000)),
        )
    ]

    assert f"You have no key result number {foreign.pk} to check in." in answers[0]
    assert "was not understood" in answers[1]
    assert "digits" in answers[2]
    assert "10" in answers[3] and "recorded" not in answers[3]
    assert "was not understood" in answers[4]
    assert values(world) == before
    assert not CheckIn.objects.filter(key_result=foreign).exists()


def test_the_team_message_carries_the_buttons_when_its_chat_talks_back(world, slack) -> None:
    world.team.chat_webhook_url = "https://hooks.slack.test/services/T/B/X"
    world.team.chat_format = ChatFormat.SLACK
    world.team.save()
    world.team.organization = world.org
    period = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()

    message = _chat_message(world.team, period)

    assert message is not None
    actions = [b for b in message.buttons if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == ["cible_nochange", "cible_update"]


# Mattermost


def mm_command(live_server: Any, text: str, token: str = COMMAND_TOKEN, trigger: str = "") -> Any:
    body = urlencode(
        {
            "token": token,
            "user_id": "mm-bob",
            "user_name": "bob",
            "command": "/okr",
            "text": text,
            "trigger_id": trigger or f"mm-{time.monotonic_ns()}",
        }
    ).encode()
    return send(
        f"{live_server.url}/chat/mattermost/mm-acme/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )


def mm_json(live_server: Any, payload: dict[str, Any]) -> Any:
    return send(
        f"{live_server.url}/chat/mattermost/mm-acme/",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
    )


def test_mattermost_commands_need_the_token_and_are_taken_once(
    world, mattermost, live_server
) -> None:
    linked(mattermost, "mm-bob", world)

    assert mm_command(live_server, "", token="wrong")[0] == 401
    status, answer = mm_command(live_server, "", trigger="same")
    assert status == 200 and f"#{world.kr.pk}" in answer["text"]
    assert mm_command(live_server, "", trigger="same")[0] == 401
    status, answer = mm_command(live_server, f"{world.kr.pk} 1.25")
    assert "recorded" in answer["text"]
    assert values(world)[-1][0] == Decimal("1.25")


def test_mattermost_dialog_opens_and_its_submission_is_bound_to_its_person(
    world, mattermost, live_server, chat_server
) -> None:
    linked(mattermost, "mm-bob", world)
    mm_command(live_server, "checkin")
    path, _headers, sent = chat_server.received[-1]
    assert path == "/api/v4/actions/dialogs/open"
    assert sent["url"].endswith("/chat/mattermost/mm-acme/")
    dialog = sent["dialog"]
    assert dialog["elements"][0]["name"] == f"kr_{world.kr.pk}"
    before = values(world)

    forged = {
        "type": "dialog_submission",
        "user_id": "mm-mallory",
        "state": dialog["state"],
        "submission": {f"kr_{world.kr.pk}": "9"},
    }
    assert mm_json(live_server, forged)[0] == 401
    wrong = {**forged, "user_id": "mm-bob", "submission": {f"kr_{world.kr.pk}": "nine"}}
    status, answer = mm_json(live_server, wrong)
    assert status == 200 and list(answer["errors"]) == [f"kr_{world.kr.pk}"]
    assert values(world) == before

    # Corrected, the same dialog is sent again: recorded, then never again.
    good = {**wrong, "submission": {f"kr_{world.kr.pk}": "1.75, 8"}}
    assert mm_json(live_server, good) == (200, {})
    assert values(world)[-1][:2] == (Decimal("1.75"), 8)
    assert mm_json(live_server, good)[0] == 401
    assert len(values(world)) == len(before) + 1


def test_mattermost_buttons_carry_a_context_signed_by_cible(world, mattermost, live_server) -> None:
    linked(mattermost, "mm-bob", world)
    buttons = {b["id"]: b for b in platforms.mattermost_buttons(mattermost)}
    context = buttons["cible_nochange"]["integration"]["context"]
    before = values(world)

    forged = {"user_id": "mm-bob", "trigger_id": "b-1", "context": {"signed": "made-up"}}
    assert mm_json(live_server, forged)[0] == 401
    assert values(world) == before
    status, answer = mm_json(live_server, {**forged, "context": context})
    assert status == 200 and "recorded" in answer["ephemeral_text"]
    assert values(world)[-1][0] == Decimal(2)


# Teams


def teams_send(
    live_server: Any,
    text: str,
    *,
    key: str = TEAMS_KEY,
    at: datetime | None = None,
    activity: str | None = None,
) -> Any:
    body = json.dumps(
        {
            "type": "message",
            "id": activity or f"act-{time.monotonic_ns()}",
            "timestamp": (at or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
            "text": f"<at>Cible</at>&nbsp;{text}",
            "from": {"id": "29:1", "name": "Bob", "aadObjectId": "aad-bob"},
        }
    ).encode()
    digest = hmac.new(base64.b64decode(key), body, hashlib.sha256).digest()
    headers = {
        "Content-Type": "application/json",
        "Authorization": "HMAC " + base64.b64encode(digest).decode(),
    }
    return send(f"{live_server.url}/chat/teams/teams-acme/", body, headers)


def test_teams_messages_are_verified_and_record_check_ins(world, teams, live_server) -> None:
    linked(teams, "aad-bob", world)
    before = values(world)
    wrong_key = base64.b64encode(b"another key").decode()

    assert teams_send(live_server, f"checkin {world.kr.pk} 3", key=wrong_key)[0] == 401
    old = datetime.now(UTC) - timedelta(minutes=10)
    assert teams_send(live_server, f"checkin {world.kr.pk} 3", at=old)[0] == 401
    assert values(world) == before

    status, answer = teams_send(live_server, f"checkin {world.kr.pk} 1.5 conf 7", activity="a1")
    assert status == 200 and answer["type"] == "message" and "recorded" in answer["text"]
    assert values(world)[-1][:2] == (Decimal("1.5"), 7)
    assert teams_send(live_server, f"checkin {world.kr.pk} 1.5", activity="a1")[0] == 401

    status, answer = teams_send(live_server, "checkin")
    card = answer["attachments"][0]["content"]
    assert f"#{world.kr.pk}" in answer["text"]
    assert card["actions"][0]["url"].endswith("/o/acme/check-in/")


def test_an_unlinked_teams_account_gets_its_link(world, teams, live_server) -> None:
    status, answer = teams_send(live_server, "list")

    assert status == 200 and "/chat/link/" in answer["text"]


# The organisation's chats page


def test_an_admin_connects_rotates_and_disconnects_a_chat(world) -> None:
    admin = Client()
    admin.force_login(world.adam)
    url = "/o/acme/settings/chat/"

    refused = admin.post(url, {"platform": "teams", "security_token": "not base64!"})
    assert refused.status_code == 422 and "base64" in refused.content.decode()
    assert admin.post(url, {"platform": "slack", "signing_secret": "x"}).status_code == 422
    assert not ChatIntegration.objects.exists()

    assert admin.post(url, {"platform": "teams", "security_token": TEAMS_KEY}).status_code == 302
    integration = ChatIntegration.objects.get()
    assert TEAMS_KEY not in integration.secret
    assert secrets.decrypt(integration.secret) == TEAMS_KEY
    page = admin.get(url).content.decode()
    assert f"/chat/teams/{integration.public_id}/" in page and TEAMS_KEY not in page

    edit = f"/o/acme/settings/chat/{integration.pk}/"
    new_key = base64.b64encode(b"the next key").decode()
    assert admin.post(edit, {"security_token": new_key}).status_code == 302
    integration.refresh_from_db()
    assert secrets.decrypt(integration.secret) == new_key and integration.rotated_at
    entries = AuditEntry.objects.filter(target_type="chat")
    assert TEAMS_KEY not in str(list(entries.values())) and new_key not in str(
        list(entries.values())
    )

    assert admin.post(edit, {"delete": "1"}).status_code == 302
    assert not ChatIntegration.objects.exists()


def test_a_secret_kept_under_another_server_key_reads_as_none(settings) -> None:
    stored = secrets.encrypt("s3cret")
    settings.SECRET_KEY = "another key, after a rotation of the server's"
    assert secrets.decrypt(stored) == ""


# Values that look like typing mistakes


def test_a_command_asks_before_recording_a_value_far_outside_the_range(
    world, slack, live_server
) -> None:
    linked(slack, "T1:U1", world)
    hires = create_key_result(
        world.team_objective, owner=world.bob, title="Hire engineers", start=0, target=11
    )

    status, answer = slash(live_server, slack, f'{hires.pk} 55 conf 6 "new office"')

    assert status == 200
    assert answer["text"] == (
        "55 is far outside this key result's range, from 0 to 11: check the value. "
        f'If it is right, send /okr {hires.pk} 55! conf 6 "new office" to record it.'
    )
    assert not CheckIn.objects.filter(key_result=hires).exists()

    status, answer = slash(live_server, slack, f'{hires.pk} 55! conf 6 "new office"')

    assert "1 check-in recorded" in answer["text"]
    recorded = CheckIn.objects.get(key_result=hires)
    assert (recorded.value, recorded.confidence, recorded.comment) == (55, 6, "new office")


def test_a_form_keeps_a_doubtful_value_until_it_is_confirmed_and_records_nothing_before(
    world, slack
) -> None:
    linked(slack, "T1:U1", world)
    membership = world.org.memberships.get(user=world.bob)
    hires = create_key_result(
        world.team_objective, owner=world.bob, title="Hire engineers", start=0, target=11
    )
    before = values(world)

    answer = chat.submit(slack, membership, {world.kr.pk: "3, 7", hires.pk: "55, 5"})

    assert list(answer.field_errors) == [hires.pk]
    assert answer.field_errors[hires.pk].startswith("Write 55! if it is right: 55 is far")
    assert values(world) == before and not CheckIn.objects.filter(key_result=hires).exists()

    answer = chat.submit(slack, membership, {world.kr.pk: "3, 7", hires.pk: "55!, 5"})

    assert not answer.field_errors
    assert values(world)[-1] == (Decimal(3), 7, "")
    assert CheckIn.objects.get(key_result=hires).value == 55


def test_the_question_about_a_value_is_in_french_for_a_french_organisation(world, slack) -> None:
    world.org.language = "fr"
    world.org.save()
    linked(slack, "T1:U1", world)
    membership = world.org.memberships.get(user=world.bob)
    hires = create_key_result(
        world.team_objective, owner=world.bob, title="Recruter", start=0, target=11
    )

    answer = chat.command(slack, "T1:U1", "bob", f"{hires.pk} 55,5")
    form = chat.submit(slack, membership, {hires.pk: "55,5"})

    assert answer.text.startswith("55,5 est très loin de la plage de ce résultat clé")
    assert f"Si elle est juste, envoyez /okr {hires.pk} 55,5! pour l'enregistrer." in answer.text
    assert form.field_errors[hires.pk].startswith("Écrivez 55,5! si elle est juste : 55,5 est")
    assert not CheckIn.objects.filter(key_result=hires).exists()


def test_no_change_never_asks_about_values_already_recorded(world, slack) -> None:
    linked(slack, "T1:U1", world)
    hires = create_key_result(
        world.team_objective, owner=world.bob, title="Hire engineers", start=0, target=11
    )
    membership = world.org.memberships.get(user=world.bob)
    chat.submit(slack, membership, {hires.pk: "55!"})

    answer = chat.no_change(slack, membership)

    assert "recorded" in answer.text
    assert list(CheckIn.objects.filter(key_result=hires).values_list("value", flat=True)) == [
        55,
        55,
    ]
