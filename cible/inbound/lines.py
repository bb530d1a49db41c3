"""Reading check-ins written as lines of text: a reply to the reminder e-mail.

One line per key result, its number first (the reminder shows it):

    42: 1500, 7, signed two new customers
    #43: 12,5
    44: 80, conf 6
    45: 55!, 8, yes, really 55

The value is read in the organisation's language (1,500.5 in English, 1 500,5 in French);
fields are separated by a comma followed by a space, or by a semicolon. The second field,
when it is a whole number, is the confidence (0 to 10); the rest is the comment. Lines that
start with neither a number nor `#` are prose (greetings, a signature) and are skipped; the
quoted message below the reply and the signature are left out. An exclamation mark after the
value confirms a value that looks like a typing mistake (`rules.check_in_warnings`): without
it, such a value is asked about again instead of recorded.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal
from django.utils.translation import gettext as _

# More lines than anyone has key results: beyond, the reply is refused whole.
MAX_LINES = 200
MAX_LINE_LENGTH = 2000

_READING = re.compile(r"^#?\s*(\d{1,12})\s*[:=]\s*(.*)$")
_STARTS_LIKE_A_READING = re.compile(r"^#?\s*\d")
_SEPARATOR = re.compile(r",\s+|\s*;\s*")
_CONFIDENCE = re.compile(r"^(?:(?:conf|confidence|confiance)\s*)?(\d{1,3})$", re.IGNORECASE)
# Where the quoted message starts, in the usual mail programs, in English and French.
_QUOTE_STARTS = (
    re.compile(r"^On .{1,300} wrote:\s*$"),
    re.compile(r"^Le .{1,300} a écrit\s*:\s*$"),
    re.compile(r"^-{2,}\s*(Original Message|Message d'origine|Forwarded message)", re.I),
    re.compile(r"^(From|De|Envoyé|Sent)\s*:\s", re.I),
    re.compile(r"^_{10,}\s*$"),
)
_SIGNATURE = "-- "
# After a value: "yes, this value", for one that looks like a typing mistake.
CONFIRM = "!"


@dataclass(frozen=True)
class Reading:
    line: int  # 1-based, in the reply as written
    key_result_id: int
    value: Decimal
    confidence: int | None
    comment: str
    # Written with "!" after the value: the writer means it, even if it looks mistyped.
    confirmed: bool = False


@dataclass(frozen=True)
class Problem:
    line: int  # 0 when the problem is the reply as a whole
    text: str
    reason: str


@dataclass(frozen=True)
class Parsed:
    readings: list[Reading]
    problems: list[Problem]


def reply_lines(text: str) -> list[tuple[int, str]]:
    """The reply's own lines with their numbers: up to the quoted message or the signature,
    quoted lines (`>`) and blank lines left out."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if raw == _SIGNATURE or raw.rstrip() == "--":
            break
        line = raw.strip().replace("\x00", "")
        if any(start.match(line) for start in _QUOTE_STARTS):
            break
        if line and not line.startswith(">"):
            lines.append((number, line))
    return lines


def parse_number(text: str, language: str) -> Decimal | None:
    """A number as written in that language, or None when it is not one."""
    text = text.strip().replace("\u202f", " ").replace("\u00a0", " ")
    if not text or not re.fullmatch(r"[-+]?[\d\s.,']+", text):
        return None
    compact = text.replace(" ", "").replace("'", "")
    try:
        value = parse_decimal(compact, locale=language, strict=False)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def parse(text: str, language: str) -> Parsed:
    """Every reading of the reply, and every line that looks like one but cannot be read."""
    lines = reply_lines(text)
    candidates = [(n, line) for n, line in lines if _STARTS_LIKE_A_READING.match(line)]
    if len(candidates) > MAX_LINES:
        reason = _("The reply has %(count)d lines of check-ins; at most %(max)d are read.") % {
            "count": len(candidates),
            "max": MAX_LINES,
        }
        return Parsed([], [Problem(0, "", reason)])
    readings: list[Reading] = []
    problems: list[Problem] = []
    for number, line in candidates:
        shown = line[:200]
        if len(line) > MAX_LINE_LENGTH:
            reason = _("The line is longer than %(max)d characters.") % {"max": MAX_LINE_LENGTH}
            problems.append(Problem(number, shown, reason))
            continue
        reading = _READING.match(line)
        if reading is None:
            problems.append(
                Problem(number, shown, _("Write the key result's number, a colon, then the value."))
            )
            continue
        kr_id, rest = int(reading.group(1)), reading.group(2).strip()
        fields = _SEPARATOR.split(rest, maxsplit=2) if rest else []
        if not fields or not fields[0]:
            problems.append(Problem(number, shown, _("The value is missing after the colon.")))
            continue
        written = fields[0].rstrip()
        confirmed = written.endswith(CONFIRM)
        written = written.rstrip(CONFIRM).rstrip()
        value = parse_number(written, language)
        if value is None:
            problems.append(
                Problem(number, shown, _("“%(text)s” is not a number.") % {"text": fields[0][:50]})
            )
            continue
        confidence: int | None = None
        comment_fields = fields[1:]
        if comment_fields:
            level = _CONFIDENCE.match(comment_fields[0].strip())
            if level is not None:
                confidence = int(level.group(1))
                comment_fields = comment_fields[1:]
        comment = ", ".join(f.strip() for f in comment_fields if f.strip())
        readings.append(Reading(number, kr_id, value, confidence, comment, confirmed))
    return Parsed(readings, problems)


def write(reading: Reading, language: str, confirmed: bool = False) -> str:
    """The line that reads back as `reading` (`parse`), to be sent again as it is; with
    `confirmed`, its value carries the mark that confirms it."""
    fields = [digits(reading.value, language) + (CONFIRM if confirmed or reading.confirmed else "")]
    if reading.confidence is not None:
        fields.append(str(reading.confidence))
    if reading.comment:
        if reading.confidence is None and _CONFIDENCE.match(reading.comment.split(",")[0].strip()):
            fields.append("")  # a comment that reads as a confidence keeps its place
        fields.append(reading.comment)
    return f"{reading.key_result_id}: " + "; ".join(fields)


def digits(value: Decimal, language: str) -> str:
    """A value as `parse_number` reads it back in that language: no grouping, no trailing
    zeros (1500.5 in English, 1500,5 in French)."""
    text = format(value.normalize(), "f")
    return text.replace(".", get_decimal_symbol(language)) if "." in text else text
