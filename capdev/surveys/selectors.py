"""Reads of constituent surveys, each through the one scoping function.

Results are computed over the responses the reader may see, from counts: every share is a
count over its base (never an average of percentages), and every share says its base.

Bases of a choice question's shares, by constituent group and overall:

* **single choice** — respondents who chose the option / respondents who answered the
  question ("Share of respondents (%)"). Each respondent makes one selection, so this is
  also the share of selections.
* **pick k of n** — two bases, chosen with `base`:
  - ``selections`` (Figure 1's "percentage of all answers"): the option's selections / all
    selections made in the group;
  - ``respondents``: respondents who picked the option / respondents in the group who
    answered the question.
  An option is picked at most once per answer, so its selections *are* the respondents
  who picked it: the numerators are the same and only the denominators differ. With
  exactly k picks each, the selections base is the respondents base divided by k.
* **Likert** — respondents at each point / respondents who answered; the mean is
  Σ value × count / respondents who answered.

Groups are the tripartite ones (government, workers, employers), then other respondents
shown separately, then all respondents together (computed from the counts, not from the
groups' shares).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from capdev.core.models import ConstituentGroup, Country, Region
from capdev.core.scoping import Action, scoped
from capdev.surveys.models import Answer, Likert, Question, Response, Selection, Survey

G = ConstituentGroup
GROUPS = (G.GOVERNMENT, G.WORKERS, G.EMPLOYERS)
ALL = "all"
COLUMN_KEYS = (*GROUPS, G.OTHER, ALL)
COLUMN_LABELS: dict[str, Promise] = {
    G.GOVERNMENT: _("Government"),
    G.WORKERS: _("Workers"),
    G.EMPLOYERS: _("Employers"),
    G.OTHER: _("Other respondents"),
    ALL: _("All respondents"),
}
SELECTIONS, RESPONDENTS = "selections", "respondents"
BASES = (SELECTIONS, RESPONDENTS)
BASE_LABELS: dict[str, Promise] = {
    SELECTIONS: _("Share of all selections (%)"),
    RESPONDENTS: _("Share of respondents who chose it (%)"),
    "single": _("Share of respondents (%)"),
    "likert": _("Share of respondents who answered (%)"),
}
BASE_EXPLANATIONS: dict[str, Promise] = {
    SELECTIONS: _(
        "Each option's selections as a share of all selections made in the group "
        "(as in Figure 1: percentage of all answers)."
    ),
    RESPONDENTS: _(
        "Respondents who picked the option as a share of the group's respondents who "
        "answered the question."
    ),
    "single": _("Respondents who chose the option as a share of those who answered."),
    "likert": _("Respondents at each point of the scale as a share of those who answered."),
}
SURVEY_SORTS = {
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "title": ("title__en", "pk"),
    "-closes": ("-closes", "-pk"),
}


# --- surveys ----------------------------------------------------------------------------


def surveys_for_user(user, action: Action = Action.VIEW) -> QuerySet[Survey]:
    return scoped(user, Survey.objects.select_related("owner_office"), action)


def survey_for_user(user, pk: int, action: Action = Action.VIEW) -> Survey:
    """The survey, or 404 when the user may not see (or `action`) it."""
    try:
        return surveys_for_user(user, action).get(pk=pk)
    except Survey.DoesNotExist:
        raise Http404 from None


def survey_allows(user, survey: Survey, action: Action) -> bool:
    return scoped(user, Survey.objects.filter(pk=survey.pk), action).exists()


def responses_for_user(user, action: Action = Action.VIEW) -> QuerySet[Response]:
    return scoped(
        user, Response.objects.select_related("organisation", "country", "survey"), action
    )


def survey_list_for_user(
    user, *, q: str = "", status: str = "", sort: str = "-created"
) -> QuerySet[Survey]:
    """The surveys the user sees; `q` matches every word in the title (any language) or the
    office. Each carries `question_count` and `response_count` (responses the user sees)."""
    surveys = surveys_for_user(user)
    for word in q.split():
        surveys = surveys.filter(
            Q(title__icontains=word)
            | Q(owner_office__name__icontains=word)
            | Q(owner_office__acronym__iexact=word)
        )
    if status:
        surveys = surveys.filter(status=status)
    visible = responses_for_user(user).values("pk")
    return surveys.annotate(
        question_count=Count("questions", distinct=True),
        response_count=Count("responses", filter=Q(responses__in=visible), distinct=True),
    ).order_by(*SURVEY_SORTS.get(sort, SURVEY_SORTS["-created"]))


def survey_questions(survey: Survey) -> list[Question]:
    return list(survey.questions.prefetch_related("choices").order_by("position"))


# --- responses --------------------------------------------------------------------------


def survey_responses_for_user(
    user,
    survey: Survey,
    *,
    group: str = "",
    country: Country | None = None,
    region: Region | None = None,
    q: str = "",
) -> QuerySet[Response]:
    """The survey's responses the user may see, narrowed by respondent group, country or
    region; `q` matches the organisation's name."""
    responses = responses_for_user(user).filter(survey=survey)
    if group:
        responses = responses.filter(group=group)
    if country is not None:
        responses = responses.filter(country=country)
    if region is not None:
        responses = responses.filter(country__region=region)
    for word in q.split():
        responses = responses.filter(organisation__name__icontains=word)
    return responses


def response_for_user(user, pk: int) -> Response:
    try:
        return responses_for_user(user).select_related("submitted_by").get(pk=pk)
    except Response.DoesNotExist:
        raise Http404 from None


def response_answers(response: Response) -> list[Answer]:
    return list(
        response.answers.select_related("question")
        .prefetch_related("choices")
        .order_by("question__position")
    )


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """`count` over `base`: the figure and what it is a share of."""

    count: int
    base: int

    @property
    def fraction(self) -> float | None:
        return self.count / self.base if self.base else None

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.base if self.base else None


@dataclass(frozen=True)
class Column:
    """A respondent group: how many answered the question, and their selections."""

    key: str
    label: str
    respondents: int
    selections: int


@dataclass(frozen=True)
class Row:
    """One option (or Likert point) across the columns: counts and shares on the base."""

    label: str
    counts: list[int]
    shares: list[Share]
    key: int | None = None


@dataclass
class QuestionResult:
    question: Question
    base: str  # "selections", "respondents", "single", "likert" or "text"
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    # Likert: the mean per column (None where nobody answered).
    means: list[float | None] = field(default_factory=list)
    # Free text: the answers the reader sees, latest first (at most TEXT_LIMIT), and how many.
    texts: list[Answer] = field(default_factory=list)
    text_count: int = 0

    @property
    def base_label(self) -> str:
        return str(BASE_LABELS.get(self.base, ""))

    @property
    def base_explanation(self) -> str:
        return str(BASE_EXPLANATIONS.get(self.base, ""))

    @property
    def answered(self) -> int:
        return self.columns[-1].respondents if self.columns else 0

    def share_of(self, row: Row, column_key: str) -> Share:
        index = [c.key for c in self.columns].index(column_key)
        return row.shares[index]


@dataclass
class SurveyResults:
    survey: Survey
    base: str
    responses: int  # the responses the reader sees, after the filters
    questions: list[QuestionResult]


TEXT_LIMIT = 20


def _by_column(counts: dict[str, int]) -> list[int]:
    """Counts per group in COLUMN_KEYS order, with the total of all groups last."""
    per_group = [counts.get(key, 0) for key in COLUMN_KEYS[:-1]]
    return [*per_group, sum(counts.values())]


def survey_results(
    user,
    survey: Survey,
    *,
    base: str = SELECTIONS,
    group: str = "",
    country: Country | None = None,
    region: Region | None = None,
) -> SurveyResults:
    """Every question's results over the survey's responses the user sees (optionally of one
    group, country or region). `base` ("selections" or "respondents") is the base of the
    pick-k questions' shares. A handful of grouped queries, whatever the number of
    responses."""
    base = base if base in BASES else SELECTIONS
    responses = survey_responses_for_user(user, survey, group=group, country=country, region=region)
    response_ids = responses.values("pk")
    total = responses.count()
    answers = Answer.objects.filter(response__in=response_ids, question__survey=survey)
    answered: dict[int, dict[str, int]] = defaultdict(dict)
    for row in answers.values("question", group=F("response__group")).annotate(n=Count("pk")):
        answered[row["question"]][row["group"]] = row["n"]
    picks = {
        (row["choice"], row["group"]): row["n"]
        for row in Selection.objects.filter(answer__in=answers.values("pk"))
        .values("choice", group=F("answer__response__group"))
        .annotate(n=Count("pk"))
    }
    likert = {
        (row["question"], row["likert"], row["group"]): row["n"]
        for row in answers.filter(likert__isnull=False)
        .values("question", "likert", group=F("response__group"))
        .annotate(n=Count("pk"))
    }
    results = []
    for question in survey_questions(survey):
        respondents = _by_column(answered.get(question.pk, {}))
        if question.has_choices:
            results.append(_choice_result(question, base, respondents, picks))
        elif question.kind == Question.Kind.LIKERT:
            results.append(_likert_result(question, respondents, likert))
        else:
            texts = answers.filter(question=question).exclude(text="")
            results.append(
                QuestionResult(
                    question=question,
                    base="text",
                    columns=_columns(respondents, respondents),
                    texts=list(
                        texts.select_related(
                            "response__organisation", "response__country"
                        ).order_by("-response__submitted_at", "-pk")[:TEXT_LIMIT]
                    ),
                    text_count=texts.count(),
                )
            )
    return SurveyResults(survey=survey, base=base, responses=total, questions=results)


def _columns(respondents: list[int], selections: list[int]) -> list[Column]:
    return [
        Column(key=key, label=str(COLUMN_LABELS[key]), respondents=r, selections=s)
        for key, r, s in zip(COLUMN_KEYS, respondents, selections, strict=True)
    ]


def _choice_result(
    question: Question, base: str, respondents: list[int], picks: dict[tuple[int, str], int]
) -> QuestionResult:
    choices = list(question.choices.all())
    counts = {
        choice.pk: _by_column({g: picks.get((choice.pk, g), 0) for g in COLUMN_KEYS[:-1]})
        for choice in choices
    }
    selections = [sum(column) for column in zip(*counts.values(), strict=True)] or [0] * len(
        COLUMN_KEYS
    )
    if question.kind == Question.Kind.SINGLE:
        base = "single"
    denominators = selections if base == SELECTIONS else respondents
    rows = [
        Row(
            label=str(choice),
            key=choice.pk,
            counts=counts[choice.pk],
            shares=[Share(c, d) for c, d in zip(counts[choice.pk], denominators, strict=True)],
        )
        for choice in choices
    ]
    return QuestionResult(
        question=question, base=base, columns=_columns(respondents, selections), rows=rows
    )


def _likert_result(
    question: Question, respondents: list[int], likert: dict[tuple[int, int, str], int]
) -> QuestionResult:
    rows = []
    sums = [0] * len(COLUMN_KEYS)
    for value, label in Likert.choices:
        counts = _by_column({g: likert.get((question.pk, value, g), 0) for g in COLUMN_KEYS[:-1]})
        sums = [s + value * c for s, c in zip(sums, counts, strict=True)]
        rows.append(
            Row(
                label=f"{value} — {label}",
                key=value,
                counts=counts,
                shares=[Share(c, n) for c, n in zip(counts, respondents, strict=True)],
            )
        )
    means = [s / n if n else None for s, n in zip(sums, respondents, strict=True)]
    return QuestionResult(
        question=question,
        base="likert",
        columns=_columns(respondents, respondents),
        rows=rows,
        means=means,
    )


def figure_values(result: QuestionResult, *, groups: tuple[str, ...] = GROUPS) -> list[dict]:
    """The data of a Figure 1 style chart: one value per option × group, the share in
    percent on the result's base, with its count and base for tooltips and tables."""
    keys = [c.key for c in result.columns]
    values = []
    for order, row in enumerate(result.rows):
        for group in groups:
            index = keys.index(group)
            share = row.shares[index]
            values.append(
                {
                    "option": row.label,
                    "order": order,
                    "group": str(COLUMN_LABELS[group]),
                    "group_key": group,
                    "percent": None if share.percent is None else round(share.percent, 1),
                    "count": share.count,
                    "base": share.base,
                }
            )
    return values


def figure1_question(survey: Survey) -> Question | None:
    """The survey's first pick-k question: the one drawn as Figure 1."""
    return survey.questions.filter(kind=Question.Kind.PICK_K).order_by("position").first()
