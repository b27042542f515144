"""The monitor stage in a real browser: the capacity dashboard narrowed by region and group,
then the progress report downloaded as PDF and XLSX."""

from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from capdev.monitor.dashboards import CapacityFilters, capacity_dashboard
from capdev.monitor.tests.test_dashboards import _assess
from tests.browser.conftest import basics_problems

pytestmark = pytest.mark.browser


def _charts(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The SVG markup vega-embed drew for each chart, by chart id."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(d => d.querySelector('svg'))"
    )
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-chart]')]
              .map(d => [d.dataset.chart, d.querySelector('svg').outerHTML]))"""
    )


def test_filter_the_global_dashboard_then_download_the_progress_report(visit, world):
    _assess(world)
    hq = world.users["hq"]
    everyone = capacity_dashboard(hq, CapacityFilters())
    african_workers = capacity_dashboard(hq, CapacityFilters(region="AFRICA", group="workers"))
    assert everyone.overall.assessed > african_workers.overall.assessed > 0

    visit.log_in("hq")
    visit.goto("/monitor/")
    page = visit.page
    expect(page.locator("h1")).to_have_text("Capacity change")
    assessed = page.locator('[data-figure="assessed"]')
    expect(assessed).to_have_text(str(everyone.overall.assessed))
    before = _charts(page)
    assert {"chart-by-group", "chart-by-place", "chart-trend"} <= set(before)
    assert basics_problems(visit) == []

    page.select_option("select[name=region]", "AFRICA")
    expect(assessed).not_to_have_text(str(everyone.overall.assessed))
    page.select_option("select[name=group]", "workers")
    expect(assessed).to_have_text(str(african_workers.overall.assessed))
    assert "region=AFRICA" in page.url and "group=workers" in page.url
    after = _charts(page)
    assert after["chart-by-group"] != before["chart-by-group"]
    assert after["chart-trend"] != before["chart-trend"]
    # narrowed to a region, places are its countries
    assert "Kenya" in after["chart-by-place"] and "Europe" not in after["chart-by-place"]
    visit.shot("monitor-dashboard-africa-workers")

    # the figure's organisations, behind the link
    with page.expect_navigation():
        assessed.click()
    expect(page.locator("h1")).to_have_text("Organisations behind a figure")
    assert page.locator("tbody tr").count() == african_workers.overall.assessed

    visit.goto("/reports/progress/?biennium=2024-25")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF", exact=False).first.click()
    pdf = pdf_download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    info = subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert pages >= 2
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Score (%)" in text  # an axis title of a chart, drawn as SVG in the PDF

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="XLSX", exact=False).first.click()
    book = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()), read_only=True)
    assert len(book.sheetnames) >= 3
    assert visit.console_errors == []
