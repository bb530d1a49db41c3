"""`cible checkin`: a key result's value pushed to a running server through its API, with
an idempotency key; the API's errors and the network's as clear messages."""

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from cible.api.tokens import create_token
from cible.checkins.models import CheckIn
from cible.front.tests.instance import free_port
from cible.okrs.services import create_key_result

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def token_of(user: Any, scope: str = "write") -> str:
    return create_token(user, "ci", scope)[1]


def checkin(url: str, token: str, kr: int, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "checkin",
        "--url",
        url,
        "--token",
        token,
        "--org",
        "acme",
        "--kr",
        str(kr),
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_it_records_a_check_in_on_the_server(world, live_server) -> None:  # type: ignore[no-untyped-def]
    out, _err = checkin(
        live_server.url,
        token_of(world.bob),
        world.kr.pk,
        "--value",
        "2.5",
        "--confidence",
        "8",
        "--comment",
        "From CI",
        "--blockers",
        "None",
    )
    assert out == f"Checked in 2.5 on key result {world.kr.pk}.\n"
    check_in = CheckIn.objects.get(key_result=world.kr)
    assert (check_in.value, check_in.confidence, check_in.comment, check_in.author) == (
        2.5,
        8,
        "From CI",
        world.bob,
    )
    assert check_in.blockers == "None"


def test_a_retried_command_records_once(world, live_server) -> None:  # type: ignore[no-untyped-def]
    token = token_of(world.bob)
    for _attempt in range(2):
        checkin(live_server.url, token, world.kr.pk, "--value", "3", "--idempotency-key", "run-42")
    assert CheckIn.objects.filter(key_result=world.kr).count() == 1
    # Without a key, each run is a new check-in.
    for _attempt in range(2):
        checkin(live_server.url, token, world.kr.pk, "--value", "3")
    assert CheckIn.objects.filter(key_result=world.kr).count() == 3


def test_the_apis_refusals_are_shown(world, live_server) -> None:  # type: ignore[no-untyped-def]
    # A viewer may not check in; a foreign organisation's KR does not exist for Bob.
    foreign = create_key_result(world.foreign_objective, title="Secret", target=Decimal(5))
    for user, kr in ((world.vera, world.kr.pk), (world.bob, foreign.pk)):
        err = io.StringIO()
        with pytest.raises(CommandError, match="The check-in was not recorded"):
            call_command(
                "checkin",
                f"--url={live_server.url}",
                f"--token={token_of(user)}",
                "--org=acme",
                f"--kr={kr}",
                "--value=1",
                stderr=err,
            )
        assert err.getvalue().strip() in ("You may not do this.", "Not found.")
    assert not CheckIn.objects.exists()


def test_a_field_error_names_the_field(world, live_server) -> None:  # type: ignore[no-untyped-def]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "checkin",
            f"--url={live_server.url}",
            f"--token={token_of(world.bob)}",
            "--org=acme",
            f"--kr={world.kr.pk}",
            "--value=1",
            "--comment=" + "x" * 5000,
            stderr=err,
        )
    assert err.getvalue().startswith("comment: ")


def test_a_refused_connection_is_a_clear_message(db: None) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError, match="not recorded"):
        call_command(
            "checkin",
            f"--url=http://127.0.0.1:{free_port()}",
            "--token=secret",
            "--org=acme",
            "--kr=1",
            "--value=1",
            stderr=err,
        )
    assert "the connection was refused" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--value=1"], "API token"),
        (["--value=1", "--token=t", "--url=ftp://x"], "https://"),
        (["--value=many", "--token=t"], "--value"),
        (["--value=1", "--token=t", "--confidence=11"], "--confidence"),
    ],
)
def test_bad_arguments_are_named(
    db: None, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.delenv("CIBLE_API_TOKEN", raising=False)
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "checkin", "--url=http://127.0.0.1:1", "--org=acme", "--kr=1", *args, stderr=err
        )
    assert message in str(raised.value) + err.getvalue()


class Stub(BaseHTTPRequestHandler):
    """Drops the first request's connection without an answer, answers the next ones."""

    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(
            {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
        )
        if len(self.seen) == 1:
            self.close_connection = True
            return
        answer = json.dumps({"id": 7, "value": 12.5}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[str]:
    Stub.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_lost_answer_is_retried_with_the_same_key(db: None, stub: str) -> None:
    out, _err = checkin(stub + "/", "s3cret", 12, "--value", "12.50", "--confidence", "6")
    assert out == "Checked in 12.5 on key result 12.\n"
    first, second = Stub.seen
    assert first["path"] == "/api/v1/orgs/acme/key-results/12/check-ins"
    assert first["headers"]["Authorization"] == "Bearer s3cret"
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["body"] == {"value": 12.5, "confidence": 6}
    assert first["headers"]["Idempotency-Key"]
    assert second["headers"]["Idempotency-Key"] == first["headers"]["Idempotency-Key"]


@pytest.mark.slow
def test_the_cible_executable_checks_in(world, live_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "CIBLE_DATA_DIR": str(tmp_path),
        "CIBLE_API_URL": live_server.url,
        "CIBLE_API_TOKEN": token_of(world.bob),
    }
    command = [str(Path(sys.executable).with_name("cible")), "checkin", "--org=acme"]
    done = subprocess.run(
        [*command, f"--kr={world.kr.pk}", "--value=1.5"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"Checked in 1.5 on key result {world.kr.pk}.\n")
    assert CheckIn.objects.get(key_result=world.kr).value == 1.5
    refused = subprocess.run(
        [*command, "--kr=999999", "--value=1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "The check-in was not recorded." in refused.stderr


def test_a_value_far_outside_the_range_is_recorded_with_a_warning(world, live_server) -> None:  # type: ignore[no-untyped-def]
    hires = create_key_result(
        world.team_objective, title="Hire", kind="increase", start=Decimal(0), target=Decimal(11)
    )

    out, err = checkin(live_server.url, token_of(world.bob), hires.pk, "--value", "55")

    assert out == f"Checked in 55.0 on key result {hires.pk}.\n"
    assert err == (
        "Warning: 55 is far outside this key result's range, from 0 to 11: check the value.\n"
    )
    assert CheckIn.objects.get(key_result=hires).value == 55
