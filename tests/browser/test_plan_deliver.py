"""Plan and deliver in a real browser, from an organisation's open needs to its participants.

office_a (Country Office for Kenya and Uganda) opens the Kenyan ministry of labour, plans
from its two open needs, builds a theory of change over the three levels (an outcome and an
output at each, every output chained to an outcome, an indicator) and one action serving
both needs, and signs for the Office; the ministry's focal point signs for the constituents,
and the plan is agreed. The office then organises a course delivering the action, imports a
list of 500 participants (CSV) and watches the import finish; the plan page shows the action
delivered and the needs addressed, with the participants counted by sex.
Screenshots of failures go to /tmp/capdev-shots/.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from capdev.core.models import Organisation, OrganisationKind
from capdev.deliver import services as deliver
from capdev.deliver.models import Activity, Participation, Person
from capdev.diagnose import services as diagnose
from capdev.diagnose.models import Need
from capdev.plan import services as plans
from capdev.plan.models import Plan, Result
from capdev.test import World

from .conftest import Visit, basics_problems

pytestmark = pytest.mark.browser

NEEDS = ("Labour inspectors trained in risk-based inspection", "A case-management system")
LEVELS = ("individual", "organisational", "enabling_environment")


@pytest.fixture(autouse=True)
def _shot_on_failure(request: pytest.FixtureRequest, visit: Visit) -> Iterator[None]:
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        name = re.sub(r"[^\w.-]+", "-", request.node.name)
        with contextlib.suppress(Exception):
            visit.shot(f"FAILED-{name}")


@pytest.fixture
def needs(world: World) -> list[Need]:
    return [
        diagnose.need_create(
            user=None,
            data={
                "organisation": world.organisations["KE-gov"],
                "title": title,
                "level": level,
                "type": "technical",
                "theme": "labour_law",
            },
        )
        for title, level in zip(NEEDS, ("individual", "organisational"), strict=True)
    ]


def _participants_csv(directory: Path, rows: int) -> Path:
    """A list as a training centre would send it: its own column names, some e-mails."""
    path = directory / "participants.csv"
    sexes = ("F", "M", "F", "M", "F")
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["Full name", "Sex", "Organisation", "Job title", "Email", "Attendance"])
        for n in range(rows):
            writer.writerow(
                [
                    f"Synthetic Participant {n:03d}",
                    sexes[n % 5],
                    "Ministry of Labour KE",
                    "Labour inspector",
                    f"p{n}@example.org" if n % 3 else "",
                    100 if n % 10 else 50,
                ]
            )
    return path


def test_from_open_needs_to_a_delivered_plan_with_500_participants(
    visit: Visit, another_visit, world: World, needs: list[Need], tmp_path: Path
) -> None:
    page = visit.page
    visit.log_in("office_a")

    # From the ministry's page to a plan built from its open needs.
    ministry = world.organisations["KE-gov"]
    visit.goto(f"/organisations/{ministry.pk}/")
    page.get_by_role("link", name="Plan from its open needs").click()
    for title in NEEDS:  # the feedback loop shows them, and they are preselected
        expect(page.locator("main")).to_contain_text(title)
    page.fill("#id_title", "Ministry of labour capacity plan 2026–27")
    page.fill("#id_start", "2026-01-01")
    page.fill("#id_end", "2027-12-31")
    page.select_option("#id_office", label="Country Office for Kenya and Uganda")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    plan = Plan.objects.get()
    assert set(plan.needs.all()) == set(needs)

    # A theory of change over the three levels.
    def add_result(level: str, kind: str, statement: str, contributes_to: str = "") -> None:
        page.select_option("#id_level", value=level)
        page.select_option("#id_kind", value=kind)
        page.fill("#id_statement", statement)
        if contributes_to:
            page.select_option("#id_contributes_to", label=contributes_to)
        with page.expect_navigation():
            page.get_by_role("group", name="Add a result").get_by_role("button").click()

    for level in LEVELS:
        add_result(level, "outcome", f"Outcome at the {level} level")
    for level in LEVELS:
        add_result(level, "output", f"Output at the {level} level", f"Outcome at the {level} level")
    assert plan.results.count() == 6
    assert all(r.contributes_to.count() == 1 for r in plan.results.filter(kind="output"))
    expect(page.locator("[data-chart=theory-of-change] svg").first).to_be_visible()

    page.select_option("#id_result", label="Output at the individual level")
    page.fill("#id_name", "Inspectors trained")
    page.fill("#id_unit", "people")
    page.fill("#id_baseline", "0")
    page.fill("#id_target", "400")
    with page.expect_navigation():
        page.get_by_role("group", name="Add an indicator").get_by_role("button").click()
    individual_output = plan.results.get(kind=Result.Kind.OUTPUT, level="individual")
    assert individual_output.indicators.get().target == 400

    actions = page.get_by_role("group", name="Add an action")
    actions.locator("#id_title").fill("Risk-based inspection course")
    page.select_option("#id_responsible_office", label="Country Office for Kenya and Uganda")
    page.select_option("#id_needs", label=list(NEEDS))
    page.select_option("#id_results", label="Output at the individual level")
    page.fill("#id_budget", "25000")
    page.fill("#id_currency", "USD")
    with page.expect_navigation():
        actions.get_by_role("button").click()
    action = plan.actions.get()
    assert set(action.needs.all()) == set(needs)

    # Both sign-offs: the Office here, the ministry's focal point in their own browser.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign for the Office").click()
    focal = another_visit()
    focal.log_in("focal")
    focal.goto(f"/plan/{plan.pk}/")
    with focal.page.expect_navigation():
        focal.page.get_by_role("button", name="Sign for the constituents").click()
    expect(focal.page.locator("main")).to_contain_text("Agreed")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    assert {n.status for n in Need.objects.all()} == {Need.Status.PLANNED}

    # An activity delivering the action.
    visit.goto("/deliver/activities/new/")
    page.fill("#id_title", "Risk-based inspection course, Nairobi")
    page.select_option("#id_kind", value="course")
    page.fill("#id_start", "2026-03-02")
    page.fill("#id_end", "2026-03-06")
    page.fill("#id_place", "Nairobi")
    page.select_option("#id_countries", label="Kenya")
    page.select_option("#id_office", label="Country Office for Kenya and Uganda")
    page.select_option("#id_beneficiaries", label="Ministry of Labour KE")
    page.select_option("#id_actions", index=0)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    activity = Activity.objects.get()
    assert list(activity.actions.all()) == [action]

    # The participant list: upload, map the columns, watch it import.
    page.get_by_role("link", name=re.compile("Import participants")).click()
    page.set_input_files("input[type=file]", str(_participants_csv(tmp_path, 500)))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("Full name")  # the mapping step
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("500", timeout=30_000)
    assert Participation.objects.filter(activity=activity).count() == 500
    assert Person.objects.count() == 500

    # Back on the plan: the action delivered, the needs addressed, the people counted by sex.
    visit.goto(f"/plan/{plan.pk}/")
    main = page.locator("main")
    expect(main.locator("progress").first).to_have_attribute("value", re.compile(r"^(1|100)"))
    expect(main).to_contain_text("Addressed")
    expect(main).to_contain_text("300")  # women: rows 0, 2, 4 of every five
    expect(main).to_contain_text("200")
    assert {n.status for n in Need.objects.all()} == {Need.Status.ADDRESSED}
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_IMPLEMENTATION
    assert visit.console_errors == [] and focal.console_errors == []


BASICS_PATHS = [
    "/plan/new/?organisation={ministry}",
    "/plan/{plan}/",
    "/plan/strategy/",
    "/plan/strategy/meetings/",
    "/plan/strategy/meetings/new/",
    "/deliver/",
    "/deliver/activities/new/",
    "/deliver/activities/{activity}/",
    "/deliver/activities/{activity}/edit/",
    "/deliver/activities/{activity}/import/",
    "/deliver/partners/",
    "/deliver/partners/{partner}/",
    "/deliver/funding/",
    "/deliver/staff/",
]


def test_keyboard_and_screen_reader_basics_on_plan_and_deliver_pages(
    visit: Visit, world: World, needs: list[Need]
) -> None:
    """Skip link, labels, unique ids, one h1 and a quiet console on every page of the two
    stages, for the Office (which sees every form); one report for all pages."""
    ministry = world.organisations["KE-gov"]
    plan = plans.plan_create(
        user=None,
        data={
            "title": "Ministry plan",
            "country": world.countries["KE"],
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "organisations": [ministry],
            "needs": needs,
        },
    )
    outcome = plans.result_add(
        user=None, plan=plan, data={"level": "individual", "kind": "outcome", "statement": "O"}
    )
    plans.result_add(
        user=None,
        plan=plan,
        data={
            "level": "individual",
            "kind": "output",
            "statement": "P",
            "contributes_to": [outcome],
        },
    )
    institute = Organisation.objects.create(
        name="Labour Administration Institute KE",
        country=world.countries["KE"],
        group="other",
        kind=OrganisationKind.TRAINING_INSTITUTION,
    )
    activity = deliver.activity_create(
        user=None,
        data={
            "title": "Inspection course",
            "kind": "course",
            "start": datetime.date(2026, 3, 2),
            "end": datetime.date(2026, 3, 6),
            "place": "Nairobi",
            "office": world.offices["a"],
            "provider": institute,
            "countries": [world.countries["KE"]],
            "beneficiaries": [ministry],
        },
    )
    page = visit.page
    visit.log_in("hq")
    problems: dict[str, list[str]] = {}
    for path in BASICS_PATHS:
        url = path.format(
            ministry=ministry.pk, plan=plan.pk, activity=activity.pk, partner=institute.pk
        )
        visit.console_errors.clear()
        response = page.goto(visit.base_url + url)
        assert response is not None and response.status == 200, f"{url}: {response}"
        page.wait_for_load_state("networkidle")  # HTMX partials (delivery, past activities)
        if page.locator("[data-chart]").count():
            expect(page.locator("[data-chart] svg").first).to_be_visible()
        if found := basics_problems(visit):
            problems[url] = found
    assert problems == {}
