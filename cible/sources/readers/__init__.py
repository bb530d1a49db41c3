"""Reading one number from somewhere: one module per kind of source (`json_url`,
`csv_table`, `sql_query`), each with `read(source) -> Decimal`, and what they share here.

A reader either returns a value a check-in accepts or raises `SourceError`: a source that
answers garbage fails, it never writes a zero.
"""

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from cible.lib import outbound
from cible.okrs import rules

# A source reads a number: more than this is not the document it should be.
MAX_BYTES = 5_000_000
CHUNK = 64 * 1024
PLACES = Decimal("0.0001")  # what a key result's value keeps
SHOWN_CHARS = 60  # how much of a name (a path, a column) an error message quotes
REASON_CHARS = 1000  # a database's error is shown in full, within reason
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?")


class SourceError(Exception):
    """Why a source gave no value: a code of `models.ERRORS` and its parameters. The
    parameters are what the source's editors configured (a path, a column), a status, or
    a reason the reader wrote (a database's error): never a value the source read, which
    may be anything an internal service holds."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = {
            name: short(str(value), REASON_CHARS if name == "reason" else SHOWN_CHARS)
            for name, value in params.items()
        }


def short(text: str, limit: int = SHOWN_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeout() -> int:
    return int(settings.SOURCE_TIMEOUT)


# Values -------------------------------------------------------------------------------


def to_value(raw: object) -> Decimal:
    """A reading as a key result value: a finite number that fits the column, rounded to
    its 4 decimal places. Booleans, empty cells and text that is not a plain number fail."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise SourceError("no_value")
    if isinstance(raw, bool):
        raise SourceError("not_a_number")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # nan and inf come through as such, then fail below
    elif isinstance(raw, str) and NUMBER.fullmatch(raw.strip()):
        value = Decimal(raw.strip())
    else:
        raise SourceError("not_a_number")
    if not value.is_finite():
        raise SourceError("not_finite")
    try:
        value = value.quantize(PLACES, rounding=ROUND_HALF_EVEN)
        rules.check_value(value)
    except (InvalidOperation, ValidationError):
        raise SourceError("too_many_digits") from None
    return value


# Reading a URL ------------------------------------------------------------------------

# The outbound client's failures as a source's: what kind of failure, never what the
# address answered.
_OUTBOUND_CODES = {"refused": "blocked", "timeout": "timeout", "too_large": "too_large"}


def fetch(url: str, accept: str) -> tuple[bytes, str | None]:
    """The body of a GET on `url` (at most MAX_BYTES) and its declared charset, through the
    outbound guard, following a few redirects. Each read waits `timeout()` seconds at
    most, and the whole download twice that."""
    seconds = timeout()
    try:
        answer = outbound.request(
            "GET",
            url,
            headers={"User-Agent": "Cible (key result data source)", "Accept": accept},
            timeout=seconds,
            max_bytes=MAX_BYTES,
            redirects=outbound.MAX_REDIRECTS,
        )
    except outbound.OutboundError as error:
        code = _OUTBOUND_CODES.get(error.kind, "unreachable")
        if code == "blocked":
            raise SourceError(code, host=getattr(error, "host", "")) from None
        if code == "timeout":
            raise SourceError(code, seconds=seconds) from None
        if code == "too_large":
            raise SourceError(code, limit=MAX_BYTES) from None
        raise SourceError(code, reason=outbound.redacted(str(error), url)) from None
    if not answer.ok:
        raise SourceError("http_status", status=answer.status)
    return answer.body, answer.charset


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
