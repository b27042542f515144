"""The demo survey: §8's approaches in four languages, ~300 synthetic responses, and a
Figure 1 that matches an independent count of the selection rows."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

from capdev.surveys import demo, selectors, services
from capdev.surveys.models import Answer, Question, Response, Selection, Survey

# The approaches §8 names, as the demo words them in English (written out by hand).
SECTION_8 = [
    "Ownership by the constituents",
    "Accountability",
    "Alignment with national priorities",
    "Direct participation of beneficiary organisations in planning, implementation and evaluation",
    "Support to local training providers",
    "Opportunities to apply the skills acquired",
]


@pytest.fixture
def seeded(world) -> Survey:
    started = time.perf_counter()
    count = demo.seed(
        rng=random.Random(0),
        organisations=list(world.organisations.values()),
        offices=list(world.offices.values()),
    )
    assert time.perf_counter() - started < 10
    assert count == 300
    return Survey.objects.get()


def test_the_demo_survey_is_labelled_synthetic_and_open(seeded):
    assert seeded.title["en"] == "Constituent capacity-development survey (demo)"
    assert seeded.description["en"].startswith("Synthetic demo record.")
    assert seeded.status == Survey.Status.OPEN
    assert seeded.owner_office.acronym == "ACTRAV"  # the world's one HQ department


def test_its_pick_3_question_offers_exactly_the_approaches_of_section_8(seeded):
    kinds = list(seeded.questions.order_by("position").values_list("kind", "k", "required"))
    assert kinds == [
        ("pick_k", 3, True),
        ("single", None, True),
        ("likert", None, True),
        ("text", None, False),
    ]
    pick = seeded.questions.get(kind=Question.Kind.PICK_K)
    assert [c.label["en"] for c in pick.choices.order_by("position")] == SECTION_8
    for item in [seeded, *seeded.questions.all(), *pick.choices.all()]:
        label = getattr(item, "title", None) or item.label
        assert set(label) == {"en", "fr", "es", "zh"} and all(label.values()), label


def test_responses_come_from_the_three_groups_and_others_with_valid_answers(seeded):
    groups = Counter(Response.objects.values_list("group", flat=True))
    assert groups == {"government": 105, "workers": 90, "employers": 90, "other": 15}
    assert set(Response.objects.values_list("source", flat=True)) == {"demo"}
    assert (
        not Response.objects.exclude(group__in=["other"])
        .filter(organisation__group="other")
        .exists()
    )
    assert all(
        r.group == r.organisation.group for r in Response.objects.select_related("organisation")
    )
    picks = Counter(
        Selection.objects.filter(answer__question__kind="pick_k").values_list("answer", flat=True)
    )
    assert set(picks.values()) == {3} and len(picks) == 300
    # Every synthetic response passes the checks a real one would.
    for response in Response.objects.prefetch_related("answers__choices")[:60]:
        answers = {
            a.question_id: {
                "choices": [c.pk for c in a.choices.all()],
                "likert": a.likert,
                "text": a.text,
            }
            for a in response.answers.all()
        }
        errors, _ = services.answer_errors(seeded, answers)
        assert errors == {}, errors


def test_figure_1_matches_an_independent_count_of_the_selection_rows(seeded, world):
    pick = seeded.questions.get(kind=Question.Kind.PICK_K)
    result = selectors.survey_results(world.users["hq"], seeded).questions[0]
    assert result.question == pick
    # Counted here row by row, without the selector's queries.
    by_option: Counter[tuple[str, str]] = Counter()
    by_group: Counter[str] = Counter()
    for selection in Selection.objects.filter(choice__question=pick).select_related(
        "choice", "answer__response"
    ):
        group = selection.answer.response.group
        by_option[(selection.choice.label["en"], group)] += 1
        by_group[group] += 1
    assert sum(by_group.values()) == 900
    labels = {"government": "Government", "workers": "Workers", "employers": "Employers"}
    values = selectors.figure_values(result)
    assert len(values) == 6 * 3
    for value in values:
        group = next(key for key, label in labels.items() if label == value["group"])
        count = by_option[(value["option"], group)]
        assert (value["count"], value["base"]) == (count, by_group[group])
        assert value["percent"] == round(100 * count / by_group[group], 1)


def test_in_the_demo_the_first_four_approaches_lead_in_every_group(seeded, world):
    """Invented preferences with §8's shape: the views of the three groups agree, and the
    first four approaches are the main ones."""
    result = selectors.survey_results(world.users["hq"], seeded).questions[0]
    for index in range(3):  # government, workers, employers
        shares = [row.shares[index].percent for row in result.rows]
        assert min(shares[:4]) > max(shares[4:])


def test_the_demo_is_the_same_every_time_and_reset_removes_it(seeded, world):
    first = sorted(Selection.objects.values_list("choice__label__en", "answer__response__group"))
    demo.reset()
    assert not any(
        model.objects.exists() for model in (Survey, Question, Response, Answer, Selection)
    )
    assert not Survey.history.exists() and not Selection.history.exists()
    demo.seed(
        rng=random.Random(99),
        organisations=list(world.organisations.values()),
        offices=list(world.offices.values()),
    )
    again = sorted(Selection.objects.values_list("choice__label__en", "answer__response__group"))
    assert again == first
