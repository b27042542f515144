"""Every persona × every evaluation model: each sees and changes exactly its scope.

Expected sets are written by hand from the facts of evaluations_data (and
docs/access.md): an evaluation is seen as its countries and organisations are; the strategic
one, of no country, by everyone with a grant. A specialist reaches the evaluations of
organisations of their constituent group only (in their region): "ke" is of the Kenyan
ministry (government), "fr" and "th" are of no organisation, so both specialists see the
strategic one only. The staff of a unit also see the actions assigned to their unit
(office A: "th-open" of the Thailand evaluation) in the tracker, not in scoped(). Only
evaluators, HQ and administrators write evaluations, ratings, documents and
recommendations; only HQ and administrators write responses and follow-up actions.
"""

from __future__ import annotations

import pytest

from capdev.core.scoping import Action, scoped
from capdev.core.tests.test_scope_matrix import PERSONAS, api_client, page_client
from capdev.learn.models import (
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    ManagementResponse,
    Recommendation,
)
from capdev.learn.tests.evaluations_data import make_evaluations

ALL = {"ke", "fr", "th", "strat"}
SEES = {
    "hq": ALL,
    "evaluator": ALL,
    "admin": ALL,
    "workers": {"strat"},
    "office_a": {"ke", "strat"},
    "office_b": {"fr", "strat"},
    "employers_af": {"strat"},
    "focal": {"ke", "strat"},
    "viewer": {"th", "strat"},
    "outsider": set(),
}
EVALUATION_WRITERS = {"hq", "evaluator", "admin"}
RESPONDERS = {"hq", "admin"}
ACTIONS_OF = {
    "ke": {"ke-late", "ke-done"},
    "fr": {"fr-late"},
    "th": {"th-open"},
    "strat": {"strat-actrav", "strat-a"},
}
RESPONDED = {"ke", "th", "strat"}
# Actions of the persona's own unit outside its scope (shown with the unit's actions).
OWN_UNIT_ACTIONS = {"office_a": {"th-open"}}


def _evaluation_key(ev, row) -> str:
    if isinstance(row, Evaluation):
        pk = row.pk
    elif isinstance(row, ManagementResponse | FollowUpAction):
        pk = row.recommendation.evaluation_id
    else:
        pk = row.evaluation_id
    return {e.pk: key for key, e in ev.evaluations.items()}[pk]


def _keys(ev, model, evaluations: set[str]) -> set[str]:
    if model is FollowUpAction:
        return {a for e in evaluations for a in ACTIONS_OF[e]}
    if model is ManagementResponse:
        return evaluations & RESPONDED
    return set(evaluations)


def _row_key(ev, model, row) -> str:
    if model is FollowUpAction:
        return {a.pk: key for key, a in ev.actions.items()}[row.pk]
    return _evaluation_key(ev, row)


def expected(persona: str, model, action: Action) -> set[str]:
    if action is Action.VIEW:
        seen = SEES[persona]
    else:
        writers = (
            RESPONDERS if model in (ManagementResponse, FollowUpAction) else EVALUATION_WRITERS
        )
        seen = ALL if persona in writers else set()
    return seen


MODELS = [
    Evaluation,
    CriterionRating,
    EvaluationDocument,
    Recommendation,
    ManagementResponse,
    FollowUpAction,
]


@pytest.fixture
def ev(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_evaluations(world)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
def test_scoped_gives_each_persona_exactly_its_evaluation_rows(world, ev, persona, model):
    user = world.users[persona]
    for action in Action:
        rows = list(scoped(user, model.objects.all(), action))
        assert len(rows) == len({row.pk for row in rows}), f"{action}: a row comes twice"
        found = {_row_key(ev, model, row) for row in rows}
        assert found == _keys(ev, model, expected(persona, model, action)), action


@pytest.mark.parametrize("persona", PERSONAS)
def test_evaluation_list_page_and_api_show_exactly_the_personas_evaluations(world, ev, persona):
    titles = {key: e.title for key, e in ev.evaluations.items()}
    response = page_client(world, persona).get("/learn/evaluations/")
    assert response.status_code == 200
    html = response.content.decode()
    results = html[html.index('id="results"') : html.index("</main>")]
    assert {key for key, title in titles.items() if title in results} == SEES[persona]
    body = api_client(persona).get("/api/evaluations/").json()
    assert body["count"] == len(SEES[persona])
    ids = {e.pk: key for key, e in ev.evaluations.items()}
    assert {ids[item["id"]] for item in body["results"]} == SEES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_recommendation_api_and_tracker_show_exactly_the_personas_recommendations(
    world, ev, persona
):
    body = api_client(persona).get("/api/recommendations/").json()
    ids = {r.pk: key for key, r in ev.recommendations.items()}
    assert {ids[item["id"]] for item in body["results"]} == SEES[persona]
    seen_actions = {a["id"] for item in body["results"] for a in item["actions"]}
    assert seen_actions == {ev.actions[key].pk for e in SEES[persona] for key in ACTIONS_OF[e]}
    html = page_client(world, persona).get("/learn/tracker/").content.decode()
    shown = {key for key, a in ev.actions.items() if f'data-action="{a.pk}"' in html}
    in_scope = {key for e in SEES[persona] for key in ACTIONS_OF[e]}
    assert shown == in_scope | OWN_UNIT_ACTIONS.get(persona, set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_pages_answer_404_outside_the_scope(world, ev, persona):
    client = page_client(world, persona)
    for key, evaluation in ev.evaluations.items():
        status = client.get(f"/learn/evaluations/{evaluation.pk}/").status_code
        assert status == (200 if key in SEES[persona] else 404), key
        document = evaluation.documents.get()
        status = client.get(f"/learn/documents/{document.pk}/").status_code
        assert status == (200 if key in SEES[persona] else 404), key
    api = api_client(persona)
    for key, recommendation in ev.recommendations.items():
        status = api.get(f"/api/recommendations/{recommendation.pk}/").status_code
        assert status == (200 if key in SEES[persona] else 404), key


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - EVALUATION_WRITERS))
def test_refused_writes_change_no_rows(world, ev, persona):
    client = api_client(persona)
    before = (
        Evaluation.objects.count(),
        Recommendation.objects.count(),
        ManagementResponse.objects.count(),
        FollowUpAction.objects.count(),
    )
    strat = ev.evaluations["strat"]
    recommendation = ev.recommendations["strat"]
    answers = [
        client.post(
            "/api/evaluations/",
            {"title": "X", "kind": "thematic", "evaluator": "X", "start": "2026-01-01"},
            format="json",
        ),
        client.patch(f"/api/evaluations/{strat.pk}/", {"title": "Changed"}, format="json"),
        client.post(
            f"/api/evaluations/{strat.pk}/recommendations/", {"text": "More."}, format="json"
        ),
        client.post(
            f"/api/recommendations/{recommendation.pk}/response/",
            {"decision": "accepted"},
            format="json",
        ),
        client.post(
            f"/api/recommendations/{recommendation.pk}/actions/",
            {"description": "Do", "unit": world.offices["a"].pk, "due": "2027-01-01"},
            format="json",
        ),
    ]
    # 403 where the persona sees the strategic evaluation; 404 for whoever does not see it
    expected_status = [403] + [403 if SEES[persona] else 404] * 4
    assert [a.status_code for a in answers] == expected_status
    after = (
        Evaluation.objects.count(),
        Recommendation.objects.count(),
        ManagementResponse.objects.count(),
        FollowUpAction.objects.count(),
    )
    assert after == before
    strat.refresh_from_db()
    assert strat.title == "Strategic evaluation of capacity development (test)"
    assert (
        ev.responses["strat"].decision
        == ManagementResponse.objects.get(pk=ev.responses["strat"].pk).decision
    )
