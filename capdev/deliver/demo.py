"""The deliver part of the synthetic demo dataset: partners, activities, participants and the
staff curriculum.

Activities are written through `capdev.deliver.services.activity_create`: one for most actions
of the agreed demo plans (held when its dates are past), and others the Office runs outside
plans — advisory services to training institutions (§26), workshops with UN agencies of the
country team (§24), South-South and triangular study visits and peer exchanges (§23–24), a
workshop with a women's-rights group (§23), a course for the Office's own staff. Participants
are generated people (invented names, e-mail at example.org) written in bulk, as demo data;
`record_delivery` then carries each activity into its plans and needs by the rules, and the
plans the demo closes are closed through `plan_advance`.

The staff curriculum (§22) is piloted in one region — the paper does not say which; the demo
takes Africa — and rolled out to the others in later waves.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from capdev.core.demo import UN_AGENCIES
from capdev.core.models import ConstituentGroup, Country, Office, Organisation, OrganisationKind
from capdev.deliver import services
from capdev.deliver.models import (
    Activity,
    ParticipantImport,
    Participation,
    Person,
    RolloutWave,
    Sex,
    StaffCompletion,
    StaffCourse,
    TargetGroup,
)
from capdev.deliver.participants_import import person_key
from capdev.diagnose.demo import PARTICIPANT_ROLES
from capdev.diagnose.models import Level
from capdev.plan import services as plan_services
from capdev.plan.demo import SYNTHETIC
from capdev.plan.demo import SeedResult as Planned
from capdev.plan.models import Action, CrossCuttingDriver, FundingSource, Plan

NOTES = "Synthetic demo data."
LAST_DAY = date(2025, 6, 30)  # the demo's "today", as in capdev.diagnose.demo
CURRENCY = "USD"
G = ConstituentGroup
K = OrganisationKind
A = Activity.Kind
F = FundingSource.Kind

FEMALE_NAMES = [
    "Amina", "Mei", "Fatou", "Olga", "Lucía", "Sofia", "Aisha", "Maria", "Nadia", "Priya",
    "Grace", "Leila", "Ana", "Yuki", "Chloé", "Zanele", "Hana", "Ewa", "Rosa", "Mariam",
]  # fmt: skip
MALE_NAMES = [
    "Carlos", "Rahul", "Kwame", "Tariq", "Jean", "Ivan", "Juan", "Wei", "Omar", "Samuel",
    "Pedro", "Ahmed", "Kofi", "Luca", "Arjun", "Daniel", "Yusuf", "Tomás", "Minh", "Peter",
]  # fmt: skip
SURNAMES = [
    "Diallo", "Nguyen", "Garcia", "Okafor", "Kowalska", "Haddad", "Singh", "Mensah",
    "Silva", "Petrov", "Kim", "Mwangi", "Rossi", "Hassan", "Dubois", "Ortiz", "Chen",
    "Kamara", "Novak", "Rahman", "Santos", "Traoré", "Yilmaz", "Sato", "Banda", "Morales",
    "Ivanova", "Osei", "Farah", "Lopez",
]  # fmt: skip
STAFF_POSITIONS = ["Programme officer", "Technical specialist", "Project manager"]

# The kinds of activity that deliver an action, by the level of the result it serves.
KINDS_BY_LEVEL = {
    Level.INDIVIDUAL: [A.COURSE, A.COURSE, A.E_LEARNING],
    Level.ORGANISATIONAL: [A.ADVISORY, A.STUDY_VISIT, A.WORKSHOP],
    Level.ENABLING_ENVIRONMENT: [A.WORKSHOP, A.CONFERENCE, A.PEER_EXCHANGE],
}
TESTED = {A.COURSE, A.WORKSHOP, A.E_LEARNING}
APPLICATION = Participation.Application
STAFF_COURSES = [
    ("CD-101", "The UN system's common approach to capacity development", True),
    ("CD-102", "Applying the ILO's capacity-development approach in projects and DWCPs", True),
    ("CD-201", "Roles and functions of employers' and workers' organisations", False),
    ("CD-202", "Roles and functions of labour administrations", False),
    ("CD-203", "Gender mainstreaming in capacity development", False),
]
# (wave, pilot, regions, course codes, start, end)
WAVES = [
    (1, True, ["AFRICA"], ["CD-101", "CD-102"], date(2020, 3, 1), date(2020, 12, 31)),
    (
        2,
        False,
        ["ASIA_PACIFIC", "ARAB_STATES"],
        ["CD-101", "CD-102", "CD-201", "CD-202", "CD-203"],
        date(2021, 3, 1),
        date(2021, 12, 31),
    ),
    (
        3,
        False,
        ["AMERICAS", "EUROPE_CA"],
        ["CD-101", "CD-102", "CD-201", "CD-202", "CD-203"],
        date(2022, 3, 1),
        date(2022, 12, 31),
    ),
]


@dataclass(frozen=True)
class SeedResult:
    activities: int
    people: int
    participants: int
    staff_completions: int


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class _People:
    """Invented people, a small pool per organisation so that some come back to several
    activities; written in one bulk insert at the end."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[Person] = []
        self.pools: dict[Any, list[Person]] = {}

    def name(self) -> tuple[str, str]:
        draw = self.rng.random()
        sex = Sex.FEMALE if draw < 0.46 else Sex.MALE if draw < 0.97 else Sex.OTHER
        firsts = {Sex.FEMALE: FEMALE_NAMES, Sex.MALE: MALE_NAMES}.get(
            sex, FEMALE_NAMES + MALE_NAMES
        )
        return f"{self.rng.choice(firsts)} {self.rng.choice(SURNAMES)}", sex

    def _new(self, organisation: Organisation | None, country: Country, position: str) -> Person:
        name, sex = self.name()
        email = f"{_ascii(name).replace(' ', '.')}.{len(self.rows) + 1}@example.org"
        owner = organisation.pk if organisation else None
        person = Person(
            key=person_key(name=name, organisation_id=owner, email=email),  # as imports do
            name=name,
            sex=sex,
            organisation=organisation,
            country=country,
            position=position,
            email=email,
        )
        self.rows.append(person)
        return person

    def of(self, organisation: Organisation, count: int) -> list[Person]:
        """`count` people of the organisation, some of them met at earlier activities."""
        pool = self.pools.setdefault(organisation.pk, [])
        roles = PARTICIPANT_ROLES.get(organisation.group, ["Training officer", "Director"])
        while len(pool) < min(count + 4, 16):
            pool.append(self._new(organisation, organisation.country, self.rng.choice(roles)))
        return self.rng.sample(pool, min(count, len(pool)))

    def staff(self, country: Country, count: int) -> list[Person]:
        pool = self.pools.setdefault(("staff", country.pk), [])
        while len(pool) < count:
            pool.append(self._new(None, country, self.rng.choice(STAFF_POSITIONS)))
        return pool[:count]


@dataclass
class _Planned:
    """An activity written, waiting for its participants."""

    activity: Activity
    people: list[Person]


class _Builder:
    def __init__(
        self, rng: random.Random, offices: list[Office], planned: Planned, people: _People
    ) -> None:
        self.rng = rng
        self.people = people
        self.funding = {f.kind: f for f in planned.funding_sources}
        self.earmarked = [f for f in planned.funding_sources if f.kind == F.VOLUNTARY_EARMARKED]
        self.donors = planned.donors
        self.offices = offices
        self.by_acronym = {o.acronym: o for o in offices if o.acronym}
        self.regional = {
            o.region.code: o
            for o in offices
            if o.kind == Office.Kind.REGIONAL_OFFICE and o.region is not None
        }
        self.written: list[_Planned] = []

    def add(self, data: dict[str, Any], people: list[Person]) -> Activity:
        held = data["end"] <= LAST_DAY and data.get("status") != Activity.Status.CANCELLED
        if "place" not in data and not data.get("online"):
            data["place"] = data["countries"][0].name
        data.setdefault("currency", CURRENCY)
        data.setdefault("description", NOTES)
        activity = services.activity_create(user=None, data=data)
        self.written.append(_Planned(activity, people if held else []))
        return activity


def _participation(rng: random.Random, activity: Activity, person: Person) -> Participation:
    """Kirkpatrick levels 1–3: satisfaction, a pre- and post-test where the kind has one, and
    skills applied 3 and 6 months after the end when those dates are past."""
    attendance = 0 if rng.random() < 0.03 else rng.choice([60, 75, 80, 90, 100, 100, 100])
    row = Participation(activity=activity, person=person, attendance=attendance)
    if not attendance:
        return row
    row.satisfaction = rng.choices([2, 3, 4, 5], weights=[1, 3, 8, 6])[0]
    if activity.kind in TESTED:
        pre = rng.randint(25, 70)
        row.pre_test = Decimal(pre)
        row.post_test = Decimal(min(100, pre + rng.randint(0, 35)))
    if activity.end + timedelta(days=90) <= LAST_DAY:
        row.applied_3_months = rng.choices(list(APPLICATION), weights=[3, 5, 2])[0]
        if activity.end + timedelta(days=180) <= LAST_DAY:
            better = {
                APPLICATION.NOT_APPLIED: [APPLICATION.NOT_APPLIED, APPLICATION.PARTLY],
                APPLICATION.PARTLY: [APPLICATION.PARTLY, APPLICATION.FULLY],
                APPLICATION.FULLY: [APPLICATION.FULLY],
            }
            row.applied_6_months = rng.choice(better[APPLICATION(row.applied_3_months)])
    return row


# --- partners (§23–26) --------------------------------------------------------------------


def _organisation(name: str, country: Country, kind: str, acronym: str = "") -> Organisation:
    organisation = Organisation(
        name=name, acronym=acronym, country=country, group=G.OTHER, kind=kind, notes=SYNTHETIC
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@dataclass
class _Partners:
    institutes: dict[int, Organisation]  # a training institution per country
    un_agencies: dict[int, Organisation]
    womens_groups: dict[int, Organisation]
    south_south: Organisation


def _partners(
    rng: random.Random, organisations: list[Organisation], countries: list[Country]
) -> _Partners:
    """The training institutions, UN agency offices and women's-rights groups of the plan
    countries (the core demo's when it has one, else a new one), and a South-South partner."""

    def first(kind: str) -> dict[int, Organisation]:
        found: dict[int, Organisation] = {}
        for o in organisations:
            if o.kind == kind:
                found.setdefault(o.country_id, o)
        return found

    institutes, un, womens = (
        first(K.TRAINING_INSTITUTION),
        first(K.UN_AGENCY),
        first(K.CIVIL_SOCIETY),
    )
    for country in countries:
        code = country.iso_alpha2
        if country.pk not in institutes:
            institutes[country.pk] = _organisation(
                f"National Labour Administration Training Institute of {country.name} (demo)",
                country,
                K.TRAINING_INSTITUTION,
                f"LATI-{code}",
            )
        if country.pk not in un:
            name, acronym = rng.choice(UN_AGENCIES)
            un[country.pk] = _organisation(
                f"{acronym} country office in {country.name} (demo)", country, K.UN_AGENCY, acronym
            )
        if country.pk not in womens:
            womens[country.pk] = _organisation(
                f"Women's Rights Network of {country.name} (demo)",
                country,
                K.CIVIL_SOCIETY,
                f"WRN-{code}",
            )
    emerging = list(
        Country.objects.filter(iso_alpha2__in=["BR", "IN", "ZA", "ID", "MX", "TR"]).order_by("name")
    )
    host = rng.choice(emerging)
    south_south = _organisation(
        f"Centre for South-South Labour Cooperation, {host.name} (demo)", host, K.ACADEMIC
    )
    return _Partners(institutes, un, womens, south_south)


# --- activities ---------------------------------------------------------------------------


def _action_level(action: Action) -> str:
    result = action.results.first()
    return result.level if result is not None else Level.ORGANISATIONAL


def _plan_activities(builder: _Builder, plans: Planned, partners: _Partners) -> None:
    """Activities that deliver plan actions: every action of a plan the demo closes, most of
    one in implementation (the later ones still planned), the first of an agreed one."""
    rng = builder.rng
    for demo in plans.plans:
        plan = demo.plan
        if demo.target == Plan.Status.DRAFT:
            continue
        actions = demo.actions[:1] if demo.target == Plan.Status.AGREED else demo.actions
        members = list(plan.organisations.all())
        for action in actions:
            level = _action_level(action)
            kind = rng.choice(KINDS_BY_LEVEL[level])
            start = action.start or plan.start
            if demo.target == Plan.Status.IN_IMPLEMENTATION and start > LAST_DAY:
                start = LAST_DAY + timedelta(days=rng.randint(30, 120))  # still to come
            start = start + timedelta(days=rng.randint(10, 60))
            end = start + timedelta(days=rng.randint(0, 4) if kind != A.E_LEARNING else 42)
            beneficiaries = [n.organisation for n in action.needs.all()] or members
            need = action.needs.first()
            data: dict[str, Any] = {
                "title": f"{A(kind).label}: {need.title if need else action.title}"[:300],
                "kind": kind,
                "start": start,
                "end": end,
                "online": kind == A.E_LEARNING,
                "countries": [plan.country],
                "office": plan.office or builder.regional[plan.country.region.code],
                "beneficiaries": beneficiaries,
                "target_groups": sorted({o.group for o in beneficiaries}),
                "drivers": plan.drivers,
                "actions": [action],
                "funding_source": action.funding_source,
                "cost": (action.budget or Decimal(10_000)) * Decimal(rng.randint(60, 100)) / 100,
                "peer_exchange": kind == A.PEER_EXCHANGE,
            }
            if kind == A.ADVISORY:
                data["advisory_area"] = Activity.AdvisoryArea.MANAGEMENT
            if kind in (A.COURSE, A.E_LEARNING):
                data["provider"] = partners.institutes.get(plan.country_id)
            people = [p for o in beneficiaries for p in builder.people.of(o, rng.randint(5, 12))]
            builder.add(data, people)


def _standalone(builder: _Builder, plans: Planned, partners: _Partners) -> None:
    """Activities outside the plans: one of each pattern the strategy names."""
    rng = builder.rng
    b = builder
    itc = b.by_acronym["ITCILO"]
    countries = list(
        Country.objects.filter(pk__in={d.plan.country_id for d in plans.plans})
        .select_related("region")
        .order_by("name")
    )
    constituents: dict[int, list[Organisation]] = {}
    for demo in plans.plans:
        for o in demo.plan.organisations.all():
            if o not in constituents.setdefault(o.country_id, []):
                constituents[o.country_id].append(o)

    # §26: management advisory services to training institutions, one per advisory area.
    for n, area in enumerate(Activity.AdvisoryArea):
        country = countries[(n * 3) % len(countries)]
        institute = partners.institutes[country.pk]
        start = date(2021 + n % 4, 2 + n * 2, 10)
        b.add(
            {
                "title": f"Advisory service to {institute.name}: {area.label.lower()}"[:300],
                "kind": A.ADVISORY,
                "advisory_area": area,
                "start": start,
                "end": start + timedelta(days=rng.randint(20, 90)),
                "countries": [country],
                "office": itc,
                "beneficiaries": [institute],
                "target_groups": [TargetGroup.OTHER],
                "funding_source": b.funding[F.RBSA if n % 2 else F.POOLED],
                "cost": Decimal(rng.randrange(8_000, 30_000, 500)),
            },
            b.people.of(institute, rng.randint(2, 5)),
        )

    # §24: workshops for the constituents, run jointly with a UN agency of the country team.
    for country in countries[1::4]:
        members = constituents[country.pk]
        agency = partners.un_agencies[country.pk]
        start = date(rng.randint(2022, 2024), rng.randint(1, 12), rng.randint(1, 25))
        b.add(
            {
                "title": f"Joint workshop with {agency.acronym or agency.name} on the UN "
                f"cooperation framework, {country.name}",
                "kind": A.WORKSHOP,
                "start": start,
                "end": start + timedelta(days=2),
                "countries": [country],
                "office": b.regional[country.region.code],
                "co_organisers": [agency],
                "beneficiaries": members,
                "target_groups": sorted({o.group for o in members}),
                "drivers": [CrossCuttingDriver.SOCIAL_DIALOGUE],
                "funding_source": b.funding[F.REGULAR_BUDGET],
                "cost": Decimal(rng.randrange(6_000, 20_000, 500)),
            },
            [p for o in members for p in b.people.of(o, rng.randint(3, 6))],
        )

    # §24: a South-South study visit to the partner institution, and a triangular one with
    # a development partner.
    host = partners.south_south
    visitors = [c for c in countries if c.region.code == "AFRICA"][:2] or countries[:2]
    for n, (title, triangular) in enumerate(
        [
            ("South-South study visit on labour inspection", False),
            ("Triangular cooperation: study visit on social dialogue institutions", True),
        ]
    ):
        guests = [o for c in visitors for o in constituents[c.pk]][: 3 + n]
        start = date(2023 + n, 4 + n * 3, 14)
        data: dict[str, Any] = {
            "title": f"{title}, {host.country.name}",
            "kind": A.STUDY_VISIT,
            "start": start,
            "end": start + timedelta(days=4),
            "place": host.country.name,
            "countries": [host.country, *visitors],
            "office": b.regional[visitors[0].region.code],
            "provider": host,
            "south_south": True,
            "triangular": triangular,
            "beneficiaries": guests,
            "target_groups": sorted({o.group for o in guests}),
            "drivers": [CrossCuttingDriver.STANDARDS, CrossCuttingDriver.SOCIAL_DIALOGUE],
            "funding_source": b.earmarked[0] if triangular else b.funding[F.RBTC],
            "cost": Decimal(rng.randrange(25_000, 60_000, 1_000)),
        }
        if triangular:
            data["co_organisers"] = [plans.donors[0]]
        b.add(data, [p for o in guests for p in b.people.of(o, rng.randint(2, 4))])

    # §24: a peer exchange between the workers' organisations of two countries.
    pair = [c for c in countries if any(o.group == G.WORKERS for o in constituents[c.pk])][:2]
    unions = [o for c in pair for o in constituents[c.pk] if o.group == G.WORKERS]
    if len(pair) == 2:
        start = date(2024, 9, 23)
        b.add(
            {
                "title": f"Peer exchange of trade-union centres: {pair[0].name} and {pair[1].name}",
                "kind": A.PEER_EXCHANGE,
                "peer_exchange": True,
                "south_south": pair[0].region_id != pair[1].region_id,
                "start": start,
                "end": start + timedelta(days=3),
                "countries": pair,
                "office": b.by_acronym["ACTRAV"],
                "beneficiaries": unions,
                "target_groups": [TargetGroup.WORKERS],
                "funding_source": b.funding[F.RBSA],
                "cost": Decimal(18_500),
            },
            [p for o in unions for p in b.people.of(o, 5)],
        )

    # §23: a workshop with a women's-rights group, a non-traditional partner.
    country = countries[2 % len(countries)]
    group = partners.womens_groups[country.pk]
    members = constituents[country.pk]
    b.add(
        {
            "title": f"Women in leadership of the social partners, {country.name}",
            "kind": A.WORKSHOP,
            "start": date(2024, 3, 6),
            "end": date(2024, 3, 8),
            "countries": [country],
            "office": b.regional[country.region.code],
            "co_organisers": [group],
            "beneficiaries": [*members, group],
            "target_groups": sorted({o.group for o in [*members, group]}),
            "drivers": [CrossCuttingDriver.GENDER_EQUALITY],
            "funding_source": b.funding[F.POOLED],
            "cost": Decimal(12_000),
        },
        [p for o in [*members, group] for p in b.people.of(o, 4)],
    )

    # A regional conference, an e-learning course for staff, a course of a national
    # institute, a cancelled and a coming workshop.
    region = countries[0].region
    regional = [c for c in countries if c.region_id == region.pk]
    delegates = [o for c in regional for o in constituents[c.pk]]
    b.add(
        {
            "title": f"Regional conference on institutional capacity development, {region.name}",
            "kind": A.CONFERENCE,
            "start": date(2024, 11, 12),
            "end": date(2024, 11, 14),
            "countries": regional,
            "place": regional[-1].name,
            "office": b.regional[region.code],
            "beneficiaries": delegates,
            "target_groups": sorted({o.group for o in delegates}),
            "drivers": [CrossCuttingDriver.SOCIAL_DIALOGUE, CrossCuttingDriver.JUST_TRANSITION],
            "funding_source": b.funding[F.REGULAR_BUDGET],
            "cost": Decimal(45_000),
        },
        [p for o in delegates for p in b.people.of(o, 2)],
    )
    staff_country = countries[0]
    b.add(
        {
            "title": "E-learning for Office staff: working with constituents on capacity "
            "development",
            "kind": A.E_LEARNING,
            "online": True,
            "start": date(2023, 1, 16),
            "end": date(2023, 3, 31),
            "countries": [staff_country],
            "office": itc,
            "target_groups": [TargetGroup.OFFICE_STAFF],
            "funding_source": b.funding[F.REGULAR_BUDGET],
            "cost": Decimal(9_000),
        },
        b.people.staff(staff_country, 12),
    )
    country = countries[-1]
    institute = partners.institutes[country.pk]
    inspectors = [o for o in constituents[country.pk] if o.group == G.GOVERNMENT]
    b.add(
        {
            "title": f"Course on international labour standards for labour inspectors, "
            f"{country.name}",
            "kind": A.COURSE,
            "start": date(2022, 5, 9),
            "end": date(2022, 5, 13),
            "countries": [country],
            "office": b.regional[country.region.code],
            "provider": institute,
            "beneficiaries": inspectors,
            "target_groups": [TargetGroup.GOVERNMENT],
            "drivers": [CrossCuttingDriver.STANDARDS],
            "funding_source": b.funding[F.RBTC],
            "cost": Decimal(15_500),
        },
        [p for o in inspectors for p in b.people.of(o, 10)],
    )
    for title, status, start in [
        ("Workshop on labour migration governance", Activity.Status.CANCELLED, date(2023, 6, 5)),
        ("Workshop on just transition and green jobs", Activity.Status.PLANNED, date(2025, 10, 7)),
    ]:
        country = countries[1]
        b.add(
            {
                "title": f"{title}, {country.name}",
                "kind": A.WORKSHOP,
                "status": status,
                "start": start,
                "end": start + timedelta(days=1),
                "countries": [country],
                "office": b.regional[country.region.code],
                "beneficiaries": constituents[country.pk],
                "target_groups": sorted({o.group for o in constituents[country.pk]}),
                "funding_source": b.funding[F.REGULAR_BUDGET],
                "cost": Decimal(8_000),
            },
            [],
        )


def _deliver(rng: random.Random, builder: _Builder, plans: Planned) -> int:
    """Write the participants in bulk, then let each activity's delivery change its plans and
    needs by the rules; close the plans the demo closes."""
    participations = [
        _participation(rng, written.activity, person)
        for written in builder.written
        for person in {id(p): p for p in written.people}.values()  # once per activity
    ]
    bulk_create_with_history(builder.people.rows, Person, batch_size=500)
    bulk_create_with_history(participations, Participation, batch_size=1000)
    for written in builder.written:
        services.record_delivery(written.activity, None)
    for demo in plans.plans:
        if demo.target == Plan.Status.CLOSED:
            demo.plan.refresh_from_db()
            plan_services.plan_advance(user=None, plan=demo.plan)
    return len(participations)


# --- the staff curriculum (§22) -------------------------------------------------------------


def _curriculum(rng: random.Random, offices: list[Office], people: _People) -> int:
    courses = {}
    for code, title, mandatory in STAFF_COURSES:
        course = StaffCourse(
            code=code, title=title, mandatory=mandatory, description=f"{NOTES} (§22)"
        )
        course.full_clean()
        course.save()
        courses[code] = course
    field_offices = [o for o in offices if o.region_id is not None]
    completions: list[StaffCompletion] = []
    for number, pilot, regions, codes, start, end in WAVES:
        wave = RolloutWave.objects.create(number=number, pilot=pilot, start=start, end=end)
        wave.regions.set([o.region for o in field_offices if o.region.code in regions])
        wave.courses.set([courses[c] for c in codes])
        days = (end - start).days
        for office in field_offices:
            if office.region.code not in regions:
                continue
            for _ in range(rng.randint(2, 4)):
                name, sex = people.name()
                for code in rng.sample(codes, rng.randint(1, len(codes))):
                    completions.append(
                        StaffCompletion(
                            course=courses[code],
                            office=office,
                            name=name,
                            sex=sex,
                            completed_on=start + timedelta(days=rng.randint(0, days)),
                        )
                    )
    # ACTRAV and ACT/EMP take part in training staff (§22); their own staff followed wave 3.
    last = WAVES[-1]
    for office in (o for o in offices if o.acronym in ("ACTRAV", "ACT/EMP")):
        for _ in range(2):
            name, sex = people.name()
            completions.append(
                StaffCompletion(
                    course=courses["CD-101"],
                    office=office,
                    name=name,
                    sex=sex,
                    completed_on=last[4] + timedelta(days=rng.randint(0, 200)),
                )
            )
    unique = {(c.course.code, c.office.pk, c.name): c for c in completions}
    bulk_create_with_history(list(unique.values()), StaffCompletion, batch_size=1000)
    return len(unique)


@transaction.atomic
def seed(
    *,
    rng: random.Random,
    organisations: list[Organisation],
    offices: list[Office],
    planned: Planned,
) -> SeedResult:
    """Invent partners, activities with their participants and the staff curriculum."""
    people = _People(rng)
    plan_countries = list(
        Country.objects.filter(pk__in={d.plan.country_id for d in planned.plans}).order_by("name")
    )
    partners = _partners(rng, organisations, plan_countries)
    builder = _Builder(rng, offices, planned, people)
    with translation.override("en"):
        _plan_activities(builder, planned, partners)
        _standalone(builder, planned, partners)
    participants = _deliver(rng, builder, planned)
    completions = _curriculum(rng, offices, people)
    return SeedResult(
        activities=len(builder.written),
        people=len(people.rows),
        participants=participants,
        staff_completions=completions,
    )


def reset() -> None:
    """Remove every activity, participant, person and the staff curriculum, with their
    history. Runs before the plan reset: activities link plan actions."""
    with transaction.atomic():
        for model in (
            ParticipantImport,
            Participation,
            Person,
            Activity,
            StaffCompletion,
            RolloutWave,
            StaffCourse,
        ):
            model.objects.all().delete()
            history = getattr(model, "history", None)
            if history is not None:
                history.all().delete()
