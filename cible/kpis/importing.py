"""Reading a CSV file of a KPI's values: a header row naming the columns date and value
(and optionally note), separated by commas or semicolons.

Every bad line is reported with its number, and a file with one bad line gives nothing to
record: the import is all or none.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.kpis.services import check_value
from cible.lib.text import text_problem

MAX_BYTES = 500_000
MAX_ROWS = 5000
MAX_ERRORS = 20  # lines reported; the rest are counted

HEADERS = {
    "date": "date",
    "day": "date",
    "jour": "date",
    "value": "value",
    "valeur": "value",
    "note": "note",
    "comment": "note",
    "commentaire": "note",
}


@dataclass(frozen=True)
class Row:
    line: int
    measured_at: datetime
    value: Decimal
    note: str


def _number(text: str, decimal_comma: bool) -> Decimal:
    cleaned = "".join(text.split()).replace("\u202f", "").replace("\u00a0", "")
    if decimal_comma:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number") % {"text": text[:40]}) from None
    try:
        check_value(number)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return number


def _moment(text: str, decimal_comma: bool) -> datetime:
    text = text.strip()
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        if decimal_comma:  # French dates: 31/12/2026
            try:
                moment = datetime.strptime(text, "%d/%m/%Y")
            except ValueError:
                moment = None
    if moment is None:
        raise ValueError(_("“%(text)s” is not a date (write 2026-12-31)") % {"text": text[:40]})
    if len(text) <= 10:  # a day: kept at midday, as a value entered for a past day
        moment = datetime.combine(moment.date(), time(12))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment.date() > timezone.localdate() or moment.date() < date(1900, 1, 1):
        raise ValueError(_("the date %(text)s is in the future") % {"text": text[:40]})
    return moment


def parse(content: bytes, decimal_comma: bool = False) -> list[Row]:
    """The rows of the file, or a ValidationError listing every bad line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text."), code="not_text") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    names = [HEADERS.get(cell.strip().lower(), "") for cell in header or []]
    if "date" not in names or "value" not in names:
        raise ValidationError(
            _("The first line must name the columns: date, value and optionally note."),
            code="no_header",
        )
    at = {name: names.index(name) for name in ("date", "value", "note") if name in names}
    rows: list[Row] = []
    errors: list[str] = []
    bad = 0
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + bad >= MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(count)s lines of values."),
                    params={"count": MAX_ROWS},
                    code="too_many_rows",
                )
            try:
                if len(cells) <= max(at["date"], at["value"]):
                    raise ValueError(_("a date and a value are needed"))
                note = cells[at["note"]].strip() if "note" in at and at["note"] < len(cells) else ""
                if len(note) > 500:
                    raise ValueError(_("the note is longer than 500 characters"))
                if (problem := text_problem(note)) is not None:
                    raise ValueError(" ".join(problem.messages))
                rows.append(
                    Row(
                        line,
                        _moment(cells[at["date"]], decimal_comma),
                        _number(cells[at["value"]], decimal_comma),
                        note,
                    )
                )
            except ValueError as error:
                bad += 1
                if len(errors) < MAX_ERRORS:
                    errors.append(_("Line %(line)s: %(error)s.") % {"line": line, "error": error})
    except csv.Error as error:
        raise ValidationError(
            _("The file is not valid CSV (%(reason)s)."), params={"reason": error}, code="bad_csv"
        ) from None
    if bad > len(errors):
        errors.append(_("And %(count)s more bad lines.") % {"count": bad - len(errors)})
    if errors:
        raise ValidationError(errors, code="bad_lines")
    if not rows:
        raise ValidationError(_("The file has no value."), code="empty")
    return rows
