"""CSV from a URL or a file: the last row with a value in the named column.

A file is named relative to `CIBLE_SOURCE_FILES_DIR` and must resolve inside it, symbolic
links followed: nothing else on the server can be read this way. The separator is a
comma, a semicolon (as spreadsheets write in French) or a tab, whichever the header row
holds most of. The text is UTF-8, or Windows-1252 when it is not valid UTF-8.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from cible.sources.readers import MAX_BYTES, SourceError, decode, fetch, to_value

if TYPE_CHECKING:
    from cible.sources.models import DataSource

SEPARATORS = (",", ";", "\t")
FALLBACK_ENCODING = "cp1252"


def folder() -> Path:
    return Path(settings.SOURCE_FILES_DIR).resolve()


def resolve_file(name: str) -> Path:
    """The file's real path, refused when it leads out of the folder."""
    base = folder()
    if not name.strip() or "\x00" in name:
        raise SourceError("no_file", file=name)
    path = (base / name.strip()).resolve()
    if path == base or not path.is_relative_to(base):
        raise SourceError("outside_folder", file=name)
    return path


def read_file(name: str) -> bytes:
    path = resolve_file(name)
    if not path.is_file():
        raise SourceError("no_file", file=name)
    try:
        with path.open("rb") as handle:
            body = handle.read(MAX_BYTES + 1)
    except OSError:
        raise SourceError("no_file", file=name) from None
    if len(body) > MAX_BYTES:
        raise SourceError("too_large", limit=MAX_BYTES)
    return body


def _separator(text: str) -> str:
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])  # quoted names may hold commas
    return max(SEPARATORS, key=header.count)


def last_value(text: str, column: str) -> str:
    """The last non-empty cell of the column (named in the header row, spaces and case
    aside)."""
    wanted = column.strip()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise SourceError("empty")
        if wanted in header:
            index = header.index(wanted)
        else:
            folded = [name.casefold() for name in header]
            if wanted.casefold() not in folded:
                raise SourceError("no_column", column=wanted)
            index = folded.index(wanted.casefold())
        last = ""
        for row in reader:
            if index < len(row) and row[index].strip():
                last = row[index]
    except csv.Error as error:
        raise SourceError("bad_csv", reason=error) from None
    if not last:
        raise SourceError("empty_column", column=wanted)
    return last


def read(source: "DataSource") -> Decimal:
    if source.url:
        body, charset = fetch(source.url, "text/csv, text/plain;q=0.9, */*;q=0.5")
    else:
        body, charset = read_file(source.file), None
    return to_value(last_value(decode(body, charset, FALLBACK_ENCODING), source.column))
