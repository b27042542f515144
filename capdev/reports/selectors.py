"""What the reports say: the biennial progress report for the Programme Implementation
Report (§32) and a country's profile, assembled from each stage's own scoped selectors.

Every figure is read through the stage that owns it (`deliverables_for_user`,
`indicators_for_user`, `activities_for_user`, `funding_mix`, …), so a report shows its
reader exactly what the reader's pages show: a focal point's report is their organisation's.
Figures are counted and summed in the database (GROUP BY), never by walking rows in Python:
the report must stay fast over a million participants.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from capdev.core.models import Country, Organisation, Role
from capdev.core.scoping import scoped, user_grants
from capdev.core.selectors import countries_for_user
from capdev.deliver.models import Activity, Sex
from capdev.deliver.registry import AmountRow, FundingMix, funding_mix
from capdev.deliver.selectors import (
    SexCounts,
    activities_for_user,
    activity_list_for_user,
    participations_for_user,
    sex_counts,
)
from capdev.diagnose.models import GRID_CELLS, CapacityType, Level, Need
from capdev.diagnose.selectors import needs_for_user
from capdev.lib import periods, shares
from capdev.lib.periods import Biennium, latest_complete_biennium
from capdev.monitor.dashboards import (
    CapacityDashboard,
    CapacityFilters,
    Movement,
    capacity_dashboard,
    country_dashboard,
)
from capdev.monitor.models import Indicator, Measurement, Target
from capdev.monitor.selectors import Status, assess, indicators_for_user
from capdev.parity.selectors import DelegationRow, ParitySummary, delegations, parity_summary
from capdev.parity.selectors import Filters as ParityFilters
from capdev.parity.selectors import Target as ParityTarget
from capdev.plan.models import Deliverable, Plan, StrategyOutcome
from capdev.plan.selectors import plans_for_user
from capdev.plan.strategy import deliverables_for_user
from capdev.reports.models import ReportJob

User = AbstractBaseUser | AnonymousUser

# --- the biennium ----------------------------------------------------------------------------


def parse_biennium(value: str | None, *, today: datetime.date | None = None) -> Biennium:
    """The biennium written in `value` ("2020-21", spaces around it ignored), or the latest
    complete one when it is empty; otherwise capdev.lib.periods' PeriodError (a
    ValidationError) that says what is wrong, which the pages and downloads answer with 400."""
    value = (value or "").strip()
    if not value:
        return latest_complete_biennium(today)
    return periods.parse_biennium(value)


def biennium_choices(user: User, *, today: datetime.date | None = None) -> list[str]:
    """The bienniums worth offering in a picker: those of the strategy's deliverables and
    every biennium from the earliest of them to the current one, newest first."""
    today = today or timezone.localdate()
    labels = set(deliverables_for_user(user).order_by().values_list("biennium", flat=True))
    firsts = {int(label[:4]) for label in labels if periods.BIENNIUM.fullmatch(label)}
    current = today.year if today.year % 2 == 0 else today.year - 1
    earliest = min(firsts | {latest_complete_biennium(today).first_year})
    return [Biennium(year).label for year in range(current, earliest - 1, -2)]


def _one_row_each(queryset: QuerySet) -> QuerySet:
    """`queryset` ready for GROUP BY: a scoped queryset whose scope crosses a to-many
    relation is made distinct, and grouping it would count its joined rows; its pks are
    taken instead. A queryset scoped without joins (a global grant) is used as it is."""
    if queryset.query.distinct:
        return queryset.model._default_manager.filter(pk__in=queryset.order_by().values("pk"))
    return queryset


# --- a. strategy deliverables ----------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeDeliverables:
    outcome: StrategyOutcome
    deliverables: list[Deliverable]


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class DeliverableSection:
    outcomes: list[OutcomeDeliverables]
    by_status: list[StatusCount]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.by_status)

    @property
    def done(self) -> int:
        return sum(row.count for row in self.by_status if row.status == Deliverable.Status.DONE)


def deliverable_section(user: User, biennium: Biennium) -> DeliverableSection:
    """The strategy's deliverables due in the biennium, by outcome area, with their status
    and evidence (two queries)."""
    deliverables = list(
        deliverables_for_user(user, biennium=biennium.label).order_by("outcome__code", "pk")
    )
    grouped: dict[int, list[Deliverable]] = defaultdict(list)
    outcomes: dict[int, StrategyOutcome] = {}
    for deliverable in deliverables:
        grouped[deliverable.outcome_id].append(deliverable)
        outcomes[deliverable.outcome_id] = deliverable.outcome
    counts = (
        deliverables_for_user(user, biennium=biennium.label)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    by_status = {row["status"]: row["n"] for row in counts}
    return DeliverableSection(
        outcomes=[OutcomeDeliverables(outcomes[pk], grouped[pk]) for pk in grouped],
        by_status=[
            StatusCount(value, str(label), by_status.get(value, 0))
            for value, label in Deliverable.Status.choices
        ],
    )


# --- b. indicators against targets -----------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    period: str
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    status: str  # on_track, at_risk, off_track or "" (nothing to compare yet)
    status_label: str
    explanation: str


def _status_labels() -> dict[str, str]:
    return {
        Status.ON_TRACK.value: _("On track"),
        Status.AT_RISK.value: _("At risk"),
        Status.OFF_TRACK.value: _("Off track"),
        "": _("No status"),
    }


@dataclass(frozen=True)
class IndicatorSection:
    rows: list[IndicatorRow]
    by_status: list[StatusCount]


def _reporting_period(biennium: Biennium, targets: set[str], measured: set[str]) -> str:
    """The period an indicator is reported for: the biennium when a target is set for it,
    else the later year with a target, else the earlier; without targets, the same order
    over what is measured."""
    for given in (targets, measured):
        for period in (biennium.label, str(biennium.last_year), str(biennium.first_year)):
            if period in given:
                return period
    return biennium.label


def indicator_section(user: User, biennium: Biennium) -> IndicatorSection:
    """Each indicator the user sees with a target or a measurement in the biennium (for the
    biennium itself or one of its years), its figures and its computed status, explained."""
    periods = biennium.periods
    with_figures = Q(
        pk__in=Target.objects.filter(period__in=periods, disaggregation="").values("indicator")
    ) | Q(
        pk__in=Measurement.objects.filter(period__in=periods, disaggregation="").values("indicator")
    )
    indicators = list(indicators_for_user(user).filter(with_figures).order_by("code"))
    ids = [indicator.pk for indicator in indicators]
    targets: dict[int, dict[str, Target]] = defaultdict(dict)
    for goal in Target.objects.filter(indicator__in=ids, period__in=periods, disaggregation=""):
        targets[goal.indicator_id][goal.period] = goal
    measured: dict[int, dict[str, Measurement]] = defaultdict(dict)
    for measurement in Measurement.objects.filter(
        indicator__in=ids, period__in=periods, disaggregation=""
    ):
        measured[measurement.indicator_id][measurement.period] = measurement
    labels = _status_labels()
    rows = []
    for indicator in indicators:
        period = _reporting_period(
            biennium, set(targets[indicator.pk]), set(measured[indicator.pk])
        )
        target = targets[indicator.pk].get(period)
        actual = measured[indicator.pk].get(period)
        # A figure reads its indicator's measure: give it the one already loaded.
        if target is not None:
            target.indicator = indicator
        if actual is not None:
            actual.indicator = indicator
        assessment = assess(indicator, period, target, actual)
        state = assessment.status.value if assessment.status else ""
        rows.append(
            IndicatorRow(
                indicator=indicator,
                period=period,
                baseline=indicator.baseline_value,
                target=target.figure if target else None,
                actual=actual.figure if actual else None,
                status=state,
                status_label=labels[state],
                explanation=assessment.explanation,
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return IndicatorSection(
        rows=rows,
        by_status=[StatusCount(value, label, counts[value]) for value, label in labels.items()],
    )


# --- e. delivery volume ----------------------------------------------------------------------


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    activities: int
    participants: SexCounts


@dataclass(frozen=True)
class DeliverySection:
    by_kind: list[KindRow]
    participants: SexCounts

    @property
    def activities(self) -> int:
        return sum(row.activities for row in self.by_kind)


def held_activities(user: User, biennium: Biennium) -> QuerySet[Activity]:
    """The activities the user sees that were held and started in the biennium."""
    return activities_for_user(user).filter(
        status=Activity.Status.HELD, start__range=(biennium.start, biennium.end)
    )


def delivery_section(user: User, biennium: Biennium) -> DeliverySection:
    """Activities held in the biennium by type, and their participants (those the user
    sees) by sex, in three grouped queries."""
    activities = _one_row_each(held_activities(user, biennium))
    per_kind = dict(
        activities.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    participations = participations_for_user(user).filter(
        activity__status=Activity.Status.HELD,
        activity__start__range=(biennium.start, biennium.end),
    )
    grouped: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Sex.values, 0))
    for row in (
        _one_row_each(participations)
        .order_by()
        .values("activity__kind", "person__sex")
        .annotate(n=Count("pk"))
    ):
        grouped[row["activity__kind"]][row["person__sex"]] = row["n"]
    by_kind = [
        KindRow(kind, str(label), per_kind.get(kind, 0), SexCounts(**grouped[kind]))
        for kind, label in Activity.Kind.choices
        if per_kind.get(kind) or kind in grouped
    ]
    return DeliverySection(by_kind=by_kind, participants=sex_counts(participations))


# --- f. funding mix --------------------------------------------------------------------------


def _merged(rows: list[AmountRow]) -> list[AmountRow]:
    """Amount rows of several years added up by funding kind, earmarking and currency, with
    each row's share of its currency recomputed from the sums."""
    sums: dict[tuple[str, str, str], list[Any]] = {}
    for row in rows:
        key = (row.currency, row.kind, row.earmarking)
        if key in sums:
            sums[key][1] += row.amount
            sums[key][2] += row.count
        else:
            sums[key] = [row, row.amount, row.count]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row, amount, _count in sums.values():
        totals[row.currency] += amount
    return [
        AmountRow(
            **{
                **row.__dict__,
                "amount": amount,
                "count": count,
                "share": shares.share(amount, totals[row.currency]),
            }
        )
        for (_key, (row, amount, count)) in sorted(sums.items())
    ]


def funding_section(user: User, biennium: Biennium) -> FundingMix:
    """The funding mix (§25) of plan actions and activities starting in the biennium: the
    deliver stage's mix of each year, added up per currency (never across currencies)."""
    years = [funding_mix(user, year=year) for year in (biennium.first_year, biennium.last_year)]
    plans = _merged([row for mix in years for row in mix.plans])
    spent = _merged([row for mix in years for row in mix.activities])
    currencies = sorted({row.currency for row in (*plans, *spent)})
    return FundingMix(plans=plans, activities=spent, currencies=currencies)


# --- c. capacity change, d. gender parity ---------------------------------------------------


def capacity_section(user: User, biennium: Biennium) -> CapacityDashboard:
    """The capacity-change dashboard (capdev.monitor) as the biennium ended: each
    organisation's first assessment against its latest up to 31 December of its last year,
    and the trend by year up to then."""
    return capacity_dashboard(user, CapacityFilters(as_of=biennium.last_year))


def parity_section(user: User, biennium: Biennium) -> ParitySummary:
    """Gender parity (capdev.parity) at the meetings held in the biennium's years."""
    return parity_summary(user, first_year=biennium.first_year, last_year=biennium.last_year)


# --- the progress report ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressReport:
    """The biennial progress report (§32), every section in the reader's scope."""

    biennium: Biennium
    reader: str
    scope: list[str]
    generated_at: datetime.datetime
    deliverables: DeliverableSection
    indicators: IndicatorSection
    capacity: CapacityDashboard
    parity: ParitySummary
    delivery: DeliverySection
    funding: FundingMix
    notes: list[str] = field(default_factory=list)


def reader_scope(user: User) -> list[str]:
    """The reader's grants in words, printed on the report: what its figures cover."""
    return [str(grant) for grant in user_grants(user)]


def progress_report(user: User, biennium: Biennium) -> ProgressReport:
    return ProgressReport(
        biennium=biennium,
        reader=user.get_username() if user.is_authenticated else "",
        scope=reader_scope(user),
        generated_at=timezone.now(),
        deliverables=deliverable_section(user, biennium),
        indicators=indicator_section(user, biennium),
        capacity=capacity_section(user, biennium),
        parity=parity_section(user, biennium),
        delivery=delivery_section(user, biennium),
        funding=funding_section(user, biennium),
    )


# --- a country's profile ---------------------------------------------------------------------


def country_for_report(user: User, iso3: str) -> Country:
    """The country with ISO 3166 alpha-3 code `iso3`, if the user sees it (404 otherwise)."""
    try:
        return countries_for_user(user).get(iso_alpha3=iso3.upper())
    except Country.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class CellChange:
    level: str
    level_label: str
    type: str
    type_label: str
    movement: Movement | None  # first and latest score, None when not assessed


@dataclass(frozen=True)
class ConstituentCapacity:
    """A tripartite constituent's first (baseline) and latest assessment, overall and by
    grid cell (capdev.monitor's country dashboard)."""

    organisation: Organisation
    overall: Movement | None
    cells: list[CellChange]


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    organisations: list[Organisation]
    actions: int
    delivered: int


@dataclass(frozen=True)
class CountryProfile:
    country: Country
    constituents: list[ConstituentCapacity]
    needs_by_status: list[StatusCount]
    open_needs: list[Need]
    plans: list[PlanRow]
    activities: list[Activity]
    activity_count: int
    participants: SexCounts
    delegations: list[DelegationRow]
    target: ParityTarget
    generated_at: datetime.datetime
    reader: str
    scope: list[str]


def constituent_capacity(user: User, country: Country) -> list[ConstituentCapacity]:
    """The country's tripartite constituents the user sees, baseline and latest by cell."""
    dashboard = country_dashboard(user, country, CapacityFilters())
    levels, types = dict(Level.choices), dict(CapacityType.choices)
    return [
        ConstituentCapacity(
            organisation=row.organisation,
            overall=row.overall,
            cells=[
                CellChange(level, str(levels[level]), kind, str(types[kind]), movement)
                for (level, kind), movement in zip(GRID_CELLS, row.cells, strict=True)
            ],
        )
        for row in dashboard.constituents
    ]


def country_profile(user: User, country: Country) -> CountryProfile:
    """What a country's profile shows: its constituents' capacity (latest against baseline),
    their needs, the plans and activities in the country with participants by sex, and the
    share of women in its delegations; all in the user's scope."""
    iso2 = country.iso_alpha2
    needs = needs_for_user(user, country=iso2)
    need_counts = dict(
        _one_row_each(needs)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    # An action is delivered when one of its activities the reader sees was held: an
    # activity outside the reader's scope tells them nothing, not even that it happened.
    held_in_scope = activities_for_user(user).filter(status=Activity.Status.HELD).values("pk")
    plans = list(
        plans_for_user(user, country=iso2)
        .annotate(
            action_count=Count("actions", distinct=True),
            delivered_count=Count(
                "actions",
                filter=Q(actions__activities__in=held_in_scope),
                distinct=True,
            ),
        )
        .prefetch_related("organisations")
        .order_by("-start", "pk")[:50]
    )
    in_country = Activity.countries.through.objects.filter(country=country).values("activity_id")
    target = ParityTarget.current()
    return CountryProfile(
        country=country,
        constituents=constituent_capacity(user, country),
        needs_by_status=[
            StatusCount(value, str(label), need_counts.get(value, 0))
            for value, label in Need.Status.choices
        ],
        open_needs=list(needs.filter(status=Need.Status.OPEN)[:25]),
        plans=[
            PlanRow(p, list(p.organisations.all()), p.action_count, p.delivered_count)
            for p in plans
        ],
        activities=list(activity_list_for_user(user, country=iso2)[:25]),
        activity_count=_one_row_each(activities_for_user(user).filter(pk__in=in_country)).count(),
        participants=sex_counts(participations_for_user(user).filter(activity__in=in_country)),
        delegations=delegations(user, ParityFilters(country=country.pk)),
        target=target,
        generated_at=timezone.now(),
        reader=user.get_username() if user.is_authenticated else "",
        scope=reader_scope(user),
    )


# --- report jobs -----------------------------------------------------------------------------


def is_administrator(user: User) -> bool:
    return bool(user.is_authenticated and user.is_superuser) or any(
        grant.role == Role.ADMIN for grant in user_grants(user)
    )


def jobs_for_user(user: User) -> QuerySet[ReportJob]:
    """The report jobs the user asked for (an administrator: everyone's)."""
    jobs = scoped(user, ReportJob.objects.select_related("requested_by"))
    return jobs if is_administrator(user) else jobs.filter(requested_by_id=user.pk)


def job_for_user(user: User, pk: int) -> ReportJob:
    try:
        return jobs_for_user(user).get(pk=pk)
    except ReportJob.DoesNotExist:
        raise Http404 from None
