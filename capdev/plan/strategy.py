"""The strategy's own implementation plan (§13, §30–33): its outcome areas and deliverables
per phase and biennium, and the steering committee's meetings and decisions.

The plan is the Office's and published to everyone holding a grant; administrators and HQ
keep it (see scopes.py). Reads start from `scoped()`; writes check the writer's scope.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from capdev.core.models import Office
from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, may_administer_some, scoped
from capdev.core.services import _save
from capdev.lib.translated import LANGUAGES
from capdev.plan.models import Deliverable, SteeringDecision, SteeringMeeting, StrategyOutcome

User = AbstractBaseUser | AnonymousUser
Actor = User | None


def deliverables_for_user(
    user: User,
    *,
    q: str = "",
    outcome: str = "",
    phase: int | None = None,
    biennium: str = "",
    status: str = "",
    unit: int | str | None = None,
    action: Do = Do.VIEW,
) -> QuerySet[Deliverable]:
    deliverables = scoped(
        user, Deliverable.objects.select_related("outcome", "responsible_unit"), action
    )
    q = unicodedata.normalize("NFC", q.strip())
    for word in q.split():
        in_title = Q()
        for code in LANGUAGES:
            in_title |= Q(**{f"title__{code}__icontains": word})
        deliverables = deliverables.filter(in_title)
    lookups = {
        "outcome__code": outcome,
        "phase": phase,
        "biennium": biennium,
        "status": status,
        "responsible_unit_id": unit,
    }
    return deliverables.filter(**{key: value for key, value in lookups.items() if value})


def deliverable_for_user(user: User, pk: int) -> Deliverable:
    try:
        return deliverables_for_user(user).get(pk=pk)
    except Deliverable.DoesNotExist:
        raise Http404 from None


def deliverable_allows(user: User, deliverable: Deliverable, action: Do) -> bool:
    return scoped(user, Deliverable.objects.filter(pk=deliverable.pk), action).exists()


def strategy_may_change(user: User) -> bool:
    """Whether the user keeps the implementation plan (records meetings, edits deliverables)."""
    return may_administer_some(user, SteeringMeeting)


@dataclass(frozen=True)
class Period:
    phase: int
    biennium: str


@dataclass(frozen=True)
class OutcomeRow:
    outcome: StrategyOutcome
    cells: list[list[Deliverable]]  # one list per period, in the order of `periods`

    @property
    def count(self) -> int:
        return sum(len(cell) for cell in self.cells)


@dataclass(frozen=True)
class StrategyMatrix:
    """Outcome areas down, phases and bienniums across, deliverables in the cells."""

    periods: list[Period]
    rows: list[OutcomeRow]
    by_status: list[tuple[str, str, int]]  # (status, label, count)

    @property
    def total(self) -> int:
        return sum(count for _status, _label, count in self.by_status)


def strategy_matrix(user: User, deliverables: QuerySet[Deliverable]) -> StrategyMatrix:
    """The matrix of the given deliverables (already filtered), in two queries."""
    chosen = list(deliverables.order_by("phase", "biennium", "outcome__code", "pk"))
    periods = sorted(
        {Period(d.phase, d.biennium) for d in chosen}, key=lambda p: (p.phase, p.biennium)
    )
    column = {period: index for index, period in enumerate(periods)}
    cells: dict[int, list[list[Deliverable]]] = {}
    for deliverable in chosen:
        row = cells.setdefault(deliverable.outcome_id, [[] for _ in periods])
        row[column[Period(deliverable.phase, deliverable.biennium)]].append(deliverable)
    outcomes = scoped(user, StrategyOutcome.objects.filter(pk__in=list(cells))).order_by("code")
    counts = Counter(d.status for d in chosen)
    return StrategyMatrix(
        periods=periods,
        rows=[OutcomeRow(outcome, cells[outcome.pk]) for outcome in outcomes],
        by_status=[(s, str(label), counts[s]) for s, label in Deliverable.Status.choices],
    )


def strategy_filter_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    """The phases, bienniums, units and outcome areas the plan holds, for the filters."""
    deliverables = scoped(user, Deliverable.objects.all()).order_by()
    phases = sorted(set(deliverables.values_list("phase", flat=True)))
    bienniums = sorted(set(deliverables.values_list("biennium", flat=True)))
    units = scoped(
        user, Office.objects.filter(pk__in=deliverables.values("responsible_unit"))
    ).order_by("name")
    outcomes = scoped(user, StrategyOutcome.objects.all()).order_by("code")
    return {
        "phase": [(str(p), _("Phase %(number)s") % {"number": p}) for p in phases],
        "biennium": [(b, b) for b in bienniums],
        "unit": [(str(u.pk), str(u)) for u in units],
        "outcome": [(o.code, str(o)) for o in outcomes],
    }


@transaction.atomic
def deliverable_update(
    *, user: Actor, deliverable: Deliverable, data: dict[str, Any]
) -> Deliverable:
    """Record a deliverable's status and its evidence: it is done only on evidence."""
    if user is not None:
        ensure_in_scope(user, deliverable, Do.CHANGE)
    _save(deliverable, user=user, data=data, fields=("status", "evidence"))  # type: ignore[arg-type]
    return deliverable


# --- the steering committee (§32) ---------------------------------------------------------


def steering_meetings_for_user(user: User) -> QuerySet[SteeringMeeting]:
    """The meetings, newest first, each with its decisions (in two more queries)."""
    decisions = scoped(
        user,
        SteeringDecision.objects.select_related(
            "deliverable", "deliverable__outcome", "responsible_unit"
        ),
    ).order_by("pk")
    return scoped(user, SteeringMeeting.objects.all()).prefetch_related(
        Prefetch("decisions", queryset=decisions)
    )


def decisions_for_deliverable(user: User, deliverable: Deliverable) -> QuerySet[SteeringDecision]:
    return scoped(
        user,
        deliverable.decisions.select_related("meeting", "responsible_unit"),
    ).order_by("-meeting__held_on", "pk")


DECISION_FIELDS = ("text", "deliverable", "responsible_unit", "due", "status")


@transaction.atomic
def steering_meeting_create(
    *, user: Actor, held_on: date, summary: str = "", decisions: list[dict[str, Any]]
) -> SteeringMeeting:
    """Record a steering-committee meeting with the decisions it took, all or nothing; a
    decision's errors are reported under `decisions` with its number."""
    if user is not None and not strategy_may_change(user):
        raise PermissionDenied(_("Your role does not record steering-committee meetings."))
    meeting = SteeringMeeting()
    _save(
        meeting,
        user=user,
        data={"held_on": held_on, "summary": summary},
        fields=("held_on", "summary"),
    )  # type: ignore[arg-type]
    if user is not None:
        ensure_in_scope(user, meeting, Do.ADMINISTER)
    for number, data in enumerate(decisions, start=1):
        decision = SteeringDecision(meeting=meeting)
        try:
            _save(decision, user=user, data=data, fields=DECISION_FIELDS)  # type: ignore[arg-type]
        except ValidationError as error:
            messages = "; ".join(error.messages)
            raise ValidationError(
                {
                    "decisions": _("Decision %(number)s: %(errors)s")
                    % {"number": number, "errors": messages}
                }
            ) from None
    return meeting


def decision_for_user(user: User, pk: int) -> SteeringDecision:
    try:
        return scoped(user, SteeringDecision.objects.all()).get(pk=pk)
    except SteeringDecision.DoesNotExist:
        raise Http404 from None


@transaction.atomic
def steering_decision_update(
    *, user: Actor, decision: SteeringDecision, data: dict[str, Any]
) -> SteeringDecision:
    if user is not None:
        ensure_in_scope(user, decision, Do.CHANGE)
    _save(decision, user=user, data=data, fields=DECISION_FIELDS)  # type: ignore[arg-type]
    return decision
