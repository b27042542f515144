"""The plan part of the synthetic demo dataset: funding sources, joint plans and the strategy's
own implementation plan.

Plans are written through `capdev.plan.services`, as an office would write them, for the
constituents of sixteen countries with open needs (the demo focal point's, and three per
region). Each has a theory of change at the three levels (§15), actions linked to its needs
and results with a budget and a funding source (§25), links to the country programme, the UN
cooperation framework, the P&B outcomes and SDG targets (§9, §18, §20, §28), and both
sign-offs where agreed. Some are still drafts, some agreed; the deliver part of the demo puts
the others in implementation or closes them.

The strategy's implementation plan (§13, §30–33) holds the deliverables the source paper
names, from `data/strategy_deliverables.csv`; their status, evidence and the steering
committee's meetings and decisions are invented and say so.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import translation

from capdev.core.models import (
    ConstituentGroup,
    Country,
    Grant,
    Office,
    Organisation,
    OrganisationKind,
    Role,
)
from capdev.core.services import _save
from capdev.diagnose import services as diagnose_services
from capdev.diagnose.demo import LAST_DAY, NEED_TEMPLATES
from capdev.diagnose.models import Level, Need, Theme
from capdev.plan import services
from capdev.plan.models import (
    Action,
    CountryProgramme,
    CountryProgrammeOutcome,
    CrossCuttingDriver,
    Deliverable,
    FundingSource,
    PBOutcome,
    Plan,
    Result,
    ResultIndicator,
    SDGTarget,
    SteeringDecision,
    SteeringMeeting,
    StrategyOutcome,
)

DATA = Path(__file__).resolve().parent / "data"
NOTES = "Synthetic demo data."
SYNTHETIC = "Synthetic demo record."  # the note every demo organisation carries
G = ConstituentGroup
K = OrganisationKind
L = Level
S = Plan.Status
TRIPARTITE = (G.GOVERNMENT, G.WORKERS, G.EMPLOYERS)
COUNTRIES_PER_REGION = 3
NEEDS_PER_ORGANISATION = 2
CURRENCY = "USD"
PB_BIENNIUM = "2020-21"

# (start, end) of a plan by the status it will end in; the demo's "today" is mid-2025, as in
# the diagnose part (capdev.diagnose.demo.LAST_DAY).
PERIODS = {
    S.CLOSED: (date(2021, 1, 1), date(2022, 12, 31)),
    S.IN_IMPLEMENTATION: (date(2023, 7, 1), date(2025, 12, 31)),
    S.AGREED: (date(2025, 7, 1), date(2027, 6, 30)),
    S.DRAFT: (date(2026, 1, 1), date(2027, 12, 31)),
}
STATUS_CYCLE = [S.IN_IMPLEMENTATION, S.CLOSED, S.AGREED, S.IN_IMPLEMENTATION, S.DRAFT]

# Theory of change templates per level (§15): (output, outcome, output indicator, outcome
# indicator); an indicator is (name, unit, baseline, lowest target, highest target).
TheoryRow = tuple[str, str, tuple[str, str, int, int, int], tuple[str, str, int, int, int]]
THEORY: dict[str, TheoryRow] = {
    L.INDIVIDUAL: (
        "Officers of {who} trained in {theme}",
        "Trained officers of {who} apply their new skills in {theme} at work",
        ("Officers trained (at least 40% women)", "people", 0, 20, 60),
        ("Trained officers applying their skills after six months", "%", 0, 60, 80),
    ),
    L.ORGANISATIONAL: (
        "Procedures, tools and a work plan on {theme} adopted by {who}",
        "{who} deliver better services on {theme} to their members and the public",
        ("Procedures and tools adopted by the governing body", "documents", 0, 2, 4),
        ("Members or users satisfied with the services", "%", 35, 55, 75),
    ),
    L.ENABLING_ENVIRONMENT: (
        "Joint proposal on {theme} submitted to the national tripartite body of {country}",
        "Policy, law or regulation on {theme} in {country} adopted or revised with the "
        "social partners' input",
        ("Tripartite proposals submitted", "proposals", 0, 1, 3),
        ("Policy or legal changes adopted after tripartite consultation", "changes", 0, 1, 2),
    ),
}
DEFAULT_THEME = {
    L.INDIVIDUAL: Theme.LEADERSHIP,
    L.ORGANISATIONAL: Theme.STRATEGIC_PLANNING,
    L.ENABLING_ENVIRONMENT: Theme.SOCIAL_DIALOGUE,
}
ACTION_PREFIX = {
    L.INDIVIDUAL: "Training towards",
    L.ORGANISATIONAL: "Advisory support towards",
    L.ENABLING_ENVIRONMENT: "Tripartite dialogue towards",
}
# Where a theme's results count: P&B 2020–21 outcomes (§28) and SDG targets (§9).
THEME_PB = {
    Theme.EMPLOYMENT: "3",
    Theme.ENTREPRENEURSHIP: "4",
    Theme.SOCIAL_PROTECTION: "8",
    Theme.OSH: "7",
    Theme.LABOUR_LAW: "7",
    Theme.LABOUR_MIGRATION: "7",
    Theme.INTERNATIONAL_LABOUR_STANDARDS: "2",
    Theme.GENDER_EQUALITY: "6",
    Theme.FUTURE_OF_WORK: "5",
    Theme.INFORMAL_ECONOMY: "3",
}
THEME_SDG = {
    Theme.EMPLOYMENT: "8.5",
    Theme.ENTREPRENEURSHIP: "8.3",
    Theme.SOCIAL_PROTECTION: "1.3",
    Theme.OSH: "8.8",
    Theme.LABOUR_LAW: "8.8",
    Theme.LABOUR_MIGRATION: "10.7",
    Theme.GENDER_EQUALITY: "5.5",
    Theme.FUTURE_OF_WORK: "8.2",
    Theme.INFORMAL_ECONOMY: "8.3",
    Theme.SOCIAL_DIALOGUE: "16.7",
    Theme.PARTNERSHIPS: "17.17",
}
PROGRAMME_OUTCOMES = [
    ("101", "More and better jobs for young women and men"),
    ("102", "Strengthened capacity of the tripartite constituents for effective social dialogue"),
    ("103", "Labour law and its application brought in line with ratified conventions"),
]
DONORS = ["Demo Development Partner A", "Demo Development Partner B"]


@dataclass
class DemoPlan:
    """A plan and the status the demo takes it to once its activities are delivered."""

    plan: Plan
    target: str
    actions: list[Action] = field(default_factory=list)


@dataclass
class SeedResult:
    funding_sources: list[FundingSource]
    donors: list[Organisation]
    plans: list[DemoPlan]
    deliverables: int
    meetings: int
    needs_added: int  # needs recorded for plan organisations that had no open one


def read_data(name: str) -> list[dict[str, str]]:
    """A CSV file of `data/`, without its leading comment lines."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


# --- funding (§25) -----------------------------------------------------------------------


def _donors(rng: random.Random) -> list[Organisation]:
    """Two invented development partners, registered in European member States."""
    europe = list(Country.objects.filter(region__code="EUROPE_CA").order_by("name"))
    donors = []
    for name in DONORS:
        donor = Organisation(
            name=name,
            country=rng.choice(europe),
            group=G.OTHER,
            kind=K.DEVELOPMENT_PARTNER,
            notes=SYNTHETIC,
        )
        donor.full_clean()
        donor.save()
        donors.append(donor)
    return donors


def _funding_sources(donors: list[Organisation]) -> list[FundingSource]:
    F = FundingSource
    rows = [
        F(name="ILO regular budget (demo)", kind=F.Kind.REGULAR_BUDGET),
        F(name="RBSA: Regular Budget Supplementary Account (demo)", kind=F.Kind.RBSA),
        F(name="RBTC: Regular Budget Technical Cooperation (demo)", kind=F.Kind.RBTC),
        F(
            name="Labour inspection project of Demo Development Partner A (earmarked, demo)",
            kind=F.Kind.VOLUNTARY_EARMARKED,
            earmarking=F.Earmarking.TIGHTLY,
            donor=donors[0],
        ),
        F(
            name="Social dialogue programme of Demo Development Partner B (earmarked, demo)",
            kind=F.Kind.VOLUNTARY_EARMARKED,
            earmarking=F.Earmarking.SOFTLY,
            donor=donors[1],
        ),
        F(
            name="Thematic pooled fund for institutional capacity (demo)",
            kind=F.Kind.POOLED,
            earmarking=F.Earmarking.SOFTLY,
        ),
    ]
    for source in rows:
        source.full_clean()
        source.save()
    return rows


# --- joint plans --------------------------------------------------------------------------


def _country_offices(offices: list[Office]) -> dict[int, Office]:
    by_pk = {o.pk: o for o in offices if o.kind == Office.Kind.COUNTRY_OFFICE}
    coverage = Office.countries.through.objects.filter(office_id__in=by_pk)
    return {country: by_pk[office] for country, office in coverage.values_list("country", "office")}


def _signers() -> dict[str, AbstractBaseUser]:
    """The demo users who sign plans, when the demo users were created."""
    roles = {"focal": Role.FOCAL_POINT, "office": Role.OFFICE, "hq": Role.HQ}
    grants = Grant.objects.filter(user__username__in=roles).select_related("user")
    return {g.user.username: g.user for g in grants if roles[g.user.username] == g.role}


def _focus(offices: list[Office], organisations: list[Organisation]) -> Organisation:
    """The ministry the demo's focal-point user works for (the rule of core's demo users):
    its plans are the ones the demo users can sign and follow."""
    office = next(
        o for o in offices if o.kind == Office.Kind.COUNTRY_OFFICE and o.countries.count() >= 3
    )
    covered = set(office.countries.values_list("pk", flat=True))
    return next(
        o for o in organisations if o.kind == K.MINISTRY_OF_LABOUR and o.country_id in covered
    )


def _constituents(organisations: list[Organisation]) -> dict[int, dict[str, Organisation]]:
    """Each country's ministry of labour, trade-union centre and employers' federation."""
    main = {K.MINISTRY_OF_LABOUR, K.NATIONAL_TRADE_UNION_CENTRE}
    found: dict[int, dict[str, Organisation]] = {}
    for o in organisations:
        if o.kind in main or o.acronym.startswith("EF-"):
            found.setdefault(o.country_id, {}).setdefault(o.group, o)
    return found


def _open_needs(organisations: list[Organisation]) -> dict[int, list[Need]]:
    ids = [o.pk for o in organisations if o.group in TRIPARTITE]
    needs: dict[int, list[Need]] = {}
    rows = Need.objects.filter(organisation_id__in=ids, status=Need.Status.OPEN)
    for need in rows.select_related("assessment").order_by("priority", "pk"):
        needs.setdefault(need.organisation_id, []).append(need)
    return needs


def _choose_countries(
    rng: random.Random,
    focus: Organisation,
    constituents: dict[int, dict[str, Organisation]],
    needs: dict[int, list[Need]],
) -> list[Country]:
    """The focal point's country, then in every region a few countries whose constituents
    have the most open needs (ties broken at random)."""
    countries = list(Country.objects.select_related("region").order_by("region__code", "name"))
    by_region: dict[str, list[Country]] = {}
    for country in countries:
        if country.pk != focus.country_id and len(constituents.get(country.pk, {})) == 3:
            by_region.setdefault(country.region.code, []).append(country)

    def weight(country: Country) -> tuple[int, float]:
        members = constituents[country.pk].values()
        return (-sum(bool(needs.get(o.pk)) for o in members), rng.random())

    chosen = [next(c for c in countries if c.pk == focus.country_id)]
    for code in sorted(by_region):
        chosen += sorted(by_region[code], key=weight)[:COUNTRIES_PER_REGION]
    return chosen


def _needs_for(
    rng: random.Random, organisation: Organisation, needs: dict[int, list[Need]], start: date
) -> list[Need]:
    """Up to two open needs of the organisation, recorded before the plan starts; one is
    recorded now (an own request) when it has none."""
    mine = [
        n
        for n in needs.get(organisation.pk, [])
        if n.assessment is None or n.assessment.date < start
    ]
    if mine:
        taken = mine[:NEEDS_PER_ORGANISATION]
        needs[organisation.pk] = [n for n in needs[organisation.pk] if n not in taken]
        return taken
    templates = [t for t in NEED_TEMPLATES if organisation.group in t[5]]
    title, description, level, kind, theme, _groups = rng.choice(templates)
    need = diagnose_services.need_create(
        user=None,
        data={
            "organisation": organisation,
            "title": title,
            "description": description,
            "level": level,
            "type": kind,
            "theme": theme,
            "priority": Need.Priority.HIGH,
            "source": Need.Source.REQUEST,
        },
    )
    return [need]


def _programme(country: Country) -> list[CountryProgrammeOutcome]:
    programme = CountryProgramme.objects.create(
        country=country,
        title=f"Decent Work Country Programme of {country.name} (demo)",
        start_year=2021,
        end_year=2026,
    )
    return [
        CountryProgrammeOutcome.objects.create(
            programme=programme, code=f"{country.iso_alpha3}{code}", title=title
        )
        for code, title in PROGRAMME_OUTCOMES
    ]


def _label(theme: str) -> str:
    return str(Theme(theme).label).lower()


def _theory(
    rng: random.Random, plan: Plan, needs: list[Need], who: str
) -> dict[str, tuple[Result, Result]]:
    """An output and an outcome at each level, the output chained to its outcome and the
    individual output also to the organisational outcome; an indicator on each."""
    chains: dict[str, tuple[Result, Result]] = {}
    for position, level in enumerate(L.values):
        theme = next((n.theme for n in needs if n.level == level), DEFAULT_THEME[level])
        words = {"who": who, "theme": _label(theme), "country": plan.country.name}
        output_text, outcome_text, output_indicator, outcome_indicator = THEORY[level]
        results = []
        for kind, text, (name, unit, baseline, low, high) in (
            (Result.Kind.OUTPUT, output_text, output_indicator),
            (Result.Kind.OUTCOME, outcome_text, outcome_indicator),
        ):
            result = services.result_add(
                user=None,
                plan=plan,
                data={
                    "level": level,
                    "kind": kind,
                    "statement": text.format(**words),
                    "position": position,
                },
            )
            services.indicator_add(
                user=None,
                result=result,
                data={
                    "name": name,
                    "unit": unit,
                    "baseline": Decimal(baseline),
                    "target": Decimal(rng.randint(low, high)),
                },
            )
            results.append(result)
        services.result_link(user=None, output=results[0], outcome=results[1])
        chains[level] = (results[0], results[1])
    services.result_link(
        user=None, output=chains[L.INDIVIDUAL][0], outcome=chains[L.ORGANISATIONAL][1]
    )
    return chains


def _actions(
    rng: random.Random,
    plan: Plan,
    needs: list[Need],
    chains: dict[str, tuple[Result, Result]],
    funding: list[FundingSource],
) -> list[Action]:
    """One action per need, spread over the plan's period, each serving the output of the
    need's level; the office or the constituent itself is responsible."""
    span = (plan.end - plan.start).days
    step = span // (len(needs) + 1)
    actions = []
    for n, need in enumerate(needs):
        start = plan.start + timedelta(days=n * step)
        responsible = (
            {"responsible_office": plan.office}
            if plan.office and rng.random() < 0.75
            else {"responsible_organisation": need.organisation}
        )
        actions.append(
            services.action_add(
                user=None,
                plan=plan,
                data={
                    "title": f"{ACTION_PREFIX[need.level]}: {need.title}"[:300],
                    "start": start,
                    "end": min(plan.end, start + timedelta(days=step + 120)),
                    "budget": Decimal(rng.randrange(5_000, 80_000, 500)),
                    "currency": CURRENCY,
                    "funding_source": rng.choices(funding, weights=[3, 3, 2, 2, 2, 2])[0],
                    "needs": [need],
                    "results": [chains[need.level][0]],
                    **responsible,
                },
            )
        )
    return actions


def _sign(
    plan: Plan,
    signers: dict[str, AbstractBaseUser],
    focus: Organisation,
    focus_office: Office | None,
    sides: list[str],
) -> None:
    """The focal-point user signs their own ministry's plans, the office user those of its
    countries and the HQ user the others; without demo users the command line signs."""
    for side in sides:
        if side == "constituents":
            ours = plan.organisations.filter(pk=focus.pk).exists()
            user = signers.get("focal") if ours else None
        else:
            ours = focus_office is not None and plan.office_id == focus_office.pk
            user = signers.get("office") if ours else signers.get("hq")
        services.plan_sign(user=user, plan=plan, side=side)
    # Signed before the plan starts, by the demo's "today" at the latest, not the day the demo
    # was seeded.
    data = {}
    if plan.constituent_signed_at:
        data["constituent_signed_at"] = _moment(plan.start - timedelta(days=45))
    if plan.office_signed_at:
        data["office_signed_at"] = _moment(min(plan.start - timedelta(days=30), LAST_DAY))
    _save(plan, user=None, data=data, fields=tuple(data), clean=lambda: None)


def _frameworks(rng: random.Random, needs: list[Need]) -> dict[str, object]:
    themes = {n.theme for n in needs}
    pb_codes = {"1"} | {THEME_PB[t] for t in themes if t in THEME_PB}
    sdg_codes = {"8.5"} | {THEME_SDG[t] for t in themes if t in THEME_SDG}
    drivers = [CrossCuttingDriver.SOCIAL_DIALOGUE.value]
    if Theme.INTERNATIONAL_LABOUR_STANDARDS in themes or rng.random() < 0.5:
        drivers.append(CrossCuttingDriver.STANDARDS.value)
    if Theme.GENDER_EQUALITY in themes or rng.random() < 0.6:
        drivers.append(CrossCuttingDriver.GENDER_EQUALITY.value)
    if rng.random() < 0.25:
        drivers.append(CrossCuttingDriver.JUST_TRANSITION.value)
    return {
        "pb_outcomes": list(PBOutcome.objects.filter(biennium=PB_BIENNIUM, code__in=pb_codes)),
        "sdg_targets": list(SDGTarget.objects.filter(code__in=sdg_codes)),
        "drivers": drivers,
    }


def _plan(
    rng: random.Random,
    *,
    country: Country,
    members: list[Organisation],
    status: str,
    office: Office | None,
    needs: dict[int, list[Need]],
    outcomes: list[CountryProgrammeOutcome],
    funding: list[FundingSource],
) -> DemoPlan:
    start, end = PERIODS[status]
    plan_needs = [n for o in members for n in _needs_for(rng, o, needs, start)]
    tripartite = len(members) > 1
    who = "the tripartite constituents" if tripartite else members[0].name
    title = (
        f"Tripartite capacity-development plan, {country.name} {start.year}–{end.year}"
        if tripartite
        else f"Capacity-development plan of the {members[0].name} {start.year}–{end.year}"
    )
    plan = services.plan_create(
        user=None,
        data={
            "title": f"{title} (demo)"[:300],
            "country": country,
            "office": office,
            "start": start,
            "end": end,
            "organisations": members,
            "needs": plan_needs,
            "programme_outcomes": rng.sample(outcomes, 2),
            "unsdcf_outcome": (
                f"UN Sustainable Development Cooperation Framework for {country.name}, "
                "outcome 2: decent work and inclusive growth (demo)"
            ),
            "notes": NOTES,
            **_frameworks(rng, plan_needs),
        },
    )
    chains = _theory(rng, plan, plan_needs, who)
    actions = _actions(rng, plan, plan_needs, chains, funding)
    return DemoPlan(plan=plan, target=status, actions=actions)


def _plans(
    rng: random.Random,
    organisations: list[Organisation],
    offices: list[Office],
    funding: list[FundingSource],
) -> list[DemoPlan]:
    focus = _focus(offices, organisations)
    constituents = _constituents(organisations)
    needs = _open_needs(organisations)
    office_of = _country_offices(offices)
    signers = _signers()
    focus_office = office_of.get(focus.country_id)
    plans: list[DemoPlan] = []
    with translation.override("en"):
        for index, country in enumerate(_choose_countries(rng, focus, constituents, needs)):
            members = constituents[country.pk]
            outcomes = _programme(country)
            office = office_of.get(country.pk)
            common = {
                "country": country,
                "office": office,
                "needs": needs,
                "outcomes": outcomes,
                "funding": funding,
            }
            if country.pk == focus.country_id:
                # The demo users' own: a tripartite plan in implementation, and a plan of the
                # ministry the office has signed, waiting for the focal point's signature.
                specs = [
                    ([members[g] for g in TRIPARTITE], S.IN_IMPLEMENTATION),
                    ([focus], S.DRAFT),
                ]
            else:
                status = STATUS_CYCLE[index % len(STATUS_CYCLE)]
                if index % 2:
                    specs = [([members[g] for g in TRIPARTITE], status)]
                else:
                    group = TRIPARTITE[index % 3]
                    specs = [([members[group]], status)]
            for spec_members, status in specs:
                demo = _plan(rng, members=spec_members, status=status, **common)
                if status != S.DRAFT:
                    _sign(demo.plan, signers, focus, focus_office, ["constituents", "office"])
                elif spec_members == [focus]:
                    _sign(demo.plan, signers, focus, focus_office, ["office"])
                plans.append(demo)
    return plans


# --- the strategy's implementation plan (§13, §30–33) --------------------------------------


def _units(offices: list[Office]) -> dict[str, Office]:
    """HQ departments by acronym, regional offices as RO:<region code>."""
    units = {o.acronym: o for o in offices if o.acronym}
    for office in offices:
        if office.kind == Office.Kind.REGIONAL_OFFICE and office.region is not None:
            units[f"RO:{office.region.code}"] = office
    return units


EVIDENCE = {
    Deliverable.Status.DONE: "Synthetic demo evidence: completed; reported to the steering "
    "committee on {day} by {unit}.",
    Deliverable.Status.IN_PROGRESS: "Synthetic demo evidence: drafts discussed in the "
    "steering committee on {day}.",
    Deliverable.Status.DELAYED: "Synthetic demo evidence: {unit} reported a delay to the "
    "steering committee on {day}.",
}
MEETINGS = [
    (date(2019, 4, 11), "Committee set up (§30); terms of reference and members agreed."),
    (date(2019, 11, 14), "First-phase internal implementation plan adopted (§31)."),
    (date(2020, 10, 8), "Mid-biennium review of phase 1, held online."),
    (date(2021, 11, 18), "Progress for the Programme Implementation Report 2020–21 (§32)."),
    (date(2022, 6, 9), "Review of the strategy after the Strategic Plan 2022–25 (§33)."),
    (date(2023, 11, 16), "Phase 2 operational arrangements (§13)."),
    (date(2024, 11, 21), "Annual review of phase 2 deliverables."),
]
DECISIONS = [
    "Report progress on this deliverable at the next meeting",
    "Share the draft with the regions and the Turin Centre for comments",
    "Consult ACTRAV and ACT/EMP before finalising",
    "Bring the deliverable in line with the theory-of-change guidance",
    "Prepare a short note on lessons learned for the Programme Implementation Report",
]


def _statuses(rng: random.Random, rows: list[dict[str, str]]) -> list[str]:
    """By mid-2025 the first phase is done but for a few deliverables still in progress or
    delayed; of the second phase's, some are done and the others in progress."""
    D = Deliverable.Status
    statuses = [D.DONE if row["phase"] == "1" else D.IN_PROGRESS for row in rows]
    late = [i for i, row in enumerate(rows) if row["biennium"] == "2020-21"]
    for n, index in enumerate(rng.sample(late, 6)):
        statuses[index] = D.DELAYED if n < 2 else D.IN_PROGRESS
    second = [i for i, row in enumerate(rows) if row["phase"] == "2"]
    statuses[rng.choice(second)] = D.DONE
    return statuses


def _strategy(rng: random.Random, offices: list[Office]) -> tuple[int, int]:
    """The outcome areas (§12) and the deliverables the paper names under each (§14–29), in
    the phases of §13; the steering committee (§30) that drafts the first phase's plan (§31),
    reports through the Programme Implementation Report 2020–21 (§32) and reviews the strategy
    after the Strategic Plan 2022–25 (§33). Status, evidence, meetings and decisions are
    invented."""
    units = _units(offices)
    areas = {}
    for row in read_data("strategy_outcomes.csv"):
        area = StrategyOutcome(
            code=row["code"], title={lang: row[lang] for lang in ("en", "fr", "es", "zh")}
        )
        area.full_clean()
        area.save()
        areas[row["code"]] = area
    deliverables = []
    rows = read_data("strategy_deliverables.csv")
    for row, status in zip(rows, _statuses(rng, rows), strict=True):
        unit = units[row["unit"]]
        first_year = int(row["biennium"][:4])
        held = [m[0] for m in MEETINGS if first_year <= m[0].year <= first_year + 2]
        day = rng.choice(held or [MEETINGS[-1][0]])
        deliverable = Deliverable(
            outcome=areas[row["outcome"]],
            title={lang: row[lang] for lang in ("en", "fr", "es", "zh")},
            phase=int(row["phase"]),
            biennium=row["biennium"],
            responsible_unit=unit,
            status=status,
            evidence=EVIDENCE.get(status, "").format(
                day=day.isoformat(), unit=unit.acronym or unit.name
            ),
        )
        deliverable.full_clean()
        deliverable.save()
        deliverables.append(deliverable)
    for held_on, summary in MEETINGS:
        meeting = SteeringMeeting.objects.create(
            held_on=held_on, summary=f"{summary} Synthetic demo record."
        )
        for deliverable in rng.sample(deliverables, rng.randint(2, 3)):
            due = held_on + timedelta(days=rng.choice([90, 120, 180]))
            SteeringDecision.objects.create(
                meeting=meeting,
                text=f"{rng.choice(DECISIONS)} (synthetic demo decision).",
                deliverable=deliverable,
                responsible_unit=deliverable.responsible_unit,
                due=due,
                status=(
                    SteeringDecision.Status.DONE
                    if due < date(2025, 1, 1)
                    else SteeringDecision.Status.OPEN
                ),
            )
    return len(deliverables), len(MEETINGS)


@transaction.atomic
def seed(
    *, rng: random.Random, organisations: list[Organisation], offices: list[Office]
) -> SeedResult:
    """Invent funding sources, joint plans for the constituents of about twenty countries,
    and load the strategy's implementation plan."""
    needs_before = Need.objects.count()
    donors = _donors(rng)
    funding = _funding_sources(donors)
    plans = _plans(rng, organisations, offices, funding)
    deliverables, meetings = _strategy(rng, offices)
    return SeedResult(
        funding_sources=funding,
        donors=donors,
        plans=plans,
        deliverables=deliverables,
        meetings=meetings,
        needs_added=Need.objects.count() - needs_before,
    )


def reset() -> None:
    """Remove every plan, funding source, country programme and the strategy's implementation
    plan, with their history. Runs after the deliver reset (activities link actions) and
    before the diagnose and core resets (plans protect offices, needs and donors)."""
    with transaction.atomic():
        for model in (
            SteeringDecision,
            SteeringMeeting,
            Deliverable,
            StrategyOutcome,
            ResultIndicator,
            Action,
            Result,
            Plan,
            CountryProgrammeOutcome,
            CountryProgramme,
            FundingSource,
        ):
            model.objects.all().delete()
            model.history.all().delete()  # type: ignore[attr-defined]
