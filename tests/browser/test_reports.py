"""The reports in a real browser: office A opens the progress report for 2020-21 (its charts
drawn), downloads it as XLSX, has the PDF prepared in the background and downloads it from
the status page, then opens Kenya's profile from the country picker.
Screenshots of failures go to /tmp/capdev-shots/.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from capdev.reports.tests import facts
from capdev.test import World

from .conftest import Visit, basics_problems

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _shot_on_failure(request: pytest.FixtureRequest, visit: Visit) -> Iterator[None]:
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        name = re.sub(r"[^\w.-]+", "-", request.node.name)
        with contextlib.suppress(Exception):
            visit.shot(f"FAILED-{name}")


@pytest.fixture
def reported(world: World, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return facts.build(world)


def test_an_office_reads_downloads_and_prepares_the_progress_report(reported, visit):
    page = visit.page
    visit.log_in("office_a")
    visit.goto("/reports/")
    assert basics_problems(visit) == []
    page.select_option("#biennium-select", "2020-21")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the report").click()
    expect(page.locator("h1")).to_have_text("Progress report 2020-21")
    expect(page.locator("#delivery")).to_contain_text("2 activities held in 2020-21.")
    # Every chart is drawn by vega-embed as an SVG.
    charts = page.locator("[data-chart]")
    assert charts.count() >= 6
    expect(page.locator("[data-chart] > svg")).to_have_count(charts.count(), timeout=15_000)
    visit.shot("reports-progress-2020-21")
    assert basics_problems(visit) == []

    with page.expect_download() as xlsx:
        page.get_by_role("link", name="XLSX").click()
    book = load_workbook(io.BytesIO(xlsx.value.path().read_bytes()))
    assert "Delivery" in book.sheetnames

    # The test server runs the job inside the request (CAPDEV_TASKS=immediate).
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Prepare PDF").click(timeout=60_000)
    expect(page.locator("h1")).to_contain_text("Preparing")
    link = page.get_by_role("link", name=re.compile("Download capdev-progress-report-2020-21"))
    expect(link).to_be_visible(timeout=30_000)
    visit.shot("reports-job-done")
    with page.expect_download() as prepared:
        link.click()
    assert prepared.value.path().read_bytes().startswith(b"%PDF-")

    visit.goto("/reports/")
    page.select_option("#country-select", "KEN")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the profile").click()
    expect(page.locator("h1")).to_have_text("Country profile: Kenya")
    expect(page.locator("#activities")).to_contain_text("4 activities in the country.")
    assert basics_problems(visit) == []
