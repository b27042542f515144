"""Reads of gender parity (§10), each through the one scoping function.

Every share here is women / people counted, both counts of rows the reader sees; a share of
several groups, States or sessions is computed from their pooled counts, never by averaging
their percentages. A reader who sees only part of a delegation (a workers' specialist sees
the workers' members) gets the figures of the part they see.

Thresholds come from `ParityTarget.current()` (30% minimum and parity as the goal until HQ
changes them); a share reaches a threshold when women × 100 ≥ threshold × total, in whole
numbers, so no rounding decides a borderline delegation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from capdev.core.models import REGION_NAMES, ConstituentGroup, Country, Region
from capdev.core.scoping import Action, may_administer_some, scoped
from capdev.deliver.models import Activity, Participation
from capdev.deliver.selectors import SexCounts
from capdev.lib import shares
from capdev.lib.shares import reaches
from capdev.parity.models import (
    DelegationGroup,
    DelegationImport,
    DelegationMember,
    DelegationRole,
    Meeting,
    ParityTarget,
    Sex,
)
from capdev.plan.models import CrossCuttingDriver

FEMALE = Sex.FEMALE.value
RECENT_SESSIONS = 3  # the sessions over which a group's share decides whether it needs help


# --- the figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The thresholds in force, in whole percent."""

    minimum_percent: int
    goal_percent: int

    @classmethod
    def current(cls) -> Target:
        target = ParityTarget.current()
        return cls(target.minimum_percent, target.goal_percent)

    @property
    def minimum(self) -> float:
        return self.minimum_percent / 100

    @property
    def goal(self) -> float:
        return self.goal_percent / 100


class WomenShare:
    """Women / total for a dataclass counting `women` among `total` people."""

    women: int
    total: int

    @property
    def share(self) -> float | None:
        """Women / total (0–1); None when no one is counted."""
        return shares.share(self.women, self.total)

    def reaches(self, percent: int) -> bool:
        return reaches(self.women, self.total, percent)


@dataclass(frozen=True)
class Share(WomenShare):
    """Women among the people counted under one key (a group, a region, a State...)."""

    key: str
    label: str
    women: int
    total: int

    @property
    def men_and_others(self) -> int:
        return self.total - self.women


@dataclass(frozen=True)
class SessionShare(WomenShare):
    """Women among the delegation members of one meeting (that the reader sees)."""

    meeting_id: int
    name: str
    kind: str
    session: int | None
    year: int
    women: int
    total: int


@dataclass(frozen=True)
class TrendPoint(WomenShare):
    """Women among the members of one group (or "all") at the meetings of one year."""

    year: int
    group: str  # a DelegationGroup value, or "all"
    label: str
    women: int
    total: int


@dataclass(frozen=True)
class DelegationCounts:
    """How many delegations (member State × meeting) reach the minimum and the goal."""

    delegations: int
    reaching_minimum: int
    reaching_goal: int

    @property
    def minimum_share(self) -> float | None:
        return shares.share(self.reaching_minimum, self.delegations)

    @property
    def goal_share(self) -> float | None:
        return shares.share(self.reaching_goal, self.delegations)


@dataclass(frozen=True)
class DelegationRow(WomenShare):
    """One member State's delegation to one meeting: women and people by group and in all."""

    meeting: Meeting
    country: Country
    by_group: dict[str, Share]
    women: int
    total: int

    @property
    def meeting_id(self) -> int:
        return self.meeting.pk

    @property
    def groups(self) -> list[Share]:
        """The three groups in the tables' order (government, employers, workers)."""
        return [self.by_group[value] for value in DelegationGroup.values]


@dataclass(frozen=True)
class GroupNeedingHelp(WomenShare):
    """A member State's group whose share of women, pooled over the recent sessions, is under
    the minimum; with the parity workshops (activities) offered to it."""

    country: Country
    group: str
    women: int
    total: int
    sessions: int  # of the recent sessions, how many this group was counted at
    workshops: tuple[Activity, ...] = ()

    @property
    def group_label(self) -> str:
        return str(DelegationGroup(self.group).label)


@dataclass(frozen=True)
class SexRow:
    """Participants in activities under one key (a year, a region, a group), by sex."""

    key: str
    label: str
    counts: SexCounts

    @property
    def female(self) -> int:
        return self.counts.female

    @property
    def male(self) -> int:
        return self.counts.male

    @property
    def other(self) -> int:
        return self.counts.other

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def female_share(self) -> float | None:
        return self.counts.female_share


@dataclass(frozen=True)
class Filters:
    """What the parity pages and the summary narrow the figures to (empty: everything)."""

    kind: str = ""  # a Meeting.Kind value
    first_year: int | None = None
    last_year: int | None = None
    region: str = ""  # a Region code
    group: str = ""  # a DelegationGroup value
    meeting: int | None = None
    country: int | None = None  # a Country pk

    @classmethod
    def of(cls, data: dict[str, Any]) -> Filters:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names and v not in (None, "")})


# --- querysets --------------------------------------------------------------------------


def meetings_for_user(user, action: Action = Action.VIEW) -> QuerySet[Meeting]:
    return scoped(user, Meeting.objects.select_related("region"), action)


def meeting_for_user(user, pk: int, action: Action = Action.VIEW) -> Meeting:
    try:
        return meetings_for_user(user, action).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def meeting_allows(user, meeting: Meeting, action: Action) -> bool:
    return scoped(user, Meeting.objects.filter(pk=meeting.pk), action).exists()


def members_for_user(user, action: Action = Action.VIEW) -> QuerySet[DelegationMember]:
    return scoped(user, DelegationMember.objects.select_related("country", "meeting"), action)


def imports_for_user(user, meeting: Meeting) -> QuerySet[DelegationImport]:
    rows = DelegationImport.objects.filter(meeting=meeting).select_related("created_by")
    return scoped(user, rows)


def target_allows_change(user) -> bool:
    """Whether the user may change the parity target (HQ and administrators)."""
    target = ParityTarget.objects.order_by("pk").first()
    if target is None:  # no row yet: the same rule, asked of a row that would exist
        return may_administer_some(user, ParityTarget)
    return scoped(user, ParityTarget.objects.filter(pk=target.pk), Action.CHANGE).exists()


def _members(user, filters: Filters) -> QuerySet[DelegationMember]:
    rows = scoped(user, DelegationMember.objects.all())
    lookups = {
        "meeting__kind": filters.kind,
        "meeting__year__gte": filters.first_year,
        "meeting__year__lte": filters.last_year,
        "country__region__code": filters.region,
        "group": filters.group,
        "meeting": filters.meeting,
        "country": filters.country,
    }
    return rows.filter(**{k: v for k, v in lookups.items() if v not in (None, "")}).order_by()


def _counts(**extra: Any) -> dict[str, Count]:
    return {"women": Count("pk", filter=Q(sex=FEMALE)), "people": Count("pk"), **extra}


# --- shares by group, region, State, session; the trend -----------------------------------


def share_by_group(user, filters: Filters = Filters()) -> list[Share]:
    """Women among the members of each group (all three, in order, even when none counted)."""
    rows = {
        row["group"]: row for row in _members(user, filters).values("group").annotate(**_counts())
    }
    return [
        Share(
            value,
            str(label),
            rows.get(value, {}).get("women", 0),
            rows.get(value, {}).get("people", 0),
        )
        for value, label in DelegationGroup.choices
    ]


def share_by_region(user, filters: Filters = Filters()) -> list[Share]:
    """Women among the members of each region's delegations (regions with members only)."""
    rows = (
        _members(user, filters)
        .values("country__region__code", "country__region__name")
        .annotate(**_counts())
        .order_by("country__region__name")
    )
    return [
        Share(
            row["country__region__code"],
            str(REGION_NAMES.get(row["country__region__code"], row["country__region__name"])),
            row["women"],
            row["people"],
        )
        for row in rows
    ]


def share_by_state(user, filters: Filters = Filters()) -> list[Share]:
    """Women among each member State's delegation members (over the meetings filtered)."""
    rows = (
        _members(user, filters)
        .values("country__iso_alpha3", "country__pk")
        .annotate(**_counts())
        .order_by("country__iso_alpha3")
    )
    names = Country.objects.in_bulk([row["country__pk"] for row in rows])
    states = [
        Share(
            row["country__iso_alpha3"],
            names[row["country__pk"]].localized_name(),
            row["women"],
            row["people"],
        )
        for row in rows
    ]
    return sorted(states, key=lambda s: s.label)


def share_by_session(user, filters: Filters = Filters()) -> list[SessionShare]:
    """Women among each meeting's members, oldest meeting first; meetings whose delegations
    the reader sees nothing of are left out."""
    rows = (
        _members(user, filters)
        .values(
            "meeting",
            "meeting__name",
            "meeting__kind",
            "meeting__session",
            "meeting__year",
            "meeting__start",
        )
        .annotate(**_counts())
        .order_by("meeting__start", "meeting")
    )
    return [
        SessionShare(
            meeting_id=row["meeting"],
            name=row["meeting__name"],
            kind=row["meeting__kind"],
            session=row["meeting__session"],
            year=row["meeting__year"],
            women=row["women"],
            total=row["people"],
        )
        for row in rows
    ]


def trend(user, filters: Filters = Filters()) -> list[TrendPoint]:
    """By year: women among each group's members and among all, at the meetings filtered."""
    rows = (
        _members(user, filters)
        .values("meeting__year", "group")
        .annotate(**_counts())
        .order_by("meeting__year", "group")
    )
    points: list[TrendPoint] = []
    pooled: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    labels = dict(DelegationGroup.choices)
    for row in rows:
        year = row["meeting__year"]
        points.append(
            TrendPoint(year, row["group"], str(labels[row["group"]]), row["women"], row["people"])
        )
        pooled[year][0] += row["women"]
        pooled[year][1] += row["people"]
    points += [TrendPoint(year, "all", _("All groups"), w, t) for year, (w, t) in pooled.items()]
    return sorted(points, key=lambda p: (p.year, p.group != "all", p.group))


# --- delegations: who reaches the minimum and parity ------------------------------------


def delegations(user, filters: Filters = Filters()) -> list[DelegationRow]:
    """Each member State's delegation to each meeting filtered, by group; by meeting (newest
    first) then State name."""
    rows = (
        _members(user, filters)
        .values("meeting", "country", "group")
        .annotate(**_counts())
        .order_by()
    )
    cells: dict[tuple[int, int], dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        cells[(row["meeting"], row["country"])][row["group"]] = (row["women"], row["people"])
    countries = Country.objects.in_bulk({country for _meeting, country in cells})
    meetings = Meeting.objects.in_bulk({meeting for meeting, _country in cells})
    labels = dict(DelegationGroup.choices)
    result = []
    for (meeting_id, country_id), groups in cells.items():
        by_group = {
            value: Share(value, str(labels[value]), *groups.get(value, (0, 0)))
            for value in DelegationGroup.values
        }
        result.append(
            DelegationRow(
                meeting=meetings[meeting_id],
                country=countries[country_id],
                by_group=by_group,
                women=sum(w for w, _t in groups.values()),
                total=sum(t for _w, t in groups.values()),
            )
        )
    result.sort(key=lambda r: r.country.localized_name())
    result.sort(key=lambda r: r.meeting.start, reverse=True)
    return result


def delegation_counts(
    user, filters: Filters = Filters(), target: Target | None = None
) -> DelegationCounts:
    """How many delegations (State × meeting) the reader sees reach the minimum and the goal."""
    target = target or Target.current()
    rows = (
        _members(user, filters)
        .values("meeting", "country")
        .annotate(**_counts())
        .values_list("women", "people")
    )
    delegations_seen = minimum = goal = 0
    for women, people in rows:
        delegations_seen += 1
        minimum += reaches(women, people, target.minimum_percent)
        goal += reaches(women, people, target.goal_percent)
    return DelegationCounts(delegations_seen, minimum, goal)


# --- the groups that need help, and the parity workshops offered to them ------------------


def recent_meetings(user, filters: Filters = Filters(), sessions: int = RECENT_SESSIONS) -> list:
    """The latest `sessions` meetings filtered (Conference sessions unless a kind is given)."""
    kind = filters.kind or Meeting.Kind.CONFERENCE
    meetings = meetings_for_user(user).filter(kind=kind)
    if filters.first_year:
        meetings = meetings.filter(year__gte=filters.first_year)
    if filters.last_year:
        meetings = meetings.filter(year__lte=filters.last_year)
    return list(meetings.order_by("-start", "-pk")[:sessions])


def parity_workshops(user) -> QuerySet[Activity]:
    """Activities offered for gender equality (§10, §18): those marked with the gender-equality
    driver, in the reader's scope, newest first; cancelled ones left out."""
    driver = CrossCuttingDriver.GENDER_EQUALITY.value
    return (
        scoped(user, Activity.objects.all())
        .filter(drivers__icontains=f'"{driver}"')
        .exclude(status=Activity.Status.CANCELLED)
        .order_by("-start", "pk")
    )


def _offered_to(activity: Activity, country_id: int, group: str) -> bool:
    """A parity workshop is offered to a State's group when it takes place in (or is for)
    that State and names the group among its target groups (or names none: for everyone)."""
    countries = {c.pk for c in activity.countries.all()}
    groups = activity.target_groups or []
    return country_id in countries and (not groups or group in groups)


def groups_needing_help(
    user,
    filters: Filters = Filters(),
    target: Target | None = None,
    sessions: int = RECENT_SESSIONS,
) -> list[GroupNeedingHelp]:
    """State × group whose share of women, pooled over the latest `sessions` meetings
    (Conference sessions unless `filters.kind` says otherwise), is under the minimum; each
    with the parity workshops offered to it. Lowest share first."""
    target = target or Target.current()
    recent = recent_meetings(user, filters, sessions)
    if not recent:
        return []
    pooled = replace(filters, kind="", first_year=None, last_year=None, meeting=None)
    rows = (
        _members(user, pooled)
        .filter(meeting__in=[m.pk for m in recent])
        .values("country", "group")
        .annotate(**_counts(sessions=Count("meeting", distinct=True)))
    )
    needing = [
        row for row in rows if not reaches(row["women"], row["people"], target.minimum_percent)
    ]
    countries = Country.objects.in_bulk({row["country"] for row in needing})
    workshops = list(
        parity_workshops(user)
        .filter(countries__in=list(countries))
        .distinct()
        .prefetch_related("countries")
    )
    result = [
        GroupNeedingHelp(
            country=countries[row["country"]],
            group=row["group"],
            women=row["women"],
            total=row["people"],
            sessions=row["sessions"],
            workshops=tuple(a for a in workshops if _offered_to(a, row["country"], row["group"])),
        )
        for row in needing
    ]
    return sorted(
        result,
        key=lambda g: (g.share or 0, g.country.localized_name(), g.group),
    )


# --- participation in activities by sex (sex-disaggregated figures everywhere) ---------


PARTICIPATION_KEYS = {
    "year": "activity__start__year",
    "region": "person__country__region__code",
    "group": "person__organisation__group",
}


def participation_by_sex(
    user,
    by: str = "year",
    *,
    first_year: int | None = None,
    last_year: int | None = None,
    region: str = "",
    group: str = "",
) -> list[SexRow]:
    """Participants of all activities the reader sees, by sex, per year (the activity's
    start), region (the person's country) or constituent group (the person's organisation;
    people of no organisation under "none")."""
    key = PARTICIPATION_KEYS[by]
    rows = scoped(user, Participation.objects.all())
    # A participant reached through two of an activity's countries is still one participant.
    distinct = bool(rows.query.distinct)
    lookups = {
        "activity__start__year__gte": first_year,
        "activity__start__year__lte": last_year,
        "person__country__region__code": region,
        "person__organisation__group": group,
    }
    rows = rows.filter(**{k: v for k, v in lookups.items() if v not in (None, "")})
    counts = {sex: Count("pk", filter=Q(person__sex=sex), distinct=distinct) for sex in Sex.values}
    grouped = rows.values(key).annotate(**counts).order_by(key)
    labels = _labels(by)
    result = []
    for row in grouped:
        value = row[key]
        text = "none" if value is None else str(value)
        result.append(
            SexRow(
                text,
                labels.get(text, text),
                SexCounts(**{sex: row[sex] for sex in Sex.values}),
            )
        )
    return result


def _labels(by: str) -> dict[str, str]:
    if by == "region":
        return {code: str(REGION_NAMES.get(code, code)) for code in REGION_NAMES}
    if by == "group":
        return {
            **{value: str(label) for value, label in ConstituentGroup.choices},
            "none": _("No organisation"),
        }
    return {}


# --- the meeting list and one meeting ---------------------------------------------------


MEETING_SORTS = {
    "-start": ("-start", "-pk"),
    "start": ("start", "pk"),
    "name": ("name", "pk"),
    "-share": ("-share_order", "-start", "-pk"),
    "share": ("share_order", "-start", "-pk"),
}


def _member_count(user, sex: str = "") -> Coalesce:
    rows = scoped(user, DelegationMember.objects.all()).filter(meeting=OuterRef("pk"))
    if sex:
        rows = rows.filter(sex=sex)
    count = rows.order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count), 0)


def meeting_list_for_user(
    user,
    *,
    q: str = "",
    kind: str = "",
    year: int | None = None,
    region: Region | None = None,
    sort: str = "-start",
) -> QuerySet[Meeting]:
    """Meetings (public), each with `women` and `people`: the members the reader sees."""
    meetings = meetings_for_user(user)
    for word in q.split():
        meetings = meetings.filter(Q(name__icontains=word) | Q(place__icontains=word))
    lookups = {"kind": kind, "year": year, "region": region}
    meetings = meetings.filter(**{k: v for k, v in lookups.items() if v})
    meetings = meetings.annotate(women=_member_count(user, FEMALE), people=_member_count(user))
    meetings = meetings.annotate(
        share_order=ExpressionWrapper(
            F("women") * 1.0 / (F("people") + 1e-9), output_field=FloatField()
        )
    )
    return meetings.order_by(*MEETING_SORTS.get(sort, MEETING_SORTS["-start"]))


def meeting_counts(user, meeting: Meeting) -> list[dict[str, Any]]:
    """The members of a meeting the reader sees, counted by State × group × role × sex."""
    rows = (
        _members(user, Filters(meeting=meeting.pk))
        .values("country__iso_alpha3", "group", "role", "sex")
        .annotate(count=Count("pk"))
        .order_by("country__iso_alpha3", "group", "role", "sex")
    )
    return [
        {
            "country": row["country__iso_alpha3"],
            "group": row["group"],
            "role": row["role"],
            "sex": row["sex"],
            "count": row["count"],
        }
        for row in rows
    ]


def meeting_roles(user, meeting: Meeting) -> list[Share]:
    """Women among the meeting's members the reader sees, by role (delegates, advisers...)."""
    rows = {
        row["role"]: row
        for row in _members(user, Filters(meeting=meeting.pk)).values("role").annotate(**_counts())
    }
    return [
        Share(value, str(label), rows[value]["women"], rows[value]["people"])
        for value, label in DelegationRole.choices
        if value in rows
    ]


# --- the summary the progress report reads ----------------------------------------------


@dataclass(frozen=True)
class ParitySummary:
    """Gender parity (§10) as one reader sees it, for the progress report.

    - `target`: the thresholds in force (minimum and goal, whole percent).
    - `first_year`, `last_year`: the years asked for (None: from the first / to the last).
    - `sessions`: one SessionShare per meeting with members the reader sees (meeting_id,
      name, kind, session, year, women, total; `share` = women / total), oldest first;
      Conference sessions and regional meetings alike (see `kind`).
    - `groups`: one Share per group (government, employers, workers) over those meetings.
    - `regions`: one Share per region over those meetings.
    - `delegations`: DelegationCounts — delegations (member State × meeting) seen, and how
      many reach the minimum and the goal.
    - `groups_needing_help`: GroupNeedingHelp rows (State × group under the minimum over the
      latest three Conference sessions in the years), each with its parity workshops.
    - `participation`: SexCounts of the participants of all activities (starting in the
      years) the reader sees; `participation_by_year`: SexRow per year.
    """

    target: Target
    first_year: int | None
    last_year: int | None
    sessions: list[SessionShare] = field(default_factory=list)
    groups: list[Share] = field(default_factory=list)
    regions: list[Share] = field(default_factory=list)
    delegations: DelegationCounts = DelegationCounts(0, 0, 0)
    groups_needing_help: list[GroupNeedingHelp] = field(default_factory=list)
    participation: SexCounts = SexCounts(0, 0, 0)
    participation_by_year: list[SexRow] = field(default_factory=list)

    @property
    def women(self) -> int:
        return sum(s.women for s in self.sessions)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sessions)

    @property
    def share(self) -> float | None:
        """Women among all members counted at all the meetings (pooled counts)."""
        return shares.share(self.women, self.total)


def parity_summary(
    user, *, first_year: int | None = None, last_year: int | None = None
) -> ParitySummary:
    """Gender parity in the years `first_year`–`last_year` (inclusive; None: open) as `user`
    sees it. See ParitySummary for the fields."""
    filters = Filters(first_year=first_year, last_year=last_year)
    target = Target.current()
    by_year = participation_by_sex(user, "year", first_year=first_year, last_year=last_year)
    return ParitySummary(
        target=target,
        first_year=first_year,
        last_year=last_year,
        sessions=share_by_session(user, filters),
        groups=share_by_group(user, filters),
        regions=share_by_region(user, filters),
        delegations=delegation_counts(user, filters, target),
        groups_needing_help=groups_needing_help(user, filters, target),
        participation=SexCounts(
            female=sum(r.female for r in by_year),
            male=sum(r.male for r in by_year),
            other=sum(r.other for r in by_year),
        ),
        participation_by_year=by_year,
    )
