"""Reading one number from somewhere: one module per kind of source (`json_url`,
`csv_table`, `sql_query`), each with `read(source) -> Decimal`, and what they share here.

A reader either returns a value a check-in accepts or raises `SourceError`: a source that
answers garbage fails, it never writes a zero.
"""

import re
import time
import urllib.error
import urllib.request
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from cible.okrs import rules

# A source reads a number: more than this is not the document it should be.
MAX_BYTES = 5_000_000
CHUNK = 64 * 1024
PLACES = Decimal("0.0001")  # what a key result's value keeps
SHOWN_CHARS = 60  # how much of a bad value or an error an error message quotes
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?")
SCHEMES = ("http", "https")


class SourceError(Exception):
    """Why a source gave no value: a code of `models.ERRORS` and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = {name: short(str(value)) for name, value in params.items()}


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def timeout() -> int:
    return int(settings.SOURCE_TIMEOUT)


# Values -------------------------------------------------------------------------------


def to_value(raw: object) -> Decimal:
    """A reading as a key result value: a finite number that fits the column, rounded to
    its 4 decimal places. Booleans, empty cells and text that is not a plain number fail."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise SourceError("no_value")
    if isinstance(raw, bool):
        raise SourceError("not_a_number", value=str(raw).lower())
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # nan and inf come through as such, then fail below
    elif isinstance(raw, str) and NUMBER.fullmatch(raw.strip()):
        value = Decimal(raw.strip())
    else:
        raise SourceError("not_a_number", value=raw)
    if not value.is_finite():
        raise SourceError("not_finite", value=raw)
    try:
        value = value.quantize(PLACES, rounding=ROUND_HALF_EVEN)
        rules.check_value(value)
    except (InvalidOperation, ValidationError):
        raise SourceError("too_many_digits", value=raw) from None
    return value


# Reading a URL ------------------------------------------------------------------------


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follow a redirection to another http(s) address only (never to ftp: or file:)."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if urlsplit(newurl).scheme.lower() not in SCHEMES:
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_HttpRedirectsOnly)


def _redacted(text: str, url: str) -> str:
    """The text without the address or its parts: a URL may carry a token."""
    parts = urlsplit(url)
    for secret in (url, parts.netloc, parts.path, parts.query):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    return text


def _reason(error: BaseException, url: str) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    text = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else reason
    return _redacted(str(text), url)


def fetch(url: str, accept: str) -> tuple[bytes, str | None]:
    """The body of a GET on `url` (at most MAX_BYTES) and its declared charset. Each read
    waits `timeout()` seconds at most, and the whole download twice that."""
    if urlsplit(url).scheme.lower() not in SCHEMES:
        raise SourceError("unreachable", reason="not an http:// or https:// address")
    seconds = timeout()
    request = urllib.request.Request(
        url, headers={"User-Agent": "Cible (key result data source)", "Accept": accept}
    )
    deadline = time.monotonic() + 2 * seconds
    try:
        with _opener.open(request, timeout=seconds) as response:
            charset = response.headers.get_content_charset()
            body = b""
            while chunk := response.read(CHUNK):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise SourceError("too_large", limit=MAX_BYTES)
                if time.monotonic() > deadline:
                    raise SourceError("timeout", seconds=2 * seconds)
    except urllib.error.HTTPError as error:
        error.close()
        raise SourceError("http_status", status=error.code) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise SourceError("timeout", seconds=seconds) from None
        raise SourceError("unreachable", reason=_reason(error, url)) from None
    except TimeoutError:
        raise SourceError("timeout", seconds=seconds) from None
    except (OSError, ValueError, HTTPException) as error:
        raise SourceError("unreachable", reason=_reason(error, url)) from None
    return body, charset


def decode(body: bytes, charset: str | None, fallback: str | None = None) -> str:
    """The text of a document: in its declared charset, else UTF-8 (a BOM is dropped),
    else `fallback` when given."""
    for encoding in (charset or "utf-8-sig", fallback):
        if encoding is None:
            continue
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise SourceError("not_text")
