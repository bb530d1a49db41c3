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


def write_xlsx(table: Table, out: IO[bytes]) -> None:
    """The table as a one-sheet workbook, written row by row (openpyxl's write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(str(table.name)))
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
    formats = [column.number_format for column in table.columns]
    for row in table.rows:
        sheet.append(
            [_xlsx_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=True)]
        )
    book.save(out)
