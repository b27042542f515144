"""The diagnose stage in a real browser: score an assessment, mark needs, see who sees them.

office_a (Country Office for Kenya and Uganda) runs a joint assessment of the Kenyan trade
union centre with a small published instrument for workers' organisations: two areas of
two items on a 1–4 scale, `lead_vision` (weight 2) and `sd_bargaining` required. Scores go
in item by item (HTMX), two items are marked as priority needs while scoring, a
participant is recorded, and the assessment is submitted and validated. A colleague of the
same office then finds both needs in the registry; an office whose countries do not hold
the organisation (France and Germany) finds nothing and cannot open them. Screenshots of
failures go to /tmp/capdev-shots/.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from playwright.sync_api import Locator, Page, Response, expect

from capdev.core.models import Grant, Organisation, Role
from capdev.diagnose import services
from capdev.diagnose.models import (
    AreaScore,
    Assessment,
    CellScore,
    InstrumentVersion,
    Item,
    ItemScore,
    Need,
    Participant,
)
from capdev.diagnose.tests.workbooks import published_version
from capdev.test import PASSWORD, World

from .conftest import Visit, basics_problems

pytestmark = pytest.mark.browser

DATE = datetime.date(2025, 3, 14)
INSTRUMENT_TITLE = "Workers' organisation rubric"


@pytest.fixture(autouse=True)
def _shot_on_failure(request: pytest.FixtureRequest, visit: Visit) -> Iterator[None]:
    """A full-page screenshot of the main tab when the test fails (before its context closes).

    The call's report is logged before fixtures tear down, so a failure has been counted.
    """
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        name = re.sub(r"[^\w.-]+", "-", request.node.name)
        with contextlib.suppress(Exception):  # a closed page must not hide the failure
            visit.shot(f"FAILED-{name}")


@pytest.fixture
def version(world: World) -> InstrumentVersion:
    return published_version(code="workers_rubric", title=INSTRUMENT_TITLE, groups="workers")


def _items(version: InstrumentVersion) -> dict[str, Item]:
    return {item.name: item for item in version.items.all()}


def _draft(world: World, version: InstrumentVersion, scores: dict[str, int]) -> Assessment:
    """office_a's joint assessment of the Kenyan union, with `scores` (item name → point)."""
    user: AbstractBaseUser = world.users["office_a"]
    assessment = services.assessment_create(
        user=user,
        data={
            "organisation": world.organisations["KE-wrk"],
            "version": version,
            "date": DATE,
            "mode": Assessment.Mode.JOINT,
            "office": world.offices["a"],
            "notes": "",
        },
    )
    items = _items(version)
    for name, score in scores.items():
        services.score_save(user=user, assessment=assessment, item=items[name], score=score)
    return assessment


def _item(page: Page, item: Item) -> Locator:
    return page.locator(f"fieldset#item-{item.pk}")


def _point(page: Page, item: Item, value: int) -> Locator:
    """The label of one point of an item's scale (clicking it picks the radio inside)."""
    return _item(page, item).locator("label.point", has=page.locator(f"input[value='{value}']"))


def _expect_progress(page: Page, done: int, required_note: str) -> None:
    progress = page.locator("#scoring-progress")
    expect(progress.locator("label")).to_have_text(f"{done} of 4 items scored")
    expect(progress.locator("progress")).to_have_attribute("value", str(done))
    expect(progress.locator("progress")).to_have_attribute("max", "4")
    expect(progress.locator(".warning, .ok")).to_have_text(required_note)


def _mark_need(page: Page, item: Item) -> None:
    """Mark an item as a priority need from the scoring page (HTMX swaps the form out)."""
    _item(page, item).get_by_role("button", name="Mark as a priority need").click()
    marked = page.locator(f"#mark-item-{item.pk}")
    expect(marked).to_have_text(f"✓ Marked as a priority need — Item {item.name}")
    expect(marked).to_have_attribute("role", "status")
    expect(_item(page, item).locator("form.mark-need")).to_have_count(0)


def _registry_rows(page: Page) -> Locator:
    return page.locator("#results tbody tr")


def _registry_titles(page: Page) -> list[str]:
    return sorted(page.locator("#results tbody tr td:first-child a").all_inner_texts())


def _registry_request(**params: str) -> Callable[[Response], bool]:
    """Matches the registry's HTMX request carrying exactly these values (others ignored)."""

    def matches(response: Response) -> bool:
        parts = urlsplit(response.url)
        query = parse_qs(parts.query, keep_blank_values=True)
        return (
            parts.path == "/diagnose/needs/"
            and response.request.headers.get("hx-request") == "true"
            and all(query.get(name) == [value] for name, value in params.items())
        )

    return matches


def _live_search(page: Page, text: str) -> None:
    """Type into the registry's search box and wait for the answer to the live search."""
    with page.expect_response(_registry_request(q=text)):
        page.fill("#id_q", text)


# --- 1. the acceptance flow: assess, mark needs, validate; who finds the needs -------------


def test_joint_assessment_needs_reach_another_office_user_only_in_scope(
    visit: Visit,
    another_visit: Callable[[], Visit],
    world: World,
    version: InstrumentVersion,
) -> None:
    page = visit.page
    union = world.organisations["KE-wrk"]
    items = _items(version)
    vision_item, bargaining_item = items["lead_vision"], items["sd_bargaining"]
    orgs: dict[str, Organisation] = world.organisations
    # Needs already recorded elsewhere, so that scopes, search and filters have something
    # to leave out: in scope but in Uganda; in scope, in Kenya but planned; out of scope.
    for org, title, status in [
        ("UG-wrk", "Youth organising strategy", Need.Status.OPEN),
        ("KE-emp", "Employers' policy unit", Need.Status.PLANNED),
        ("FR-wrk", "Platform workers outreach", Need.Status.OPEN),
    ]:
        Need.objects.create(
            organisation=orgs[org],
            title=title,
            level="organisational",
            type="technical",
            theme="social_dialogue",
            status=status,
        )
    colleague_user = get_user_model().objects.create_user(
        username="office_a_colleague", password=PASSWORD
    )
    Grant.objects.create(user=colleague_user, role=Role.OFFICE, office=world.offices["a"])

    # 1a. office_a starts the assessment from the form.
    visit.log_in("office_a")
    visit.goto("/diagnose/")
    page.locator("main a.button", has_text="Start an assessment").click()
    expect(page).to_have_url(visit.base_url + "/diagnose/assessments/new/")
    page.select_option("#id_organisation", label="Trade Union Centre KE")
    page.select_option("#id_version", label=f"{INSTRUMENT_TITLE} v1")
    page.fill("#id_date", DATE.isoformat())
    page.select_option("#id_mode", label="Joint assessment")
    page.select_option("#id_office", label="Country Office for Kenya and Uganda")
    with page.expect_navigation():
        page.locator("main form.stacked button[type=submit]").click()

    assessment = Assessment.objects.get()
    assert (assessment.organisation, assessment.version, assessment.date) == (
        union,
        version,
        DATE,
    )
    assert assessment.mode == Assessment.Mode.JOINT
    assert assessment.office == world.offices["a"]
    assert assessment.status == Assessment.Status.DRAFT
    expect(page).to_have_url(f"{visit.base_url}/diagnose/assessments/{assessment.pk}/score/")
    expect(page.locator(".messages")).to_have_text("Assessment saved.")
    expect(page.locator("h1")).to_have_text("Scoring: Trade Union Centre KE")
    page.wait_for_load_state("load")  # htmx (deferred) must be listening
    _expect_progress(page, 0, "2 required items still need a score")
    expect(page.locator("#area-nav a[aria-current=page]")).to_have_text("Area leadership")
    expect(page.locator("#area-heading")).to_have_text("Area leadership")

    # 1b. Area 1: each save swaps the item and, out of band, the progress: no page load.
    page.evaluate("window.__sameScoringPage = true")
    _point(page, vision_item, 3).click()
    _expect_progress(page, 1, "1 required item still needs a score")
    expect(_item(page, vision_item).locator("input[value='3']")).to_be_checked()
    expect(_item(page, vision_item).locator(".save-state")).to_have_text("Saved.")
    expect(page.locator("#area-nav li").first.locator("small")).to_have_text("1/2")

    evidence = _item(page, vision_item).locator("textarea[name=evidence]")
    with page.expect_response(lambda r: r.url.endswith(f"/score/{vision_item.pk}/")):
        evidence.fill("Strategic plan 2024-2028, adopted by congress")
        evidence.press("Tab")  # a textarea reports its change when it loses focus
    expect(_item(page, vision_item).locator("textarea[name=evidence]")).to_have_value(
        "Strategic plan 2024-2028, adopted by congress"
    )
    _expect_progress(page, 1, "1 required item still needs a score")

    _point(page, items["lead_skills"], 4).click()
    _expect_progress(page, 2, "1 required item still needs a score")
    expect(page.locator("#area-nav li").first.locator("small")).to_have_text("2/2")
    _mark_need(page, vision_item)  # the first priority need, in area 1
    assert page.evaluate("window.__sameScoringPage") is True, "the page was reloaded"

    # 1c. Area 2, through the area list.
    with page.expect_navigation():
        page.locator("#area-nav a", has_text="Area dialogue").click()
    expect(page).to_have_url(re.compile(r"/score/\?area=dialogue$"))
    expect(page.locator("#area-nav a[aria-current=page]")).to_have_text("Area dialogue")
    expect(page.locator("#area-heading")).to_have_text("Area dialogue")
    page.wait_for_load_state("load")
    page.evaluate("window.__sameScoringPage = true")
    _point(page, bargaining_item, 2).click()
    _expect_progress(page, 3, "All required items are scored.")
    _point(page, items["sd_osh"], 1).click()
    _expect_progress(page, 4, "All required items are scored.")
    expect(page.locator("#area-nav small")).to_have_text(["2/2", "2/2"])
    _mark_need(page, bargaining_item)  # the second, in area 2
    assert page.evaluate("window.__sameScoringPage") is True, "the page was reloaded"
    visit.shot("diagnose-01-scored-and-marked")

    scores = {s.item.name: (s.score, s.evidence) for s in assessment.scores.all()}
    assert scores == {
        "lead_vision": (3, "Strategic plan 2024-2028, adopted by congress"),
        "lead_skills": (4, ""),
        "sd_bargaining": (2, ""),
        "sd_osh": (1, ""),
    }
    needs = {n.item.name: n for n in Need.objects.filter(assessment=assessment)}
    assert sorted(needs) == ["lead_vision", "sd_bargaining"]
    vision, bargaining = needs["lead_vision"], needs["sd_bargaining"]
    expect(page.locator(f"#mark-item-{bargaining_item.pk} a")).to_have_attribute(
        "href", f"/diagnose/needs/{bargaining.pk}/"
    )

    # 1d. The results page lists the needs; a participant is added (HTMX), then the
    # assessment is submitted and validated (the Office validates).
    page.locator("a.button", has_text="Finish: see the results").click()
    expect(page).to_have_url(f"{visit.base_url}/diagnose/assessments/{assessment.pk}/")
    expect(page.locator("h1")).to_have_text("Assessment of Trade Union Centre KE")
    expect(page.locator("dl.facts .status")).to_have_text("Draft")
    needs_section = page.locator("section", has=page.locator("#needs-heading"))
    expect(needs_section.locator("li")).to_have_text(  # the latest first
        ["Item sd_bargaining — High, Open", "Item lead_vision — High, Open"]
    )
    page.wait_for_load_state("load")

    participants = page.locator("#participants")
    expect(participants.locator(".empty")).to_have_text("No participants recorded yet.")
    participants.locator("#id_name").fill("Grace Wanjiru")
    participants.locator("#id_role").fill("General secretary")
    participants.locator("#id_sex").select_option(label="Female")
    participants.locator("#id_organisation").select_option(label="Trade Union Centre KE")
    page.evaluate("window.__sameDetailPage = true")
    participants.get_by_role("button", name="Add").click()
    row = page.locator("#participants tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("Grace Wanjiru")
    expect(row.locator("td").nth(1)).to_have_text("General secretary")
    expect(row.locator("td").nth(2)).to_have_text("Female")
    expect(row.locator("td").nth(3)).to_have_text("Trade Union Centre KE")
    expect(page.locator("#participants #id_name")).to_have_value("")
    assert page.evaluate("window.__sameDetailPage") is True, "the page was reloaded"

    with page.expect_navigation():
        page.get_by_role("button", name="Submit for validation").click()
    expect(page.locator(".messages")).to_have_text("Assessment submitted for validation.")
    expect(page.locator("dl.facts .status")).to_have_text("Submitted")
    with page.expect_navigation():
        page.get_by_role("button", name="Validate").click()
    expect(page.locator(".messages")).to_have_text("Assessment validated.")
    expect(page.locator("dl.facts .status")).to_have_text("Validated")
    today = datetime.date.today().isoformat()
    expect(page.locator("dl.facts")).to_contain_text(f"validated by office_a on {today}")
    expect(page.get_by_role("button", name="Submit for validation")).to_have_count(0)
    expect(needs_section.locator("li")).to_have_count(2)
    expect(page.locator("#participants tbody tr")).to_have_count(1)

    per_area = page.locator("table", has=page.locator("caption", has_text="Score per area"))
    rows = per_area.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("Area leadership")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("77.78")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("2/2")
    expect(rows.nth(1).locator("th")).to_have_text("Area dialogue")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("16.67")
    chart = page.locator("[data-chart=area-profile] svg")
    expect(chart).to_be_visible()
    expect(chart.locator(".mark-rect path")).to_have_count(2)  # one bar per area
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200, f"chart squeezed: {box}"
    visit.shot("diagnose-02-assessment-validated")
    assert visit.console_errors == []

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.VALIDATED
    assert assessment.validated_by == world.users["office_a"]
    assert (assessment.answered, assessment.required_missing) == (4, 0)
    assert ItemScore.objects.filter(assessment=assessment).count() == 4
    areas = {a.area.name: (a.answered, a.total, str(a.percent)) for a in AreaScore.objects.all()}
    # leadership: (2 × 2/3 + 1 × 3/3) / 3 of the scale; dialogue: (1/3 + 0) / 2.
    assert areas == {"leadership": (2, 2, "77.78"), "dialogue": (2, 2, "16.67")}
    cells = {(c.level, c.type): str(c.percent) for c in CellScore.objects.filter(answered__gt=0)}
    assert cells == {
        ("organisational", "functional"): "66.67",
        ("individual", "functional"): "100.00",
        ("enabling_environment", "technical"): "33.33",
        ("organisational", "technical"): "0.00",
    }
    participant = Participant.objects.get()
    assert (participant.assessment, participant.name, participant.role) == (
        assessment,
        "Grace Wanjiru",
        "General secretary",
    )
    assert (participant.sex, participant.organisation) == ("female", union)

    # The two needs: of the union, from the assessment just validated, each at its item's
    # place in the grid; the only needs from any assessment.
    assert set(Need.objects.exclude(assessment=None)) == {vision, bargaining}
    for need in (vision, bargaining):
        need.refresh_from_db()
        assert need.organisation == union
        assert need.assessment == assessment
        assert (need.source, need.status, need.priority) == (
            Need.Source.ASSESSMENT,
            Need.Status.OPEN,
            Need.Priority.HIGH,
        )
        assert (need.level, need.type, need.theme) == (
            need.item.level,
            need.item.type,
            need.item.theme,
        )
        assert need.area == need.item.area
    assert (vision.title, vision.item, vision.area.name) == (
        "Item lead_vision",
        vision_item,
        "leadership",
    )
    assert (vision.level, vision.type, vision.theme) == (
        "organisational",
        "functional",
        "leadership",
    )
    assert vision.description == "Scored 3 of 4: lead_vision level 3"
    assert (bargaining.title, bargaining.item, bargaining.area.name) == (
        "Item sd_bargaining",
        bargaining_item,
        "dialogue",
    )
    assert (bargaining.level, bargaining.type, bargaining.theme) == (
        "enabling_environment",
        "technical",
        "social_dialogue",
    )
    assert bargaining.description == "Scored 2 of 4: sd_bargaining level 2"

    # 2. A colleague of the same office, in a browser of their own, finds both needs by a
    # live search and by the filters, and opens one.
    colleague = another_visit()
    colleague.log_in("office_a_colleague")
    cpage = colleague.page
    colleague.goto("/diagnose/needs/")
    expect(cpage.locator("h1")).to_have_text("Needs registry")
    cpage.wait_for_load_state("load")
    assert _registry_titles(cpage) == [
        "Employers' policy unit",
        "Item lead_vision",
        "Item sd_bargaining",
        "Youth organising strategy",
    ]
    _live_search(cpage, "Item")
    expect(_registry_rows(cpage)).to_have_count(2)
    assert _registry_titles(cpage) == ["Item lead_vision", "Item sd_bargaining"]
    expect(cpage.locator("#results .count")).to_have_text("2 needs")
    expect(cpage).to_have_url(re.compile(r"/diagnose/needs/\?.*q=Item"))
    assert cpage.locator("[id=results]").count() == 1, "nested #results after a live search"

    _live_search(cpage, "")
    expect(_registry_rows(cpage)).to_have_count(4)
    with cpage.expect_response(_registry_request(q="", country="KE")):
        cpage.fill("#id_country", "KE")
        cpage.press("#id_country", "Tab")  # a text field reports its change on leaving it
    expect(_registry_rows(cpage)).to_have_count(3)  # Uganda's need is left out
    with cpage.expect_response(_registry_request(q="", country="KE", status="open")):
        cpage.select_option("#id_status", "open")
    expect(_registry_rows(cpage)).to_have_count(2)  # and the planned one
    assert _registry_titles(cpage) == ["Item lead_vision", "Item sd_bargaining"]
    expect(cpage.locator("#results .count")).to_have_text("2 needs")
    vision_row = _registry_rows(cpage).filter(has_text="Item lead_vision")
    expect(vision_row.locator("td")).to_have_text(
        [
            "Item lead_vision",
            "Trade Union Centre KE (Kenya)",
            "Organisational · Functional",
            "Leadership",
            "High",
            "Assessment",
            "Open",
        ]
    )
    colleague.shot("diagnose-03-registry-colleague")

    with cpage.expect_navigation():
        vision_row.get_by_role("link", name="Item lead_vision").click()
    expect(cpage).to_have_url(f"{colleague.base_url}/diagnose/needs/{vision.pk}/")
    expect(cpage.locator("h1")).to_have_text("Item lead_vision")
    facts = cpage.locator("dl.facts dd")
    expect(facts).to_have_text(
        [
            "Trade Union Centre KE (Kenya)",
            "Organisational · Functional",
            "Leadership",
            "High",
            f"Assessment — {assessment}",
            "Open",
            "Scored 3 of 4: lead_vision level 3",
        ]
    )
    expect(facts.nth(4).locator("a")).to_have_attribute(
        "href", f"/diagnose/assessments/{assessment.pk}/"
    )
    assert colleague.console_errors == []

    # 3. office_b (France and Germany), in a browser of their own, finds neither need, by
    # their titles or otherwise, and cannot open them.
    other = another_visit()
    other.log_in("office_b")
    opage = other.page
    other.goto("/diagnose/needs/")
    opage.wait_for_load_state("load")
    assert _registry_titles(opage) == ["Platform workers outreach"]  # the registry works
    for need in (vision, bargaining):
        _live_search(opage, need.title)
        expect(_registry_rows(opage)).to_have_count(0)
        expect(opage.locator("#results .count")).to_have_text("0 needs")
        expect(opage.locator("#results .empty")).to_be_visible()
        _live_search(opage, "")
        expect(_registry_rows(opage)).to_have_count(1)
    for need in (vision, bargaining):
        response = opage.goto(f"{other.base_url}/diagnose/needs/{need.pk}/")
        assert response is not None and response.status == 404, need.title
        expect(opage.locator("body")).not_to_contain_text(need.title)
    assert other.console_errors == []


# --- 2. refusal: a required item without a score --------------------------------------------


def test_submitting_with_a_required_item_unscored_is_refused(
    visit: Visit, world: World, version: InstrumentVersion
) -> None:
    page = visit.page
    # lead_vision is required and has no score.
    assessment = _draft(world, version, {"lead_skills": 2, "sd_bargaining": 3, "sd_osh": 4})
    visit.log_in("office_a")
    visit.goto(f"/diagnose/assessments/{assessment.pk}/")
    expect(page.locator("dl.facts")).to_contain_text("1 required item still needs a score")

    with page.expect_navigation():
        page.get_by_role("button", name="Submit for validation").click()
    expect(page).to_have_url(f"{visit.base_url}/diagnose/assessments/{assessment.pk}/")
    error = page.locator(".messages li.error")
    expect(error).to_have_count(1)
    expect(error).to_have_text("1 required item has no score yet.")  # in the singular
    expect(page.locator(".messages li.success")).to_have_count(0)
    expect(page.locator("dl.facts .status")).to_have_text("Draft")
    expect(page.get_by_role("button", name="Submit for validation")).to_be_visible()
    visit.shot("diagnose-04-submit-refused")

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.submitted_at is None
    assert visit.console_errors == []


# --- 3. scoring by keyboard -----------------------------------------------------------------


def test_a_keyboard_user_reaches_the_scale_scores_and_keeps_the_focus(
    visit: Visit, world: World, version: InstrumentVersion
) -> None:
    """The save swaps the whole item (outerHTML); the focus must come back to the radio
    picked, so that the arrow keys can adjust the score again and Tab goes on to the
    evidence, instead of falling to <body>."""
    page = visit.page
    items = _items(version)
    skills = items["lead_skills"]
    assessment = _draft(world, version, {})
    visit.log_in("office_a")
    visit.goto(f"/diagnose/assessments/{assessment.pk}/score/")
    page.wait_for_load_state("load")

    # From the previous item's last control, Tab reaches the scale on its checked point
    # ("Not scored", the last), and an arrow key picks the point before it.
    _item(page, items["lead_vision"]).locator("form.mark-need button").focus()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("id", f"score-{skills.pk}-none")
    for key, point in [("ArrowUp", 4), ("ArrowUp", 3)]:
        _item(page, skills).evaluate("node => { node.dataset.before = 'save' }")
        with page.expect_response(lambda r: r.url.endswith(f"/score/{skills.pk}/")):
            page.keyboard.press(key)
        expect(_item(page, skills)).not_to_have_attribute("data-before", "save")  # swapped
        expect(_item(page, skills).locator(".save-state")).to_have_text("Saved.")
        expect(_item(page, skills).locator(f"input[value='{point}']")).to_be_checked()
        expect(page.locator(":focus")).to_have_attribute("id", f"score-{skills.pk}-{point}")
    _expect_progress(page, 1, "2 required items still need a score")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("id", f"evidence-{skills.pk}")
    assert ItemScore.objects.get(assessment=assessment, item=skills).score == 3
    assert visit.console_errors == []


# --- 4. keyboard and screen-reader basics on the diagnose pages ----------------------------

BASICS_PATHS = [
    "/diagnose/",
    "/diagnose/assessments/",
    "/diagnose/needs/",
    "/diagnose/instruments/",
    "/diagnose/instruments/{instrument}/",
    "/diagnose/assessments/{assessment}/score/",
    "/diagnose/assessments/{assessment}/",
]


def test_keyboard_and_screen_reader_basics(
    visit: Visit, world: World, version: InstrumentVersion
) -> None:
    """One test over the pages (one login, one world): every page's problems in one report."""
    page = visit.page
    assessment = _draft(world, version, {"lead_vision": 3, "lead_skills": 2})
    Need.objects.create(
        organisation=world.organisations["KE-wrk"],
        title="Collective bargaining training",
        level="organisational",
        type="technical",
        theme="social_dialogue",
    )
    visit.log_in("office_a")
    problems: dict[str, list[str]] = {}
    for path in BASICS_PATHS:
        url = path.format(instrument=version.instrument_id, assessment=assessment.pk)
        visit.console_errors.clear()
        response = page.goto(visit.base_url + url)
        assert response is not None and response.status == 200, f"{url}: {response}"
        page.wait_for_load_state("load")
        if page.locator("[data-chart]").count():  # drawn before the console is judged
            expect(page.locator("[data-chart] svg")).to_be_visible()
        if found := basics_problems(visit):
            problems[url] = found
    assert problems == {}
