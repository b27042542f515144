"""Small surveys for the tests, built through the services (user=None: the command line)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from capdev.core.models import Office
from capdev.surveys import services
from capdev.surveys.models import Choice, Question, Survey

OPTIONS = ["A", "B", "C", "D", "E", "F"]


def texts(en: str) -> dict[str, str]:
    return {"en": en, "fr": f"{en} (fr)", "es": f"{en} (es)", "zh": f"{en}（中文）"}


@dataclass
class Fixture:
    survey: Survey
    pick: Question  # pick 3 of 6: A–F
    single: Question  # Yes / No / Maybe
    likert: Question
    text: Question  # optional

    def choice(self, question: Question, en: str) -> Choice:
        return question.choices.get(label__en=en)

    def ids(self, question: Question, *labels: str) -> list[int]:
        return [self.choice(question, label).pk for label in labels]

    def answers(
        self,
        picks: tuple[str, ...] = ("A", "B", "C"),
        single: str | None = "Yes",
        likert: int | None = 4,
        text: str = "",
    ) -> dict[int, dict]:
        return {
            self.pick.pk: {"choices": self.ids(self.pick, *picks)},
            self.single.pk: {"choices": self.ids(self.single, single) if single else []},
            self.likert.pk: {"likert": likert},
            self.text.pk: {"text": text},
        }


def build_survey(
    title: str = "Test survey",
    *,
    status: str = Survey.Status.OPEN,
    office: Office | None = None,
) -> Fixture:
    survey = services.survey_create(
        user=None,
        data={"title": texts(title), "status": Survey.Status.DRAFT, "owner_office": office},
    )
    pick = services.question_create(
        user=None,
        survey=survey,
        data={
            "kind": Question.Kind.PICK_K,
            "k": 3,
            "required": True,
            "label": texts("Choose three approaches"),
            "choices": [texts(option) for option in OPTIONS],
        },
    )
    single = services.question_create(
        user=None,
        survey=survey,
        data={
            "kind": Question.Kind.SINGLE,
            "required": True,
            "label": texts("Did it help?"),
            "choices": [texts(answer) for answer in ("Yes", "No", "Maybe")],
        },
    )
    likert = services.question_create(
        user=None,
        survey=survey,
        data={
            "kind": Question.Kind.LIKERT,
            "required": True,
            "label": texts("It met our needs."),
        },
    )
    text = services.question_create(
        user=None,
        survey=survey,
        data={"kind": Question.Kind.TEXT, "required": False, "label": texts("Anything else?")},
    )
    if status != Survey.Status.DRAFT:
        services.survey_update(user=None, survey=survey, data={"status": status})
    return Fixture(survey=survey, pick=pick, single=single, likert=likert, text=text)


@pytest.fixture
def fixture(world) -> Fixture:
    """An open survey of four questions, with no response yet."""
    return build_survey()
