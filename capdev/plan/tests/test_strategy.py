"""The strategy's implementation plan (§13, §30–33): deliverables, steering committee."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capdev.core.models import Office
from capdev.plan.models import Deliverable, SteeringDecision, SteeringMeeting, StrategyOutcome

D = datetime.date


def _as(client, world, name):
    client.force_login(world.users[name])
    return client


def _title(en: str) -> dict[str, str]:
    return {"en": en, "fr": f"{en} (fr)", "es": f"{en} (es)", "zh": f"{en} (zh)"}


@pytest.fixture
def plan(world):
    units = world.offices
    outcome_1 = StrategyOutcome.objects.create(code="1", title=_title("Constituents' capacity"))
    outcome_2 = StrategyOutcome.objects.create(code="2", title=_title("The Office's capacity"))
    deliverables = {
        "toolkit": Deliverable.objects.create(
            outcome=outcome_1,
            title=_title("Diagnostic toolkit"),
            phase=1,
            biennium="2024-25",
            responsible_unit=units["actrav"],
        ),
        "curriculum": Deliverable.objects.create(
            outcome=outcome_2,
            title=_title("Staff curriculum piloted"),
            phase=1,
            biennium="2024-25",
            responsible_unit=units["a"],
            status=Deliverable.Status.IN_PROGRESS,
        ),
        "evaluation": Deliverable.objects.create(
            outcome=outcome_1,
            title=_title("Mid-term evaluation"),
            phase=2,
            biennium="2026-27",
            responsible_unit=units["actrav"],
        ),
    }
    meeting = SteeringMeeting.objects.create(held_on=D(2025, 2, 1), summary="First meeting")
    SteeringDecision.objects.create(
        meeting=meeting,
        text="Pilot the curriculum in Africa first",
        deliverable=deliverables["curriculum"],
        responsible_unit=units["a"],
        due=D(2025, 6, 30),
    )
    return deliverables


@pytest.mark.parametrize("name", ["hq", "office_a", "focal", "evaluator", "viewer"])
def test_the_strategy_pages_render_for_everyone_holding_a_grant(client, world, plan, name):
    c = _as(client, world, name)
    html = c.get(reverse("plan:strategy-plan")).content.decode()
    assert "Diagnostic toolkit" in html and "Mid-term evaluation" in html
    detail = c.get(reverse("plan:strategy-deliverable", args=[plan["curriculum"].pk]))
    assert detail.status_code == 200
    assert "Pilot the curriculum in Africa first" in detail.content.decode()
    meetings = c.get(reverse("plan:strategy-meetings")).content.decode()
    assert "Pilot the curriculum in Africa first" in meetings


def test_an_account_without_grant_sees_no_deliverable(client, world, plan):
    c = _as(client, world, "outsider")
    assert "Diagnostic toolkit" not in c.get(reverse("plan:strategy-plan")).content.decode()
    url = reverse("plan:strategy-deliverable", args=[plan["toolkit"].pk])
    assert c.get(url).status_code == 404
    edit = reverse("plan:strategy-deliverable-edit", args=[plan["toolkit"].pk])
    assert c.post(edit, {"status": "in_progress"}).status_code == 404


def test_the_matrix_puts_deliverables_under_their_outcome_phase_and_biennium(client, world, plan):
    response = _as(client, world, "hq").get(reverse("plan:strategy-plan"))
    matrix = response.context["matrix"]
    assert [(p.phase, p.biennium) for p in matrix.periods] == [(1, "2024-25"), (2, "2026-27")]
    cells = {
        row.outcome.code: [[str(d) for d in cell] for cell in row.cells] for row in matrix.rows
    }
    assert cells == {
        "1": [["Diagnostic toolkit"], ["Mid-term evaluation"]],
        "2": [["Staff curriculum piloted"], []],
    }
    assert {s: n for s, _label, n in matrix.by_status}["in_progress"] == 1


def test_the_titles_are_shown_in_the_users_language(client, world, plan):
    c = _as(client, world, "hq")
    html = c.get(reverse("plan:strategy-plan"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Diagnostic toolkit (fr)" in html


def test_the_plan_filters_by_phase_status_and_unit(client, world, plan):
    c = _as(client, world, "hq")

    def shown(**filters):
        matrix = c.get(reverse("plan:strategy-plan"), filters).context["matrix"]
        return sorted(str(d) for row in matrix.rows for cell in row.cells for d in cell)

    assert shown(phase="2") == ["Mid-term evaluation"]
    assert shown(status="in_progress") == ["Staff curriculum piloted"]
    assert shown(unit=str(world.offices["actrav"].pk)) == [
        "Diagnostic toolkit",
        "Mid-term evaluation",
    ]
    assert shown(biennium="2024-25", outcome="1") == ["Diagnostic toolkit"]
    assert shown(q="evaluation") == ["Mid-term evaluation"]


def test_hq_marks_a_deliverable_done_only_with_evidence(client, world, plan):
    c = _as(client, world, "hq")
    deliverable = plan["toolkit"]
    url = reverse("plan:strategy-deliverable-edit", args=[deliverable.pk])
    assert c.get(url).status_code == 200
    refused = c.post(url, {"status": "done", "evidence": "  "})
    assert refused.status_code == 400
    assert "A deliverable is marked done only with its evidence." in refused.content.decode()
    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.NOT_STARTED
    done = c.post(url, {"status": "done", "evidence": "Toolkit published, ref. CD/2025/1"})
    assert done.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.evidence) == (
        "done",
        "Toolkit published, ref. CD/2025/1",
    )
    assert deliverable.history.first().history_user == world.users["hq"]
    detail = c.get(reverse("plan:strategy-deliverable", args=[deliverable.pk]))
    assert "Toolkit published" in detail.content.decode()


@pytest.mark.parametrize("name", ["office_a", "focal", "evaluator", "viewer"])
def test_other_roles_may_not_edit_deliverables_or_record_meetings(client, world, plan, name):
    c = _as(client, world, name)
    deliverable = plan["curriculum"]
    url = reverse("plan:strategy-deliverable-edit", args=[deliverable.pk])
    assert c.get(url).status_code == 403
    assert c.post(url, {"status": "done", "evidence": "Said so"}).status_code == 403
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.evidence) == ("in_progress", "")
    new = reverse("plan:strategy-meeting-create")
    assert c.get(new).status_code == 403
    assert c.post(new, _meeting_data()).status_code == 403
    assert SteeringMeeting.objects.count() == 1
    html = c.get(reverse("plan:strategy-deliverable", args=[deliverable.pk])).content.decode()
    assert url not in html


def _meeting_data(**decisions: dict[str, str]) -> dict[str, str]:
    data = {
        "held_on": "2025-09-15",
        "summary": "Second meeting",
        "decisions-TOTAL_FORMS": "3",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "1000",
    }
    for index in range(3):  # a browser posts each row's status select, preset to open
        data[f"decisions-{index}-status"] = "open"
    for index, fields in decisions.items():
        data.update({f"decisions-{index[-1]}-{key}": value for key, value in fields.items()})
    return data


def test_hq_records_a_meeting_with_its_decisions(client, world, plan):
    c = _as(client, world, "hq")
    assert c.get(reverse("plan:strategy-meeting-create")).status_code == 200
    data = _meeting_data(
        d0={
            "text": "Publish the toolkit",
            "deliverable": str(plan["toolkit"].pk),
            "responsible_unit": str(world.offices["actrav"].pk),
            "due": "2025-12-31",
            "status": "open",
        },
        d1={"text": "Report to the Governing Body", "status": "open"},
    )
    response = c.post(reverse("plan:strategy-meeting-create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = SteeringMeeting.objects.get(held_on=D(2025, 9, 15))
    decisions = list(meeting.decisions.order_by("pk"))
    assert [d.text for d in decisions] == ["Publish the toolkit", "Report to the Governing Body"]
    assert decisions[0].deliverable == plan["toolkit"]
    assert decisions[0].responsible_unit == world.offices["actrav"]
    assert meeting.history.get().history_user == world.users["hq"]
    html = c.get(reverse("plan:strategy-meetings")).content.decode()
    assert "Publish the toolkit" in html and "2025-12-31" in html


def test_a_meeting_with_a_bad_decision_or_date_records_nothing(client, world, plan):
    c = _as(client, world, "hq")
    url = reverse("plan:strategy-meeting-create")
    # a decision naming a deliverable but saying nothing
    response = c.post(url, _meeting_data(d0={"deliverable": str(plan["toolkit"].pk)}))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    # a second meeting on the same day
    duplicate = _meeting_data(d0={"text": "Again", "status": "open"})
    duplicate["held_on"] = "2025-02-01"
    response = c.post(url, duplicate)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert SteeringMeeting.objects.count() == 1
    assert SteeringDecision.objects.count() == 1


@pytest.mark.parametrize("name", ["plan:strategy-plan", "plan:strategy-meetings"])
def test_the_strategy_lists_run_as_many_queries_for_many_rows_as_for_few(client, world, plan, name):
    c = _as(client, world, "hq")
    url = reverse(name)
    c.get(url)

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = c.get(url)
        html = response.content.decode()
        links = re.findall(r'href="/plan/strategy/deliverables/\d+/"', html)
        return len(links), len(queries)

    few, before = measure()
    outcome = StrategyOutcome.objects.create(code="3", title=_title("Partnerships"))
    unit = Office.objects.create(name="Partnerships unit", kind=Office.Kind.HQ_DEPARTMENT)
    for i in range(6):
        deliverable = Deliverable.objects.create(
            outcome=outcome,
            title=_title(f"Deliverable {i}"),
            phase=3,
            biennium=f"20{28 + 2 * (i % 2)}-{29 + 2 * (i % 2)}",
            responsible_unit=unit,
        )
        meeting = SteeringMeeting.objects.create(held_on=D(2026, 1, i + 1))
        SteeringDecision.objects.create(
            meeting=meeting, text=f"Decision {i}", deliverable=deliverable, responsible_unit=unit
        )
    many, after = measure()
    assert many > few
    assert before == after


@pytest.mark.parametrize("name", ["plan:strategy-plan", "plan:strategy-meetings"])
def test_a_live_filter_renders_only_the_results(client, world, plan, name):
    response = _as(client, world, "hq").get(reverse(name), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<h1>" not in html and "/plan/strategy/deliverables/" in html


def test_hq_marks_a_decision_done_and_others_may_not(client, world, plan):
    decision = SteeringDecision.objects.get()
    url = reverse("plan:strategy-decision-status", args=[decision.pk])
    for name in ("office_a", "focal"):
        assert _as(client, world, name).post(url, {"status": "done"}).status_code == 403
    decision.refresh_from_db()
    assert decision.status == SteeringDecision.Status.OPEN
    hq = _as(client, world, "hq")
    assert "Mark done" in hq.get(reverse("plan:strategy-meetings")).content.decode()
    assert hq.post(url, {"status": "finished"}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == SteeringDecision.Status.OPEN
    hq.post(url, {"status": "done"})
    decision.refresh_from_db()
    assert decision.status == SteeringDecision.Status.DONE
    assert decision.history.first().history_user == world.users["hq"]
    client.logout()
    client.force_login(world.users["outsider"])
    assert client.post(url, {"status": "open"}).status_code == 404
