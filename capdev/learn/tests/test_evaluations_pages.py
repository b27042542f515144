"""Evaluation pages: overview with the unit's overdue actions, list filters, forms with
errors, document upload and download, recommendations, responses, actions, the tracker."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capdev.core.tests.test_scope_matrix import page_client
from capdev.learn.models import (
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    ManagementResponse,
    Recommendation,
)
from capdev.learn.selectors import evaluations as selectors
from capdev.learn.tests.evaluations_data import (
    TODAY,
    docx_bytes,
    make_evaluations,
    paragraphs,
    pdf_bytes,
)


@pytest.fixture
def ev(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_evaluations(world)


def _section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</table>", start)]


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("office_a", {"ke-late", "strat-a"}),  # not ke-done (done), th-open (not due), others'
        ("office_b", {"fr-late"}),
    ],
)
def test_the_units_dashboard_shows_its_own_overdue_actions_only(world, ev, persona, shown):
    html = page_client(world, persona).get("/learn/").content.decode()
    table = _section(html, "unit-overdue")
    found = {key for key, a in ev.actions.items() if a.description in table}
    assert found == shown
    assert "overdue follow-up action" in html


def test_unit_overdue_selector_uses_the_given_day(world, ev):
    rows = selectors.unit_overdue_actions(world.users["office_a"], today=TODAY)
    assert [a.pk for a in rows] == [ev.actions["ke-late"].pk, ev.actions["strat-a"].pk]
    early = selectors.unit_overdue_actions(world.users["office_a"], today=datetime.date(2026, 2, 1))
    assert [a.pk for a in early] == [ev.actions["ke-late"].pk]


def test_the_overview_without_a_unit_has_no_unit_section_but_counts(world, ev):
    html = page_client(world, "hq").get("/learn/").content.decode()
    assert 'id="unit-overdue"' not in html
    assert '<dd id="count-evaluations">4</dd>' in html
    assert '<dd id="count-recommendations">4</dd>' in html
    assert '<dd id="count-pending">1</dd>' in html  # France's
    assert '<dd id="count-open">5</dd>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=thailand", {"th"}),
        ("kind=project", {"ke", "th"}),
        ("country=" + "{FR}", {"fr"}),
        ("region={AFRICA}", {"ke"}),
        ("year=2024", {"fr"}),
        ("year=2025", {"ke"}),
        ("q=nothing+like+this", set()),
    ],
)
def test_list_filters(world, ev, query, expected):
    from capdev.core.models import Region

    query = query.replace("{FR}", str(world.countries["FR"].pk)).replace(
        "{AFRICA}", str(Region.objects.get(code="AFRICA").pk)
    )
    html = page_client(world, "hq").get(f"/learn/evaluations/?{query}").content.decode()
    found = {key for key, e in ev.evaluations.items() if e.title in html}
    assert found == expected
    if not expected:
        assert "No evaluation matches" in html


def test_list_sort_by_title(world, ev):
    html = page_client(world, "hq").get("/learn/evaluations/?sort=title").content.decode()
    titles = re.findall(r'href="/learn/evaluations/\d+/">([^<]+)</a>', html)
    assert titles == sorted(e.title for e in ev.evaluations.values())


def test_create_an_evaluation_with_ratings_through_the_form(world, ev):
    client = page_client(world, "evaluator")
    assert client.get("/learn/evaluations/new/").status_code == 200
    response = client.post(
        "/learn/evaluations/new/",
        {
            "title": "Uganda employers evaluation (test)",
            "kind": "project",
            "evaluator": "Team U",
            "start": "2025-02-01",
            "organisations": [world.organisations["UG-emp"].pk],
            "rating_relevance": "6",
            "rating_sustainability": "3",
            "themes": ["social_protection"],
        },
    )
    evaluation = Evaluation.objects.get(title="Uganda employers evaluation (test)")
    assert response.status_code == 302
    assert response["Location"] == f"/learn/evaluations/{evaluation.pk}/"
    assert list(evaluation.countries.values_list("iso_alpha2", flat=True)) == ["UG"]
    assert dict(evaluation.ratings.values_list("criterion", "rating")) == {
        "relevance": 6,
        "sustainability": 3,
    }
    html = client.get(response["Location"]).content.decode()
    assert "Highly satisfactory" in html and "Somewhat unsatisfactory" in html
    assert "<dd>Social protection</dd>" in html


def test_form_errors_save_nothing(world):
    client = page_client(world, "hq")
    response = client.post(
        "/learn/evaluations/new/",
        {
            "title": "",
            "kind": "project",
            "evaluator": "X",
            "start": "2025-02-01",
            "end": "2024-01-01",
        },
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_pages_refuse_those_who_may_not_write(world, ev):
    client = page_client(world, "office_a")
    pk = ev.evaluations["ke"].pk
    assert client.get("/learn/evaluations/new/").status_code == 403
    assert client.get(f"/learn/evaluations/{pk}/edit/").status_code == 403
    assert client.post(f"/learn/evaluations/{pk}/delete/").status_code == 403
    assert client.get(f"/learn/evaluations/{pk}/documents/new/").status_code == 403
    rec = ev.recommendations["ke"].pk
    assert client.get(f"/learn/recommendations/{rec}/response/").status_code == 403
    assert client.get(f"/learn/recommendations/{rec}/actions/new/").status_code == 403
    assert Evaluation.objects.filter(pk=pk).exists()


def test_delete_asks_then_deletes(world, ev):
    client = page_client(world, "admin")
    pk = ev.evaluations["th"].pk
    html = client.get(f"/learn/evaluations/{pk}/delete/").content.decode()
    assert "Yes, delete it" in html
    response = client.post(f"/learn/evaluations/{pk}/delete/")
    assert response.status_code == 302
    assert not Evaluation.objects.filter(pk=pk).exists()


def test_upload_a_pdf_then_download_it(world, ev):
    client = page_client(world, "evaluator")
    pk = ev.evaluations["fr"].pk
    data = pdf_bytes("Peer learning between employers federations.")
    response = client.post(
        f"/learn/evaluations/{pk}/documents/new/",
        {"title": "Final report", "file": SimpleUploadedFile("final.pdf", data)},
    )
    assert response.status_code == 302
    document = EvaluationDocument.objects.get(title="Final report")
    assert "Peer learning" in document.text
    html = client.get(f"/learn/evaluations/{pk}/").content.decode()
    assert f'href="/learn/documents/{document.pk}/"' in html
    download = client.get(f"/learn/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == "application/pdf"


def test_upload_refuses_an_unsafe_docx_with_the_reason(world, ev):
    client = page_client(world, "evaluator")
    pk = ev.evaluations["fr"].pk
    bad = docx_bytes(paragraphs("&a;"), prolog='<!DOCTYPE d [<!ENTITY a "aaaa">]>')
    response = client.post(
        f"/learn/evaluations/{pk}/documents/new/",
        {"title": "Bad", "file": SimpleUploadedFile("bad.docx", bad)},
    )
    assert response.status_code == 400
    assert "declares a DTD or entities" in response.content.decode()
    assert not EvaluationDocument.objects.filter(title="Bad").exists()


def test_recommendation_response_and_action_through_the_pages(world, ev):
    client = page_client(world, "hq")
    evaluation = ev.evaluations["fr"]
    response = client.post(
        f"/learn/evaluations/{evaluation.pk}/recommendations/new/",
        {
            "text": "Involve the employers (test).",
            "priority": "1",
            "addressed_to": [world.offices["b"].pk],
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(evaluation=evaluation, number=2)
    refused = client.post(
        f"/learn/recommendations/{recommendation.pk}/response/", {"decision": "partially"}
    )
    assert refused.status_code == 400
    assert "Give the reasons" in refused.content.decode()
    assert not ManagementResponse.objects.filter(recommendation=recommendation).exists()
    client.post(
        f"/learn/recommendations/{recommendation.pk}/response/",
        {"decision": "partially", "reasons": "Funds for half."},
    )
    assert recommendation.response.decision == "partially"
    client.post(
        f"/learn/recommendations/{recommendation.pk}/actions/new/",
        {
            "description": "Hold a workshop (test)",
            "unit": world.offices["b"].pk,
            "due": "2026-01-01",
            "status": "planned",
        },
    )
    action = FollowUpAction.objects.get(description="Hold a workshop (test)")
    html = client.get(f"/learn/evaluations/{evaluation.pk}/").content.decode()
    assert "Funds for half." in html and "Hold a workshop (test)" in html
    assert "Change history" in html
    edit = client.post(
        f"/learn/recommendations/{recommendation.pk}/edit/",
        {"number": "2", "text": "Involve employers' organisations (test).", "priority": "2"},
    )
    assert edit.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.priority == 2
    assert action.unit == world.offices["b"]


def test_unit_staff_update_their_action_on_a_form_of_status_and_note(world, ev):
    client = page_client(world, "office_b")
    action = ev.actions["fr-late"]
    html = client.get(f"/learn/actions/{action.pk}/edit/").content.decode()
    assert 'name="status"' in html and 'name="due"' not in html
    response = client.post(
        f"/learn/actions/{action.pk}/edit/", {"status": "done", "note": "Held in May."}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.note) == ("done", "Held in May.")
    assert (
        page_client(world, "office_a").get(f"/learn/actions/{action.pk}/edit/").status_code == 404
    )
    other = ev.actions["strat-actrav"]
    assert client.get(f"/learn/actions/{other.pk}/edit/").status_code == 403


def test_tracker_filters_by_unit_status_and_overdue(world, ev, settings):
    client = page_client(world, "hq")

    def shown(query: str) -> set[str]:
        html = client.get(f"/learn/tracker/?{query}").content.decode()
        return {key for key, a in ev.actions.items() if f'data-action="{a.pk}"' in html}

    a = world.offices["a"].pk
    assert shown(f"unit={a}") == {"ke-late", "ke-done", "th-open", "strat-a"}
    assert shown("status=done") == {"ke-done"}
    assert shown("overdue=on") == {"ke-late", "fr-late", "strat-actrav", "strat-a"}
    assert shown(f"unit={a}&overdue=on") == {"ke-late", "strat-a"}
    html = client.get("/learn/tracker/?overdue=on").content.decode()
    assert html.count('class="overdue"') == 4


@pytest.mark.parametrize("persona", ["hq", "office_a"])
def test_pages_have_one_h1_and_unique_ids(world, ev, persona):
    client = page_client(world, persona)
    evaluation = ev.evaluations["strat"]
    urls = [
        "/learn/",
        "/learn/evaluations/",
        f"/learn/evaluations/{evaluation.pk}/",
        "/learn/tracker/",
    ]
    if persona == "hq":
        urls += [
            f"/learn/evaluations/{evaluation.pk}/edit/",
            f"/learn/recommendations/{ev.recommendations['strat'].pk}/response/",
            f"/learn/actions/{ev.actions['strat-a'].pk}/edit/",
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert html.count("<h1") == 1, url
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))


def test_tracker_offers_the_unit_an_update_link_for_its_own_actions_only(world, ev):
    html = page_client(world, "office_a").get("/learn/tracker/").content.decode()
    links = set(re.findall(r'href="/learn/actions/(\d+)/edit/"', html))
    # all office A's, th-open too (Thailand is outside its countries, the action is its own)
    mine = {"ke-late", "ke-done", "strat-a", "th-open"}
    assert links == {str(ev.actions[key].pk) for key in mine}
