"""Signing a webhook's body and posting it.

The receiver checks `X-Cible-Signature` (an HMAC-SHA256 of "<timestamp>.<body>" with the
endpoint's secret) and the age of `X-Cible-Timestamp`; docs/webhooks.md shows how. Posting
goes through the outbound guard (cible/lib/outbound.py), follows no redirect, waits at most
`TIMEOUT` seconds for each step, and reads only the first bytes of the answer: whatever the
receiver does, the worker gets a status code or a short error, never an exception it did
not expect. An address the guard refuses fails the delivery at once: retrying would not
change the answer.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from cible.lib import outbound

# Seconds to connect and for each read: a receiver that hangs must not stall the worker.
TIMEOUT = 10
# What is read of an answer, to show in the log why it failed.
ANSWER_LIMIT = 200
USER_AGENT = "Cible-Webhooks/1"
# Outbound failures that no retry mends.
FINAL = ("refused", "bad_address")


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def headers(
    event: str, delivery_id: str, secret: str, timestamp: int, body: bytes
) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Cible-Event": event,
        "X-Cible-Delivery": delivery_id,
        "X-Cible-Timestamp": str(timestamp),
        "X-Cible-Signature": signature(secret, timestamp, body),
    }


@dataclass
class Outcome:
    """What the receiver answered: a status code (None when no answer came) and, when it
    failed, why, in a few words."""

    status: int | None
    error: str = ""
    # Trying again would fail the same way: the address is refused, or not one at all.
    final: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _answer(raw: bytes) -> str:
    """The start of an answer as one line of text, whatever its encoding."""
    return printable(raw[:ANSWER_LIMIT].decode("utf-8", "replace"))


def printable(text: str) -> str:
    """One line without control characters (PostgreSQL refuses a NUL in a text column)."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())


def post(
    url: str, body: bytes, request_headers: dict[str, str], timeout: float | None = None
) -> Outcome:
    """Post through the outbound guard, following no redirect: followed, it could take the
    event to another host, or turn the POST into a GET that drops it."""
    try:
        answer = outbound.request(
            "POST",
            url,
            body=body,
            headers=request_headers,
            timeout=timeout or TIMEOUT,
            max_bytes=ANSWER_LIMIT,
            truncate=True,
        )
    except outbound.OutboundError as error:
        return Outcome(None, outbound.redacted(str(error), url), final=error.kind in FINAL)
    if 200 <= answer.status < 300:
        return Outcome(answer.status)
    detail = _answer(answer.body)
    text = f"HTTP {answer.status}" + (f": {detail}" if detail else "")
    return Outcome(answer.status, outbound.redacted(text, url))
