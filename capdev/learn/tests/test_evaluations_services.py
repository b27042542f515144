"""Evaluation services: validation, permissions, countries from organisations, documents
(text from a real PDF and DOCX; unsafe archives refused), responses and follow-up actions."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capdev.learn.documents import MAX_DOCUMENT_BYTES
from capdev.learn.models import (
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    ManagementResponse,
    Recommendation,
)
from capdev.learn.services import evaluations as services
from capdev.learn.tests.evaluations_data import (
    TODAY,
    docx_bytes,
    make_evaluations,
    paragraphs,
    pdf_bytes,
)

D = datetime.date


@pytest.fixture
def ev(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_evaluations(world)


def _data(world, **overrides):
    return {
        "title": "Union training evaluation (test)",
        "kind": "project",
        "evaluator": "Team X",
        "start": D(2025, 1, 1),
        "end": D(2025, 3, 1),
        "countries": [world.countries["FR"]],
        "organisations": [world.organisations["KE-wrk"], world.organisations["UG-emp"]],
        **overrides,
    }


def test_create_adds_the_countries_of_its_organisations_and_records_history(world):
    evaluation = services.evaluation_create(user=world.users["evaluator"], data=_data(world))
    codes = set(evaluation.countries.values_list("iso_alpha2", flat=True))
    assert codes == {"FR", "KE", "UG"}
    records = evaluation.history.order_by("history_id")
    assert records[0].history_type == "+"
    assert {r.history_user for r in records} == {world.users["evaluator"]}


def test_create_with_ratings_sets_one_per_criterion(world):
    data = _data(world, ratings={"relevance": 5, "impact": 2, "efficiency": None})
    evaluation = services.evaluation_create(user=world.users["hq"], data=data)
    assert dict(evaluation.ratings.values_list("criterion", "rating")) == {
        "relevance": 5,
        "impact": 2,
    }
    services.ratings_set(user=world.users["hq"], evaluation=evaluation, ratings={"impact": None})
    assert list(evaluation.ratings.values_list("criterion", flat=True)) == ["relevance"]


def test_ratings_outside_one_to_six_or_unknown_criteria_are_refused(world, ev):
    evaluation = ev.evaluations["ke"]
    with pytest.raises(ValidationError) as raised:
        services.ratings_set(
            user=world.users["hq"], evaluation=evaluation, ratings={"impact": 7, "beauty": 3}
        )
    assert set(raised.value.message_dict) == {"impact", "beauty"}
    assert list(CriterionRating.objects.filter(evaluation=evaluation).values_list("rating")) == [
        (5,)
    ]


def test_unknown_themes_are_refused(world):
    with pytest.raises(ValidationError) as raised:
        services.evaluation_create(user=world.users["hq"], data=_data(world, themes=["x"]))
    assert "themes" in raised.value.message_dict
    assert not Evaluation.objects.exists()


def test_end_before_start_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as raised:
        services.evaluation_create(user=world.users["hq"], data=_data(world, end=D(2024, 1, 1)))
    assert "end" in raised.value.message_dict
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("persona", ["office_a", "workers", "focal", "viewer", "outsider"])
def test_only_evaluators_hq_and_admins_record_evaluations(world, persona):
    with pytest.raises(PermissionDenied):
        services.evaluation_create(user=world.users[persona], data=_data(world))
    assert not Evaluation.objects.exists()


def test_update_and_delete_check_scope(world, ev):
    with pytest.raises(PermissionDenied):
        services.evaluation_update(
            user=world.users["office_a"], evaluation=ev.evaluations["ke"], data={"title": "X"}
        )
    services.evaluation_update(
        user=world.users["evaluator"], evaluation=ev.evaluations["ke"], data={"title": "New"}
    )
    assert Evaluation.objects.get(pk=ev.evaluations["ke"].pk).title == "New"
    with pytest.raises(PermissionDenied):
        services.evaluation_delete(user=world.users["focal"], evaluation=ev.evaluations["ke"])
    services.evaluation_delete(user=world.users["admin"], evaluation=ev.evaluations["ke"])
    assert not Evaluation.objects.filter(pk=ev.evaluations["ke"].pk).exists()
    assert not Recommendation.objects.filter(pk=ev.recommendations["ke"].pk).exists()


# --- documents --------------------------------------------------------------------------


def test_pdf_text_is_extracted_and_stored(world, ev):
    data = pdf_bytes("Tripartite social dialogue strengthened the ministry.")
    document = services.document_upload(
        user=world.users["evaluator"],
        evaluation=ev.evaluations["ke"],
        title="Final report",
        name="report.pdf",
        data=data,
    )
    document.refresh_from_db()
    assert document.media_type == "application/pdf"
    assert document.size == len(data)
    assert "Tripartite social dialogue" in document.text
    assert document.file.read() == data


def test_docx_text_is_extracted_paragraph_by_paragraph(world, ev):
    data = docx_bytes(paragraphs("Findings on collective bargaining.", "Second paragraph."))
    document = services.document_upload(
        user=world.users["hq"],
        evaluation=ev.evaluations["strat"],
        title="",
        name="annex.docx",
        data=data,
    )
    assert document.title == "annex.docx"
    assert document.text == "Findings on collective bargaining.\nSecond paragraph."


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"plain text", "Only PDF and DOCX"),
        ("report.pdf", b"%PDF-1.4\nthis is not really a pdf", "PDF is damaged"),
        ("report.docx", b"PK\x03\x04garbage", "damaged"),
        ("report.docx", "entity", "declares a DTD or entities"),
        ("report.docx", "bomb", "zip bomb"),
        ("report.docx", "no-document", "not a Word document"),
        ("report.pdf", b"", "empty"),
    ],
)
def test_unsafe_or_damaged_documents_are_refused_with_a_clear_error(
    world, ev, tmp_path, name, data, message
):
    if data == "entity":
        prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        data = docx_bytes(paragraphs("&xxe;"), prolog=prolog)
    elif data == "bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", b"<a>" + b" " * (80 * 1024 * 1024) + b"</a>")
        data = buffer.getvalue()
        assert len(data) < 200_000
    elif data == "no-document":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
        data = buffer.getvalue()
    with pytest.raises(ValidationError) as raised:
        services.document_upload(
            user=world.users["hq"], evaluation=ev.evaluations["ke"], title="X", name=name, data=data
        )
    assert message in " ".join(raised.value.message_dict["file"])
    assert EvaluationDocument.objects.filter(title="X").count() == 0
    assert not list((tmp_path / "evaluations").rglob("report*"))


def test_a_document_over_the_size_limit_is_refused(world, ev):
    data = b"%PDF-1.4\n" + b"0" * MAX_DOCUMENT_BYTES
    with pytest.raises(ValidationError, match="larger than"):
        services.document_upload(
            user=world.users["hq"],
            evaluation=ev.evaluations["ke"],
            title="X",
            name="a.pdf",
            data=data,
        )


def test_documents_are_attached_only_by_evaluation_writers(world, ev):
    with pytest.raises(PermissionDenied):
        services.document_upload(
            user=world.users["office_a"],
            evaluation=ev.evaluations["ke"],
            title="X",
            name="a.docx",
            data=docx_bytes(),
        )
    assert not EvaluationDocument.objects.filter(title="X").exists()


# --- recommendations, responses, actions ------------------------------------------------


def test_recommendations_are_numbered_and_a_number_is_used_once(world, ev):
    evaluation = ev.evaluations["strat"]
    second = services.recommendation_create(
        user=world.users["evaluator"],
        evaluation=evaluation,
        data={"text": "Second (test)", "addressed_to": [world.offices["b"]]},
    )
    assert second.number == 2
    assert list(second.addressed_to.all()) == [world.offices["b"]]
    with pytest.raises(ValidationError) as raised:
        services.recommendation_create(
            user=world.users["evaluator"], evaluation=evaluation, data={"number": 1, "text": "Dup"}
        )
    assert "number" in raised.value.message_dict
    assert evaluation.recommendations.count() == 2


def test_recommendations_are_written_by_evaluation_writers_only(world, ev):
    with pytest.raises(PermissionDenied):
        services.recommendation_create(
            user=world.users["office_a"], evaluation=ev.evaluations["ke"], data={"text": "X"}
        )


def test_a_response_other_than_accepted_needs_reasons(world, ev):
    recommendation = ev.recommendations["fr"]
    with pytest.raises(ValidationError) as raised:
        services.response_set(
            user=world.users["hq"], recommendation=recommendation, decision="partially"
        )
    assert "reasons" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.response_set(
            user=world.users["hq"], recommendation=recommendation, decision="maybe"
        )
    assert not ManagementResponse.objects.filter(recommendation=recommendation).exists()
    response = services.response_set(
        user=world.users["hq"], recommendation=recommendation, decision="accepted"
    )
    assert response.decision == "accepted"
    assert response.responded_by == world.users["hq"]
    services.response_set(
        user=world.users["admin"],
        recommendation=recommendation,
        decision="not_accepted",
        reasons="Out of mandate.",
    )
    response.refresh_from_db()
    assert (response.decision, response.reasons) == ("not_accepted", "Out of mandate.")
    assert response.history.count() == 2


@pytest.mark.parametrize("persona", ["evaluator", "office_b", "workers", "focal", "viewer"])
def test_only_hq_and_admins_respond_and_assign_actions(world, ev, persona):
    recommendation = ev.recommendations["fr"]
    with pytest.raises(PermissionDenied):
        services.response_set(
            user=world.users[persona], recommendation=recommendation, decision="accepted"
        )
    with pytest.raises(PermissionDenied):
        services.action_create(
            user=world.users[persona],
            recommendation=recommendation,
            data={"description": "X", "unit": world.offices["b"], "due": D(2027, 1, 1)},
        )
    assert not ManagementResponse.objects.filter(recommendation=recommendation).exists()
    assert recommendation.actions.count() == 1


def test_hq_assigns_an_action_and_done_sets_the_completion_date(world, ev):
    action = services.action_create(
        user=world.users["hq"],
        recommendation=ev.recommendations["fr"],
        data={"description": "Train staff", "unit": world.offices["b"], "due": D(2027, 1, 1)},
    )
    assert (action.status, action.completed_at) == ("planned", None)
    services.action_update(user=world.users["hq"], action=action, data={"status": "done"})
    action.refresh_from_db()
    assert action.completed_at is not None
    services.action_update(user=world.users["hq"], action=action, data={"status": "in_progress"})
    action.refresh_from_db()
    assert action.completed_at is None


def test_the_units_own_staff_update_status_and_note_only(world, ev):
    action = ev.actions["ke-late"]  # office A's, on the Kenyan evaluation
    services.action_update(
        user=world.users["office_a"],
        action=action,
        data={"status": "in_progress", "note": "Started."},
    )
    action.refresh_from_db()
    assert (action.status, action.note) == ("in_progress", "Started.")
    assert action.history.first().history_user == world.users["office_a"]
    with pytest.raises(PermissionDenied):
        services.action_update(
            user=world.users["office_a"], action=action, data={"due": D(2030, 1, 1)}
        )
    action.refresh_from_db()
    assert action.due == D(2026, 1, 10)


@pytest.mark.parametrize(
    ("persona", "action_key"),
    [
        ("office_b", "ke-late"),  # another unit's action it does not even see
        ("office_a", "strat-actrav"),  # an action it sees, of another unit
        ("focal", "ke-late"),  # sees it, is no unit staff
        ("evaluator", "ke-late"),  # reads everything, responds to nothing
    ],
)
def test_others_do_not_update_an_action(world, ev, persona, action_key):
    action = ev.actions[action_key]
    with pytest.raises(PermissionDenied):
        services.action_update(user=world.users[persona], action=action, data={"status": "done"})
    action.refresh_from_db()
    assert action.status == "planned"


def test_is_overdue():
    action = FollowUpAction(due=D(2026, 5, 31), status="planned")
    assert services.is_overdue(action, TODAY)
    action.status = "done"
    assert not services.is_overdue(action, TODAY)
    action.status, action.due = "in_progress", TODAY
    assert not services.is_overdue(action, TODAY)


def test_the_command_line_user_none_writes_everything(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evaluation = services.evaluation_create(
        user=None, data=_data(world, kind="strategic", countries=[], organisations=[])
    )
    assert not evaluation.countries.exists()  # strategic: everyone's
    recommendation = services.recommendation_create(
        user=None, evaluation=evaluation, data={"text": "Illustrative (demo)."}
    )
    response = services.response_set(user=None, recommendation=recommendation, decision="accepted")
    action = services.action_create(
        user=None,
        recommendation=recommendation,
        data={"description": "X", "unit": world.offices["actrav"], "due": D(2026, 1, 1)},
    )
    services.action_update(user=None, action=action, data={"status": "dropped"})
    document = services.document_upload(
        user=None, evaluation=evaluation, title="", name="a.docx", data=docx_bytes()
    )
    assert (document.text, document.uploaded_by) == ("Hello", None)
    assert (recommendation.number, response.responded_by, action.status) == (1, None, "dropped")
