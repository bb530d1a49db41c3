"""A check-in sent to a Cible server's API, for scripts and CI jobs that push a key
result's value, through the outbound client with its guard off (the server is the
person's own, often on this machine).

Every request carries an idempotency key: a request retried after the connection broke
(the server may have recorded it before the answer was lost) is recorded once. Redirects
are not followed: they would carry the token to another address.
"""

import json
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from django.utils.translation import gettext as _

from cible.lib import outbound

TIMEOUT = 20  # seconds
ATTEMPTS = 2  # a request whose answer was lost is sent once more, with the same key
MAX_ANSWER = 1_000_000  # bytes: a check-in's answer is a few hundred


class CheckInFailed(Exception):
    """The check-in was not recorded: the messages say why (the API's, or the network's)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def check_ins_url(base: str, org: str, kr: int) -> str:
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CheckInFailed(
            [
                _(
                    "The server's address must start with https:// or http://, e.g. https://okr.example.com."
                )
            ]
        )
    path = f"/api/v1/orgs/{quote(org, safe='')}/key-results/{kr}/check-ins"
    return base.rstrip("/") + path


def _json_number(value: Decimal) -> float | str:
    """The value as a JSON number when a float holds it exactly, else as a string."""
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else format(value, "f")


def error_messages(status: int, reason: str, body: bytes) -> list[str]:
    """The API's error messages ({"errors": [{"field", "message"}]}), or the HTTP status."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    messages = []
    if isinstance(data, dict):
        for error in data.get("errors") or []:
            if isinstance(error, dict) and error.get("message"):
                field = error.get("field")
                messages.append(f"{field}: {error['message']}" if field else str(error["message"]))
        if not messages and isinstance(data.get("detail"), str):
            messages.append(data["detail"])
    return messages or [
        _("The server answered %(status)d %(reason)s.") % {"status": status, "reason": reason}
    ]


def post_check_in(
    base: str,
    token: str,
    org: str,
    kr: int,
    value: Decimal,
    confidence: int | None,
    comment: str | None,
    blockers: str | None,
    idempotency_key: str,
    timeout: float = TIMEOUT,
) -> dict[str, Any]:
    """Record the check-in; the server's answer (the check-in as stored) on success."""
    url = check_ins_url(base, org, kr)
    body: dict[str, Any] = {"value": _json_number(value)}
    if confidence is not None:
        body["confidence"] = confidence
    if comment is not None:
        body["comment"] = comment
    if blockers is not None:
        body["blockers"] = blockers
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": idempotency_key,
        "User-Agent": "cible-checkin",
    }
    data = json.dumps(body).encode()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            # The person's own server, often on this machine: no guard, no redirect.
            response = outbound.request(
                "POST",
                url,
                body=data,
                headers=headers,
                timeout=timeout,
                max_bytes=MAX_ANSWER,
                guard=False,
            )
            break
        except outbound.OutboundError as error:
            if error.kind == "disconnected" and attempt < ATTEMPTS:
                continue
            raise CheckInFailed([_unreachable(base, error)]) from error
    if response.status in outbound.REDIRECTS:
        location = urljoin(url, response.headers.get("Location", ""))
        raise CheckInFailed(
            [
                _("The server redirects to %(url)s: give that address with --url.")
                % {"url": location}
            ]
        )
    if not response.ok:
        raise CheckInFailed(error_messages(response.status, response.reason, response.body))
    answer = response.body
    try:
        result = json.loads(answer.decode("utf-8")) if answer else {}
    except (UnicodeDecodeError, ValueError):
        result = {}
    return result if isinstance(result, dict) else {}


def _unreachable(base: str, error: outbound.OutboundError) -> str:
    if error.kind == "connection_refused":
        return _(
            "Cannot connect to %(url)s: the connection was refused. Is the server running?"
        ) % {"url": base}
    if error.kind == "timeout":
        return _("%(url)s did not answer in time.") % {"url": base}
    if error.kind == "not_found":
        return _("Cannot find the server %(url)s: check the address.") % {"url": base}
    if error.kind == "disconnected":
        return _("The connection to %(url)s broke: %(reason)s") % {"url": base, "reason": error}
    return _("Cannot connect to %(url)s: %(reason)s") % {"url": base, "reason": error}
