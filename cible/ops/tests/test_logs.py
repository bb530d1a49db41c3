"""Logs: plain text by default, JSON lines with CIBLE_LOG_FORMAT=json, each record of a
request carrying its id."""

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cible.ops.logs import RefusalFilter, RequestIdFilter
from conftest import World

LOG_SOMETHING = (
    "import logging, django; django.setup(); "
    "logging.getLogger('cible.test').warning('Hello %s', 'there')"
)


def run_with(**env: str) -> str:
    """What a Cible process writes to its log when it logs one warning."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CIBLE_LOG")}
    result = subprocess.run(
        [sys.executable, "-c", LOG_SOMETHING],
        env={**inherited, "DJANGO_SETTINGS_MODULE": "cible.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stderr.strip()


def test_logs_are_plain_text_by_default() -> None:
    assert run_with() == "Hello there"


def test_logs_are_json_lines_when_asked() -> None:
    [line] = run_with(CIBLE_LOG_FORMAT="json").splitlines()
    record = json.loads(line)

    assert record["message"] == "Hello there"
    assert record["level"] == "WARNING"
    assert record["logger"] == "cible.test"
    assert record["request_id"] == "-"  # outside a request
    assert "time" in record


@pytest.mark.django_db
def test_the_request_id_comes_from_the_proxy_when_it_looks_like_one(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "4f1c0ffee-42"})

    assert response["X-Request-ID"] == "4f1c0ffee-42"


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "with spaces", "x" * 65, "<script>"])
def test_a_missing_or_odd_request_id_is_replaced(client: Client, given: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": given})

    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_records_logged_during_a_request_carry_its_id(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no/such/page/")

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.__dict__["request_id"] == response["X-Request-ID"]


def test_records_outside_requests_say_so() -> None:
    record = logging.LogRecord("cible.test", logging.INFO, __file__, 1, "Hi", None, None)
    RequestIdFilter().filter(record)

    assert record.__dict__["request_id"] == "-"


def _console() -> logging.StreamHandler:  # type: ignore[type-arg]
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, RefusalFilter) for f in h.filters)
    ]
    return handler


def logged_while(call: Callable[[], Any]) -> str:
    """What the console log shows while `call` runs."""
    handler, written = _console(), io.StringIO()
    former = handler.setStream(written)
    try:
        call()
    finally:
        handler.setStream(former)  # type: ignore[arg-type]
    return written.getvalue()


def test_a_403_is_logged_as_one_line_without_a_traceback(world: World) -> None:
    client = world.client_for(world.vera)
    url = f"/o/acme/objectives/{world.team_objective.pk}/edit/"
    responses: list[Any] = []

    log = logged_while(lambda: responses.append(client.post(url, {"title": "Mine now"})))

    assert responses[0].status_code == 403
    assert log.splitlines() == [f"Forbidden (Permission denied): {url}"]


def test_a_server_error_keeps_its_traceback() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            None,
            sys.exc_info(),
        )
    record.status_code = 500
    assert RefusalFilter().filter(record)
    assert record.exc_info is not None
