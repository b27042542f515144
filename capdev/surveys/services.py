"""Writes of constituent surveys: surveys and their questions (the Office's), and responses.

Every write checks the writer's scope (see scopes.py) inside its transaction; `user=None` is
the command line and the demo. A refused or invalid write changes nothing.

**Pick k of n means exactly k.** The question behind Figure 1 asked respondents to choose
three approaches, and the figure reads each approach's selections as a share of all answers.
With exactly k picks every respondent weighs the same (k selections each), so the share of
selections is the share of respondents divided by k and the two bases rank the approaches
identically, and groups that answer more sparingly do not count less. "At most k" would let
a respondent who picks one approach weigh a third of one who picks three, and make the
share of selections incomparable between groups. A pick-k question that is not required may
be left out entirely (no selection), but an answer to it has exactly k choices.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capdev.core.models import ConstituentGroup, Country, Organisation
from capdev.core.scoping import Action, ensure_in_scope, may_administer_some, user_grants
from capdev.core.services import _delete, _save
from capdev.lib.translated import LANGUAGES
from capdev.surveys.models import (
    LIKERT_MAX,
    LIKERT_MIN,
    Answer,
    Choice,
    Question,
    Response,
    Selection,
    Survey,
)
from capdev.surveys.scopes import RESPONSE_DELETERS

User = AbstractBaseUser | None

SURVEY_FIELDS = ("title", "description", "status", "opens", "closes", "owner_office")
QUESTION_FIELDS = ("kind", "k", "label", "required")
MAX_TEXT = 5_000
LOCKED = gettext_lazy(
    "This survey has responses: its questions and choices can no longer change, so that "
    "every answer keeps the meaning it was given."
)
NEEDS_ANSWER = gettext_lazy("This question needs an answer.")


def _check(user: User, instance: Any, action: Action) -> None:
    if user is not None:
        ensure_in_scope(user, instance, action)


def _texts(value: Mapping[str, str] | None) -> dict[str, str]:
    """Translated text with only the known languages, trimmed, empty ones left out."""
    return {
        code: str(value[code]).strip()
        for code in LANGUAGES
        if value and value.get(code) and str(value[code]).strip()
    }


# --- surveys ----------------------------------------------------------------------------


def survey_create_allowed(user: User) -> bool:
    return user is None or may_administer_some(user, Survey)


def _survey_clean(survey: Survey) -> None:
    """The model's checks (a form checks them too), and the English title: the model keeps
    translated text as JSON, which a form edits field by field, so the services check it."""
    if not (survey.title or {}).get("en"):
        raise ValidationError({"title": _("Give the title in English at least.")})
    survey.full_clean()
    if survey.pk is None:
        return
    has_responses = survey.responses.exists()
    if survey.status == Survey.Status.DRAFT and has_responses:
        raise ValidationError(
            {"status": _("A survey that has responses cannot go back to draft; close it instead.")}
        )
    if survey.status == Survey.Status.OPEN and not survey.questions.exists():
        raise ValidationError({"status": _("Add at least one question before opening the survey.")})


def _write_survey(survey: Survey, user: User, data: dict[str, Any], action: Action) -> None:
    data = dict(data)
    for name in ("title", "description"):
        if name in data:
            data[name] = _texts(data[name])
    if survey.pk is None and data.get("status", Survey.Status.DRAFT) == Survey.Status.OPEN:
        raise ValidationError({"status": _("Add at least one question before opening the survey.")})
    _save(survey, user=user, data=data, fields=SURVEY_FIELDS, clean=lambda: _survey_clean(survey))
    _check(user, survey, action)


@transaction.atomic
def survey_create(*, user: User, data: dict[str, Any]) -> Survey:
    """A new survey (a draft unless `data` says otherwise): admin, HQ and office staff."""
    if not survey_create_allowed(user):
        raise PermissionDenied(_("Surveys are run by the Office: your role does not create them."))
    survey = Survey()
    _write_survey(survey, user, data, Action.ADMINISTER)
    return survey


@transaction.atomic
def survey_update(*, user: User, survey: Survey, data: dict[str, Any]) -> Survey:
    """Title, description, dates, office and status (draft → open → closed, or reopened)."""
    _check(user, survey, Action.CHANGE)
    _write_survey(survey, user, data, Action.CHANGE)
    return survey


@transaction.atomic
def survey_delete(*, user: User, survey: Survey) -> None:
    _check(user, survey, Action.ADMINISTER)
    if survey.responses.exists():
        raise ValidationError(
            _("This survey has responses and cannot be deleted; close it instead.")
        )
    for question in survey.questions.all():
        _delete_question(question, user)
    _delete(survey, user=user)


# --- questions and choices --------------------------------------------------------------


def _ensure_unlocked(survey: Survey) -> None:
    """The definition is frozen once anyone has answered (responses the user cannot see
    count too: they are answers to these words)."""
    if survey.responses.exists():
        raise ValidationError(LOCKED)


def _choice_texts(choices: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    return [_texts(choice) for choice in choices]


def _question_errors(question: Question, choices: list[dict[str, str]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if question.has_choices:
        if any(not choice.get("en") for choice in choices):
            errors["choices"] = _("Give every choice in English at least.")
        elif len(choices) < 2:
            errors["choices"] = _("Give at least two choices.")
        elif len({choice["en"].casefold() for choice in choices}) < len(choices):
            errors["choices"] = _("Two choices have the same English wording.")
        if (
            question.kind == Question.Kind.PICK_K
            and question.k
            and "choices" not in errors
            and question.k >= len(choices)
        ):
            errors["k"] = ngettext(
                "With %(n)d choice, k must be less than %(n)d.",
                "With %(n)d choices, k must be less than %(n)d.",
                len(choices),
            ) % {"n": len(choices)}
    elif choices:
        errors["choices"] = _("Only single-choice and pick-k-of-n questions have choices.")
    return errors


def _write_choices(question: Question, choices: list[dict[str, str]], user: User) -> None:
    """Keep the choices in the given order: existing rows are reworded in place by
    position, extra ones added, missing ones deleted."""
    existing = list(question.choices.order_by("position"))
    for position, label in enumerate(choices, start=1):
        if position <= len(existing):
            choice = existing[position - 1]
            if choice.label != label:
                _save(choice, user=user, data={"label": label}, fields=("label",))
        else:
            _save(
                Choice(question=question, position=position),
                user=user,
                data={"label": label},
                fields=("label",),
            )
    for choice in existing[len(choices) :]:
        _delete(choice, user=user)


def _write_question(question: Question, user: User, data: dict[str, Any]) -> None:
    data = dict(data)
    if "label" in data:
        data["label"] = _texts(data["label"])
    if data.get("kind", question.kind) != Question.Kind.PICK_K:
        data["k"] = None
    if "choices" in data:
        choices = _choice_texts(data.pop("choices"))
    else:
        choices = [c.label for c in question.choices.order_by("position")] if question.pk else []
    for name in QUESTION_FIELDS:
        if name in data:
            setattr(question, name, data[name])
    if not question.has_choices:
        choices = []
    errors: dict[str, list[str]] = {}
    if not (question.label or {}).get("en"):
        errors["label"] = [_("Give the question in English at least.")]
    try:
        question.full_clean(exclude=["position"] if question.position is None else None)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name, message in _question_errors(question, choices).items():
        errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)
    question._history_user = user  # type: ignore[attr-defined]
    question.save()
    _write_choices(question, choices, user)


@transaction.atomic
def question_create(*, user: User, survey: Survey, data: dict[str, Any]) -> Question:
    """Add a question at the end: `data` holds kind, k, required, label ({en, fr, es, zh})
    and, for choice questions, `choices` (a list of such labels, in order)."""
    _check(user, survey, Action.CHANGE)
    _ensure_unlocked(survey)
    last = survey.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question(survey=survey, position=last + 1)
    _write_question(question, user, data)
    return question


@transaction.atomic
def question_update(*, user: User, question: Question, data: dict[str, Any]) -> Question:
    _check(user, question, Action.CHANGE)
    _ensure_unlocked(question.survey)
    _write_question(question, user, data)
    return question


def _delete_question(question: Question, user: User) -> None:
    for choice in question.choices.all():
        _delete(choice, user=user)
    _delete(question, user=user)


@transaction.atomic
def question_delete(*, user: User, question: Question) -> None:
    _check(user, question, Action.CHANGE)
    survey = question.survey
    _ensure_unlocked(survey)
    _delete_question(question, user)
    # Close the gap, so positions stay 1..n.
    for position, later in enumerate(survey.questions.order_by("position"), start=1):
        if later.position != position:
            _save(later, user=user, data={"position": position}, fields=("position",))


@transaction.atomic
def question_move(*, user: User, question: Question, direction: str) -> Question:
    """Swap the question with the one before ("up") or after ("down") it."""
    _check(user, question, Action.CHANGE)
    _ensure_unlocked(question.survey)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a question up or down."))
    siblings = question.survey.questions.exclude(pk=question.pk)
    neighbour = (
        siblings.filter(position__lt=question.position).order_by("-position").first()
        if direction == "up"
        else siblings.filter(position__gt=question.position).order_by("position").first()
    )
    if neighbour is None:
        return question
    mine, theirs = question.position, neighbour.position
    # Positions are unique per survey: park the question past the end while swapping.
    parked = (question.survey.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    for row, position in ((question, parked), (neighbour, mine), (question, theirs)):
        _save(row, user=user, data={"position": position}, fields=("position",))
    return question


# --- responses --------------------------------------------------------------------------


def survey_accepts_responses(survey: Survey, today: datetime.date | None = None) -> str:
    """Why the survey takes no answers now, or "" when it does."""
    today = today or timezone.localdate()
    if survey.status != Survey.Status.OPEN:
        return _("This survey is not open for answers.")
    if survey.opens and today < survey.opens:
        return _("This survey opens on %(date)s.") % {"date": survey.opens.isoformat()}
    if survey.closes and today > survey.closes:
        return _("This survey closed on %(date)s.") % {"date": survey.closes.isoformat()}
    return ""


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _chosen(question: Question, given: object, options: dict[int, Choice]) -> list[Choice]:
    """The choices named by `given` (Choice objects or ids); ValidationError if any is not
    one of the question's, or is named twice."""
    picked: list[Choice] = []
    for value in given or []:  # type: ignore[union-attr]
        pk = value.pk if isinstance(value, Choice) else _as_int(value)
        if pk not in options:
            raise ValidationError(
                _("“%(value)s” is not one of this question's options.") % {"value": value}
            )
        picked.append(options[pk])
    if len({c.pk for c in picked}) < len(picked):
        raise ValidationError(_("Choose each option only once."))
    return picked


def _answer_error(question: Question, answer: Mapping[str, Any], options: dict[int, Choice]):
    """(error message or "", the answer's values to store or None when unanswered)."""
    choices = answer.get("choices") or []
    likert = answer.get("likert")
    text = str(answer.get("text") or "").strip()
    if question.has_choices:
        if likert not in (None, "") or text:
            return _("Answer this question by choosing among its options."), None
        try:
            picked = _chosen(question, choices, options)
        except ValidationError as error:
            return error.messages[0], None
        if not picked:
            return (NEEDS_ANSWER if question.required else ""), None
        if question.kind == Question.Kind.SINGLE and len(picked) != 1:
            return _("Choose one option only."), None
        if question.kind == Question.Kind.PICK_K and len(picked) != question.k:
            return ngettext(
                "Choose exactly %(k)d option (you chose %(n)d).",
                "Choose exactly %(k)d options (you chose %(n)d).",
                question.k,
            ) % {"k": question.k, "n": len(picked)}, None
        return "", {"choices": picked}
    if choices:
        return _("This question has no options to choose from."), None
    if question.kind == Question.Kind.LIKERT:
        if text:
            return _("Answer this question with a value from 1 to 5."), None
        if likert in (None, ""):
            return (NEEDS_ANSWER if question.required else ""), None
        value = _as_int(likert)
        if value is None or not LIKERT_MIN <= value <= LIKERT_MAX:
            return _(
                "Give a value from 1 (strongly disagree) to 5 (strongly agree), not “%(value)s”."
            ) % {"value": likert}, None
        return "", {"likert": value}
    if likert not in (None, ""):
        return _("This question is answered in words, not with a value."), None
    if not text:
        return (NEEDS_ANSWER if question.required else ""), None
    if len(text) > MAX_TEXT:
        return _("Keep the answer under %(n)s characters.") % {"n": f"{MAX_TEXT:,}"}, None
    return "", {"text": text}


def answer_errors(
    survey: Survey, answers: Mapping[int, Mapping[str, Any]]
) -> tuple[dict[str, str], dict[int, dict[str, Any]]]:
    """Check every question's answer: ({"q<id>": message}, {question id: values to store}).

    `answers` maps question ids to {"choices": [ids or Choice], "likert": 1–5, "text": ""};
    a question left out is unanswered. Ids that are not questions of the survey are reported
    under "answers".
    """
    questions = list(survey.questions.prefetch_related("choices").order_by("position"))
    known = {q.pk for q in questions}
    errors: dict[str, str] = {}
    unknown = [str(pk) for pk in answers if pk not in known]
    if unknown:
        errors["answers"] = ngettext(
            "Question %(ids)s is not part of this survey.",
            "Questions %(ids)s are not part of this survey.",
            len(unknown),
        ) % {"ids": ", ".join(unknown)}
    values: dict[int, dict[str, Any]] = {}
    for question in questions:
        options = {choice.pk: choice for choice in question.choices.all()}
        message, stored = _answer_error(question, answers.get(question.pk) or {}, options)
        if message:
            errors[f"q{question.pk}"] = message
        elif stored is not None:
            values[question.pk] = stored
    return errors, values


def _respondent(
    organisation: Organisation | None, group: str, country: Country | None
) -> tuple[str, Country | None, dict[str, str]]:
    """The respondent's group and country: the organisation's when there is one."""
    errors: dict[str, str] = {}
    if organisation is not None:
        if group and group != organisation.group:
            errors["group"] = _("The respondent's group is their organisation's (%(group)s).") % {
                "group": ConstituentGroup(organisation.group).label
            }
        if country is not None and country.pk != organisation.country_id:
            errors["country"] = _(
                "The respondent's country is their organisation's (%(country)s)."
            ) % {"country": organisation.country}
        return organisation.group, organisation.country, errors
    if not group:
        errors["group"] = _(
            "Say which constituent group the respondent belongs to, or choose their organisation."
        )
    elif group not in ConstituentGroup.values:
        errors["group"] = _("“%(value)s” is not a constituent group.") % {"value": group}
    return group, country, errors


def responses_follow_organisation(organisation: Organisation, *, user: User = None) -> int:
    """Give the organisation's survey responses its current country and constituent group.

    A response with an organisation is scoped and counted by the country and group stored on
    it (copied at submission); when the organisation moves country or group, its responses
    move with it, so the office of its new country sees them (and counts them in results)
    and the office of the old one no longer does. Each moved response is saved on its own,
    so its change history records the move (by `user`, the one who moved the organisation).
    Returns how many responses moved. Called by the
    post_save receiver on Organisation (capdev.surveys.receivers); no scope check here: the
    organisation's own change was checked.
    """
    moved = 0
    responses = Response.objects.filter(organisation=organisation).exclude(
        country_id=organisation.country_id, group=organisation.group
    )
    for response in responses:
        response.country_id = organisation.country_id
        response.group = organisation.group
        response._history_user = user  # type: ignore[attr-defined]  (read by simple-history)
        response.save(update_fields=["country", "group"])
        moved += 1
    return moved


@transaction.atomic
def response_submit(
    *,
    user: User,
    survey: Survey,
    answers: Mapping[int, Mapping[str, Any]],
    organisation: Organisation | None = None,
    group: str = "",
    country: Country | None = None,
    source: str = Response.Source.BROWSER,
    submitted_at: datetime.datetime | None = None,
) -> Response:
    """Record one respondent's answers, all or nothing.

    The respondent's constituent group and country are those of their organisation when
    there is one; otherwise `group` is required. Every question is checked (single choice:
    exactly one option; pick k: exactly k; Likert: 1–5; text: at most 5,000 characters;
    required questions answered) and every problem is reported at once, keyed "q<id>"; the
    response must lie in the writer's scope (a focal point answers for their own
    organisation).
    """
    closed = survey_accepts_responses(survey)
    if closed:
        raise ValidationError(closed)
    group, country, errors = _respondent(organisation, group, country)
    question_errors, values = answer_errors(survey, answers)
    errors |= question_errors
    if errors:
        raise ValidationError(errors)
    response = Response(
        survey=survey,
        group=group,
        organisation=organisation,
        country=country,
        submitted_at=submitted_at or timezone.now(),
        submitted_by=user,
        source=source,
    )
    _save(response, user=user, data={}, fields=())
    _check(user, response, Action.ADMINISTER)
    for question_id, stored in values.items():
        answer = Answer(
            response=response,
            question_id=question_id,
            likert=stored.get("likert"),
            text=stored.get("text", ""),
        )
        _save(answer, user=user, data={}, fields=(), clean=lambda: None)
        for choice in stored.get("choices", []):
            _save(
                Selection(answer=answer, choice=choice),
                user=user,
                data={},
                fields=(),
                clean=lambda: None,
            )
    return response


def response_delete_allowed(user: User) -> bool:
    return user is None or any(g.role in RESPONSE_DELETERS for g in user_grants(user))


@transaction.atomic
def response_delete(*, user: User, response: Response) -> None:
    """Remove a response (a test, a duplicate): admin and HQ only."""
    if not response_delete_allowed(user):
        raise PermissionDenied(_("Only administrators and HQ staff delete survey responses."))
    _check(user, response, Action.VIEW)
    for answer in response.answers.all():
        for selection in answer.selections.all():
            _delete(selection, user=user)
        _delete(answer, user=user)
    _delete(response, user=user)
