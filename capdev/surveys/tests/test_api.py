"""The surveys API: surveys with their questions, results on either base, responses read in
scope and answered through the same checks as the page."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from capdev.surveys import services
from capdev.surveys.models import Answer, Response, Selection

from .conftest import Fixture


def api(world, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users[persona])
    return client


def payload(fixture: Fixture, picks=("A", "B", "C"), single="Yes", likert=4, **extra) -> dict:
    return {
        "answers": [
            {"question": fixture.pick.pk, "choices": fixture.ids(fixture.pick, *picks)},
            {
                "question": fixture.single.pk,
                "choices": fixture.ids(fixture.single, single) if single else [],
            },
            {"question": fixture.likert.pk, "likert": likert},
        ],
        **extra,
    }


@pytest.fixture
def answered(fixture: Fixture, world) -> Fixture:
    for key, picks in (("KE-gov", "ABC"), ("UG-gov", "ABD"), ("KE-wrk", "AEF")):
        services.response_submit(
            user=None,
            survey=fixture.survey,
            organisation=world.organisations[key],
            answers=fixture.answers(tuple(picks)),
        )
    return fixture


def test_the_survey_list_and_detail_carry_questions_and_choices_in_four_languages(fixture, world):
    client = api(world, "focal")
    listed = client.get("/api/surveys/").json()
    assert listed["count"] == 1
    item = listed["results"][0]
    assert item["title"]["zh"] == "Test survey（中文）" and item["status"] == "open"
    assert (item["question_count"], item["response_count"]) == (4, 0)
    detail = client.get(f"/api/surveys/{fixture.survey.pk}/").json()
    kinds = [(q["kind"], q["k"], q["required"]) for q in detail["questions"]]
    assert kinds == [
        ("pick_k", 3, True),
        ("single", None, True),
        ("likert", None, True),
        ("text", None, False),
    ]
    assert [c["label"]["fr"] for c in detail["questions"][0]["choices"]] == [
        f"{x} (fr)" for x in "ABCDEF"
    ]
    assert client.get("/api/surveys/?status=draft").json()["count"] == 0
    assert client.get("/api/surveys/?status=nonsense").status_code == 400


def test_results_on_each_base(answered, world):
    client = api(world, "hq")
    url = f"/api/surveys/{answered.survey.pk}/results/"
    body = client.get(url).json()
    assert (body["base"], body["responses"]) == ("selections", 3)
    pick = body["questions"][0]
    assert (pick["base"], pick["base_label"]) == ("selections", "Share of all selections (%)")
    assert [(c["key"], c["respondents"], c["selections"]) for c in pick["columns"]] == [
        ("government", 2, 6),
        ("workers", 1, 3),
        ("employers", 0, 0),
        ("other", 0, 0),
        ("all", 3, 9),
    ]
    b = pick["rows"][1]
    assert b["label"] == "B"
    assert [(c["group"], c["count"], c["base"]) for c in b["cells"]] == [
        ("government", 2, 6),
        ("workers", 0, 3),
        ("employers", 0, 0),
        ("other", 0, 0),
        ("all", 2, 9),
    ]
    assert b["cells"][0]["percent"] == pytest.approx(100 * 2 / 6)
    assert b["cells"][2]["percent"] is None
    by_respondents = client.get(url + "?base=respondents").json()["questions"][0]
    assert by_respondents["base_label"] == "Share of respondents who chose it (%)"
    assert [c["percent"] for c in by_respondents["rows"][1]["cells"]] == pytest.approx(
        [100.0, 0.0, None, None, 200 / 3], nan_ok=True
    )
    likert = body["questions"][2]
    assert likert["base"] == "likert" and likert["means"][-1] == pytest.approx(4.0)


def test_results_filters_are_checked(answered, world):
    client = api(world, "hq")
    url = f"/api/surveys/{answered.survey.pk}/results/"
    assert client.get(url + "?country=UG").json()["responses"] == 1
    assert client.get(url + "?region=AFRICA&group=workers").json()["responses"] == 1
    assert client.get(url + "?base=averages").status_code == 400
    assert client.get(url + "?country=ZZ").json() == {"country": ["There is no such country."]}
    assert client.get(url + "?region=ATLANTIS").json() == {"region": ["There is no such region."]}


def test_a_response_is_posted_and_read_back(fixture, world):
    client = api(world, "focal")
    ministry = world.organisations["KE-gov"]
    posted = client.post(
        f"/api/surveys/{fixture.survey.pk}/responses/",
        payload(fixture, organisation=ministry.pk),
        format="json",
    )
    assert posted.status_code == 201, posted.content
    body = posted.json()
    assert (body["group"], body["country"], body["source"]) == ("government", "KE", "api")
    assert sorted(body["answers"][0]["choices"]) == sorted(fixture.ids(fixture.pick, "A", "B", "C"))
    listed = client.get(f"/api/surveys/{fixture.survey.pk}/responses/").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]


def test_a_bad_response_gets_each_questions_error_and_saves_nothing(fixture, world):
    client = api(world, "workers")
    url = f"/api/surveys/{fixture.survey.pk}/responses/"
    refused = client.post(url, payload(fixture, picks=("A", "B"), likert=9), format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "group": [
            "Say which constituent group the respondent belongs to, or choose their organisation."
        ],
        "answers": {
            str(fixture.pick.pk): ["Choose exactly 3 options (you chose 2)."],
            str(fixture.likert.pk): [
                "Give a value from 1 (strongly disagree) to 5 (strongly agree), not “9”."
            ],
        },
    }
    unknown = client.post(
        url,
        {"group": "workers", "answers": [*payload(fixture)["answers"], {"question": 0}]},
        format="json",
    )
    assert unknown.json() == {"non_field_errors": ["Question 0 is not part of this survey."]}
    twice = client.post(
        url,
        {
            "group": "workers",
            "answers": [*payload(fixture)["answers"], {"question": fixture.pick.pk}],
        },
        format="json",
    )
    assert twice.json() == {"answers": ["Answer each question once."]}
    outside = client.post(url, payload(fixture, group="employers"), format="json")
    assert outside.status_code == 403
    assert not any(m.objects.exists() for m in (Response, Answer, Selection))


def test_a_closed_survey_refuses_answers(fixture, world):
    services.survey_update(user=None, survey=fixture.survey, data={"status": "closed"})
    refused = api(world, "hq").post(
        f"/api/surveys/{fixture.survey.pk}/responses/",
        payload(fixture, group="workers"),
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["This survey is not open for answers."]}


def test_viewers_read_but_do_not_answer(answered, world):
    client = api(world, "viewer")
    url = f"/api/surveys/{answered.survey.pk}/responses/"
    assert client.get(url).json()["count"] == 0  # no Thai respondent
    refused = client.post(url, payload(answered, group="workers"), format="json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Your role does not answer surveys."}
