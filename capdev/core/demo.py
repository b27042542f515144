"""A deterministic, clearly synthetic demo dataset: organisations, offices and demo users.

Everything generated here is invented for trying capdev out. Names say what an organisation
is ("National Trade Union Centre of Kenya"), not who it really is; figures are random but
reproducible (fixed seed). Regional offices and HQ departments are the ILO's real units.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from capdev.core.models import (
    ConstituentGroup,
    Contact,
    Country,
    DemoDataset,
    Grant,
    Membership,
    Office,
    Organisation,
    OrganisationKind,
    Region,
    Role,
)
from capdev.core.reference import read_regions

if TYPE_CHECKING:
    from capdev.core.demo_large import LargeResult

SEED = 20_260_101
MEMBERSHIP_YEARS = range(2019, 2026)
G = ConstituentGroup
K = OrganisationKind

HQ_UNITS = [
    ("Bureau for Workers' Activities", "ACTRAV", Office.Kind.HQ_DEPARTMENT),
    ("Bureau for Employers' Activities", "ACT/EMP", Office.Kind.HQ_DEPARTMENT),
    ("Evaluation Office", "EVAL", Office.Kind.HQ_DEPARTMENT),
    ("Strategic Programming and Management Department", "PROGRAM", Office.Kind.HQ_DEPARTMENT),
    ("Partnerships and Field Support Department", "PARDEV", Office.Kind.HQ_DEPARTMENT),
    ("Governance and Tripartism Department", "GOVERNANCE", Office.Kind.HQ_DEPARTMENT),
    ("International Training Centre of the ILO (Turin)", "ITCILO", Office.Kind.TRAINING_CENTRE),
]
UN_AGENCIES = [
    ("United Nations Development Programme", "UNDP"),
    ("UN Women", "UN Women"),
    ("United Nations Children's Fund", "UNICEF"),
    ("Food and Agriculture Organization of the United Nations", "FAO"),
    ("International Organization for Migration", "IOM"),
]
FIRST_NAMES = [
    "Amina",
    "Carlos",
    "Mei",
    "Fatou",
    "Olga",
    "Rahul",
    "Lucía",
    "Kwame",
    "Sofia",
    "Tariq",
]

DEMO_USERS = [
    ("admin", Role.ADMIN),
    ("hq", Role.HQ),
    ("office", Role.OFFICE),
    ("specialist", Role.SPECIALIST),
    ("focal", Role.FOCAL_POINT),
    ("evaluator", Role.EVALUATOR),
    ("viewer", Role.VIEWER),
]


@dataclass(frozen=True)
class SeedResult:
    organisations: int
    offices: int
    assessments: int
    needs: int
    users: list[tuple[str, str, str]]  # user name, role, scope
    plans: int = 0
    activities: int = 0
    participants: int = 0
    large: LargeResult | None = None  # the ten years a large seed adds


class DatabaseNotEmpty(Exception):
    pass


def _chunks(items: list[Country], size: int) -> Iterator[list[Country]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _offices(regions: dict[str, Region], countries: list[Country]) -> list[Office]:
    """HQ units, the five regional offices, one decent work team and country offices per region."""
    offices = [Office.objects.create(name=n, acronym=a, kind=k) for n, a, k in HQ_UNITS]
    by_region: dict[str, list[Country]] = {}
    for country in countries:
        by_region.setdefault(country.region.code, []).append(country)
    for row in read_regions():
        region = regions[row["code"]]
        members = by_region[row["code"]]
        regional = Office.objects.create(
            name=row["office"], kind=Office.Kind.REGIONAL_OFFICE, region=region
        )
        regional.countries.set(members)
        half = members[: (len(members) + 1) // 2]
        team = Office.objects.create(
            name=f"Decent Work Technical Support Team, {region.name} (demo)",
            kind=Office.Kind.DECENT_WORK_TEAM,
            region=region,
            parent=regional,
        )
        team.countries.set(half)
        offices += [regional, team]
        for group in _chunks(members, 4):
            names = ", ".join(c.name for c in group)
            office = Office.objects.create(
                name=f"Country Office for {names} (demo)"[:200],
                kind=Office.Kind.COUNTRY_OFFICE,
                region=region,
                parent=regional,
            )
            office.countries.set(group)
            offices.append(office)
    return offices


def _organisations(
    rng: random.Random, countries: list[Country], extra_per_country: int
) -> list[Organisation]:
    rows: list[Organisation] = []

    def add(country: Country, name: str, acronym: str, group: str, kind: str) -> None:
        rows.append(
            Organisation(
                name=name,
                acronym=acronym,
                country=country,
                group=group,
                kind=kind,
                notes="Synthetic demo record.",
            )
        )

    for country in countries:
        code = country.iso_alpha2
        add(
            country,
            f"Ministry of Labour of {country.name}",
            f"MOL-{code}",
            G.GOVERNMENT,
            K.MINISTRY_OF_LABOUR,
        )
        if rng.random() < 0.7:
            add(
                country,
                f"Labour Inspectorate of {country.name}",
                f"LI-{code}",
                G.GOVERNMENT,
                K.LABOUR_INSPECTORATE,
            )
        add(
            country,
            f"National Trade Union Centre of {country.name}",
            f"NTUC-{code}",
            G.WORKERS,
            K.NATIONAL_TRADE_UNION_CENTRE,
        )
        add(
            country,
            f"Employers' Federation of {country.name}",
            f"EF-{code}",
            G.EMPLOYERS,
            K.EMPLOYERS_ORGANISATION,
        )
        if rng.random() < 0.4:
            add(
                country,
                f"National Vocational Training Institute of {country.name}",
                f"NVTI-{code}",
                G.OTHER,
                K.TRAINING_INSTITUTION,
            )
        if rng.random() < 0.25:
            add(
                country,
                f"Women Workers' Rights Network of {country.name}",
                f"WWRN-{code}",
                G.OTHER,
                K.CIVIL_SOCIETY,
            )
        if rng.random() < 0.2:
            add(
                country,
                f"National Labour Advisory Council of {country.name}",
                f"NLAC-{code}",
                G.GOVERNMENT,
                K.SOCIAL_DIALOGUE_INSTITUTION,
            )
        if rng.random() < 0.3:
            name, acronym = rng.choice(UN_AGENCIES)
            add(country, f"{name}, {country.name} country office", acronym, G.OTHER, K.UN_AGENCY)
        for n in range(extra_per_country):
            sector = rng.choice(
                [
                    "Transport",
                    "Health",
                    "Education",
                    "Construction",
                    "Agriculture",
                    "Textile",
                    "Mining",
                    "Public Service",
                    "Hotel and Tourism",
                    "Domestic",
                ]
            )
            if n % 3 == 0:
                add(
                    country,
                    f"{sector} Workers' Union of {country.name} ({n})",
                    "",
                    G.WORKERS,
                    K.SECTORAL_UNION,
                )
            elif n % 3 == 1:
                add(
                    country,
                    f"{sector} Employers' Association of {country.name} ({n})",
                    "",
                    G.EMPLOYERS,
                    K.EMPLOYERS_ORGANISATION,
                )
            else:
                add(
                    country,
                    f"{sector} Training Institute of {country.name} ({n})",
                    "",
                    G.OTHER,
                    K.TRAINING_INSTITUTION,
                )
    return bulk_create_with_history(rows, Organisation, batch_size=500)


def _link_and_figures(rng: random.Random, organisations: list[Organisation]) -> None:
    centres = {o.country_id: o for o in organisations if o.kind == K.NATIONAL_TRADE_UNION_CENTRE}
    employers = {o.country_id: o for o in organisations if o.acronym.startswith("EF-")}
    changed = []
    for organisation in organisations:
        if organisation.kind == K.SECTORAL_UNION:
            organisation.parent = centres.get(organisation.country_id)
            changed.append(organisation)
        elif (
            organisation.kind == K.EMPLOYERS_ORGANISATION and organisation not in employers.values()
        ):
            organisation.parent = employers.get(organisation.country_id)
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["parent"], batch_size=500)
    figures = []
    for organisation in organisations:
        if organisation.group not in (G.WORKERS, G.EMPLOYERS):
            continue
        members = (
            rng.randint(2_000, 400_000)
            if organisation.group == G.WORKERS
            else rng.randint(50, 8_000)
        )
        potential = members * rng.randint(3, 12)
        women_share = rng.uniform(0.15, 0.55)
        for year in MEMBERSHIP_YEARS:
            members = max(1, int(members * rng.uniform(0.95, 1.08)))
            women_share = min(0.7, max(0.05, women_share + rng.uniform(-0.01, 0.02)))
            figures.append(
                Membership(
                    organisation=organisation,
                    year=year,
                    members=members,
                    women_members=int(members * women_share),
                    potential_members=potential,
                )
            )
    bulk_create_with_history(figures, Membership, batch_size=1000)
    contacts = [
        Contact(
            organisation=organisation,
            name=f"{rng.choice(FIRST_NAMES)} Example",
            position="Capacity-development focal point (synthetic)",
            email=f"focal.{organisation.pk}@example.org",
        )
        for organisation in organisations
        if organisation.group != G.OTHER
    ]
    bulk_create_with_history(contacts, Contact, batch_size=1000)


def _demo_users(
    offices: list[Office], organisations: list[Organisation]
) -> list[tuple[str, str, str]]:
    User = get_user_model()
    office = next(
        o for o in offices if o.kind == Office.Kind.COUNTRY_OFFICE and o.countries.count() >= 3
    )
    covered = set(office.countries.values_list("pk", flat=True))
    focal_org = next(
        o for o in organisations if o.kind == K.MINISTRY_OF_LABOUR and o.country_id in covered
    )
    viewer_region = Region.objects.get(code="ASIA_PACIFIC")
    scopes = {
        Role.OFFICE: {"office": office},
        Role.SPECIALIST: {"group": G.WORKERS},
        Role.FOCAL_POINT: {"organisation": focal_org},
        Role.VIEWER: {"region": viewer_region},
    }
    for username, role in DEMO_USERS:
        user = User.objects.create_user(
            username=username,
            password=settings.CAPDEV_DEMO_PASSWORD,
            email=f"{username}@example.org",
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        Grant.objects.create(user=user, role=role, **scopes.get(role, {}))
    return demo_logins()


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, role, scope) of the demo users present in the database."""
    grants = Grant.objects.filter(user__username__in=[u for u, _ in DEMO_USERS]).select_related(
        "user", "office", "region", "country", "organisation"
    )
    order = [u for u, _ in DEMO_USERS]
    rows = [(g.user.username, str(g.get_role_display()), str(g)) for g in grants]
    return sorted(rows, key=lambda row: order.index(row[0]))


def database_is_empty() -> bool:
    return not Organisation.objects.exists() and not Office.objects.exists()


def reset() -> None:
    """Remove every organisation, office, grant and non-superuser account, and their history."""
    # Imported here: the demo dataset is the one place where core calls the floors above.
    from capdev.core import demo_large
    from capdev.deliver import demo as deliver_demo
    from capdev.diagnose import demo as diagnose_demo
    from capdev.learn import demo as learn_demo
    from capdev.learn import search as search_index
    from capdev.monitor import demo as monitor_demo
    from capdev.parity import demo as parity_demo
    from capdev.plan import demo as plan_demo
    from capdev.surveys import demo as surveys_demo

    User = get_user_model()
    with transaction.atomic():
        demo_large.reset()  # the bulk rows (and every dashboard fact) first, in a few statements
        learn_demo.reset()  # evaluations name plans, activities and offices
        surveys_demo.reset()
        parity_demo.reset()  # parity workshops are activities
        monitor_demo.reset()  # indicators serve plan results
        deliver_demo.reset()  # activities link plan actions and protect offices and partners
        plan_demo.reset()  # plans protect offices and needs, funding sources their donors
        diagnose_demo.reset()  # assessments and needs protect their organisations
        for model in (Grant, Contact, Membership, Organisation, Office, DemoDataset):
            model.objects.all().delete()
            history = getattr(model, "history", None)
            if history is not None:
                history.model.objects.all().delete()
        User.objects.filter(username__in=[u for u, _ in DEMO_USERS]).delete()
        search_index.rebuild()  # bulk deletes send no signal to the index either


@transaction.atomic
def seed(
    *, scale: str, with_users: bool, progress: Callable[[int, int], None] | None = None
) -> SeedResult:
    """Generate the demo dataset; `scale` is "small" (≈900 organisations) or "large" (≈3,000)."""
    if not database_is_empty():
        raise DatabaseNotEmpty("The database already holds organisations or offices; use --reset.")
    # Imported here: the demo dataset is the one place where core calls the floors above.
    from capdev.deliver import demo as deliver_demo
    from capdev.diagnose import demo as diagnose_demo
    from capdev.learn import demo as learn_demo
    from capdev.learn import search as search_index
    from capdev.monitor import demo as monitor_demo
    from capdev.parity import demo as parity_demo
    from capdev.plan import demo as plan_demo
    from capdev.surveys import demo as surveys_demo

    rng = random.Random(SEED)
    regions = {r.code: r for r in Region.objects.all()}
    countries = list(Country.objects.select_related("region").order_by("region__code", "name"))
    offices = _offices(regions, countries)
    organisations = _organisations(rng, countries, extra_per_country=0 if scale == "small" else 11)
    _link_and_figures(rng, organisations)
    users = _demo_users(offices, organisations) if with_users else []
    diagnosed = diagnose_demo.seed(rng=rng, organisations=organisations, offices=offices)
    planned = plan_demo.seed(rng=rng, organisations=organisations, offices=offices)
    delivered = deliver_demo.seed(
        rng=rng, organisations=organisations, offices=offices, planned=planned
    )
    monitor_demo.seed(rng=rng, organisations=organisations, offices=offices)
    parity_workshops = parity_demo.seed(rng=rng, organisations=organisations, offices=offices)
    surveys_demo.seed(rng=rng, organisations=organisations, offices=offices)
    learn_demo.seed(rng=rng, organisations=organisations, offices=offices)
    large = None
    if scale == "large":
        from capdev.core.demo_large import add_ten_years

        large = add_ten_years(rng, organisations, offices, progress=progress)
    # Needs, activities and plans were bulk-created, which sends no signal to the index.
    search_index.rebuild()
    DemoDataset.objects.create(scale=scale)
    return SeedResult(
        organisations=len(organisations),
        offices=len(offices),
        assessments=diagnosed.assessments,
        needs=diagnosed.needs + planned.needs_added,
        users=users,
        plans=len(planned.plans),
        activities=delivered.activities + parity_workshops,
        participants=delivered.participants,
        large=large,
    )
