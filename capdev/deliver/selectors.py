"""Reads of the deliver stage, each through the one scoping function."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver.models import Activity, Participation, Sex
from capdev.lib import shares
from capdev.plan.models import Action, Plan


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
        return shares.share(self.female, self.total)


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


# --- pages: the activity list, an activity's Kirkpatrick summary, delivery of a plan ------

ACTIVITY_SORTS = {
    "-start": ("-start", "pk"),
    "start": ("start", "pk"),
    "title": ("title", "pk"),
    "-participants": ("-participants_total", "-start", "pk"),
}
COOPERATION = ("south_south", "triangular", "peer_exchange")


def _participant_count(user, sex: str = "") -> Coalesce:
    """How many of the outer activity's participants the user sees (a focal point: only
    their own organisation's people), each counted once however many grants reach them."""
    rows = scoped(user, Participation.objects.all()).filter(activity=OuterRef("pk"))
    if sex:
        rows = rows.filter(person__sex=sex)
    count = rows.order_by().values("activity").annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(count), 0)


def with_participant_counts(user, activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """`activities` each with `participants_female`, `_male`, `_other` and `_total`, in the
    same query (one subquery per sex, no query per row)."""
    counts = {f"participants_{sex}": _participant_count(user, sex) for sex in Sex.values}
    return activities.annotate(**counts).annotate(
        participants_total=F("participants_female")
        + F("participants_male")
        + F("participants_other")
    )


def activity_list_for_user(
    user,
    *,
    q: str = "",
    country: str = "",
    kind: str = "",
    status: str = "",
    year: int | None = None,
    office: object = None,
    funding_kind: str = "",
    cooperation: str = "",
    sort: str = "-start",
) -> QuerySet[Activity]:
    """The activity list: `q` matches every word against the title, the place and the
    provider; the other filters are exact. Each row carries its participants by sex."""
    activities = activities_for_user(user).select_related("funding_source")
    for word in q.split():
        activities = activities.filter(
            Q(title__icontains=word)
            | Q(place__icontains=word)
            | Q(provider__name__icontains=word)
            | Q(provider__acronym__iexact=word)
        )
    if country:
        activities = activities.filter(countries__iso_alpha2=country.upper())
    lookups = {
        "kind": kind,
        "status": status,
        "start__year": year,
        "office": office,
        "funding_source__kind": funding_kind,
    }
    activities = activities.filter(**{key: value for key, value in lookups.items() if value})
    if cooperation in COOPERATION:
        activities = activities.filter(**{cooperation: True})
    activities = with_participant_counts(user, activities).prefetch_related("countries")
    return activities.order_by(*ACTIVITY_SORTS.get(sort, ACTIVITY_SORTS["-start"]))


def activity_for_user(user, pk: int) -> Activity:
    try:
        return (
            activities_for_user(user)
            .select_related("funding_source", "funding_source__donor")
            .get(pk=pk)
        )
    except Activity.DoesNotExist:
        raise Http404 from None


def activity_allows(user, activity: Activity, action: Do) -> bool:
    return scoped(user, Activity.objects.filter(pk=activity.pk), action).exists()


@dataclass(frozen=True)
class Kirkpatrick:
    """Levels 1–3 of an activity's evaluation: reaction (satisfaction, 1–5), learning (pre-
    and post-test, and the mean gain of those who sat both) and behaviour (the share of
    those followed up who applied their skills, partly or fully, after 3 and 6 months)."""

    satisfaction: Decimal | None
    satisfaction_answers: int
    pre_test: Decimal | None
    post_test: Decimal | None
    gain: Decimal | None
    followed_3_months: int
    applied_3_months: int
    followed_6_months: int
    applied_6_months: int

    @property
    def applied_3_months_share(self) -> float | None:
        return self.applied_3_months / self.followed_3_months if self.followed_3_months else None

    @property
    def applied_6_months_share(self) -> float | None:
        return self.applied_6_months / self.followed_6_months if self.followed_6_months else None


def kirkpatrick(participations: QuerySet[Participation]) -> Kirkpatrick:
    applied = [Participation.Application.PARTLY, Participation.Application.FULLY]
    both_tests = Q(pre_test__isnull=False, post_test__isnull=False)
    # Aggregates named after the dataclass, prefixed: an alias may not shadow a field.
    row = participations.aggregate(
        k_satisfaction=Avg("satisfaction"),
        k_satisfaction_answers=Count("pk", filter=Q(satisfaction__isnull=False)),
        k_pre_test=Avg("pre_test"),
        k_post_test=Avg("post_test"),
        k_gain=Avg(F("post_test") - F("pre_test"), filter=both_tests),
        k_followed_3_months=Count("pk", filter=~Q(applied_3_months="")),
        k_applied_3_months=Count("pk", filter=Q(applied_3_months__in=applied)),
        k_followed_6_months=Count("pk", filter=~Q(applied_6_months="")),
        k_applied_6_months=Count("pk", filter=Q(applied_6_months__in=applied)),
    )
    return Kirkpatrick(**{name.removeprefix("k_"): value for name, value in row.items()})


@dataclass(frozen=True)
class ActionDelivery:
    action: Action
    delivered: bool
    activities: list[Activity]


@dataclass(frozen=True)
class PlanDelivery:
    progress: PlanProgress
    actions: list[ActionDelivery]
    participants: SexCounts


def plan_delivery(user, plan: Plan) -> PlanDelivery:
    """How far a plan is delivered: its progress, each action with the activities (that the
    user sees) delivering it, and the participants of all of them by sex."""
    held = Activity.objects.filter(actions=OuterRef("pk"), status=Activity.Status.HELD)
    visible = with_participant_counts(user, activities_for_user(user)).order_by("start", "pk")
    actions = plan.actions.annotate(delivered=Exists(held)).prefetch_related(
        Prefetch("activities", queryset=visible, to_attr="visible_activities")
    )
    in_plan = Activity.objects.filter(actions__plan=plan).values("pk")
    return PlanDelivery(
        progress=plan_progress(plan),
        actions=[ActionDelivery(a, a.delivered, a.visible_activities) for a in actions],
        participants=sex_counts(participations_for_user(user).filter(activity__in=in_plan)),
    )


def past_activities_for_user(
    user, organisations: list[int], *, today: datetime.date | None = None, limit: int = 10
) -> list[Activity]:
    """What was already delivered to these organisations (the feedback loop of §5): their
    held or past activities, newest first, with participants by sex."""
    today = today or datetime.date.today()
    theirs = Activity.objects.filter(beneficiaries__in=organisations).values("pk")
    activities = (
        activities_for_user(user)
        .filter(pk__in=theirs)
        .exclude(status=Activity.Status.CANCELLED)
        .filter(Q(status=Activity.Status.HELD) | Q(end__lt=today))
    )
    return list(with_participant_counts(user, activities).order_by("-start", "pk")[:limit])
