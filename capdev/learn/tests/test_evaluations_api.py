"""The evaluations and recommendations API: create/update with ratings, document upload,
filters, responses and actions, and clear errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capdev.core.tests.test_scope_matrix import api_client
from capdev.learn.models import Evaluation, EvaluationDocument, FollowUpAction
from capdev.learn.tests.evaluations_data import docx_bytes, make_evaluations, paragraphs


@pytest.fixture
def ev(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_evaluations(world)


def test_create_then_update_an_evaluation(world, ev):
    client = api_client("evaluator")
    response = client.post(
        "/api/evaluations/",
        {
            "title": "Thematic evaluation of social dialogue (test)",
            "kind": "thematic",
            "evaluator": "Team S",
            "start": "2025-01-01",
            "organisations": [world.organisations["DE-wrk"].pk],
            "themes": ["employment"],
            "ratings": [{"criterion": "coherence", "rating": 4, "comment": "Fine."}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["countries"] == ["DE"]
    assert body["themes"] == ["employment"]
    assert body["ratings"] == [{"criterion": "coherence", "rating": 4, "comment": "Fine."}]
    assert body["recommendations"] == [] and body["documents"] == []
    patched = client.patch(f"/api/evaluations/{body['id']}/", {"summary": "Short."}, format="json")
    assert patched.status_code == 200
    assert patched.json()["summary"] == "Short."
    assert patched.json()["countries"] == ["DE"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "novel"}, "kind"),
        ({"themes": ["gardening"]}, "themes"),
        ({"countries": ["XX"]}, "countries"),
        ({"ratings": [{"criterion": "impact", "rating": 9}]}, "ratings"),
        (
            {
                "ratings": [
                    {"criterion": "impact", "rating": 2},
                    {"criterion": "impact", "rating": 3},
                ]
            },
            "ratings",
        ),
        ({"start": "2025-05-01", "end": "2025-01-01"}, "end"),
    ],
)
def test_bad_input_is_a_400_on_the_field_and_saves_nothing(world, payload, field):
    data = {"title": "X", "kind": "project", "evaluator": "Y", "start": "2025-01-01", **payload}
    response = api_client("hq").post("/api/evaluations/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Evaluation.objects.exists()


def test_upload_a_docx_document(world, ev):
    client = api_client("hq")
    pk = ev.evaluations["strat"].pk
    data = docx_bytes(paragraphs("Knowledge sharing across regions."))
    response = client.post(
        f"/api/evaluations/{pk}/documents/",
        {"file": SimpleUploadedFile("k.docx", data), "title": "Annex"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = EvaluationDocument.objects.get(pk=response.json()["id"])
    assert document.text == "Knowledge sharing across regions."
    detail = client.get(f"/api/evaluations/{pk}/").json()
    assert "Annex" in {d["title"] for d in detail["documents"]}
    refused = client.post(
        f"/api/evaluations/{pk}/documents/",
        {"file": SimpleUploadedFile("k.exe", b"MZ...")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "Only PDF and DOCX" in refused.json()["file"][0]


def test_evaluation_list_filters(world, ev):
    client = api_client("hq")

    def ids(query: str) -> set[int]:
        return {e["id"] for e in client.get(f"/api/evaluations/?{query}").json()["results"]}

    assert ids("country=fr") == {ev.evaluations["fr"].pk}
    assert ids("region=ASIA_PACIFIC") == {ev.evaluations["th"].pk}
    assert ids("kind=strategic") == {ev.evaluations["strat"].pk}
    assert client.get("/api/evaluations/?kind=novel").status_code == 400


def test_recommendation_filters(world, ev):
    client = api_client("hq")

    def keys(query: str) -> set[str]:
        names = {r.pk: key for key, r in ev.recommendations.items()}
        rows = client.get(f"/api/recommendations/?{query}").json()["results"]
        return {names[r["id"]] for r in rows}

    assert keys(f"unit={world.offices['a'].pk}") == {"ke", "th", "strat"}
    assert keys(f"unit={world.offices['actrav'].pk}") == {"strat"}
    assert keys("status=pending") == {"fr"}
    assert keys("status=not_accepted") == {"strat"}
    assert keys("overdue=true") == {"ke", "fr", "strat"}
    detail = client.get(f"/api/recommendations/{ev.recommendations['th'].pk}/").json()
    assert detail["response"]["decision"] == "partially"
    assert [a["overdue"] for a in detail["actions"]] == [False]


def test_respond_and_assign_an_action(world, ev):
    client = api_client("hq")
    pk = ev.recommendations["fr"].pk
    refused = client.post(
        f"/api/recommendations/{pk}/response/", {"decision": "not_accepted"}, format="json"
    )
    assert refused.status_code == 400
    assert "reasons" in refused.json()
    ok = client.post(
        f"/api/recommendations/{pk}/response/",
        {"decision": "not_accepted", "reasons": "Duplicate."},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["response"]["reasons"] == "Duplicate."
    created = client.post(
        f"/api/recommendations/{pk}/actions/",
        {"description": "Review (test)", "unit": world.offices["b"].pk, "due": "2027-01-31"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == "planned"


def test_the_unit_updates_its_action_through_the_api(world, ev):
    action = ev.actions["fr-late"]
    client = api_client("office_b")
    ok = client.patch(
        f"/api/follow-up-actions/{action.pk}/", {"status": "done", "note": "Done."}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["completed_at"] is not None
    refused = client.patch(
        f"/api/follow-up-actions/{action.pk}/", {"due": "2030-01-01"}, format="json"
    )
    assert refused.status_code == 403
    assert str(FollowUpAction.objects.get(pk=action.pk).due) == "2026-02-01"
    other = api_client("office_a").patch(
        f"/api/follow-up-actions/{action.pk}/", {"status": "dropped"}, format="json"
    )
    assert other.status_code == 404
