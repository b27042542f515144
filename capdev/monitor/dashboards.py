"""The figures of the capacity-change dashboards, read from CapacityFact rows (§12, §19–20).

An organisation's *baseline* is its first submitted or validated assessment, its *latest* the
most recent one; the *cohort* are the organisations assessed at least twice, the only ones
whose change can be measured. Scores are positions on the instruments' scales in % (see
capdev.diagnose.summaries), so instruments with different scales are comparable. Means are
unweighted over organisations (each organisation counts once, however many items it was
scored on). Every figure is computed over the facts the user may see.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from capdev.core.models import (
    TRIPARTITE_GROUPS,
    ConstituentGroup,
    Country,
    Membership,
    Organisation,
    Region,
)
from capdev.core.scoping import scoped
from capdev.monitor.models import CapacityFact

STALE_AFTER_YEARS = 3
OUTLIER_SCORE = 3.5  # modified z-score beyond which a change is an outlier
BIN_WIDTH = 5  # points of change per bar of the distribution
CENT = Decimal("0.01")


def mean(values: Iterable[Decimal]) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def difference(after: Decimal | None, before: Decimal | None) -> Decimal | None:
    return None if after is None or before is None else after - before


@dataclass(frozen=True)
class CapacityFilters:
    """What a dashboard is narrowed to; empty strings and None mean "all".

    `dimension` is the figure compared: "" overall, "cell:<level>:<type>" or
    "theme:<theme>". `as_of` reads the organisations' assessments up to the end of that year.
    """

    region: str = ""  # Region.code
    country: str = ""  # ISO 3166 alpha-3
    group: str = ""
    dimension: str = CapacityFact.OVERALL
    organisation: int | None = None
    as_of: int | None = None

    def fact_lookups(self) -> dict[str, object]:
        """The place filters as lookups on CapacityFact."""
        return _given(
            {
                "region__code": self.region,
                "country__iso_alpha3": self.country.upper(),
                "group": self.group,
                "organisation_id": self.organisation,
            }
        )

    def organisation_lookups(self, prefix: str = "") -> dict[str, object]:
        """The place filters as lookups on Organisation, or through `prefix` to it."""
        return _given(
            {
                f"{prefix}country__region__code": self.region,
                f"{prefix}country__iso_alpha3": self.country.upper(),
                f"{prefix}group": self.group,
                f"{prefix}pk": self.organisation,
            }
        )


def _given(lookups: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in lookups.items() if value}


@dataclass(frozen=True)
class Pair:
    """An organisation's baseline and latest figure."""

    organisation_id: int
    group: str
    region_id: int
    country_id: int
    baseline: Decimal
    baseline_date: date
    latest: Decimal
    latest_date: date
    assessments: int
    complete: bool

    @property
    def change(self) -> Decimal | None:
        return self.latest - self.baseline if self.assessments > 1 else None


@dataclass(frozen=True)
class Comparison:
    """Baseline vs latest over a set of organisations."""

    key: str  # a group, region code or country ISO3 ("" for the whole)
    label: str
    assessed: int  # organisations with at least one assessment
    cohort: int  # of which assessed twice or more
    latest_mean: Decimal | None  # over all assessed
    cohort_baseline_mean: Decimal | None
    cohort_latest_mean: Decimal | None
    improved: int
    declined: int

    @property
    def mean_change(self) -> Decimal | None:
        return difference(self.cohort_latest_mean, self.cohort_baseline_mean)


def compare(key: str, label: str, pairs: list[Pair]) -> Comparison:
    cohort = [p for p in pairs if p.assessments > 1]
    return Comparison(
        key=key,
        label=label,
        assessed=len(pairs),
        cohort=len(cohort),
        latest_mean=mean(p.latest for p in pairs),
        cohort_baseline_mean=mean(p.baseline for p in cohort),
        cohort_latest_mean=mean(p.latest for p in cohort),
        improved=sum(1 for p in cohort if p.latest > p.baseline),
        declined=sum(1 for p in cohort if p.latest < p.baseline),
    )


@dataclass(frozen=True)
class YearPoint:
    year: int
    assessments: int
    organisations: int
    mean: Decimal | None


@dataclass(frozen=True)
class Bin:
    low: int  # change of at least `low` points and less than `low + BIN_WIDTH`
    organisations: int

    @property
    def high(self) -> int:
        return self.low + BIN_WIDTH


@dataclass(frozen=True)
class Quality:
    """Data-quality flags: organisations to look at before trusting the figures."""

    organisations: int  # tripartite organisations in view, assessed or not
    missing: int  # never assessed
    stale: int  # latest assessment older than three years
    incomplete: int  # latest assessment with under 80% of its items scored
    outliers: int  # change far from the others' (see outliers())


@dataclass(frozen=True)
class MembershipPoint:
    year: int
    group: str
    organisations: int
    members: int
    women_members: int  # over the organisations that report women members
    members_reporting_women: int

    @property
    def group_label(self) -> str:
        return str(ConstituentGroup(self.group).label)

    @property
    def women_share(self) -> Decimal | None:
        if not self.members_reporting_women:
            return None
        share = Decimal(100 * self.women_members) / self.members_reporting_women
        return share.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class CapacityDashboard:
    filters: CapacityFilters
    overall: Comparison
    by_group: list[Comparison]
    by_place: list[Comparison]  # by region, or by country once a region is chosen
    trend: list[YearPoint]
    distribution: list[Bin]
    quality: Quality
    membership: list[MembershipPoint]
    pairs: list[Pair] = field(repr=False, default_factory=list)


def facts_for_user(user, filters: CapacityFilters) -> QuerySet[CapacityFact]:  # type: ignore[no-untyped-def]
    facts = scoped(user, CapacityFact.objects.filter(dimension=filters.dimension))
    facts = facts.filter(**filters.fact_lookups())
    if filters.as_of:
        facts = facts.filter(year__lte=filters.as_of)
    return facts


PAIR_FIELDS = (
    "organisation_id",
    "group",
    "region_id",
    "country_id",
    "percent",
    "date",
    "sequence",
    "complete",
)


def pairs(facts: QuerySet[CapacityFact], *, as_of: int | None = None) -> list[Pair]:
    """Each organisation's baseline and latest figure among `facts`."""
    baselines = {
        row[0]: row for row in facts.filter(sequence=1).values_list(*PAIR_FIELDS).order_by()
    }
    if as_of is None:
        latest_rows = facts.filter(latest=True).values_list(*PAIR_FIELDS).order_by()
    else:  # the latest up to `as_of` is the one with the highest sequence among `facts`
        highest: dict[int, tuple] = {}
        for row in facts.values_list(*PAIR_FIELDS).order_by():
            if row[0] not in highest or row[6] > highest[row[0]][6]:
                highest[row[0]] = row
        latest_rows = highest.values()
    result = []
    for organisation, group, region, country, percent, day, sequence, complete in latest_rows:
        first = baselines.get(organisation)
        if first is None:  # cannot happen: sequence 1 precedes every other
            continue
        result.append(
            Pair(
                organisation_id=organisation,
                group=group,
                region_id=region,
                country_id=country,
                baseline=first[4],
                baseline_date=first[5],
                latest=percent,
                latest_date=day,
                assessments=sequence,
                complete=complete,
            )
        )
    return result


def trend(facts: QuerySet[CapacityFact]) -> list[YearPoint]:
    rows = (
        facts.order_by()
        .values("year")
        .annotate(
            n=Count("pk"),
            organisations=Count("organisation", distinct=True),
            total=Sum("percent"),
        )
        .order_by("year")
    )
    return [
        YearPoint(
            year=row["year"],
            assessments=row["n"],
            organisations=row["organisations"],
            mean=(Decimal(row["total"]) / row["n"]).quantize(CENT, ROUND_HALF_UP),
        )
        for row in rows
    ]


def distribution(pairs_: list[Pair]) -> list[Bin]:
    """How many organisations of the cohort changed by how much, in bins of BIN_WIDTH."""
    changes = [p.change for p in pairs_ if p.change is not None]
    if not changes:
        return []
    counts: dict[int, int] = defaultdict(int)
    for change in changes:
        # floor, not //: Decimal // truncates towards zero, which would put −7 in [−5, 0)
        counts[math.floor(change / BIN_WIDTH) * BIN_WIDTH] += 1
    low, high = min(counts), max(counts)
    return [Bin(start, counts.get(start, 0)) for start in range(low, high + 1, BIN_WIDTH)]


def outliers(pairs_: list[Pair]) -> list[Pair]:
    """Organisations of the cohort whose change lies far from the others': a modified
    z-score (distance from the median change / (median absolute deviation / 0.6745)) above
    OUTLIER_SCORE, the rule of Iglewicz and Hoaglin. Medians are not pulled by the outlier
    itself, so one leap among ten organisations is found, which a rule on the mean and
    standard deviation cannot do. A data-entry slip as often as a real leap."""
    cohort = [p for p in pairs_ if p.change is not None]
    if len(cohort) < 3:
        return []
    changes = [float(p.change) for p in cohort]  # type: ignore[arg-type]
    centre = statistics.median(changes)
    deviations = [abs(c - centre) for c in changes]
    # Both estimate the standard deviation of normal data; the second when most changes
    # are equal and the median absolute deviation is 0.
    scale = statistics.median(deviations) / 0.6745 or 1.253314 * statistics.fmean(deviations)
    if not scale:
        return []
    return [p for p, d in zip(cohort, deviations, strict=True) if d / scale > OUTLIER_SCORE]


def stale_before(filters: CapacityFilters, today: date | None = None) -> date:
    """Latest assessments dated before this are stale."""
    end = date(filters.as_of, 12, 31) if filters.as_of else (today or date.today())
    try:
        return end.replace(year=end.year - STALE_AFTER_YEARS)
    except ValueError:  # 29 February
        return end.replace(year=end.year - STALE_AFTER_YEARS, day=28)


def organisations_in_view(user, filters: CapacityFilters) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    """The tripartite organisations the dashboard speaks of, assessed or not."""
    organisations = scoped(user, Organisation.objects.filter(group__in=TRIPARTITE_GROUPS))
    return organisations.filter(**filters.organisation_lookups())


def flagged(filters: CapacityFilters, pairs_: list[Pair]) -> dict[str, list[Pair]]:
    """The tripartite organisations each data-quality flag (but "missing") counts."""
    tripartite = [p for p in pairs_ if p.group in TRIPARTITE_GROUPS]
    limit = stale_before(filters)
    return {
        "stale": [p for p in tripartite if p.latest_date < limit],
        "incomplete": [p for p in tripartite if not p.complete],
        "outliers": outliers(tripartite),
    }


def quality(user, filters: CapacityFilters, pairs_: list[Pair]) -> Quality:  # type: ignore[no-untyped-def]
    assessed = sum(1 for p in pairs_ if p.group in TRIPARTITE_GROUPS)
    organisations = organisations_in_view(user, filters).count()
    flags = flagged(filters, pairs_)
    return Quality(
        organisations=organisations,
        missing=max(0, organisations - assessed),
        stale=len(flags["stale"]),
        incomplete=len(flags["incomplete"]),
        outliers=len(flags["outliers"]),
    )


def membership(user, filters: CapacityFilters) -> list[MembershipPoint]:  # type: ignore[no-untyped-def]
    """Members of workers' and employers' organisations by year (§12)."""
    figures = scoped(user, Membership.objects.all()).filter(
        organisation__group__in=[ConstituentGroup.WORKERS, ConstituentGroup.EMPLOYERS],
        **filters.organisation_lookups("organisation__"),
    )
    if filters.as_of:
        figures = figures.filter(year__lte=filters.as_of)
    rows = (
        figures.order_by()
        .values("year", "organisation__group")
        .annotate(
            organisations=Count("pk"),
            all_members=Sum("members"),
            women=Sum("women_members", filter=Q(women_members__isnull=False)),
            reporting=Sum("members", filter=Q(women_members__isnull=False)),
        )
        .order_by("year", "organisation__group")
    )
    return [
        MembershipPoint(
            year=row["year"],
            group=row["organisation__group"],
            organisations=row["organisations"],
            members=row["all_members"] or 0,
            women_members=row["women"] or 0,
            members_reporting_women=row["reporting"] or 0,
        )
        for row in rows
    ]


def _by_group(pairs_: list[Pair]) -> list[Comparison]:
    grouped: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs_:
        grouped[pair.group].append(pair)
    order = [*TRIPARTITE_GROUPS, ConstituentGroup.OTHER]
    return [
        compare(group, str(ConstituentGroup(group).label), grouped[group])
        for group in order
        if grouped.get(group)
    ]


def _by_place(filters: CapacityFilters, pairs_: list[Pair]) -> list[Comparison]:
    """By region; by country once the dashboard is narrowed to a region or a country."""
    grouped: dict[int, list[Pair]] = defaultdict(list)
    if filters.region or filters.country:
        for pair in pairs_:
            grouped[pair.country_id].append(pair)
        places = Country.objects.filter(pk__in=grouped).order_by("name")
        return [compare(c.iso_alpha3, c.name, grouped[c.pk]) for c in places]
    for pair in pairs_:
        grouped[pair.region_id].append(pair)
    regions = Region.objects.filter(pk__in=grouped).order_by("name")
    return [compare(r.code, r.name, grouped[r.pk]) for r in regions]


def capacity_dashboard(user, filters: CapacityFilters) -> CapacityDashboard:  # type: ignore[no-untyped-def]
    """Every figure of the capacity dashboard for `filters`, over what `user` may see."""
    facts = facts_for_user(user, filters)
    pairs_ = pairs(facts, as_of=filters.as_of)
    return CapacityDashboard(
        filters=filters,
        overall=compare("", "", pairs_),
        by_group=_by_group(pairs_),
        by_place=_by_place(filters, pairs_),
        trend=trend(facts),
        distribution=distribution(pairs_),
        quality=quality(user, filters, pairs_),
        membership=membership(user, filters),
        pairs=pairs_,
    )


@dataclass(frozen=True)
class Movement:
    """One figure of one organisation: first and latest value, and how many assessments."""

    dimension: str
    baseline: Decimal
    latest: Decimal
    assessments: int

    @property
    def change(self) -> Decimal | None:
        return self.latest - self.baseline if self.assessments > 1 else None


@dataclass(frozen=True)
class ConstituentRow:
    organisation: Organisation
    overall: Movement | None
    cells: list[Movement | None]  # in GRID_CELLS order


@dataclass(frozen=True)
class CountryDashboard:
    country: Country
    capacity: CapacityDashboard
    constituents: list[ConstituentRow]


def _movements(facts: QuerySet[CapacityFact]) -> dict[tuple[int, str], Movement]:
    """(organisation, dimension) → Movement over `facts`: the first and the last of each
    (an organisation's facts are few, and `facts` may stop at an as-of year)."""
    rows = facts.order_by("organisation_id", "dimension", "sequence").values_list(
        "organisation_id", "dimension", "percent", "sequence"
    )
    first: dict[tuple[int, str], Decimal] = {}
    moves: dict[tuple[int, str], Movement] = {}
    for organisation, dimension, percent, sequence in rows:
        key = (organisation, dimension)
        first.setdefault(key, percent)
        moves[key] = Movement(dimension, first[key], percent, sequence)
    return moves


def country_dashboard(user, country: Country, filters: CapacityFilters) -> CountryDashboard:  # type: ignore[no-untyped-def]
    """The tripartite view of one country: each constituent's baseline and latest overall
    and by grid cell, beside the country's capacity dashboard."""
    from capdev.diagnose.models import GRID_CELLS

    filters = CapacityFilters(
        country=country.iso_alpha3,
        group=filters.group,
        dimension=filters.dimension,
        as_of=filters.as_of,
    )
    organisations = list(
        scoped(user, Organisation.objects.filter(country=country, group__in=TRIPARTITE_GROUPS))
        .filter(**filters.organisation_lookups())
        .order_by("group", "name")
    )
    facts = scoped(user, CapacityFact.objects.filter(country=country)).filter(
        dimension__in=[CapacityFact.OVERALL] + [f"cell:{lv}:{kd}" for lv, kd in GRID_CELLS]
    )
    if filters.as_of:
        facts = facts.filter(year__lte=filters.as_of)
    moves = _movements(facts)
    order = {group: index for index, group in enumerate(TRIPARTITE_GROUPS)}
    organisations.sort(key=lambda o: (order[o.group], o.name))
    return CountryDashboard(
        country=country,
        capacity=capacity_dashboard(user, filters),
        constituents=[
            ConstituentRow(
                organisation=o,
                overall=moves.get((o.pk, CapacityFact.OVERALL)),
                cells=[moves.get((o.pk, f"cell:{lv}:{kd}")) for lv, kd in GRID_CELLS],
            )
            for o in organisations
        ],
    )


@dataclass(frozen=True)
class OrganisationDashboard:
    organisation: Organisation
    series: list[dict[str, object]]  # {assessment, date, dimension, percent} in date order
    movements: list[Movement]  # by dimension: overall first, then cells, then themes
    membership: list[Membership]


def organisation_dashboard(user, organisation: Organisation) -> OrganisationDashboard:  # type: ignore[no-untyped-def]
    """One organisation over time: every figure of every assessment counted."""
    facts = scoped(user, CapacityFact.objects.filter(organisation=organisation))
    series = list(
        facts.order_by("date", "assessment_id", "dimension").values(
            "assessment_id", "date", "dimension", "percent"
        )
    )
    moves = _movements(facts)
    kinds = {"": 0, "cell": 1, "theme": 2}
    movements = sorted(
        moves.values(), key=lambda m: (kinds[m.dimension.partition(":")[0]], m.dimension)
    )
    return OrganisationDashboard(
        organisation=organisation,
        series=series,
        movements=movements,
        membership=list(scoped(user, organisation.memberships.all()).order_by("year")),
    )


FLAGS = ("stale", "incomplete", "outliers")
SUBSETS = (
    "assessed",
    "cohort",
    "improved",
    "declined",
    "missing",
    "stale",
    "incomplete",
    "outliers",
)


def organisations_behind(
    user, filters: CapacityFilters, subset: str
) -> list[tuple[Organisation, Pair | None]]:  # type: ignore[no-untyped-def]
    """The organisations one figure of the dashboard counts, with their baseline and latest:
    every figure can be traced to the records behind it."""
    facts = facts_for_user(user, filters)
    all_pairs = pairs(facts, as_of=filters.as_of)
    if subset in FLAGS:
        chosen = flagged(filters, all_pairs)[subset]
    else:
        chosen = {
            "assessed": all_pairs,
            "cohort": [p for p in all_pairs if p.assessments > 1],
            "improved": [p for p in all_pairs if p.change is not None and p.change > 0],
            "declined": [p for p in all_pairs if p.change is not None and p.change < 0],
            "missing": [],
        }[subset]
    if subset == "missing":
        assessed = {p.organisation_id for p in all_pairs}
        missing = organisations_in_view(user, filters).exclude(pk__in=assessed)
        return [
            (o, None) for o in missing.select_related("country").order_by("country__name", "name")
        ]
    by_pk = {p.organisation_id: p for p in chosen}
    organisations = Organisation.objects.filter(pk__in=by_pk).select_related("country")
    return [(o, by_pk[o.pk]) for o in organisations.order_by("country__name", "name")]
