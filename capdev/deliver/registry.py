"""Reads behind the deliver registry pages: providers and partners (§24, §26), the funding
mix of plans and activities (§25) and the staff curriculum (§22); and the one write the
curriculum page makes, recording a staff completion.

Every read starts from `scoped()`. Where a count or a sum crosses a scoped queryset whose
scope path is to-many (an activity's countries, a plan's organisations), it goes through
`pk__in` of the scoped rows rather than the scoped queryset itself: the scope's joins would
otherwise count an activity held in two countries twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from capdev.core.models import PARTNER_KINDS, Office, Organisation, Region, Role
from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, may_administer_some, scoped, user_grants
from capdev.core.selectors import organisations_for_user
from capdev.core.services import _save
from capdev.deliver.models import (
    Activity,
    Participation,
    RolloutWave,
    Sex,
    StaffCompletion,
    StaffCourse,
)
from capdev.deliver.selectors import SexCounts, sex_counts
from capdev.plan.models import Action, FundingSource

User = AbstractBaseUser | AnonymousUser


def _visible(user: User, model: type[models.Model]) -> QuerySet:
    """The pks of the rows of `model` the user sees, for use in `pk__in` (no duplicate rows)."""
    return scoped(user, model._default_manager.all()).order_by().values("pk")


def _count(rows: QuerySet, outer: str) -> Coalesce:
    """A correlated count of `rows` whose `outer` lookup is the outer organisation."""
    counted = (
        rows.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


# --- providers and partners ----------------------------------------------------------------

PARTNER_SORTS = {
    "name": ("name",),
    "country": ("country__name", "name"),
    "kind": ("kind", "name"),
    "-provided": ("-provided_count", "name"),
}


def partners_for_user(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    country: str = "",
    region: str = "",
    delivered: bool = False,
    sort: str = "name",
) -> QuerySet[Organisation]:
    """Training institutions and partners in scope, each with what it did in activities the
    user sees: activities provided and co-organised, advisory services received, and the
    participants of the activities it provided by sex."""
    activities = Activity.objects.filter(pk__in=_visible(user, Activity))
    participations = Participation.objects.filter(pk__in=_visible(user, Participation))
    co_organised = Activity.co_organisers.through.objects.filter(
        activity__in=_visible(user, Activity)
    )
    partners = (
        organisations_for_user(user, q=q, country=country, region=region)
        .filter(kind__in=[kind] if kind in PARTNER_KINDS else PARTNER_KINDS)
        .annotate(
            provided_count=_count(activities, "provider"),
            co_organised_count=_count(co_organised, "organisation"),
            advisory_count=_count(activities.filter(kind=Activity.Kind.ADVISORY), "beneficiaries"),
            **{
                f"{sex}_count": _count(participations.filter(person__sex=sex), "activity__provider")
                for sex in Sex.values
            },
        )
    )
    if delivered:
        partners = partners.filter(Q(provided_count__gt=0) | Q(co_organised_count__gt=0))
    return partners.order_by(*PARTNER_SORTS.get(sort, PARTNER_SORTS["name"]))


def partner_for_user(user: User, pk: int) -> Organisation:
    try:
        return partners_for_user(user).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def partner_activities(user: User, partner: Organisation) -> QuerySet[Activity]:
    """What the partner delivered, as provider or co-organiser, in activities the user sees."""
    return (
        Activity.objects.filter(pk__in=_visible(user, Activity))
        .filter(Q(provider=partner) | Q(pk__in=partner.co_organised_activities.values("pk")))
        .select_related("office", "provider", "funding_source")
        .annotate(
            participant_count=_count(
                Participation.objects.filter(pk__in=_visible(user, Participation)), "activity"
            )
        )
        .order_by("-start", "pk")
    )


def partner_advisory_services(user: User, partner: Organisation) -> QuerySet[Activity]:
    """The advisory services (§26) the institution received, with their area."""
    return (
        Activity.objects.filter(pk__in=_visible(user, Activity))
        .filter(kind=Activity.Kind.ADVISORY, beneficiaries=partner)
        .select_related("office", "provider")
        .order_by("-start", "pk")
    )


def partner_sex_counts(user: User, partner: Organisation) -> SexCounts:
    """Participants of the activities the partner provided, by sex, among those in scope."""
    return sex_counts(scoped(user, Participation.objects.filter(activity__provider=partner)))


def partner_funding(user: User, partner: Organisation) -> list[AmountRow]:
    """The cost of what the partner delivered, by funding kind, earmarking and currency."""
    delivered = partner_activities(user, partner).values("pk")
    return _amount_rows(Activity.objects.filter(pk__in=delivered, cost__isnull=False), "cost")


@dataclass(frozen=True)
class AmountRow:
    """Money of one funding kind and earmarking level in one currency."""

    kind: str
    kind_label: str
    earmarking: str
    earmarking_label: str
    currency: str
    amount: Decimal
    count: int
    share: float | None = None


CENTS = Decimal("0.01")


def _amount_rows(rows: QuerySet, amount: str) -> list[AmountRow]:
    """`rows` (actions or activities) summed by funding kind, earmarking and currency."""
    grouped = (
        rows.order_by()
        .values(
            funding_kind=F("funding_source__kind"),
            funding_earmarking=F("funding_source__earmarking"),
            money=F("currency"),
        )
        .annotate(total=Sum(amount), n=Count("pk"))
        .order_by("money", "funding_kind", "funding_earmarking")
    )
    kinds = dict(FundingSource.Kind.choices)
    levels = dict(FundingSource.Earmarking.choices)
    result = [
        AmountRow(
            kind=row["funding_kind"] or "",
            kind_label=str(kinds.get(row["funding_kind"], _("No funding source given"))),
            earmarking=row["funding_earmarking"] or "",
            earmarking_label=str(levels.get(row["funding_earmarking"], "—")),
            currency=row["money"] or "",
            amount=(row["total"] or Decimal(0)).quantize(CENTS),
            count=row["n"],
        )
        for row in grouped
    ]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in result:
        totals[row.currency] += row.amount
    return [
        AmountRow(**{**row.__dict__, "share": _share(row.amount, totals[row.currency])})
        for row in result
    ]


def _share(part: Decimal, whole: Decimal) -> float | None:
    return float(part / whole) if whole else None


# --- the funding mix (§25) -----------------------------------------------------------------


@dataclass(frozen=True)
class FundingMix:
    """Planned budgets (plan actions) and activity costs by funding kind and earmarking level,
    kept apart by currency: amounts in different currencies are never added together."""

    plans: list[AmountRow]
    activities: list[AmountRow]
    currencies: list[str] = field(default_factory=list)

    def totals(self) -> list[dict[str, Any]]:
        """Per currency: the planned and the spent totals."""
        planned: dict[str, Decimal] = defaultdict(Decimal)
        spent: dict[str, Decimal] = defaultdict(Decimal)
        for row in self.plans:
            planned[row.currency] += row.amount
        for row in self.activities:
            spent[row.currency] += row.amount
        return [
            {"currency": c, "planned": planned.get(c), "spent": spent.get(c)}
            for c in self.currencies
        ]


def funding_mix(
    user: User, *, year: int | None = None, country: str = "", region: str = ""
) -> FundingMix:
    """The funding mix of the plans and activities the user sees (a focal point: those of
    their own organisation). `year` is the year an action or an activity starts (an action
    without dates, its plan's)."""
    actions = Action.objects.filter(pk__in=_visible(user, Action), budget__isnull=False)
    activities = Activity.objects.filter(pk__in=_visible(user, Activity), cost__isnull=False)
    if year:
        actions = actions.filter(
            Q(start__year=year) | Q(start__isnull=True, plan__start__year=year)
        )
        activities = activities.filter(start__year=year)
    if country:
        actions = actions.filter(plan__country__iso_alpha2=country.upper())
        activities = activities.filter(
            pk__in=Activity.countries.through.objects.filter(
                country__iso_alpha2=country.upper()
            ).values("activity_id")
        )
    if region:
        actions = actions.filter(plan__country__region__code=region)
        activities = activities.filter(
            pk__in=Activity.countries.through.objects.filter(country__region__code=region).values(
                "activity_id"
            )
        )
    plans = _amount_rows(actions, "budget")
    spent = _amount_rows(activities, "cost")
    currencies = sorted({row.currency for row in (*plans, *spent)})
    return FundingMix(plans=plans, activities=spent, currencies=currencies)


# --- the staff curriculum (§22) ------------------------------------------------------------


def staff_courses_for_user(user: User) -> QuerySet[StaffCourse]:
    """The curriculum's courses, each with its completions in the user's scope (a
    constituent's focal point sees no course: the curriculum is the Office's own)."""
    completions = StaffCompletion.objects.filter(pk__in=_visible(user, StaffCompletion))
    return scoped(user, StaffCourse.objects.all()).annotate(
        completion_count=_count(completions, "course"),
        female_count=_count(completions.filter(sex=Sex.FEMALE), "course"),
    )


def rollout_waves_for_user(user: User) -> QuerySet[RolloutWave]:
    """The rollout waves in order, the pilot region first."""
    return scoped(user, RolloutWave.objects.all()).prefetch_related(
        Prefetch("regions", queryset=Region.objects.order_by("name")),
        Prefetch("courses", queryset=StaffCourse.objects.order_by("code")),
    )


def staff_completions_for_user(
    user: User,
    *,
    q: str = "",
    course: str = "",
    office: str = "",
    region: str = "",
    sex: str = "",
    year: int | None = None,
    sort: str = "-completed_on",
) -> QuerySet[StaffCompletion]:
    completions = scoped(
        user, StaffCompletion.objects.select_related("course", "office", "office__region")
    )
    if q:
        completions = completions.filter(name__icontains=q.strip())
    lookups = {
        "course__code": course,
        "office_id": office,
        "office__region__code": region,
        "sex": sex,
        "completed_on__year": year,
    }
    completions = completions.filter(**{key: value for key, value in lookups.items() if value})
    sorts = {
        "-completed_on": ("-completed_on", "pk"),
        "name": ("name", "pk"),
        "office": ("office__name", "name"),
        "course": ("course__code", "name"),
    }
    return completions.order_by(*sorts.get(sort, sorts["-completed_on"]))


@dataclass(frozen=True)
class CompletionCount:
    """Completions of one office or one region, by sex."""

    label: str
    counts: SexCounts


def _by(completions: QuerySet, key: str, label: str) -> list[CompletionCount]:
    rows = (
        StaffCompletion.objects.filter(pk__in=completions.order_by().values("pk"))
        .values(*dict.fromkeys((key, label)))
        .annotate(**{sex: Count("pk", filter=Q(sex=sex)) for sex in Sex.values})
        .order_by(label)
    )
    return [
        CompletionCount(
            label=str(row[label] or _("Region not set")),
            counts=SexCounts(**{sex: row[sex] for sex in Sex.values}),
        )
        for row in rows
    ]


def completions_by_office(completions: QuerySet[StaffCompletion]) -> list[CompletionCount]:
    return _by(completions, "office_id", "office__name")


def completions_by_region(completions: QuerySet[StaffCompletion]) -> list[CompletionCount]:
    rows = _by(completions, "office__region__code", "office__region__code")
    names = {r.code: str(r) for r in Region.objects.all()}
    return [CompletionCount(names.get(row.label, row.label), row.counts) for row in rows]


# Offices a completion may be recorded for: admin and HQ, every one; office staff, the offices
# covering a country their own office covers (the completion's scope path, office__countries).
COMPLETION_WRITERS = frozenset({Role.ADMIN, Role.HQ, Role.OFFICE})


def completion_offices_for_user(user: User) -> QuerySet[Office]:
    offices = scoped(user, Office.objects.all()).order_by("name")
    grants = [g for g in user_grants(user) if g.role in COMPLETION_WRITERS]
    if any(not g.office_id for g in grants):
        return offices
    covered = Office.countries.through.objects.filter(
        office_id__in=[g.office_id for g in grants]
    ).values("country_id")
    return offices.filter(countries__in=covered).distinct()


def staff_completion_create_allowed(user: User | None) -> bool:
    return user is None or may_administer_some(user, StaffCompletion)


@transaction.atomic
def staff_completion_create(*, user: User | None, data: dict[str, Any]) -> StaffCompletion:
    """Record that a member of an office's staff completed a course of the curriculum."""
    if not staff_completion_create_allowed(user):
        raise PermissionDenied(_("Your role does not record staff completions."))
    completion = StaffCompletion()
    _save(
        completion,
        user=user,  # type: ignore[arg-type]
        data=data,
        fields=("course", "office", "name", "sex", "completed_on"),
    )
    if user is not None:
        ensure_in_scope(user, completion, Do.ADMINISTER)
    return completion
