"""The learn stage in a real browser: HQ records an evaluation with its PDF report, a
recommendation and the management response; an evaluator writes a lesson from it, which HQ
publishes; the lesson is found by a word that only the PDF holds and by a filter; and
planning with a similar organisation offers it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from capdev.learn.models import Evaluation, Lesson, ManagementResponse, Recommendation
from tests.browser.conftest import basics_problems

pytestmark = pytest.mark.browser

WORD_ONLY_IN_THE_PDF = "Mwangaza"
LESSON_TITLE = "Shop stewards trained as safety representatives keep the training alive"


def _report(tmp_path: Path) -> Path:
    path = tmp_path / "final-report.pdf"
    HTML(
        string=(
            "<h1>Final evaluation report (synthetic)</h1>"
            f"<p>The {WORD_ONLY_IN_THE_PDF} circles of shop stewards met every month.</p>"
        )
    ).write_pdf(path)
    return path


def test_an_evaluation_becomes_a_lesson_found_by_search_and_offered_when_planning(
    visit, another_visit, world, tmp_path
):
    page = visit.page
    visit.log_in("hq")

    # 1. The evaluation, its report, a recommendation and the management response.
    visit.goto("/learn/evaluations/new/")
    page.fill("input[name=title]", "Final evaluation of the OSH project for unions (demo)")
    page.select_option("select[name=kind]", "project")
    page.fill("input[name=evaluator]", "Independent evaluator (synthetic)")
    page.fill("input[name=start]", "2024-03-01")
    page.select_option("select[name=organisations]", label=str(world.organisations["KE-wrk"]))
    page.select_option("select[name=rating_effectiveness]", "5")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    evaluation = Evaluation.objects.get(title__startswith="Final evaluation of the OSH")
    assert list(evaluation.countries.values_list("iso_alpha2", flat=True)) == ["KE"]
    assert basics_problems(visit) == []

    visit.goto(f"/learn/evaluations/{evaluation.pk}/documents/new/")
    page.fill("input[name=title]", "Final report")
    page.set_input_files("input[name=file]", str(_report(tmp_path)))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert WORD_ONLY_IN_THE_PDF in evaluation.documents.get().text

    visit.goto(f"/learn/evaluations/{evaluation.pk}/recommendations/new/")
    page.fill("textarea[name=text]", "Train shop stewards as safety representatives (demo).")
    page.select_option("select[name=addressed_to]", label=str(world.offices["actrav"]))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    recommendation = Recommendation.objects.get(evaluation=evaluation)
    visit.goto(f"/learn/recommendations/{recommendation.pk}/response/")
    page.select_option("select[name=decision]", "accepted")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert ManagementResponse.objects.get(recommendation=recommendation).decision == "accepted"

    # 2. An evaluator writes the lesson; HQ, a second person, publishes it.
    evaluator = another_visit()
    evaluator.log_in("evaluator")
    evaluator.goto("/learn/lessons/new/")
    form = evaluator.page
    form.select_option("select[name=kind]", "good_practice")
    form.fill("input[name=title]", LESSON_TITLE)
    form.fill("textarea[name=context]", "A national trade-union centre (synthetic demo).")
    form.fill("textarea[name=what_worked]", "Monthly circles of trained shop stewards.")
    form.check("input[name=themes][value=osh]")
    form.check("input[name=groups][value=workers]")
    form.select_option("select[name=countries]", label="Kenya")
    form.select_option("select[name=evaluation]", str(evaluation.pk))
    with form.expect_navigation():
        form.locator("main form button[type=submit]").click()
    lesson = Lesson.objects.get(title=LESSON_TITLE)
    with form.expect_navigation():
        form.get_by_role("button", name="Send for review").click()
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.IN_REVIEW

    visit.goto(f"/learn/lessons/{lesson.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.PUBLISHED

    # 3. Found by a word only the PDF holds, and by a filter.
    visit.goto("/learn/search/")
    page.fill("input[name=q]", WORD_ONLY_IN_THE_PDF)
    page.keyboard.press("Enter")
    results = page.locator("#results")
    expect(results).to_contain_text("Final evaluation of the OSH project for unions")
    expect(results.locator("mark").first).to_have_text(WORD_ONLY_IN_THE_PDF)

    visit.goto("/learn/search/?q=shop+stewards&theme=osh&kind=good_practice")
    expect(page.locator("#results")).to_contain_text(LESSON_TITLE)
    visit.goto("/learn/search/?q=shop+stewards&theme=social_protection")
    expect(page.locator("#results")).not_to_contain_text(LESSON_TITLE)

    # 4. Planning with a similar organisation (Uganda's trade-union centre) offers it.
    visit.goto(f"/plan/new/?organisation={world.organisations['UG-wrk'].pk}")
    offered = page.locator(".loop-learned")
    expect(offered).to_contain_text(LESSON_TITLE)
    expect(offered).to_contain_text("same group")
    visit.shot("learn-lesson-offered-when-planning")
    assert visit.console_errors == []
    assert evaluator.console_errors == []
