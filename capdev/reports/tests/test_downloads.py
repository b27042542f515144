"""The report files: PDF and XLSX of the progress report, the country profile PDF; reached
with a session or an API token, refused to anonymous callers, each in its reader's scope.

PDF rendering takes a second or two: each file here is rendered once for the module.
"""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from capdev.reports.tests import pdf
from capdev.reports.tests.facts import FORMULA_TITLE

# Every test is a database test, even those reading only a module's file: pytest-django runs
# tests without a database last, after the browser tests have started Playwright's loop.
pytestmark = pytest.mark.django_db

PROGRESS_PDF = "/reports/progress.pdf?biennium=2020-21"
PROGRESS_XLSX = "/reports/progress.xlsx?biennium=2020-21"


def token_client(user) -> Client:  # type: ignore[no-untyped-def]
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def session_client(user, **headers) -> Client:  # type: ignore[no-untyped-def]
    client = Client(**headers)
    client.force_login(user)
    return client


@pytest.fixture(scope="module")
def hq_pdf(_reported, django_db_blocker):
    """HQ's progress report for 2020-21, fetched with an API token."""
    with django_db_blocker.unblock():
        return token_client(_reported.users["hq"]).get(PROGRESS_PDF)


@pytest.fixture(scope="module")
def zh_country_pdf(_reported, django_db_blocker):
    """HQ's profile of Kenya, in Chinese, fetched with a session."""
    with django_db_blocker.unblock():
        client = session_client(_reported.users["hq"], HTTP_ACCEPT_LANGUAGE="zh-hans")
        return client.get("/reports/countries/KEN.pdf")


def test_the_progress_pdf_is_a_real_a4_pdf_with_its_sections(hq_pdf, tmp_path):
    assert hq_pdf.status_code == 200
    assert hq_pdf["Content-Type"] == "application/pdf"
    assert 'filename="capdev-progress-report-2020-21.pdf"' in hq_pdf["Content-Disposition"]
    content = hq_pdf.content
    assert content.startswith(b"%PDF-")
    assert 4 <= pdf.page_count(content) <= 12
    assert b"/MediaBox [0 0 595" in pdf.inflated(content)  # A4: 595 × 842 points
    titles = pdf.outline(content)
    for heading in (
        "Progress report 2020-21",
        "Strategy deliverables",
        "Indicators against targets",
        "Capacity change",
        "Gender parity of delegations",
        "Delivery volume",
        "Funding mix",
    ):
        assert heading in titles


def test_the_progress_pdf_carries_its_charts_and_page_numbers(hq_pdf, tmp_path):
    text = pdf.text(hq_pdf.content, tmp_path)
    pages = pdf.page_count(hq_pdf.content)
    assert re.search(rf"\b1\s*/\s*{pages}\b", text)
    assert re.search(rf"\b{pages}\s*/\s*{pages}\b", text)
    # Words that only the charts draw (the tables say "Baseline mean (%)" and so on).
    assert "Score (%)" in text  # the capacity dumbbells' axis
    assert "Share of women" in text
    assert FORMULA_TITLE in text  # shown as text in a PDF, as it is
    assert "Prepared for hq" in text


def test_the_print_html_embeds_every_chart_as_svg(reported):
    from capdev.reports import documents
    from capdev.reports.selectors import Biennium, progress_report

    report = progress_report(reported.users["hq"], Biennium(2020))
    context = documents.progress_context(report, print=True)
    assert set(context["charts"]) == {
        "deliverables",
        "indicators",
        "capacity_by_group",
        "capacity_by_place",
        "capacity_trend",
        "capacity_distribution",
        "parity_groups",
        "parity_sessions",
        "participants",
        "funding",
    }
    import base64

    for chart in context["charts"].values():
        prefix = "data:image/svg+xml;base64,"
        assert chart.uri.startswith(prefix)
        assert base64.b64decode(chart.uri[len(prefix) :]).startswith(b"<svg")


def test_the_country_profile_renders_in_chinese_with_a_font_that_has_the_characters(
    zh_country_pdf, tmp_path
):
    assert zh_country_pdf.status_code == 200
    content = zh_country_pdf.content
    assert pdf.page_count(content) >= 1
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Noto-?Sans-?CJK", pdf.inflated(content))
    text = pdf.text(content, tmp_path)
    assert "肯尼亚" in text  # Kenya, as the reference data names it in Chinese
    assert "Ministry of Labour KE" in text


def test_the_xlsx_has_a_sheet_per_section_with_units_and_formulas_neutralised(reported):
    response = session_client(reported.users["hq"]).get(PROGRESS_XLSX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = load_workbook(io.BytesIO(response.content))
    for sheet in (
        "About",
        "Deliverables",
        "Indicators",
        "Capacity",
        "Parity",
        "Delivery",
        "Funding",
    ):
        assert sheet in book.sheetnames
    deliverables = list(book["Deliverables"].iter_rows(values_only=True))
    assert deliverables[0] == (
        "Outcome area",
        "Deliverable",
        "Phase",
        "Responsible unit",
        "Status",
        "Evidence",
    )
    # The title as it is, no apostrophe shown: a text cell the spreadsheet keeps as text.
    assert deliverables[1][1] == FORMULA_TITLE
    assert book["Deliverables"]["B2"].data_type == "s"  # text, not a formula
    assert book["Deliverables"]["B2"].quotePrefix
    delivery = list(book["Delivery"].iter_rows(values_only=True))
    assert delivery[0][1:] == (
        "Activities held (number)",
        "Women (persons)",
        "Men (persons)",
        "Other or not stated (persons)",
        "Participants (persons)",
        "Share of women (%)",
    )
    assert delivery[-1] == ("Total", 2, 3, 1, 1, 5, 60.0)


def test_no_cell_of_the_xlsx_is_a_formula(reported):
    response = session_client(reported.users["hq"]).get(PROGRESS_XLSX)
    book = load_workbook(io.BytesIO(response.content))
    texts_like_formulas = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str) and cell.value.startswith(
                    ("=", "+", "-", "@", "\t", "\r")
                ):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                    texts_like_formulas += 1
    assert texts_like_formulas >= 1  # the deliverable titled with a formula


def test_a_focal_points_xlsx_holds_only_their_scope(reported):
    response = token_client(reported.users["focal"]).get(PROGRESS_XLSX)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    delivery = list(book["Delivery"].iter_rows(values_only=True))
    assert delivery[1:] == [("Course", 1, 1, 1, 0, 2, 50.0), ("Total", 1, 1, 1, 0, 2, 50.0)]
    codes = [row[0] for row in book["Indicators"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["S-NUM", "S-PCT"]


@pytest.mark.parametrize("url", [PROGRESS_PDF, PROGRESS_XLSX, "/reports/countries/KEN.pdf"])
def test_anonymous_callers_are_refused_with_401(reported, url):
    response = Client().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_refused(reported):
    response = Client(HTTP_AUTHORIZATION="Token not-a-token").get(PROGRESS_XLSX)
    assert response.status_code == 401
    assert "Invalid token" in response.json()["detail"]


@pytest.mark.parametrize(
    ("biennium", "message"),
    [
        ("2020-22", "its years must follow each other, as in 2020-21"),
        ("2020", "write it as 2020-21 (YYYY-YY)"),
        ("20-21", "write it as 2020-21 (YYYY-YY)"),
        ("2020-2021", "write it as 2020-21 (YYYY-YY)"),
    ],
)
def test_a_biennium_written_wrongly_gets_400_with_the_reason(reported, biennium, message):
    for url in ("/reports/progress.pdf", "/reports/progress.xlsx"):
        response = token_client(reported.users["hq"]).get(url, {"biennium": biennium})
        assert response.status_code == 400
        assert message in response.json()["biennium"][0]


def test_a_country_outside_the_readers_scope_is_not_found(reported):
    response = token_client(reported.users["office_b"]).get("/reports/countries/KEN.pdf")
    assert response.status_code == 404
