"""Reads of the deliver stage, each through the one scoping function."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver.models import Activity, Participation, Sex
from capdev.plan.models import Plan


@dataclass(frozen=True)
class SexCounts:
    """Participants by sex: every activity, plan and provider page shows these."""

    female: int
    male: int
    other: int

    @property
    def total(self) -> int:
        return self.female + self.male + self.other

    @property
    def female_share(self) -> float | None:
        return self.female / self.total if self.total else None


def sex_counts(participations: QuerySet[Participation]) -> SexCounts:
    counts = participations.aggregate(
        **{sex: Count("pk", filter=Q(person__sex=sex)) for sex in Sex.values}
    )
    return SexCounts(**{sex: counts[sex] for sex in Sex.values})


def activities_for_user(user, action: Do = Do.VIEW) -> QuerySet[Activity]:
    return scoped(user, Activity.objects.select_related("office", "provider"), action)


def participations_for_user(user, action: Do = Do.VIEW) -> QuerySet[Participation]:
    return scoped(user, Participation.objects.select_related("person", "activity"), action)


@dataclass(frozen=True)
class PlanProgress:
    actions: int
    delivered: int

    @property
    def share(self) -> float | None:
        return self.delivered / self.actions if self.actions else None


def plan_progress(plan: Plan) -> PlanProgress:
    """How many of the plan's actions have been delivered (one of their activities held)."""
    counts = plan.actions.aggregate(
        actions=Count("pk", distinct=True),
        delivered=Count("pk", filter=Q(activities__status=Activity.Status.HELD), distinct=True),
    )
    return PlanProgress(counts["actions"], counts["delivered"])
