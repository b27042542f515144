"""Writes of evaluations, their ratings, documents and recommendations, the management
responses and the follow-up actions (§6). Every write checks the writer's scope (see
capdev.learn.scopes); `user=None` is the command line."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capdev.core.models import Country, Office, Role
from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, may_administer_some, scoped, user_grants
from capdev.core.services import _delete, _save
from capdev.diagnose.models import Theme
from capdev.learn import documents
from capdev.learn.models import (
    Criterion,
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    ManagementResponse,
    Rating,
    Recommendation,
)
from capdev.lib.safe_files import UnsafeFile

Actor = AbstractBaseUser | None

EVALUATION_FIELDS = (
    "title",
    "kind",
    "summary",
    "evaluator",
    "managed_by",
    "start",
    "end",
    "themes",
)
EVALUATION_LINKS = ("countries", "organisations", "plans", "activities", "funding_sources")
RECOMMENDATION_FIELDS = ("number", "text", "priority")
ACTION_FIELDS = ("description", "unit", "due", "status", "note")
PROGRESS_FIELDS = ("status", "note")
CLOSED = (FollowUpAction.Status.DONE, FollowUpAction.Status.DROPPED)


def _check(user: Actor, instance: Any, action: Do) -> None:
    if user is not None:
        ensure_in_scope(user, instance, action)


def _may(user: Actor | AnonymousUser, instance: Any, action: Do) -> bool:
    if user is None:
        return True
    model = type(instance)
    return scoped(user, model._default_manager.filter(pk=instance.pk), action).exists()


# --- evaluations ------------------------------------------------------------------------


def evaluation_create_allowed(user: Actor | AnonymousUser) -> bool:
    return user is None or may_administer_some(user, Evaluation)


def _evaluation_clean(evaluation: Evaluation) -> None:
    evaluation.full_clean()
    themes = evaluation.themes
    if not isinstance(themes, list) or any(theme not in Theme.values for theme in themes):
        raise ValidationError({"themes": _("Choose themes from the list.")})
    if evaluation.end and evaluation.end < evaluation.start:
        raise ValidationError({"end": _("The end cannot be before the start.")})


def _write_evaluation(evaluation: Evaluation, user: Actor, data: dict[str, Any]) -> None:
    _save(
        evaluation,
        user=user,
        data=data,
        fields=EVALUATION_FIELDS,
        clean=lambda: _evaluation_clean(evaluation),
    )
    for name in EVALUATION_LINKS:
        if name in data:
            getattr(evaluation, name).set(list(data[name]))
    # Whom it looked at decides where it is seen: the countries of its organisations count.
    chosen = set(evaluation.countries.values_list("pk", flat=True))
    implied = set(evaluation.organisations.values_list("country_id", flat=True))
    if implied - chosen:
        evaluation.countries.add(*Country.objects.filter(pk__in=implied - chosen))
    if "ratings" in data:
        _set_ratings(evaluation, user, data["ratings"], data.get("rating_comments") or {})


@transaction.atomic
def evaluation_create(*, user: Actor, data: dict[str, Any]) -> Evaluation:
    if not evaluation_create_allowed(user):
        raise PermissionDenied(_("Your role does not record evaluations."))
    evaluation = Evaluation()
    _write_evaluation(evaluation, user, data)
    _check(user, evaluation, Do.ADMINISTER)
    return evaluation


@transaction.atomic
def evaluation_update(*, user: Actor, evaluation: Evaluation, data: dict[str, Any]) -> Evaluation:
    _check(user, evaluation, Do.CHANGE)
    _write_evaluation(evaluation, user, data)
    _check(user, evaluation, Do.CHANGE)
    return evaluation


@transaction.atomic
def evaluation_delete(*, user: Actor, evaluation: Evaluation) -> None:
    _check(user, evaluation, Do.ADMINISTER)
    for document in evaluation.documents.all():
        document.file.delete(save=False)
    _delete(evaluation, user=user)


@transaction.atomic
def ratings_set(
    *,
    user: Actor,
    evaluation: Evaluation,
    ratings: dict[str, int | None],
    comments: dict[str, str] | None = None,
) -> list[CriterionRating]:
    """Set the evaluation's ratings, one per criterion (1–6); None or 0 removes one."""
    _check(user, evaluation, Do.CHANGE)
    return _set_ratings(evaluation, user, ratings, comments or {})


def _set_ratings(
    evaluation: Evaluation, user: Actor, ratings: dict[str, Any], comments: dict[str, str]
) -> list[CriterionRating]:
    errors: dict[str, str] = {}
    for criterion, value in ratings.items():
        if criterion not in Criterion.values:
            errors[criterion] = _("“%(criterion)s” is not a criterion.") % {"criterion": criterion}
        elif value not in (None, 0, "") and value not in Rating.values:
            errors[criterion] = _("A rating is a whole number from 1 to 6.")
    if errors:
        raise ValidationError(errors)
    saved = []
    for criterion, value in ratings.items():
        existing = evaluation.ratings.filter(criterion=criterion).first()
        if value in (None, 0, ""):
            if existing:
                _delete(existing, user=user)
            continue
        rating = existing or CriterionRating(evaluation=evaluation, criterion=criterion)
        data = {"rating": int(value), "comment": comments.get(criterion, rating.comment)}
        if existing and existing.rating == data["rating"] and existing.comment == data["comment"]:
            saved.append(existing)
            continue
        _save(rating, user=user, data=data, fields=("rating", "comment"))
        saved.append(rating)
    return saved


@transaction.atomic
def document_upload(
    *, user: Actor, evaluation: Evaluation, title: str, name: str, data: bytes
) -> EvaluationDocument:
    """Attach a PDF or DOCX, its text extracted for search. Refused files store nothing."""
    _check(user, evaluation, Do.CHANGE)
    try:
        media_type, text = documents.extract_text(name, data)
    except UnsafeFile as error:
        raise ValidationError({"file": str(error)}) from None
    title = (title or "").strip() or name.rsplit("/", 1)[-1]
    document = EvaluationDocument(
        evaluation=evaluation,
        title=title[:300],
        media_type=media_type,
        size=len(data),
        text=text,
        uploaded_by=user,
    )
    safe_name = name.replace("\\", "/").rsplit("/", 1)[-1] or "document"
    document.file.save(safe_name, ContentFile(data), save=False)
    try:
        _save(
            document,
            user=user,
            data={},
            fields=(),
            clean=lambda: document.full_clean(exclude=["uploaded_by"]),
        )
    except ValidationError:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_delete(*, user: Actor, document: EvaluationDocument) -> None:
    _check(user, document, Do.CHANGE)
    document.file.delete(save=False)
    _delete(document, user=user)


# --- recommendations --------------------------------------------------------------------


def next_number(evaluation: Evaluation) -> int:
    return (evaluation.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1


def _recommendation_clean(recommendation: Recommendation) -> None:
    try:
        recommendation.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict({})
        general = errors.pop("__all__", [])
        if general:
            errors.setdefault("number", []).append(
                ValidationError(_("This evaluation already has a recommendation of that number."))
            )
        raise ValidationError(errors) from None


def _write_recommendation(
    recommendation: Recommendation, user: Actor, data: dict[str, Any]
) -> None:
    _save(
        recommendation,
        user=user,
        data=data,
        fields=RECOMMENDATION_FIELDS,
        clean=lambda: _recommendation_clean(recommendation),
    )
    if "addressed_to" in data:
        recommendation.addressed_to.set(list(data["addressed_to"]))


@transaction.atomic
def recommendation_create(
    *, user: Actor, evaluation: Evaluation, data: dict[str, Any]
) -> Recommendation:
    _check(user, evaluation, Do.CHANGE)
    data = dict(data)
    if not data.get("number"):
        data["number"] = next_number(evaluation)
    recommendation = Recommendation(evaluation=evaluation)
    _write_recommendation(recommendation, user, data)
    _check(user, recommendation, Do.ADMINISTER)
    return recommendation


@transaction.atomic
def recommendation_update(
    *, user: Actor, recommendation: Recommendation, data: dict[str, Any]
) -> Recommendation:
    _check(user, recommendation, Do.CHANGE)
    _write_recommendation(recommendation, user, data)
    return recommendation


@transaction.atomic
def recommendation_delete(*, user: Actor, recommendation: Recommendation) -> None:
    _check(user, recommendation, Do.ADMINISTER)
    _delete(recommendation, user=user)


# --- management responses ---------------------------------------------------------------


def may_respond(user: Actor | AnonymousUser, recommendation: Recommendation) -> bool:
    """Whether the user records management responses and actions for this recommendation."""
    return user is None or _responder_reaches(user, recommendation)


def _responder_reaches(
    user: AbstractBaseUser | AnonymousUser, recommendation: Recommendation
) -> bool:
    # Responses follow their recommendation's evaluation: a responder who may change a
    # follow-up row of this recommendation reaches it. Checked on the evaluation's scope.
    from capdev.learn.scopes import RESPONDERS

    if not any(grant.role in RESPONDERS for grant in user_grants(user)):
        return False
    return scoped(user, Evaluation.objects.filter(pk=recommendation.evaluation_id)).exists()


@transaction.atomic
def response_set(
    *, user: Actor, recommendation: Recommendation, decision: str, reasons: str = ""
) -> ManagementResponse:
    """Record (or change) the management response to a recommendation."""
    if user is not None and not _responder_reaches(user, recommendation):
        raise PermissionDenied(_("Only HQ and administrators record management responses."))
    reasons = (reasons or "").strip()
    if decision not in ManagementResponse.Decision.values:
        raise ValidationError(
            {"decision": _("Choose accepted, partially accepted or not accepted.")}
        )
    if decision != ManagementResponse.Decision.ACCEPTED and not reasons:
        raise ValidationError(
            {"reasons": _("Give the reasons when a recommendation is not fully accepted.")}
        )
    try:
        response = ManagementResponse.objects.get(recommendation=recommendation)
    except ManagementResponse.DoesNotExist:
        response = ManagementResponse(recommendation=recommendation)
    _save(
        response,
        user=user,
        data={"decision": decision, "reasons": reasons, "responded_by": user},
        fields=("decision", "reasons", "responded_by"),
        clean=lambda: response.full_clean(exclude=["responded_by"]),
    )
    _check(user, response, Do.CHANGE)
    return response


# --- follow-up actions ------------------------------------------------------------------


def _unit_staff_of(user: AbstractBaseUser | AnonymousUser, unit_id: int) -> bool:
    return any(
        grant.role == Role.OFFICE and grant.office_id == unit_id for grant in user_grants(user)
    )


def may_update_progress(user: Actor | AnonymousUser, action: FollowUpAction) -> bool:
    """Whether the user may update the status and note of the action: HQ and administrators,
    and the staff of the unit it is assigned to (who see their unit's actions even outside
    their countries, see selectors.action_for_user)."""
    if user is None or _may(user, action, Do.CHANGE):
        return True
    return _unit_staff_of(user, action.unit_id)


def progress_units(user: AbstractBaseUser | AnonymousUser) -> set[int] | None:
    """The units whose actions (among those the user sees) the user may update: None for
    all (HQ and administrators), else the offices of the user's office grants."""
    from capdev.learn.scopes import RESPONDERS

    grants = user_grants(user)
    if any(grant.role in RESPONDERS for grant in grants):
        return None
    return {g.office_id for g in grants if g.role == Role.OFFICE and g.office_id}


def may_change_action(user: Actor | AnonymousUser, action: FollowUpAction) -> bool:
    return _may(user, action, Do.CHANGE)


def _action_clean(action: FollowUpAction) -> None:
    action.full_clean()


def _set_completion(action: FollowUpAction, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    status = data.get("status", action.status)
    if status == FollowUpAction.Status.DONE:
        data["completed_at"] = action.completed_at or timezone.localdate()
    else:
        data["completed_at"] = None
    return data


@transaction.atomic
def action_create(
    *, user: Actor, recommendation: Recommendation, data: dict[str, Any]
) -> FollowUpAction:
    if user is not None and not _responder_reaches(user, recommendation):
        raise PermissionDenied(_("Only HQ and administrators assign follow-up actions."))
    action = FollowUpAction(recommendation=recommendation)
    data = _set_completion(action, data)
    _save(action, user=user, data=data, fields=(*ACTION_FIELDS, "completed_at"))
    _check(user, action, Do.ADMINISTER)
    return action


@transaction.atomic
def action_update(*, user: Actor, action: FollowUpAction, data: dict[str, Any]) -> FollowUpAction:
    """Change an action: HQ and administrators change everything; the unit's own staff
    change only its status and progress note."""
    if may_change_action(user, action):
        fields: tuple[str, ...] = ACTION_FIELDS
    elif user is not None and may_update_progress(user, action):
        fields = PROGRESS_FIELDS
        others = sorted(
            name
            for name in set(data) - set(PROGRESS_FIELDS)
            if name in ACTION_FIELDS and data[name] != getattr(action, name)
        )
        if others:
            raise PermissionDenied(
                _("Your unit updates the status and note of its actions, not the other fields.")
            )
    else:
        raise PermissionDenied(_("Only the unit responsible, HQ and administrators update it."))
    data = _set_completion(action, {k: v for k, v in data.items() if k in fields})
    _save(action, user=user, data=data, fields=(*fields, "completed_at"))
    return action


@transaction.atomic
def action_delete(*, user: Actor, action: FollowUpAction) -> None:
    _check(user, action, Do.ADMINISTER)
    _delete(action, user=user)


def is_overdue(action: FollowUpAction, today: datetime.date | None = None) -> bool:
    return action.status not in CLOSED and action.due < (today or timezone.localdate())


# --- reminders --------------------------------------------------------------------------


@dataclass
class Reminder:
    unit: Office
    actions: list[FollowUpAction]
    recipients: list[str]
    subject: str
    body: str


def _reminder_text(unit: Office, actions: list[FollowUpAction], today: datetime.date) -> str:
    lines = [
        _("Follow-up actions assigned to %(unit)s are overdue:") % {"unit": unit},
        "",
    ]
    for action in actions:
        recommendation = action.recommendation
        late = (today - action.due).days
        lines.append(
            ngettext(
                "- %(action)s (due %(due)s, %(days)s day late; %(evaluation)s, "
                "recommendation %(n)s)",
                "- %(action)s (due %(due)s, %(days)s days late; %(evaluation)s, "
                "recommendation %(n)s)",
                late,
            )
            % {
                "action": action.description,
                "due": action.due.isoformat(),
                "days": late,
                "evaluation": recommendation.evaluation.title,
                "n": recommendation.number,
            }
        )
    lines += ["", _("Please update their status in capdev (Learn › Recommendation tracker).")]
    return "\n".join(lines)


def unit_staff_emails(unit: Office) -> list[str]:
    """The e-mail addresses of the unit's active staff (users with an OFFICE grant on it)."""
    User = get_user_model()
    users = User.objects.filter(
        is_active=True,
        grants__role=Role.OFFICE,
        grants__office=unit,
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def remind_overdue(*, today: datetime.date | None = None, send: bool = True) -> list[Reminder]:
    """One reminder per unit with overdue open actions: e-mailed to the unit's staff that
    have an address (when `send`), and the actions marked reminded."""
    from capdev.learn.selectors.evaluations import overdue_to_remind

    today = today or timezone.localdate()
    reminders = []
    for unit, actions in overdue_to_remind(today).items():
        reminder = Reminder(
            unit=unit,
            actions=actions,
            recipients=unit_staff_emails(unit),
            subject=ngettext(
                "capdev: %(count)s overdue follow-up action for %(unit)s",
                "capdev: %(count)s overdue follow-up actions for %(unit)s",
                len(actions),
            )
            % {"count": len(actions), "unit": unit},
            body=_reminder_text(unit, actions, today),
        )
        reminders.append(reminder)
        if not send:
            continue
        if reminder.recipients:
            send_mail(reminder.subject, reminder.body, None, reminder.recipients)
        now = timezone.now()
        FollowUpAction.objects.filter(pk__in=[a.pk for a in actions]).update(reminded_at=now)
    return reminders
