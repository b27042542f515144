"""Gender parity in a real browser: a Conference delegation list imported through the page,
then the overview's charts drawn with the threshold, and the groups that need help."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capdev.parity.models import DelegationMember
from capdev.parity.tests.fixtures import FILE, conference
from tests.browser.conftest import basics_problems

pytestmark = pytest.mark.browser


def _charts(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(d => d.querySelector('svg'))"
    )
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-chart]')]
              .map(d => [d.dataset.chart, d.querySelector('svg').outerHTML]))"""
    )


def test_import_a_delegation_list_then_read_the_parity_overview(visit, world):
    meeting = conference()
    visit.log_in("hq")
    page = visit.page

    visit.goto(f"/parity/meetings/{meeting.pk}/")
    assert basics_problems(visit) == []
    page.get_by_role("link", name="Import the delegation list").click()
    assert basics_problems(visit) == []
    page.set_input_files("input[name=file]", str(FILE))
    with page.expect_navigation():
        page.get_by_role("button", name="Import and replace the delegation").click()
    expect(page.locator(".messages, [role=status], main").first).to_contain_text(
        "19 people added, 0 removed, 0 unchanged."
    )
    assert DelegationMember.objects.filter(meeting=meeting).count() == 19
    expect(page.locator("tbody tr", has_text="Uganda")).to_contain_text("below 30%")
    expect(page.locator("tbody tr", has_text="Kenya")).to_contain_text("parity")
    visit.shot("parity-meeting")

    visit.goto("/parity/")
    charts = _charts(page)
    assert {"chart-groups", "chart-regions", "chart-sessions", "chart-trend"} <= set(charts)
    assert all("Minimum 30%" in svg for svg in charts.values())
    assert basics_problems(visit) == []
    visit.shot("parity-overview")

    page.select_option("select[name=region]", "AFRICA")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    narrowed = _charts(page)
    assert narrowed["chart-groups"] != charts["chart-groups"]
    assert "Europe" not in narrowed["chart-regions"]

    visit.goto("/parity/help/")
    expect(page.locator("table").first).to_contain_text("Uganda")
    assert basics_problems(visit) == []
    visit.goto("/parity/target/")
    assert basics_problems(visit) == []
    visit.goto("/parity/meetings/")
    assert basics_problems(visit) == []
