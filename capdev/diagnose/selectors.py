"""Reads of the diagnose stage. Every one starts from `scoped()`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from capdev.core.models import TRIPARTITE_GROUPS, ConstituentGroup, Country, Organisation
from capdev.core.scoping import Action, scoped
from capdev.diagnose.models import (
    GRID_CELLS,
    Area,
    AreaScore,
    Assessment,
    CapacityType,
    CellScore,
    Instrument,
    InstrumentVersion,
    Item,
    ItemScore,
    Level,
    Need,
)
from capdev.lib.translated import localized

User = AbstractBaseUser | AnonymousUser

ASSESSMENT_SORTS = {
    "-date": ("-date", "-pk"),
    "date": ("date", "pk"),
    "organisation": ("organisation__name", "-date"),
    "score": ("score_percent", "-date"),
    "-score": ("-score_percent", "-date"),
}
NEED_SORTS = {
    "priority": ("priority", "-created_at", "-pk"),
    "-created": ("-created_at", "-pk"),
    "organisation": ("organisation__name", "priority"),
    "theme": ("theme", "priority"),
}


def _get(queryset: QuerySet, pk: int):  # type: ignore[no-untyped-def]
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def _organisation_filters(
    country: str, region: str, group: str, organisation: int | None
) -> dict[str, object]:
    """Lookups of the registry filters every diagnose list shares (by the organisation)."""
    return {
        "organisation__country__iso_alpha2": country.upper(),
        "organisation__country__region__code": region,
        "organisation__group": group,
        "organisation_id": organisation,
    }


def _filtered(queryset: QuerySet, lookups: dict[str, object]) -> QuerySet:
    """`queryset` filtered by the lookups given a value (empty filters are not applied)."""
    return queryset.filter(**{key: value for key, value in lookups.items() if value})


def instruments_for_user(user: User) -> QuerySet[Instrument]:
    """Instruments with their versions, newest first, each with its `item_count`."""
    versions = InstrumentVersion.objects.annotate(item_count=Count("items")).order_by("-number")
    return scoped(user, Instrument.objects.all()).prefetch_related(
        Prefetch("versions", queryset=versions)
    )


def instrument_for_user(user: User, pk: int) -> Instrument:
    return _get(instruments_for_user(user), pk)


def version_of(
    instrument: Instrument, number: int | None = None, *, published_only: bool = False
) -> InstrumentVersion:
    """Version `number` of an instrument from `instruments_for_user`; by default its latest
    published version, or (unless `published_only`) its draft when none is published."""
    versions = list(instrument.versions.all())
    if number is not None:
        chosen = next((v for v in versions if v.number == number), None)
    else:
        chosen = next((v for v in versions if v.is_published), None)
        if chosen is None and not published_only:
            chosen = versions[0] if versions else None
    if chosen is None or (published_only and not chosen.is_published and number is None):
        raise Http404
    return chosen


def version_for_user(user: User, pk: int) -> InstrumentVersion:
    versions = scoped(user, InstrumentVersion.objects.select_related("instrument"))
    return _get(versions, pk)


def version_content(version: InstrumentVersion) -> list[Area]:
    """The version's areas, each with its items, in order (two queries)."""
    return list(
        version.areas.order_by("position").prefetch_related(
            Prefetch("items", queryset=Item.objects.order_by("position"))
        )
    )


def latest_published_version(instrument: Instrument) -> InstrumentVersion | None:
    return (
        instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def published_versions_for_user(user: User) -> QuerySet[InstrumentVersion]:
    return scoped(
        user,
        InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED).select_related(
            "instrument"
        ),
    ).order_by("instrument__code", "-number")


def assessments_for_user(
    user: User,
    *,
    q: str = "",
    country: str = "",
    region: str = "",
    group: str = "",
    organisation: int | None = None,
    instrument: str = "",
    status: str = "",
    mode: str = "",
    sort: str = "-date",
    action: Action = Action.VIEW,
) -> QuerySet[Assessment]:
    assessments = scoped(
        user,
        Assessment.objects.select_related(
            "organisation", "organisation__country", "version", "version__instrument", "office"
        ),
        action,
    )
    if q:
        q = q.strip()
        assessments = assessments.filter(
            Q(organisation__name__icontains=q) | Q(organisation__acronym__icontains=q)
        )
    assessments = _filtered(
        assessments,
        _organisation_filters(country, region, group, organisation)
        | {"version__instrument__code": instrument, "status": status, "mode": mode},
    )
    return assessments.order_by(*ASSESSMENT_SORTS.get(sort, ASSESSMENT_SORTS["-date"]))


def assessment_for_user(user: User, pk: int, action: Action = Action.VIEW) -> Assessment:
    return _get(assessments_for_user(user, action=action), pk)


def assessment_allows(user: User, assessment: Assessment, action: Action) -> bool:
    return scoped(user, Assessment.objects.filter(pk=assessment.pk), action).exists()


def needs_for_user(
    user: User,
    *,
    q: str = "",
    country: str = "",
    region: str = "",
    group: str = "",
    organisation: int | None = None,
    level: str = "",
    type: str = "",
    theme: str = "",
    status: str = "",
    priority: str = "",
    source: str = "",
    sort: str = "priority",
    action: Action = Action.VIEW,
) -> QuerySet[Need]:
    """The needs registry (§16). `q` matches every word, in any order, against the need's
    title and description and its organisation's name and acronym."""
    needs = scoped(
        user,
        Need.objects.select_related("organisation", "organisation__country", "assessment"),
        action,
    )
    for word in q.split():
        needs = needs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__acronym__iexact=word)
            | Q(organisation__country__name__icontains=word)
        )
    needs = _filtered(
        needs,
        _organisation_filters(country, region, group, organisation)
        | {
            "level": level,
            "type": type,
            "theme": theme,
            "status": status,
            "priority": priority,
            "source": source,
        },
    )
    return needs.order_by(*NEED_SORTS.get(sort, NEED_SORTS["priority"]))


def need_for_user(user: User, pk: int, action: Action = Action.VIEW) -> Need:
    return _get(needs_for_user(user, action=action), pk)


@dataclass(frozen=True)
class ScoringSheet:
    """One area of an assessment as the scoring page shows it."""

    area: Area | None
    rows: list[tuple[Item, ItemScore | None, Need | None]]  # item, score, need marked from it
    area_nav: list[tuple[Area, int, int]]  # every area, items scored, items asked
    area_marked: bool
    previous_area: Area | None
    next_area: Area | None


def scoring_sheet(assessment: Assessment, area_name: str = "") -> ScoringSheet:
    """The area named (default: the first) with the items the organisation's group is
    asked, their scores and need marks, and how far each area is scored."""
    areas = version_content(assessment.version)
    area = next((a for a in areas if a.name == area_name), areas[0] if areas else None)
    group = assessment.organisation.group
    scores = {s.item_id: s for s in ItemScore.objects.filter(assessment=assessment)}
    marked = {need.item_id: need for need in assessment.needs.exclude(item=None)}
    nav = []
    for each in areas:
        asked = [i for i in each.items.all() if i.applies_to(group)]
        scored = sum(1 for i in asked if i.pk in scores and scores[i.pk].score is not None)
        nav.append((each, scored, len(asked)))
    index = areas.index(area) if area else 0
    return ScoringSheet(
        area=area,
        rows=[
            (item, scores.get(item.pk), marked.get(item.pk))
            for item in (area.items.all() if area else [])
            if item.applies_to(group)
        ],
        area_nav=nav,
        area_marked=area is not None and assessment.needs.filter(item=None, area=area).exists(),
        previous_area=areas[index - 1] if index > 0 else None,
        next_area=areas[index + 1] if index + 1 < len(areas) else None,
    )


# --- results of a diagnosis -------------------------------------------------------------


@dataclass(frozen=True)
class AreaResult:
    area: Area
    percent: Decimal | None
    mean: Decimal | None
    answered: int
    total: int
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.percent is None or self.previous is None:
            return None
        return self.percent - self.previous


@dataclass(frozen=True)
class ItemResult:
    item: Item
    score: int | None
    evidence: str
    comment: str
    previous: int | None

    @property
    def change(self) -> int | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def descriptor(self) -> str:
        for point in self.item.scale:
            if point["value"] == self.score:
                return localized(point["label"])
        return ""


@dataclass(frozen=True)
class CellResult:
    level: Level
    type: CapacityType
    percent: Decimal | None
    answered: int
    total: int


@dataclass(frozen=True)
class Profile:
    assessment: Assessment
    previous: Assessment | None
    areas: list[AreaResult]
    items: dict[int, list[ItemResult]]  # area id → items
    cells: list[CellResult]


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The organisation's latest earlier assessment with the same instrument, submitted or
    validated (a draft in progress is no baseline)."""
    return (
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id,
            version__instrument_id=assessment.version.instrument_id,
            date__lte=assessment.date,
        )
        .exclude(status=Assessment.Status.DRAFT)
        .exclude(pk=assessment.pk)
        .exclude(date=assessment.date, pk__gt=assessment.pk)
        .order_by("-date", "-pk")
        .first()
    )


def assessment_profile(assessment: Assessment) -> Profile:
    """Scores per area, item and grid cell, each with the change since the previous
    assessment of the organisation with the same instrument (matched by area and item
    name, so a new instrument version still compares)."""
    previous = previous_assessment(assessment)
    before_areas: dict[str, Decimal | None] = {}
    before_items: dict[str, int | None] = {}
    if previous is not None:
        before_areas = dict(
            AreaScore.objects.filter(assessment=previous).values_list("area__name", "percent")
        )
        before_items = dict(
            ItemScore.objects.filter(assessment=previous).values_list("item__name", "score")
        )
    group = assessment.organisation.group
    summaries = {s.area_id: s for s in AreaScore.objects.filter(assessment=assessment)}
    scores = {s.item_id: s for s in ItemScore.objects.filter(assessment=assessment)}
    areas, items = [], {}
    for area in version_content(assessment.version):
        summary = summaries.get(area.pk)
        areas.append(
            AreaResult(
                area,
                summary.percent if summary else None,
                summary.mean if summary else None,
                summary.answered if summary else 0,
                summary.total if summary else len(area.items.all()),
                before_areas.get(area.name),
            )
        )
        items[area.pk] = [
            ItemResult(
                item,
                scores[item.pk].score if item.pk in scores else None,
                scores[item.pk].evidence if item.pk in scores else "",
                scores[item.pk].comment if item.pk in scores else "",
                before_items.get(item.name),
            )
            for item in area.items.all()
            if item.applies_to(group)
        ]
    cell_rows = {(c.level, c.type): c for c in CellScore.objects.filter(assessment=assessment)}
    cells = [
        CellResult(
            Level(level),
            CapacityType(kind),
            cell_rows[(level, kind)].percent if (level, kind) in cell_rows else None,
            cell_rows[(level, kind)].answered if (level, kind) in cell_rows else 0,
            cell_rows[(level, kind)].total if (level, kind) in cell_rows else 0,
        )
        for level, kind in GRID_CELLS
    ]
    return Profile(assessment, previous, areas, items, cells)


@dataclass(frozen=True)
class ConstituentProfile:
    organisation: Organisation
    assessment: Assessment | None
    cells: dict[tuple[str, str], Decimal | None]

    @property
    def values(self) -> list[Decimal | None]:
        """The cell scores in GRID_CELLS order, for a table row."""
        return [self.cells.get(cell) for cell in GRID_CELLS]


def country_profiles(user: User, country: Country) -> list[ConstituentProfile]:
    """The latest submitted or validated assessment of each tripartite constituent of a
    country the user sees, with its grid-cell scores, for a side-by-side view."""
    organisations = scoped(
        user,
        Organisation.objects.filter(country=country, group__in=TRIPARTITE_GROUPS),
    ).order_by("group", "name")
    latest: dict[int, Assessment] = {}
    for assessment in scoped(
        user,
        Assessment.objects.filter(organisation__in=organisations)
        .exclude(status=Assessment.Status.DRAFT)
        .select_related("version__instrument"),
    ).order_by("organisation_id", "-date", "-pk"):
        latest.setdefault(assessment.organisation_id, assessment)
    cells: dict[int, dict[tuple[str, str], Decimal | None]] = {}
    for cell in CellScore.objects.filter(assessment__in=[a.pk for a in latest.values()]):
        cells.setdefault(cell.assessment_id, {})[(cell.level, cell.type)] = cell.percent
    order = {group: index for index, group in enumerate(TRIPARTITE_GROUPS)}
    return sorted(
        (
            ConstituentProfile(
                organisation,
                latest.get(organisation.pk),
                cells.get(latest[organisation.pk].pk, {}) if organisation.pk in latest else {},
            )
            for organisation in organisations
        ),
        key=lambda p: (order.get(ConstituentGroup(p.organisation.group), 9), p.organisation.name),
    )
