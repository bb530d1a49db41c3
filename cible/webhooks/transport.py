"""Signing a webhook's body and posting it.

The receiver checks `X-Cible-Signature` (an HMAC-SHA256 of "<timestamp>.<body>" with the
endpoint's secret) and the age of `X-Cible-Timestamp`; docs/webhooks.md shows how. Posting
follows no redirect, waits at most `TIMEOUT` seconds for each step, and reads only the
first bytes of the answer: whatever the receiver does, the worker gets a status code or a
short error, never an exception it did not expect.
"""

import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Seconds to connect and for each read: a receiver that hangs must not stall the worker.
TIMEOUT = 10
# What is read of an answer, to show in the log why it failed.
ANSWER_LIMIT = 200
USER_AGENT = "Cible-Webhooks/1"


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

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: followed, it could take the event to another host, or turn
    the POST into a GET that drops it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _answer(raw: bytes) -> str:
    """The start of an answer as one line of text, whatever its encoding."""
    return printable(raw[:ANSWER_LIMIT].decode("utf-8", "replace"))


def printable(text: str) -> str:
    """One line without control characters (PostgreSQL refuses a NUL in a text column)."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())


def _redacted(text: str, url: str) -> str:
    """Without the address's path and query, which may hold a token."""
    parts = urlsplit(url)
    for secret in (url, parts.path, parts.query):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    return text


def post(
    url: str, body: bytes, request_headers: dict[str, str], timeout: float | None = None
) -> Outcome:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return Outcome(None, "The address is not an http:// or https:// address.")
    try:
        request = urllib.request.Request(url, data=body, method="POST", headers=request_headers)
        with _opener.open(request, timeout=timeout or TIMEOUT) as response:
            status: int = response.status
            response.read(ANSWER_LIMIT)
    except urllib.error.HTTPError as error:
        try:
            detail = _answer(error.read(ANSWER_LIMIT))
        except (OSError, http.client.HTTPException):
            detail = ""
        finally:
            error.close()
        text = f"HTTP {error.code}" + (f": {detail}" if detail else "")
        return Outcome(error.code, _redacted(text, url))
    except urllib.error.URLError as error:
        reason = error.reason
        text = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else reason
        return Outcome(None, _redacted(str(text), url))
    except (OSError, ValueError, http.client.HTTPException) as error:
        # A timeout or a disconnection while reading the answer, a malformed address...
        return Outcome(None, _redacted(f"{type(error).__name__}: {error}", url))
    return Outcome(status)
