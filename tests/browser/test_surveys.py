"""The demo constituent survey in a real browser: Figure 1 drawn, its base switched.

HQ staff open the demo survey's results: the Figure 1 chart is drawn as SVG with a group of
three bars (government, workers, employers) for each of §8's six approaches, its axis
saying "Share of all selections (%)". Switching the base redraws it with "Share of
respondents who chose it (%)". A screenshot of the figure goes to /tmp/figure1.png;
screenshots of failures to /tmp/capdev-shots/.
"""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from capdev.surveys import demo
from capdev.surveys.models import Question, Survey
from capdev.test import World

from .conftest import Visit, basics_problems

pytestmark = pytest.mark.browser
FIGURE = Path("/tmp/figure1.png")


@pytest.fixture(autouse=True)
def _shot_on_failure(request: pytest.FixtureRequest, visit: Visit) -> Iterator[None]:
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        name = re.sub(r"[^\w.-]+", "-", request.node.name)
        with contextlib.suppress(Exception):
            visit.shot(f"FAILED-{name}")


@pytest.fixture
def survey(world: World) -> Survey:
    demo.seed(
        rng=random.Random(0),
        organisations=list(world.organisations.values()),
        offices=list(world.offices.values()),
    )
    return Survey.objects.get()


def _axis_title(chart) -> str:
    return chart.locator("g.role-axis-title text").first.text_content() or ""


def test_figure_1_is_drawn_from_the_demo_survey_and_its_base_switches(
    visit: Visit, survey: Survey
) -> None:
    page = visit.page
    visit.log_in("hq")
    visit.goto(f"/surveys/{survey.pk}/")
    pick = survey.questions.get(kind=Question.Kind.PICK_K)
    chart = page.locator(f"[data-chart=question-{pick.pk}-chart] svg")
    expect(chart).to_be_visible()
    expect(page.locator("#results-scope")).to_contain_text(
        "Results over the 300 responses you can see"
    )
    # One group of three bars per approach: 6 approaches × 3 constituent groups.
    expect(chart.locator(".mark-rect path")).to_have_count(18)
    labels = chart.locator("g.role-axis-label").last.locator("text")  # the y axis: approaches
    expect(labels).to_have_count(6)
    assert "Ownership by the constituents" in (labels.first.text_content() or "")
    legend = chart.locator("g.role-legend-label text")
    expect(legend).to_have_text(["Government", "Workers", "Employers"])
    assert _axis_title(chart) == "Share of all selections (%)"
    figure = page.locator(f"figure:has([data-chart=question-{pick.pk}-chart])")
    expect(figure.locator("figcaption")).to_contain_text("Share of all selections (%)")
    figure.screenshot(path=FIGURE)

    with page.expect_navigation():
        page.get_by_role("link", name="Share of respondents who chose it (%)").click()
    chart = page.locator(f"[data-chart=question-{pick.pk}-chart] svg")
    expect(chart).to_be_visible()
    expect(chart.locator("g.role-axis-title text").first).to_have_text(
        "Share of respondents who chose it (%)"
    )
    expect(chart.locator(".mark-rect path")).to_have_count(18)
    caption = page.locator(f"section[data-question='{pick.pk}'] table caption")
    expect(caption).to_contain_text("Share of respondents who chose it (%)")
    visit.goto(f"/surveys/{survey.pk}/?base=respondents")  # without the #results fragment
    expect(chart).to_be_visible()
    visit.shot("surveys-results-respondents")
    assert basics_problems(visit) == []
    for path in (
        "/surveys/",
        "/surveys/new/",
        f"/surveys/{survey.pk}/respond/",
        f"/surveys/{survey.pk}/responses/",
        f"/surveys/{survey.pk}/edit/",
    ):
        visit.goto(path)
        assert basics_problems(visit) == [], path
        if path.endswith("/respond/"):
            visit.shot("surveys-respond")
