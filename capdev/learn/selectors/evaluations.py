"""Reads of evaluations, recommendations and follow-up actions, always scoped (see
capdev.learn.scopes)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from capdev.core.models import Office, Role
from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped, user_grants
from capdev.learn.models import (
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    ManagementResponse,
    Recommendation,
)

User = AbstractBaseUser | AnonymousUser
OPEN = Q(status__in=[FollowUpAction.Status.PLANNED, FollowUpAction.Status.IN_PROGRESS])
EVALUATION_SORTS = {
    "-start": ("-start", "-pk"),
    "start": ("start", "pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "kind": ("kind", "-start", "pk"),
}
RESPONSE_PENDING = "pending"


def evaluation_list_for_user(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    country: object = None,
    region: object = None,
    year: int | None = None,
    sort: str = "",
) -> QuerySet[Evaluation]:
    rows = scoped(user, Evaluation.objects.all())
    for word in (q or "").split():
        rows = rows.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(evaluator__icontains=word)
        )
    if kind:
        rows = rows.filter(kind=kind)
    if isinstance(country, str):  # an ISO code (the API)
        rows = rows.filter(countries__iso_alpha2=country.upper())
    elif country:
        rows = rows.filter(countries=country)
    if isinstance(region, str):
        rows = rows.filter(countries__region__code=region.upper())
    elif region:
        rows = rows.filter(countries__region=region)
    if year:
        rows = rows.filter(start__year__lte=year).filter(
            Q(end__year__gte=year) | Q(end__isnull=True, start__year=year)
        )
    # Filtering across to-many relations may repeat a row: keep each evaluation once.
    ids = rows.values("pk")
    return (
        Evaluation.objects.filter(pk__in=ids)
        .order_by(*EVALUATION_SORTS.get(sort, EVALUATION_SORTS["-start"]))
        .select_related("managed_by")
        .prefetch_related("countries")
    )


def evaluation_for_user(user: User, pk: int) -> Evaluation:
    evaluation = scoped(user, Evaluation.objects.filter(pk=pk)).first()
    if evaluation is None:
        raise Http404
    return evaluation


def allows(user: User, instance: object, action: Do) -> bool:
    model = type(instance)
    return scoped(user, model._default_manager.filter(pk=instance.pk), action).exists()  # type: ignore[attr-defined]


def documents_for_user(user: User, evaluation: Evaluation) -> QuerySet[EvaluationDocument]:
    return scoped(user, EvaluationDocument.objects.filter(evaluation=evaluation)).defer("text")


def document_for_user(user: User, pk: int) -> EvaluationDocument:
    document = scoped(user, EvaluationDocument.objects.filter(pk=pk)).first()
    if document is None:
        raise Http404
    return document


def recommendation_for_user(user: User, pk: int) -> Recommendation:
    recommendation = (
        scoped(user, Recommendation.objects.filter(pk=pk)).select_related("evaluation").first()
    )
    if recommendation is None:
        raise Http404
    return recommendation


def _unit_ids(user: User) -> list[int]:
    return [g.office_id for g in user_grants(user) if g.role == Role.OFFICE and g.office_id]


def _visible_actions(user: User, rows: QuerySet[FollowUpAction]) -> QuerySet[FollowUpAction]:
    """`rows` the user sees: those in scope, and those assigned to one of the user's own units
    (OFFICE grants) whatever the evaluation's countries (an HQ bureau covers none; an
    evaluation may assign an action to an office outside its countries). The unit's staff
    see such an action with its recommendation's text and its evaluation's title only."""
    in_scope = scoped(user, rows)
    units = _unit_ids(user)
    if not units:
        return in_scope
    return rows.filter(Q(pk__in=in_scope.values("pk")) | Q(unit__in=units))


def action_for_user(user: User, pk: int) -> FollowUpAction:
    action = (
        _visible_actions(user, FollowUpAction.objects.filter(pk=pk))
        .select_related("recommendation__evaluation", "unit")
        .first()
    )
    if action is None:
        raise Http404
    return action


def _overdue_q(today: datetime.date) -> Q:
    return OPEN & Q(due__lt=today)


def actions_for_user(
    user: User,
    *,
    unit: object = None,
    status: str = "",
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[FollowUpAction]:
    today = today or timezone.localdate()
    rows = _visible_actions(user, FollowUpAction.objects.all())
    if unit:
        rows = rows.filter(unit=unit)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(_overdue_q(today))
    seen = scoped(user, Evaluation.objects.filter(pk=OuterRef("recommendation__evaluation_id")))
    return (
        FollowUpAction.objects.filter(pk__in=rows.values("pk"))
        .select_related("unit", "recommendation__evaluation")
        # a unit's action on an evaluation it does not see links to no page
        .annotate(evaluation_visible=Exists(seen))
        .order_by("due", "pk")
    )


def recommendations_for_user(
    user: User,
    *,
    unit: object = None,
    status: str = "",
    overdue: bool = False,
    evaluation: object = None,
    today: datetime.date | None = None,
) -> QuerySet[Recommendation]:
    """Recommendations the user sees; `status` is the management response's decision or
    "pending" (none yet); `unit` is an office it is addressed to or whose actions it has;
    `overdue` keeps those with an open action past its due date."""
    today = today or timezone.localdate()
    rows = scoped(user, Recommendation.objects.all())
    if evaluation:
        rows = rows.filter(evaluation=evaluation)
    if unit:
        rows = rows.filter(Q(addressed_to=unit) | Q(actions__unit=unit))
    if status == RESPONSE_PENDING:
        rows = rows.filter(response__isnull=True)
    elif status:
        rows = rows.filter(response__decision=status)
    if overdue:
        late = FollowUpAction.objects.filter(recommendation=OuterRef("pk")).filter(
            _overdue_q(today)
        )
        rows = rows.filter(Exists(late))
    return (
        Recommendation.objects.filter(pk__in=rows.values("pk"))
        .select_related("evaluation", "response")
        .prefetch_related("addressed_to", "actions__unit")
        .order_by("-evaluation__start", "evaluation", "number")
    )


def user_units(user: User) -> list[Office]:
    """The offices whose staff the user is (OFFICE grants): the units they answer for."""
    return list(Office.objects.filter(pk__in=_unit_ids(user)).order_by("name"))


def unit_overdue_actions(
    user: User, today: datetime.date | None = None
) -> QuerySet[FollowUpAction]:
    """Overdue follow-up actions of the user's own units (the unit's dashboard), whether or
    not their evaluations lie in the user's scope (the unit answers for them)."""
    return actions_for_user(user, overdue=True, today=today).filter(unit__in=_unit_ids(user))


@dataclass
class LearnCounts:
    evaluations: int = 0
    recommendations: int = 0
    pending_responses: int = 0
    open_actions: int = 0
    overdue_actions: int = 0


def counts(user: User, today: datetime.date | None = None) -> LearnCounts:
    today = today or timezone.localdate()
    recommendations = scoped(user, Recommendation.objects.all())
    actions = scoped(user, FollowUpAction.objects.all())
    return LearnCounts(
        evaluations=scoped(user, Evaluation.objects.all()).count(),
        recommendations=recommendations.count(),
        pending_responses=recommendations.filter(response__isnull=True).count(),
        open_actions=actions.filter(OPEN).count(),
        overdue_actions=actions.filter(_overdue_q(today)).count(),
    )


@dataclass
class UnitActions:
    unit: Office
    actions: list[FollowUpAction] = field(default_factory=list)
    overdue: int = 0


def actions_by_unit(
    actions: Iterable[FollowUpAction], today: datetime.date | None = None
) -> list[UnitActions]:
    """The actions grouped by unit, in the order of their units' first actions."""
    today = today or timezone.localdate()
    groups: dict[int, UnitActions] = {}
    for action in actions:
        group = groups.setdefault(action.unit_id, UnitActions(unit=action.unit))
        action.overdue = action.status in ("planned", "in_progress") and action.due < today  # type: ignore[attr-defined]
        group.actions.append(action)
        group.overdue += int(action.overdue)  # type: ignore[attr-defined]
    return list(groups.values())


def overdue_to_remind(today: datetime.date | None = None) -> dict[Office, list[FollowUpAction]]:
    """Every overdue open action, by unit (for the reminders the command line sends)."""
    today = today or timezone.localdate()
    grouped: dict[Office, list[FollowUpAction]] = defaultdict(list)
    rows = (
        FollowUpAction.objects.filter(_overdue_q(today))
        .select_related("unit", "recommendation__evaluation")
        .order_by("unit__name", "due", "pk")
    )
    for action in rows:
        grouped[action.unit].append(action)
    return dict(grouped)


def response_of(recommendation: Recommendation) -> ManagementResponse | None:
    try:
        return recommendation.response
    except ManagementResponse.DoesNotExist:
        return None
