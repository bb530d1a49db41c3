"""A table (tables.py) as an XLSX workbook. Its own module, imported where a workbook is
written: openpyxl, imported with the views, cost each app server worker 13 MiB and a
fifth of a second as it started."""

import re
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cible.insights.tables import Cell, Table

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# A sheet holds at most 1,048,576 rows: with its header, this many rows of data. Longer
# tables go on in further sheets, "Check-ins (2)" and so on, each with its header.
SHEET_ROWS = 1_048_575


def _sheet_name(name: str) -> str:
    return SHEET_NAME_FORBIDDEN.sub(" ", name)[:31] or "Sheet"


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell, number_format: str) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        # Assigning "=..." makes openpyxl write a formula: force a plain string.
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def _new_sheet(book: Workbook, table: Table, number: int) -> WriteOnlyWorksheet:
    name = str(table.name)
    if number > 1:
        suffix = f" ({number})"
        name = _sheet_name(name)[: 31 - len(suffix)] + suffix
    sheet = book.create_sheet(_sheet_name(name))
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = _xlsx_cell(sheet, str(column.header), "")
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def write_xlsx(table: Table, out: IO[bytes]) -> None:
    """The table as a workbook, written row by row (openpyxl's write-only mode): one sheet,
    or more when its rows are more than a sheet holds."""
    book = Workbook(write_only=True)
    sheets = 1
    sheet = _new_sheet(book, table, sheets)
    formats = [column.number_format for column in table.columns]
    rows = 0
    for row in table.rows:
        if rows == SHEET_ROWS:
            sheets += 1
            sheet = _new_sheet(book, table, sheets)
            rows = 0
        sheet.append(
            [_xlsx_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=True)]
        )
        rows += 1
    book.save(out)
