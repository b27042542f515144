"""CSV and XLSX exports of a survey: its results (both bases, labelled) and its responses.

Both are computed over the responses the reader may see. Every cell goes through
capdev.lib.spreadsheets.neutralise, so an organisation name or a free-text answer that
starts with =, +, - or @ is shown as text and never run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from capdev.lib.spreadsheets import write_csv_rows, write_xlsx_rows
from capdev.lib.translated import localized
from capdev.surveys import selectors
from capdev.surveys.models import Question, Survey

EXPORTS = ("results", "responses")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _percent(share: selectors.Share) -> float | None:
    return None if share.percent is None else round(share.percent, 2)


def results_header() -> list[str]:
    return [
        _("Question number"),
        _("Question"),
        _("Kind"),
        _("Option"),
        _("Respondent group"),
        _("Respondents who chose it"),
        _("Respondents who answered"),
        _("Share of respondents who chose it (%)"),
        _("All selections in the group"),
        _("Share of all selections (%)"),
        _("Mean (1–5)"),
    ]


def results_rows(user: Any, survey: Survey, **filters: Any) -> Iterator[list[object]]:
    """One row per option (or Likert point) and respondent group, with both bases: for a
    choice question the option's count over the respondents who answered and over all
    selections; for a Likert point, over the respondents who answered (and the mean)."""
    results = selectors.survey_results(user, survey, base=selectors.RESPONDENTS, **filters)
    for number, result in enumerate(results.questions, start=1):
        question = result.question
        if question.kind == Question.Kind.TEXT:
            continue
        for row in result.rows:
            for index, column in enumerate(result.columns):
                count = row.counts[index]
                by_respondents = selectors.Share(count, column.respondents)
                by_selections = selectors.Share(count, column.selections)
                is_choice = question.has_choices
                yield [
                    number,
                    localized(question.label),
                    str(question.get_kind_display()),
                    row.label,
                    column.label,
                    count,
                    column.respondents,
                    _percent(by_respondents),
                    column.selections if is_choice else None,
                    _percent(by_selections) if is_choice else None,
                    None
                    if is_choice or result.means[index] is None
                    else round(result.means[index], 2),
                ]


def responses_header(questions: list[Question]) -> list[str]:
    return [
        _("Response"),
        _("Submitted"),
        _("Source"),
        _("Respondent group"),
        _("Organisation"),
        _("Country"),
        *[f"{n}. {localized(q.label)}" for n, q in enumerate(questions, start=1)],
    ]


def responses_rows(
    user: Any, survey: Survey, questions: list[Question], **filters: Any
) -> Iterator[list[object]]:
    """One row per response the user sees: who answered, then each question's answer
    (chosen options joined by "; ", the Likert value, or the text)."""
    responses = (
        selectors.survey_responses_for_user(user, survey, **filters)
        .select_related("organisation", "country")
        .prefetch_related("answers__choices")
        .order_by("submitted_at", "pk")
    )
    for response in responses.iterator(chunk_size=500):
        by_question = {answer.question_id: answer for answer in response.answers.all()}
        cells: list[object] = []
        for question in questions:
            answer = by_question.get(question.pk)
            if answer is None:
                cells.append(None)
            elif question.has_choices:
                chosen = sorted(answer.choices.all(), key=lambda c: c.position)
                cells.append("; ".join(localized(c.label) for c in chosen))
            elif question.kind == Question.Kind.LIKERT:
                cells.append(answer.likert)
            else:
                cells.append(answer.text)
        yield [
            response.pk,
            response.submitted_at.strftime("%Y-%m-%d %H:%M"),
            str(response.get_source_display()),
            str(response.get_group_display()),
            response.organisation.name if response.organisation else None,
            response.country.iso_alpha2 if response.country else None,
            *cells,
        ]


def export_response(
    user: Any, survey: Survey, *, what: str, fmt: str, filters: dict[str, Any]
) -> HttpResponse:
    """The export as a download: `what` is "results" or "responses", `fmt` "csv" or "xlsx"."""
    if what == "results":
        header, rows = results_header(), results_rows(user, survey, **filters)
        sheet = _("Results")
    else:
        questions = selectors.survey_questions(survey)
        header = responses_header(questions)
        rows = responses_rows(user, survey, questions, **filters)
        sheet = _("Responses")
    if fmt == "csv":
        body: str | bytes = "\ufeff" + write_csv_rows(rows, header=header)
    else:
        body = write_xlsx_rows(rows, header=header, sheet_title=sheet)
    name = f"{slugify(localized(survey.title, 'en'))[:60] or 'survey'}-{what}.{fmt}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
