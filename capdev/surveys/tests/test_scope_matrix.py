"""Every persona × every survey model, page and endpoint: each sees and changes its scope.

The survey world stands on `capdev.test.make_world()` and adds five surveys — "open-a" (open,
run by office A), "closed-none" (closed, no office), "draft-a", "draft-b" (drafts of offices
A and B) and "draft-none" — and 22 responses to "open-a": one for each of the world's 20
organisations (KE UG FR DE TH × gov wrk emp ngo), plus "wrk-none" (a worker answering
without an organisation or a country) and "emp-KE" (an employer without an organisation, in
Kenya). The expected sets are written down from these facts and scopes.py, never computed
with `scoped()`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from capdev.core.scoping import Action, scoped
from capdev.core.tests.test_scope_matrix import PERSONAS, orgs, page_client
from capdev.surveys import services
from capdev.surveys.models import Answer, Choice, Question, Response, Selection, Survey

from .conftest import build_survey, texts

SURVEYS = ["open-a", "closed-none", "draft-a", "draft-b", "draft-none"]
PUBLISHED = {"open-a", "closed-none"}
SEES_SURVEYS = {
    "hq": set(SURVEYS),
    "admin": set(SURVEYS),
    "office_a": PUBLISHED | {"draft-a"},
    "office_b": PUBLISHED | {"draft-b"},
    # Drafts are for those who may change them: not specialists, focal points, evaluators
    # or viewers, whatever their geographic scope.
    **dict.fromkeys(("workers", "employers_af", "focal", "evaluator", "viewer"), PUBLISHED),
    "outsider": set(),
}
CHANGES_SURVEYS = {
    "hq": set(SURVEYS),
    "admin": set(SURVEYS),
    "office_a": {"open-a", "draft-a"},
    "office_b": {"draft-b"},
}
ALL_RESPONSES = orgs() | {"wrk-none", "emp-KE"}
SEES_RESPONSES = {
    "hq": ALL_RESPONSES,
    "admin": ALL_RESPONSES,
    "evaluator": ALL_RESPONSES,
    "office_a": orgs("KE UG") | {"emp-KE"},
    "office_b": orgs("FR DE"),
    "workers": orgs(kinds="wrk") | {"wrk-none"},
    "employers_af": orgs("KE UG", "emp") | {"emp-KE"},
    "focal": {"KE-gov"},
    "viewer": orgs("TH"),
    "outsider": set(),
}
RESPONDING = {"hq", "admin", "office_a", "office_b", "workers", "employers_af", "focal"}


def expected(persona: str, model: str, action: Action) -> set[str]:
    if model in {"Survey", "Question", "Choice"}:
        if action is Action.VIEW:
            return SEES_SURVEYS[persona]
        return CHANGES_SURVEYS.get(persona, set())
    if action is not Action.VIEW and persona not in RESPONDING:
        return set()
    return SEES_RESPONSES[persona]


@pytest.fixture
def world(world):
    a, b = world.offices["a"], world.offices["b"]
    surveys = {
        "open-a": build_survey("open-a", office=a),
        "closed-none": build_survey("closed-none", status=Survey.Status.CLOSED),
        "draft-a": build_survey("draft-a", status=Survey.Status.DRAFT, office=a),
        "draft-b": build_survey("draft-b", status=Survey.Status.DRAFT, office=b),
        "draft-none": build_survey("draft-none", status=Survey.Status.DRAFT),
    }
    open_a = surveys["open-a"]
    for organisation in world.organisations.values():
        services.response_submit(
            user=None, survey=open_a.survey, organisation=organisation, answers=open_a.answers()
        )
    services.response_submit(
        user=None, survey=open_a.survey, group="workers", answers=open_a.answers()
    )
    services.response_submit(
        user=None,
        survey=open_a.survey,
        group="employers",
        country=world.countries["KE"],
        answers=open_a.answers(),
    )
    world.surveys = {key: fixture.survey for key, fixture in surveys.items()}
    return world


def survey_key(survey: Survey) -> str:
    return survey.title["en"]


def response_key(world, response: Response) -> str:
    if response.organisation_id:
        return next(k for k, o in world.organisations.items() if o.pk == response.organisation_id)
    country = response.country.iso_alpha2 if response.country_id else "none"
    return f"{ {'workers': 'wrk', 'employers': 'emp'}[response.group] }-{country}"


def key_of(world, row: Any) -> str:
    if isinstance(row, Survey):
        return survey_key(row)
    if isinstance(row, Question):
        return survey_key(row.survey)
    if isinstance(row, Choice):
        return survey_key(row.question.survey)
    if isinstance(row, Response):
        return response_key(world, row)
    if isinstance(row, Answer):
        return response_key(world, row.response)
    return response_key(world, row.answer.response)


def snapshot() -> dict[str, Any]:
    return {
        "surveys": sorted(Survey.objects.values_list("pk", "title", "status", "owner_office")),
        "questions": sorted(Question.objects.values_list("pk", "position", "label")),
        "choices": Choice.objects.count(),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "selections": Selection.objects.count(),
    }


# --- reads: scoped(), pages, endpoints ------------------------------------------------


def check_scoped(world, persona: str) -> None:
    user = world.users[persona]
    for model in (Survey, Question, Choice, Response, Answer, Selection):
        for action in (Action.VIEW, Action.CHANGE, Action.ADMINISTER):
            rows = list(scoped(user, model.objects.all(), action))
            assert len(rows) == len({row.pk for row in rows}), f"{model} {action}: twice"
            keys = {key_of(world, row) for row in rows}
            assert keys == expected(persona, model.__name__, action), (model, action)


# --- pages --------------------------------------------------------------------------------


def check_pages(world, persona: str) -> None:
    client = page_client(world, persona)
    sees = SEES_SURVEYS[persona]
    changes = CHANGES_SURVEYS.get(persona, set())
    html = client.get("/surveys/").content.decode()
    links = set(re.findall(r'href="/surveys/(\d+)/"', html[html.index('id="results"') :]))
    assert links == {str(world.surveys[key].pk) for key in sees}
    for key, survey in world.surveys.items():
        detail = client.get(f"/surveys/{survey.pk}/")
        assert detail.status_code == (200 if key in sees else 404), key
        edit = client.get(f"/surveys/{survey.pk}/edit/")
        assert edit.status_code == (200 if key in changes else 403 if key in sees else 404), key
        add = client.get(f"/surveys/{survey.pk}/questions/new/")
        allowed = 302 if key == "open-a" else 200  # open-a has responses: locked
        assert add.status_code == (allowed if key in changes else 403 if key in sees else 404)
    open_a = world.surveys["open-a"]
    if "open-a" not in sees:
        assert client.get(f"/surveys/{open_a.pk}/responses/").status_code == 404
        assert client.get(f"/surveys/{open_a.pk}/export/responses.csv").status_code == 404
        return
    visible = SEES_RESPONSES[persona]
    detail = client.get(f"/surveys/{open_a.pk}/").content.decode()
    noun = "response" if len(visible) == 1 else "responses"
    assert f"Results over the {len(visible)} {noun} you can see" in detail
    listing = client.get(f"/surveys/{open_a.pk}/responses/").content.decode()
    pks = re.findall(r'href="/surveys/responses/(\d+)/"', listing)
    listed = {response_key(world, Response.objects.get(pk=pk)) for pk in pks}
    assert listed == visible
    for response in Response.objects.filter(organisation__isnull=True) | Response.objects.filter(
        organisation__in=[world.organisations[k] for k in ("KE-gov", "UG-emp", "FR-wrk", "TH-ngo")]
    ):
        page = client.get(f"/surveys/responses/{response.pk}/")
        assert page.status_code == (200 if response_key(world, response) in visible else 404)
    export = client.get(f"/surveys/{open_a.pk}/export/responses.csv").content.decode()
    assert len(export.strip().splitlines()) == 1 + len(visible)


# --- API ------------------------------------------------------------------------------------


def check_endpoints(world, persona: str) -> None:
    client = APIClient()
    client.force_authenticate(world.users[persona])
    sees = SEES_SURVEYS[persona]
    listed = client.get("/api/surveys/").json()
    assert {item["title"]["en"] for item in listed["results"]} == sees
    for key, survey in world.surveys.items():
        assert client.get(f"/api/surveys/{survey.pk}/").status_code == (200 if key in sees else 404)
        results = client.get(f"/api/surveys/{survey.pk}/results/")
        assert results.status_code == (200 if key in sees else 404)
    open_a = world.surveys["open-a"]
    if "open-a" not in sees:
        assert client.get(f"/api/surveys/{open_a.pk}/responses/").status_code == 404
        return
    visible = SEES_RESPONSES[persona]
    results = client.get(f"/api/surveys/{open_a.pk}/results/").json()
    assert results["responses"] == len(visible)
    body = client.get(f"/api/surveys/{open_a.pk}/responses/").json()
    keys = {response_key(world, Response.objects.get(pk=item["id"])) for item in body["results"]}
    assert keys == visible and body["count"] == len(visible)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_exactly_its_scope_in_models_pages_and_endpoints(world, persona):
    check_scoped(world, persona)
    check_pages(world, persona)
    check_endpoints(world, persona)


# --- refused writes change nothing ------------------------------------------------------------


def _survey_form(survey: Survey, **changes: str) -> dict[str, str]:
    data = {f"title_{code}": text for code, text in texts("Renamed").items()}
    data |= {"status": survey.status, "owner_office": str(survey.owner_office_id or "")}
    return data | changes


@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_outside_the_scope_are_refused_and_change_nothing(world, persona):
    client = page_client(world, persona)
    changes = CHANGES_SURVEYS.get(persona, set())
    for key in ("draft-b", "closed-none"):
        if key in changes:
            continue
        survey = world.surveys[key]
        before = snapshot()
        response = client.post(f"/surveys/{survey.pk}/edit/", _survey_form(survey))
        assert response.status_code in (403, 404), key
        pick = survey.questions.get(position=1)
        moved = client.post(
            f"/surveys/{survey.pk}/questions/{pick.pk}/move/", {"direction": "down"}
        )
        deleted = client.post(f"/surveys/{survey.pk}/questions/{pick.pk}/delete/")
        assert {moved.status_code, deleted.status_code} <= {403, 404}, key
        assert snapshot() == before, key
    # Answering for the Thai workers: only those whose scope holds them.
    open_a = world.surveys["open-a"]
    thai_union = world.organisations["TH-wrk"]
    fixture_answers = {
        f"q{q.pk}": value
        for q, value in zip(
            open_a.questions.order_by("position"),
            [
                [str(c.pk) for c in open_a.questions.get(position=1).choices.all()[:3]],
                str(open_a.questions.get(position=2).choices.first().pk),
                "3",
                "",
            ],
            strict=True,
        )
    }
    before = snapshot()
    page = client.post(
        f"/surveys/{open_a.pk}/respond/", {"organisation": thai_union.pk, **fixture_answers}
    )
    may_answer = persona in {"hq", "admin", "workers"}
    if may_answer:
        assert page.status_code == 302
        assert Response.objects.count() == before["responses"] + 1
        Response.objects.order_by("-pk").first().delete()
    else:
        assert page.status_code in (400, 403, 404)
        assert snapshot() == before
    if persona == "outsider":
        return
    api = APIClient()
    api.force_authenticate(world.users[persona])
    answers = [
        {
            "question": open_a.questions.get(position=1).pk,
            "choices": [c.pk for c in open_a.questions.get(position=1).choices.all()[:3]],
        },
        {
            "question": open_a.questions.get(position=2).pk,
            "choices": [open_a.questions.get(position=2).choices.first().pk],
        },
        {"question": open_a.questions.get(position=3).pk, "likert": 3},
    ]
    before = snapshot()
    posted = api.post(
        f"/api/surveys/{open_a.pk}/responses/",
        {"organisation": thai_union.pk, "answers": answers},
        format="json",
    )
    if may_answer:
        assert posted.status_code == 201, posted.content
    else:
        # A role that answers nothing is refused (403); one whose scope does not hold the
        # Thai union does not see it (400: no such organisation) — nothing is saved.
        assert posted.status_code in (400, 403), posted.content
        assert snapshot() == before
