"""Survey services: every kind of question validated, all or nothing, the definition locked
once answered, the respondent's group taken from their organisation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capdev.surveys import services
from capdev.surveys.models import Answer, Choice, Question, Response, Selection, Survey

from .conftest import Fixture, build_survey, texts


def counts() -> tuple[int, int, int]:
    return Response.objects.count(), Answer.objects.count(), Selection.objects.count()


def refusal(fixture: Fixture, world, **kwargs) -> dict[str, list[str]]:
    before = counts()
    options = {"organisation": world.organisations["KE-gov"], **kwargs}
    answers = options.pop("answers", fixture.answers())
    with pytest.raises(ValidationError) as refused:
        services.response_submit(user=None, survey=fixture.survey, answers=answers, **options)
    assert counts() == before, "a refused response saved something"
    return (
        refused.value.message_dict
        if hasattr(refused.value, "error_dict")
        else {"__all__": refused.value.messages}
    )


def test_a_complete_response_is_saved_with_the_organisations_group_and_country(fixture, world):
    ministry = world.organisations["KE-gov"]
    response = services.response_submit(
        user=world.users["focal"],
        survey=fixture.survey,
        organisation=ministry,
        answers=fixture.answers(("A", "C", "F"), "Maybe", 5, "  More follow-up.  "),
    )
    assert (response.group, response.country.iso_alpha2) == ("government", "KE")
    assert response.submitted_by == world.users["focal"]
    by_question = {a.question_id: a for a in response.answers.all()}
    assert sorted(c.label["en"] for c in by_question[fixture.pick.pk].choices.all()) == [
        "A",
        "C",
        "F",
    ]
    assert [c.label["en"] for c in by_question[fixture.single.pk].choices.all()] == ["Maybe"]
    assert by_question[fixture.likert.pk].likert == 5
    assert by_question[fixture.text.pk].text == "More follow-up."
    assert Selection.objects.filter(answer__response=response).count() == 4


@pytest.mark.parametrize(
    ("picks", "message"),
    [
        (("A", "B"), "Choose exactly 3 options (you chose 2)."),
        (("A", "B", "C", "D"), "Choose exactly 3 options (you chose 4)."),
        ((), "This question needs an answer."),
    ],
)
def test_pick_k_takes_exactly_k(fixture, world, picks, message):
    errors = refusal(fixture, world, answers=fixture.answers(picks=picks))
    assert errors == {f"q{fixture.pick.pk}": [message]}


def test_pick_k_refuses_an_option_twice_or_another_questions_option(fixture, world):
    answers = fixture.answers()
    answers[fixture.pick.pk] = {"choices": fixture.ids(fixture.pick, "A", "A", "B")}
    assert refusal(fixture, world, answers=answers) == {
        f"q{fixture.pick.pk}": ["Choose each option only once."]
    }
    yes = fixture.choice(fixture.single, "Yes").pk
    answers[fixture.pick.pk] = {"choices": [*fixture.ids(fixture.pick, "A", "B"), yes]}
    assert refusal(fixture, world, answers=answers) == {
        f"q{fixture.pick.pk}": [f"“{yes}” is not one of this question's options."]
    }


def test_single_choice_takes_exactly_one(fixture, world):
    answers = fixture.answers()
    answers[fixture.single.pk] = {"choices": fixture.ids(fixture.single, "Yes", "No")}
    assert refusal(fixture, world, answers=answers) == {
        f"q{fixture.single.pk}": ["Choose one option only."]
    }
    assert refusal(fixture, world, answers=fixture.answers(single=None)) == {
        f"q{fixture.single.pk}": ["This question needs an answer."]
    }


@pytest.mark.parametrize("value", [0, 6, -1, "4.5", "agree", True])
def test_likert_takes_1_to_5(fixture, world, value):
    errors = refusal(fixture, world, answers=fixture.answers(likert=value))
    assert list(errors) == [f"q{fixture.likert.pk}"]
    assert errors[f"q{fixture.likert.pk}"][0].startswith(
        "Give a value from 1 (strongly disagree) to 5 (strongly agree)"
    )


def test_likert_accepts_a_value_sent_as_text(fixture, world):
    response = services.response_submit(
        user=None,
        survey=fixture.survey,
        organisation=world.organisations["KE-gov"],
        answers=fixture.answers(likert="2"),
    )
    assert response.answers.get(question=fixture.likert).likert == 2


def test_an_optional_question_may_be_left_out_and_a_required_one_may_not(fixture, world):
    answers = fixture.answers()
    del answers[fixture.text.pk]
    services.response_submit(
        user=None,
        survey=fixture.survey,
        organisation=world.organisations["KE-gov"],
        answers=answers,
    )
    del answers[fixture.likert.pk]
    assert refusal(fixture, world, answers=answers) == {
        f"q{fixture.likert.pk}": ["This question needs an answer."]
    }


def test_every_problem_is_reported_at_once(fixture, world):
    answers = fixture.answers(picks=("A",), single=None, likert=9, text="x" * 5001)
    answers[999_999] = {"text": "?"}
    errors = refusal(fixture, world, answers=answers, organisation=None, group="")
    assert set(errors) == {
        "group",
        "answers",
        f"q{fixture.pick.pk}",
        f"q{fixture.single.pk}",
        f"q{fixture.likert.pk}",
        f"q{fixture.text.pk}",
    }
    assert errors["answers"] == ["Question 999999 is not part of this survey."]
    assert errors[f"q{fixture.text.pk}"] == ["Keep the answer under 5,000 characters."]


def test_a_question_is_answered_in_its_own_way(fixture, world):
    answers = fixture.answers()
    answers[fixture.likert.pk] = {"choices": fixture.ids(fixture.single, "Yes")}
    answers[fixture.text.pk] = {"likert": 3}
    errors = refusal(fixture, world, answers=answers)
    assert errors == {
        f"q{fixture.likert.pk}": ["This question has no options to choose from."],
        f"q{fixture.text.pk}": ["This question is answered in words, not with a value."],
    }


def test_the_group_comes_from_the_organisation_and_a_different_one_is_refused(fixture, world):
    errors = refusal(fixture, world, group="workers")
    assert errors == {"group": ["The respondent's group is their organisation's (Government)."]}
    errors = refusal(fixture, world, country=world.countries["FR"])
    assert errors == {"country": ["The respondent's country is their organisation's (Kenya)."]}


def test_without_an_organisation_the_group_is_required(fixture, world):
    assert refusal(fixture, world, organisation=None) == {
        "group": [
            "Say which constituent group the respondent belongs to, or choose their organisation."
        ]
    }
    response = services.response_submit(
        user=world.users["workers"],
        survey=fixture.survey,
        group="workers",
        answers=fixture.answers(),
    )
    assert (response.group, response.organisation, response.country) == ("workers", None, None)


@pytest.mark.parametrize(
    ("status", "opens", "closes", "message"),
    [
        ("draft", None, None, "This survey is not open for answers."),
        ("closed", None, None, "This survey is not open for answers."),
        ("open", datetime.date(2999, 1, 1), None, "This survey opens on 2999-01-01."),
        ("open", None, datetime.date(2000, 1, 31), "This survey closed on 2000-01-31."),
    ],
)
def test_only_an_open_survey_within_its_dates_takes_answers(
    fixture, world, status, opens, closes, message
):
    Survey.objects.filter(pk=fixture.survey.pk).update(status=status, opens=opens, closes=closes)
    fixture.survey.refresh_from_db()
    assert refusal(fixture, world) == {"__all__": [message]}


def test_a_focal_point_answers_for_their_own_organisation_only(fixture, world):
    focal = world.users["focal"]
    before = counts()
    with pytest.raises(PermissionDenied):
        services.response_submit(
            user=focal,
            survey=fixture.survey,
            organisation=world.organisations["KE-wrk"],
            answers=fixture.answers(),
        )
    with pytest.raises(PermissionDenied):
        services.response_submit(
            user=focal, survey=fixture.survey, group="government", answers=fixture.answers()
        )
    assert counts() == before


def test_an_office_answers_for_an_organisation_it_covers_not_another(fixture, world):
    office = world.users["office_a"]
    services.response_submit(
        user=office,
        survey=fixture.survey,
        organisation=world.organisations["UG-emp"],
        answers=fixture.answers(),
    )
    with pytest.raises(PermissionDenied):
        services.response_submit(
            user=office,
            survey=fixture.survey,
            organisation=world.organisations["FR-emp"],
            answers=fixture.answers(),
        )
    assert Response.objects.count() == 1


# --- surveys and questions --------------------------------------------------------------


def test_the_office_creates_surveys_of_its_own_office_only(world):
    office = world.users["office_a"]
    data = {"title": texts("Kenya survey"), "owner_office": world.offices["a"]}
    survey = services.survey_create(user=office, data=data)
    assert survey.status == Survey.Status.DRAFT
    assert survey.history.first().history_user == office
    for owner in (world.offices["b"], None):
        with pytest.raises(PermissionDenied):
            services.survey_create(user=office, data={**data, "owner_office": owner})
    for persona in ("focal", "workers", "evaluator", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            services.survey_create(user=world.users[persona], data=data)
    assert Survey.objects.count() == 1


def test_a_survey_needs_an_english_title_and_sensible_dates(world):
    with pytest.raises(ValidationError) as refused:
        services.survey_create(
            user=None,
            data={
                "title": {"fr": "Enquête"},
                "opens": datetime.date(2025, 2, 1),
                "closes": datetime.date(2025, 1, 1),
            },
        )
    assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.survey_create(
            user=None,
            data={
                "title": texts("x"),
                "opens": datetime.date(2025, 2, 1),
                "closes": datetime.date(2025, 1, 1),
            },
        )
    assert refused.value.message_dict == {"closes": ["A survey cannot close before it opens."]}
    assert not Survey.objects.exists()


def test_a_survey_opens_only_with_questions_and_never_goes_back_to_draft_once_answered(world):
    survey = services.survey_create(user=None, data={"title": texts("Empty")})
    with pytest.raises(ValidationError) as refused:
        services.survey_update(user=None, survey=survey, data={"status": "open"})
    assert refused.value.message_dict == {
        "status": ["Add at least one question before opening the survey."]
    }
    with pytest.raises(ValidationError):
        services.survey_create(user=None, data={"title": texts("Open at once"), "status": "open"})
    fixture = build_survey()
    services.response_submit(
        user=None,
        survey=fixture.survey,
        organisation=world.organisations["KE-gov"],
        answers=fixture.answers(),
    )
    with pytest.raises(ValidationError) as refused:
        services.survey_update(user=None, survey=fixture.survey, data={"status": "draft"})
    assert "cannot go back to draft" in refused.value.message_dict["status"][0]
    assert Survey.objects.get(pk=fixture.survey.pk).status == "open"
    services.survey_update(user=None, survey=fixture.survey, data={"status": "closed"})


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"kind": "pick_k", "k": None}, {"k": ["Say how many choices a respondent picks."]}),
        (
            {"kind": "pick_k", "k": 3, "choices": [texts("A"), texts("B"), texts("C")]},
            {"k": ["With 3 choices, k must be less than 3."]},
        ),
        (
            {"kind": "single", "choices": [texts("Only")]},
            {"choices": ["Give at least two choices."]},
        ),
        (
            {"kind": "single", "choices": [texts("Same"), texts("same")]},
            {"choices": ["Two choices have the same English wording."]},
        ),
        (
            {"kind": "single", "choices": [texts("A"), {"fr": "B"}]},
            {"choices": ["Give every choice in English at least."]},
        ),
        (
            {"kind": "likert", "label": {"fr": "Sans anglais"}},
            {"label": ["Give the question in English at least."]},
        ),
    ],
)
def test_a_question_is_checked_before_it_is_saved(world, data, errors):
    survey = services.survey_create(user=None, data={"title": texts("Draft")})
    full = {
        "kind": "single",
        "required": True,
        "label": texts("Q"),
        "choices": [texts("A"), texts("B"), texts("C"), texts("D")],
        **data,
    }
    with pytest.raises(ValidationError) as refused:
        services.question_create(user=None, survey=survey, data=full)
    assert refused.value.message_dict == errors
    assert not Question.objects.exists() and not Choice.objects.exists()


def test_a_likert_or_text_question_keeps_no_k_and_no_choices(world):
    survey = services.survey_create(user=None, data={"title": texts("Draft")})
    question = services.question_create(
        user=None,
        survey=survey,
        data={"kind": "likert", "k": 3, "required": True, "label": texts("Q"), "choices": []},
    )
    assert question.k is None and not question.choices.exists()


def test_editing_choices_rewords_them_in_place_and_drops_extra_ones(fixture):
    first = fixture.choice(fixture.single, "Yes").pk
    services.question_update(
        user=None,
        question=fixture.single,
        data={"choices": [texts("Yes, a lot"), texts("No")]},
    )
    assert [(c.pk == first, c.label["en"]) for c in fixture.single.choices.all()] == [
        (True, "Yes, a lot"),
        (False, "No"),
    ]
    assert fixture.single.choices.get(position=1).history.count() == 2


def test_questions_move_up_and_down_and_deleting_closes_the_gap(fixture):
    def order() -> list[str]:
        return [q.label["en"] for q in fixture.survey.questions.order_by("position")]

    services.question_move(user=None, question=fixture.likert, direction="up")
    assert order() == [
        "Choose three approaches",
        "It met our needs.",
        "Did it help?",
        "Anything else?",
    ]
    services.question_move(user=None, question=fixture.pick, direction="up")  # already first
    services.question_move(user=None, question=fixture.text, direction="down")  # already last
    assert order()[0] == "Choose three approaches" and order()[-1] == "Anything else?"
    services.question_delete(user=None, question=fixture.likert)
    assert order() == ["Choose three approaches", "Did it help?", "Anything else?"]
    assert list(fixture.survey.questions.values_list("position", flat=True)) == [1, 2, 3]


def test_the_definition_is_locked_once_anyone_has_answered(fixture, world):
    services.response_submit(
        user=None,
        survey=fixture.survey,
        organisation=world.organisations["FR-wrk"],
        answers=fixture.answers(),
    )
    attempts = [
        lambda: services.question_create(
            user=None, survey=fixture.survey, data={"kind": "text", "label": texts("More")}
        ),
        lambda: services.question_update(
            user=None, question=fixture.pick, data={"label": texts("Changed")}
        ),
        lambda: services.question_delete(user=None, question=fixture.text),
        lambda: services.question_move(user=None, question=fixture.text, direction="up"),
        lambda: services.survey_delete(user=None, survey=fixture.survey),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "has responses" in refused.value.messages[0]
    assert fixture.survey.questions.count() == 4
    assert Question.objects.get(pk=fixture.pick.pk).label["en"] == "Choose three approaches"


def test_office_staff_edit_their_offices_surveys_only(world):
    mine = build_survey("Mine", status="draft", office=world.offices["a"])
    theirs = build_survey("Theirs", status="draft", office=world.offices["b"])
    office = world.users["office_a"]
    services.survey_update(user=office, survey=mine.survey, data={"title": texts("Mine, renamed")})
    with pytest.raises(PermissionDenied):
        services.survey_update(user=office, survey=theirs.survey, data={"title": texts("Taken")})
    with pytest.raises(PermissionDenied):
        services.question_update(user=office, question=theirs.pick, data={"label": texts("X")})
    # Moving one's survey to another office leaves one's scope: refused, nothing changes.
    with pytest.raises(PermissionDenied):
        services.survey_update(
            user=office, survey=mine.survey, data={"owner_office": world.offices["b"]}
        )
    assert Survey.objects.get(pk=mine.survey.pk).owner_office == world.offices["a"]
    assert Survey.objects.get(pk=theirs.survey.pk).title["en"] == "Theirs"


def test_only_admin_and_hq_delete_a_response(fixture, world):
    response = services.response_submit(
        user=None,
        survey=fixture.survey,
        organisation=world.organisations["KE-gov"],
        answers=fixture.answers(),
    )
    for persona in ("office_a", "focal"):
        with pytest.raises(PermissionDenied):
            services.response_delete(user=world.users[persona], response=response)
    assert counts() == (1, 3, 4)
    services.response_delete(user=world.users["hq"], response=response)
    assert counts() == (0, 0, 0)
