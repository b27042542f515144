"""survey_results: shares by constituent group on both bases, worked out by hand.

The fixture: three respondents each choose three of six approaches (A–F).

    respondent            group        picks     single  Likert  text
    Ministry of Labour KE government   A B C     Yes     4       "Follow-up"
    Ministry of Labour UG government   A B D     No      5       —
    Trade Union Centre KE workers      A E F     Yes     2       "More courses"

Government made 6 selections (A 2, B 2, C 1, D 1), workers 3 (A, E, F), all 9 (A 3, B 2,
C–F 1 each); 2 government respondents, 1 worker, 3 in all. Employers: nobody.
"""

from __future__ import annotations

import pytest

from capdev.surveys import charts, selectors, services

from .conftest import Fixture

RESPONDENTS = [
    ("KE-gov", ("A", "B", "C"), "Yes", 4, "Follow-up"),
    ("UG-gov", ("A", "B", "D"), "No", 5, ""),
    ("KE-wrk", ("A", "E", "F"), "Yes", 2, "More courses"),
]
COLUMNS = ["government", "workers", "employers", "other", "all"]


@pytest.fixture
def answered(fixture: Fixture, world) -> Fixture:
    for key, picks, single, likert, text in RESPONDENTS:
        services.response_submit(
            user=None,
            survey=fixture.survey,
            organisation=world.organisations[key],
            answers=fixture.answers(picks, single, likert, text),
        )
    return fixture


def table(result: selectors.QuestionResult) -> dict[str, list[float | None]]:
    """Option → percent per column (government, workers, employers, other, all), rounded."""
    return {
        row.label: [None if s.percent is None else round(s.percent, 1) for s in row.shares]
        for row in result.rows
    }


def question(results: selectors.SurveyResults, n: int) -> selectors.QuestionResult:
    return results.questions[n]


def test_the_selections_base_divides_by_all_selections_in_the_group(answered, world):
    results = selectors.survey_results(world.users["hq"], answered.survey, base="selections")
    pick = question(results, 0)
    assert pick.base == "selections"
    assert pick.base_label == "Share of all selections (%)"
    assert [(str(c.key), c.respondents, c.selections) for c in pick.columns] == [
        ("government", 2, 6),
        ("workers", 1, 3),
        ("employers", 0, 0),
        ("other", 0, 0),
        ("all", 3, 9),
    ]
    assert table(pick) == {
        "A": [33.3, 33.3, None, None, 33.3],
        "B": [33.3, 0.0, None, None, 22.2],
        "C": [16.7, 0.0, None, None, 11.1],
        "D": [16.7, 0.0, None, None, 11.1],
        "E": [0.0, 33.3, None, None, 11.1],
        "F": [0.0, 33.3, None, None, 11.1],
    }
    # Shares of one group on this base add up to 100 %.
    assert sum(row.shares[0].count for row in pick.rows) == pick.columns[0].selections


def test_the_respondents_base_divides_by_the_groups_respondents(answered, world):
    results = selectors.survey_results(world.users["hq"], answered.survey, base="respondents")
    pick = question(results, 0)
    assert pick.base_label == "Share of respondents who chose it (%)"
    assert table(pick) == {
        "A": [100.0, 100.0, None, None, 100.0],
        "B": [100.0, 0.0, None, None, 66.7],
        "C": [50.0, 0.0, None, None, 33.3],
        "D": [50.0, 0.0, None, None, 33.3],
        "E": [0.0, 100.0, None, None, 33.3],
        "F": [0.0, 100.0, None, None, 33.3],
    }
    a = pick.rows[0]
    assert [(s.count, s.base) for s in a.shares] == [(2, 2), (1, 1), (0, 0), (0, 0), (3, 3)]


def test_all_respondents_are_computed_from_counts_not_by_averaging_the_groups(answered, world):
    pick = question(selectors.survey_results(world.users["hq"], answered.survey), 0)
    b = pick.rows[1]
    # Government 33.3 % and workers 0 % average to 16.7 %; B is 2 of 9 selections: 22.2 %.
    assert (b.shares[-1].count, b.shares[-1].base) == (2, 9)


def test_single_choice_is_a_share_of_respondents(answered, world):
    single = question(selectors.survey_results(world.users["hq"], answered.survey), 1)
    assert single.base == "single" and single.base_label == "Share of respondents (%)"
    assert table(single) == {
        "Yes": [50.0, 100.0, None, None, 66.7],
        "No": [50.0, 0.0, None, None, 33.3],
        "Maybe": [0.0, 0.0, None, None, 0.0],
    }


def test_the_base_toggle_does_not_change_single_choice_or_likert(answered, world):
    user = world.users["hq"]
    one = selectors.survey_results(user, answered.survey, base="selections")
    other = selectors.survey_results(user, answered.survey, base="respondents")
    assert table(question(one, 1)) == table(question(other, 1))
    assert table(question(one, 2)) == table(question(other, 2))


def test_likert_has_its_distribution_and_mean(answered, world):
    likert = question(selectors.survey_results(world.users["hq"], answered.survey), 2)
    assert likert.base_label == "Share of respondents who answered (%)"
    points = table(likert)
    assert points["4 — Agree"] == [50.0, 0.0, None, None, 33.3]
    assert points["5 — Strongly agree"] == [50.0, 0.0, None, None, 33.3]
    assert points["2 — Disagree"] == [0.0, 100.0, None, None, 33.3]
    assert likert.means == [4.5, 2.0, None, None, pytest.approx(11 / 3)]


def test_free_text_lists_the_answers(answered, world):
    text = question(selectors.survey_results(world.users["hq"], answered.survey), 3)
    assert text.text_count == 2
    assert sorted(a.text for a in text.texts) == ["Follow-up", "More courses"]


def test_other_respondents_are_shown_separately(answered, world):
    services.response_submit(
        user=None,
        survey=answered.survey,
        organisation=world.organisations["KE-ngo"],
        answers=answered.answers(("D", "E", "F")),
    )
    pick = question(selectors.survey_results(world.users["hq"], answered.survey), 0)
    assert [c.selections for c in pick.columns] == [6, 3, 0, 3, 12]
    assert table(pick)["D"] == [16.7, 0.0, None, 33.3, 16.7]


def test_results_count_only_the_responses_the_reader_sees(answered, world):
    focal = selectors.survey_results(world.users["focal"], answered.survey, base="respondents")
    assert focal.responses == 1
    assert [c.respondents for c in question(focal, 0).columns] == [1, 0, 0, 0, 1]
    assert table(question(focal, 0))["D"] == [0.0, None, None, None, 0.0]
    assert [a.text for a in question(focal, 3).texts] == ["Follow-up"]
    workers = selectors.survey_results(world.users["workers"], answered.survey)
    assert workers.responses == 1 and question(workers, 3).text_count == 1
    assert selectors.survey_results(world.users["office_b"], answered.survey).responses == 0


def test_results_filter_by_group_country_and_region(answered, world):
    user = world.users["hq"]
    ke = selectors.survey_results(user, answered.survey, country=world.countries["KE"])
    assert ke.responses == 2
    assert [c.selections for c in question(ke, 0).columns] == [3, 3, 0, 0, 6]
    government = selectors.survey_results(user, answered.survey, group="government")
    assert government.responses == 2
    africa = world.countries["KE"].region
    assert selectors.survey_results(user, answered.survey, region=africa).responses == 3
    europe = world.countries["FR"].region
    assert selectors.survey_results(user, answered.survey, region=europe).responses == 0


def test_an_unknown_base_falls_back_to_selections(answered, world):
    results = selectors.survey_results(world.users["hq"], answered.survey, base="averages")
    assert results.base == "selections"


def test_results_take_a_handful_of_queries_whatever_the_responses(
    answered, world, django_assert_max_num_queries
):
    user = world.users["hq"]
    with django_assert_max_num_queries(12):
        selectors.survey_results(user, answered.survey)


def test_the_chart_names_its_base_and_draws_one_bar_group_per_option(answered, world):
    user = world.users["hq"]
    for base, title in (
        ("selections", "Share of all selections (%)"),
        ("respondents", "Share of respondents who chose it (%)"),
    ):
        pick = question(selectors.survey_results(user, answered.survey, base=base), 0)
        spec = charts.options_by_group(pick)
        assert spec["encoding"]["x"]["title"] == title
        assert spec["encoding"]["yOffset"]["field"] == "group"
        values = spec["data"]["values"]
        assert len(values) == 6 * 3  # six options × three constituent groups
        assert {v["group"] for v in values} == {"Government", "Workers", "Employers"}
        a_government = next(v for v in values if v["option"] == "A" and v["group"] == "Government")
        assert a_government["percent"] == (33.3 if base == "selections" else 100.0)
    likert = question(selectors.survey_results(user, answered.survey), 2)
    assert (
        charts.likert_by_group(likert)["encoding"]["x"]["title"]
        == "Share of respondents who answered (%)"
    )
