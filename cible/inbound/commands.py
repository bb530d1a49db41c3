"""What a chat command asks, read from its text (`/okr ...`), without a database.

- `/okr`, `/okr list` (`liste`): my key results with their last value;
- `/okr checkin` (`point`): the form with one line per key result;
- `/okr nochange` (`inchangé`): every key result of mine checked in at its last value;
- `/okr help` (`aide`): how to use it;
- `/okr 42 1500 conf 7 "two new customers"`: one key result checked in directly;
  `/okr 42 55!` confirms a value that looks like a typing mistake.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from cible.inbound import lines


class Kind(StrEnum):
    LIST = "list"
    FORM = "form"
    NO_CHANGE = "nochange"
    HELP = "help"
    READING = "reading"
    UNREADABLE = "unreadable"


WORDS = {
    "": Kind.LIST,
    "list": Kind.LIST,
    "liste": Kind.LIST,
    "checkin": Kind.FORM,
    "check-in": Kind.FORM,
    "point": Kind.FORM,
    "nochange": Kind.NO_CHANGE,
    "no-change": Kind.NO_CHANGE,
    "inchangé": Kind.NO_CHANGE,
    "inchange": Kind.NO_CHANGE,
    "help": Kind.HELP,
    "aide": Kind.HELP,
}

_DIRECT = re.compile(
    r"^#?(?P<id>\d{1,12})\s+(?P<value>[-+]?[\d.,']+)(?P<confirmed>\s*!)?"
    r"(?:\s+(?:conf|confidence|confiance)\s*(?P<confidence>\d{1,3}))?"
    r"(?:\s+(?P<comment>.*))?$",
    re.IGNORECASE | re.DOTALL,
)
_QUOTES = "\"'“”«»‘’ "
MAX_TEXT = 2000


@dataclass(frozen=True)
class Command:
    kind: Kind
    reading: lines.Reading | None = None
    problem: str = ""  # for UNREADABLE: what was not understood


def parse(text: str, language: str) -> Command:
    text = text.replace("\x00", "").strip()
    if "\n" in text or len(text) > MAX_TEXT:
        # One key result per command: several at once go through the form.
        return Command(Kind.UNREADABLE, problem=text.split("\n")[0][:100])
    text = " ".join(text.split())
    word = text.casefold()
    if word in WORDS:
        return Command(WORDS[word])
    first, _space, rest = text.partition(" ")
    if rest and (first.casefold() == "okr" or WORDS.get(first.casefold()) == Kind.FORM):
        return parse(rest, language)  # "checkin 42 1500", as Teams' messages say it
    direct = _DIRECT.match(text)
    if direct is None:
        return Command(Kind.UNREADABLE, problem=text[:100])
    value = lines.parse_number(direct.group("value"), language)
    if value is None:
        return Command(Kind.UNREADABLE, problem=direct.group("value")[:50])
    confidence = direct.group("confidence")
    comment = (direct.group("comment") or "").strip().strip(_QUOTES).strip()
    reading = lines.Reading(
        1,
        int(direct.group("id")),
        value,
        int(confidence) if confidence else None,
        comment,
        confirmed=bool(direct.group("confirmed")),
    )
    return Command(Kind.READING, reading)
