"""The parity part of the synthetic demo dataset (§10).

Nine sessions of the International Labour Conference, 2016 to 2025 (the Conference did not
meet in 2020), and two regional meetings, with a delegation from every member State the demo
has organisations in. The people are invented ("Adviser 12 (synthetic)"), and so are the
shares of women: they drift up from about a quarter to about a third over the decade,
government delegations highest and employers' lowest, each State's group keeping its own
lean so that some stay under the minimum. A handful of parity workshops (activities marked
for gender equality, planned after the demo's "today" and labelled, costed and funded as the
deliver demo's activities are) are offered to groups under the minimum. None of these
figures are the Conference's real ones.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from capdev.core.models import Country, Office, Organisation, Region
from capdev.deliver import demo as deliver_demo
from capdev.deliver.models import Activity
from capdev.parity.models import (
    CONFERENCE_DELEGATES,
    DelegationGroup,
    DelegationImport,
    DelegationMember,
    DelegationRole,
    Meeting,
    ParityTarget,
    Sex,
)
from capdev.plan.models import CrossCuttingDriver, FundingSource

NOTES = "Synthetic demo record."
# Parity workshops are activities like the deliver demo's, labelled the same way.
ACTIVITY_NOTES = deliver_demo.NOTES
WORKSHOP_TITLE = "Workshop on women in Conference delegations"
FIRST_WORKSHOP = date(2025, 10, 6)  # after the demo's "today" (deliver_demo.LAST_DAY)
# (year, session number): the Conference did not meet in 2020.
CONFERENCE_SESSIONS = [
    (2016, 105), (2017, 106), (2018, 107), (2019, 108), (2021, 109),
    (2022, 110), (2023, 111), (2024, 112), (2025, 113),
]  # fmt: skip
# (region code, name, year, start)
REGIONAL_MEETINGS = [
    ("AFRICA", "Regional Meeting for Africa (demo)", 2019, date(2019, 12, 3)),
    ("ASIA_PACIFIC", "Regional Meeting for Asia and the Pacific (demo)", 2022, date(2022, 12, 6)),
]
# The share of women at the first and the last session, by group.
SHARES = {
    DelegationGroup.GOVERNMENT.value: (0.29, 0.40),
    DelegationGroup.WORKERS.value: (0.25, 0.35),
    DelegationGroup.EMPLOYERS.value: (0.21, 0.31),
}
# Besides the delegates: (substitutes, advisers) drawn from 0 to these, by group.
COMPANIONS = {
    DelegationGroup.GOVERNMENT.value: (1, 3),
    DelegationGroup.EMPLOYERS.value: (1, 2),
    DelegationGroup.WORKERS.value: (1, 2),
}
ROLE_NAMES = {
    DelegationRole.DELEGATE: "Delegate",
    DelegationRole.SUBSTITUTE: "Substitute delegate",
    DelegationRole.ADVISER: "Adviser",
    DelegationRole.OBSERVER: "Observer",
}
WORKSHOPS = 8


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _meetings(rng: random.Random, countries: list[Country]) -> list[Meeting]:
    meetings = []
    for year, session in CONFERENCE_SESSIONS:
        meetings.append(
            Meeting(
                kind=Meeting.Kind.CONFERENCE,
                name=f"{_ordinal(session)} Session of the International Labour Conference (demo)",
                session=session,
                year=year,
                start=date(year, 6, 1) + timedelta(days=rng.randint(0, 10)),
                place="Geneva",
                notes=NOTES,
            )
        )
    regions = {r.code: r for r in Region.objects.all()}
    for code, name, year, start in REGIONAL_MEETINGS:
        hosts = [c for c in countries if c.region.code == code]
        meetings.append(
            Meeting(
                kind=Meeting.Kind.REGIONAL,
                name=name,
                year=year,
                start=start,
                place=rng.choice(hosts).name if hosts else "",
                region=regions[code],
                notes=NOTES,
            )
        )
    return bulk_create_with_history(meetings, Meeting, batch_size=100)


def _delegation(
    rng: random.Random,
    meeting: Meeting,
    country: Country,
    progress: float,
    lean: dict[str, float],
    numbers: defaultdict[str, int],
) -> list[DelegationMember]:
    members = []
    for group, (first, last) in SHARES.items():
        chance = min(0.9, max(0.02, first + (last - first) * progress + lean[group]))
        substitutes, advisers = COMPANIONS[group]
        roles = (
            [DelegationRole.DELEGATE] * CONFERENCE_DELEGATES[group]
            + [DelegationRole.SUBSTITUTE] * rng.randint(0, substitutes)
            + [DelegationRole.ADVISER] * rng.randint(0, advisers)
        )
        for role in roles:
            numbers[role] += 1
            # Heads of delegation are more often men than their advisers are.
            odds = chance * (0.85 if role == DelegationRole.DELEGATE else 1.1)
            members.append(
                DelegationMember(
                    meeting=meeting,
                    country=country,
                    group=group,
                    role=role,
                    sex=Sex.FEMALE if rng.random() < odds else Sex.MALE,
                    name=f"{ROLE_NAMES[role]} {numbers[role]} (synthetic)",
                )
            )
    return members


def _workshops(
    rng: random.Random,
    members: list[DelegationMember],
    recent: list[Meeting],
    organisations: list[Organisation],
    minimum_percent: int,
) -> int:
    """Parity workshops offered to some of the groups under the minimum over the recent
    sessions: planned after the demo's "today", so none has participants yet, and labelled,
    costed and funded as the deliver demo's activities are."""
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    ids = {m.pk for m in recent}
    for member in members:
        if member.meeting_id in ids:
            cell = counts[(member.country_id, member.group)]
            cell[0] += member.sex == Sex.FEMALE
            cell[1] += 1
    under = sorted(
        (women / total, country, group)
        for (country, group), (women, total) in counts.items()
        if women * 100 < minimum_percent * total
    )
    regional = {
        office.region_id: office
        for office in Office.objects.filter(kind=Office.Kind.REGIONAL_OFFICE)
    }
    funding = (
        FundingSource.objects.filter(kind=FundingSource.Kind.POOLED).order_by("pk").first()
        or FundingSource.objects.order_by("pk").first()
    )
    countries = Country.objects.in_bulk({country for _share, country, _group in under})
    written = 0
    for _share, country_id, group in under[: WORKSHOPS * 3 : 3]:  # the lowest, spread out
        country = countries[country_id]
        office = regional.get(country.region_id)
        if office is None:
            continue
        start = FIRST_WORKSHOP + timedelta(days=rng.randint(0, 150))
        activity = Activity(
            title=(
                f"{WORKSHOP_TITLE} for the {DelegationGroup(group).label.lower()} group of "
                f"{country.name} (demo)"
            ),
            kind=Activity.Kind.WORKSHOP,
            status=Activity.Status.PLANNED,
            start=start,
            end=start + timedelta(days=1),
            place=country.name,
            office=office,
            target_groups=[group],
            drivers=[CrossCuttingDriver.GENDER_EQUALITY.value],
            funding_source=funding,
            cost=Decimal(rng.randrange(6_000, 15_000, 500)) if funding else None,
            currency="USD" if funding else "",
            description=ACTIVITY_NOTES,
        )
        activity.full_clean()
        activity.save()
        activity.countries.set([country])
        activity.beneficiaries.set(
            [o for o in organisations if o.country_id == country_id and o.group == group]
        )
        written += 1
    return written


@transaction.atomic
def seed(*, rng: random.Random, organisations: list[Organisation], offices: list[Office]) -> int:
    """Invent the meetings, their delegations and some parity workshops. Returns the number
    of activities (parity workshops) written, for the seed's count of activities."""
    target = ParityTarget(minimum_percent=30, goal_percent=50, decided_by=NOTES)
    target.save()
    country_ids = {o.country_id for o in organisations}
    countries = list(
        Country.objects.filter(pk__in=country_ids, status=Country.Status.MEMBER)
        .select_related("region")
        .order_by("name")
    )
    meetings = _meetings(rng, countries)
    leans = {country.pk: {group: rng.gauss(0, 0.09) for group in SHARES} for country in countries}
    conference = [m for m in meetings if m.kind == Meeting.Kind.CONFERENCE]
    members: list[DelegationMember] = []
    for meeting in meetings:
        numbers: defaultdict[str, int] = defaultdict(int)
        if meeting.kind == Meeting.Kind.CONFERENCE:
            progress = conference.index(meeting) / (len(conference) - 1)
            present = countries
        else:
            progress = (meeting.year - 2016) / 9
            present = [c for c in countries if c.region_id == meeting.region_id]
        for country in present:
            members += _delegation(rng, meeting, country, progress, leans[country.pk], numbers)
    bulk_create_with_history(members, DelegationMember, batch_size=1000)
    return _workshops(rng, members, conference[-3:], organisations, target.minimum_percent)


def reset() -> None:
    """Remove the meetings, their delegations, the target and the parity workshops, with
    their history. Runs before the deliver reset (parity workshops are activities)."""
    with transaction.atomic():
        workshops = {"title__startswith": WORKSHOP_TITLE, "title__endswith": "(demo)"}
        Activity.objects.filter(**workshops).delete()
        Activity.history.filter(**workshops).delete()
        # Children first, without the per-row delete signals: their history goes too, and
        # writing a "deleted" history row for each of some 15,000 members to delete it
        # next would take most of the reset.
        for model in (DelegationImport, DelegationMember, Meeting, ParityTarget):
            rows = model.objects.all()
            rows._raw_delete(rows.db)
            history = getattr(model, "history", None)
            if history is not None:
                history.all().delete()
