"""The diagnose part of the synthetic demo dataset: instruments, assessments and needs.

The built-in instruments are imported from `capdev/diagnose/instruments/` as an administrator
would import them. Everything else is invented: about 40% of the tripartite constituents
have a baseline assessment (2019–2022) and about half of those a follow-up two or three
years later, mostly showing progress; validated assessments yield needs from their
lowest-scoring items, and some constituents have needs from priority-setting exercises or
their own requests. Rates are per organisation, so the large scale grows in proportion.

Thousands of rows are built in memory and written with `bulk_create_with_history`; the
summaries come from `summaries.summary_rows`, as `summarise()` would write them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.db import models, transaction
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from capdev.core.demo import FIRST_NAMES
from capdev.core.models import ConstituentGroup, Office, Organisation, OrganisationKind
from capdev.diagnose import services
from capdev.diagnose.models import (
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
    Participant,
    Sex,
    Theme,
    ThemeScore,
)
from capdev.diagnose.summaries import SummaryRows, summary_rows

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
NOTES = "Synthetic demo data."
G = ConstituentGroup
K = OrganisationKind
L = Level
T = CapacityType
A = Assessment

INSTITUTIONAL = "institutional_capacity"
AUDIT = "labour_administration_audit"
AUDITED_KINDS = (K.MINISTRY_OF_LABOUR, K.LABOUR_INSPECTORATE)
GROUP_INSTRUMENT = {G.WORKERS: "workers_organisations", G.EMPLOYERS: "employers_organisations"}
TRIPARTITE = (G.GOVERNMENT, G.WORKERS, G.EMPLOYERS)
ASSESSED_SHARE = 0.4
FOLLOW_UP_SHARE = 0.5
INSTITUTIONAL_SHARE = 0.15  # of the assessed constituents that have an instrument of their own
BASELINE_FIRST, BASELINE_LAST = date(2019, 1, 1), date(2022, 12, 31)
LAST_DAY = date(2025, 6, 30)  # fixed, not today: the dataset is the same whenever it is seeded
RECENT = date(2024, 7, 1)

# The sex each of the demo's first names usually goes with; a name not listed is "not stated".
SEX_OF_NAME = {
    "Amina": Sex.FEMALE,
    "Carlos": Sex.MALE,
    "Mei": Sex.FEMALE,
    "Fatou": Sex.FEMALE,
    "Olga": Sex.FEMALE,
    "Rahul": Sex.MALE,
    "Lucía": Sex.FEMALE,
    "Kwame": Sex.MALE,
    "Sofia": Sex.FEMALE,
    "Tariq": Sex.MALE,
}
PARTICIPANT_ROLES = {
    G.GOVERNMENT: [
        "Director of labour",
        "Chief labour inspector",
        "Labour inspector",
        "Planning officer",
        "Legal adviser",
        "Human resources officer",
    ],
    G.WORKERS: [
        "General secretary",
        "Education officer",
        "Women's committee chair",
        "Youth officer",
        "Shop steward",
        "Treasurer",
    ],
    G.EMPLOYERS: [
        "Executive director",
        "Policy officer",
        "Membership services manager",
        "Board member",
        "Finance manager",
        "Training manager",
    ],
}
FACILITATOR_ROLE = "Programme officer, facilitating office"
EVIDENCE = [
    "Document review: constitution, annual report and strategic plan.",
    "Agreed by the participants in the validation workshop.",
    "Interviews with the secretariat and three member organisations.",
    "Financial statements of the last two years were available.",
    "No written procedure; practice differs between departments.",
    "Training records show few staff trained in the last three years.",
    "Observed during a field visit to two provincial offices.",
    "Minutes of the last tripartite meetings reviewed.",
    "Membership register partly digitised; figures not reconciled.",
    "A plan exists but has not been updated since adoption.",
]

# (title, description, level, type, theme, groups the need is typical of)
NEED_TEMPLATES: list[tuple[str, str, str, str, str, tuple[str, ...]]] = [
    (
        "Strengthen collective bargaining skills of shop stewards",
        "Shop stewards negotiate workplace agreements without training in bargaining "
        "techniques or costing of claims.",
        L.INDIVIDUAL,
        T.TECHNICAL,
        Theme.SOCIAL_DIALOGUE,
        (G.WORKERS,),
    ),
    (
        "Set up a membership database",
        "Membership is recorded on paper by each affiliate; dues collection and services "
        "cannot be planned from reliable figures.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.MEMBERSHIP_SERVICES,
        (G.WORKERS, G.EMPLOYERS),
    ),
    (
        "Organise workers in the informal economy",
        "Develop an organising strategy and services for own-account and domestic workers.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.INFORMAL_ECONOMY,
        (G.WORKERS,),
    ),
    (
        "Train union leaders on international labour standards and the supervisory system",
        "Leaders need to use the comments of the supervisory bodies and submit observations "
        "on the Government's reports.",
        L.INDIVIDUAL,
        T.TECHNICAL,
        Theme.INTERNATIONAL_LABOUR_STANDARDS,
        (G.WORKERS, G.EMPLOYERS),
    ),
    (
        "Increase the participation of women in union leadership",
        "Adopt and monitor targets for women in decision-making bodies.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.GENDER_EQUALITY,
        (G.WORKERS,),
    ),
    (
        "Build a network of workplace safety representatives",
        "Train and support safety representatives in high-risk sectors.",
        L.INDIVIDUAL,
        T.TECHNICAL,
        Theme.OSH,
        (G.WORKERS,),
    ),
    (
        "Develop a policy advocacy strategy on the business environment",
        "Evidence-based positions on regulation, taxation and access to finance, with a plan "
        "to present them to government.",
        L.ENABLING_ENVIRONMENT,
        T.TECHNICAL,
        Theme.ENTREPRENEURSHIP,
        (G.EMPLOYERS,),
    ),
    (
        "Launch fee-based services for member enterprises",
        "Design and price advisory services (labour law, HR, OSH) that raise non-dues income.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.MEMBERSHIP_SERVICES,
        (G.EMPLOYERS,),
    ),
    (
        "Train member enterprises on OSH management systems",
        "Small and medium enterprises lack the skills to assess and control workplace risks.",
        L.INDIVIDUAL,
        T.TECHNICAL,
        Theme.OSH,
        (G.EMPLOYERS,),
    ),
    (
        "Prepare the employers' position for the minimum wage review",
        "Collect wage and productivity data from members before the tripartite review.",
        L.ENABLING_ENVIRONMENT,
        T.TECHNICAL,
        Theme.SOCIAL_DIALOGUE,
        (G.EMPLOYERS,),
    ),
    (
        "Run a skills needs survey of member enterprises",
        "Anticipate skills shortages and feed them into the national skills strategy.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.EMPLOYMENT,
        (G.EMPLOYERS,),
    ),
    (
        "Support small enterprises in formalising",
        "Guidance and one-stop services for informal enterprises joining the formal economy.",
        L.ENABLING_ENVIRONMENT,
        T.TECHNICAL,
        Theme.INFORMAL_ECONOMY,
        (G.EMPLOYERS,),
    ),
    (
        "Develop a risk-based labour inspection plan",
        "Target inspections on sectors and enterprises with the highest risk of violations.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.LABOUR_LAW,
        (G.GOVERNMENT,),
    ),
    (
        "Train labour inspectors on hazardous work",
        "Inspectors need practical skills to inspect construction, mining and chemicals.",
        L.INDIVIDUAL,
        T.TECHNICAL,
        Theme.OSH,
        (G.GOVERNMENT,),
    ),
    (
        "Set up a case management system for inspection visits",
        "Record visits, findings and follow-up in one system instead of paper files.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.MONITORING_LEARNING,
        (G.GOVERNMENT,),
    ),
    (
        "Review the labour code in line with ratified conventions",
        "Close the gaps noted by the supervisory bodies through tripartite consultation.",
        L.ENABLING_ENVIRONMENT,
        T.TECHNICAL,
        Theme.LABOUR_LAW,
        (G.GOVERNMENT,),
    ),
    (
        "Submit reports on ratified conventions on time",
        "Set up a reporting calendar and consult the social partners on draft reports.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.INTERNATIONAL_LABOUR_STANDARDS,
        (G.GOVERNMENT,),
    ),
    (
        "Strengthen the secretariat of the national tripartite council",
        "Give the council a budget, a work plan and staff to prepare its meetings.",
        L.ENABLING_ENVIRONMENT,
        T.TECHNICAL,
        Theme.SOCIAL_DIALOGUE,
        (G.GOVERNMENT,),
    ),
    (
        "Extend social protection to workers in the informal economy",
        "Design contributory schemes adapted to irregular incomes.",
        L.ENABLING_ENVIRONMENT,
        T.TECHNICAL,
        Theme.SOCIAL_PROTECTION,
        (G.GOVERNMENT,),
    ),
    (
        "Set up a labour market information system",
        "Regular, sex-disaggregated labour market data for employment policy.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.EMPLOYMENT,
        (G.GOVERNMENT,),
    ),
    (
        "Develop a national labour migration policy",
        "Protect migrant workers' rights and match migration with labour market needs.",
        L.ENABLING_ENVIRONMENT,
        T.TECHNICAL,
        Theme.LABOUR_MIGRATION,
        (G.GOVERNMENT,),
    ),
    (
        "Prepare a multi-year strategic plan",
        "Agree priorities, targets and resources for the next four years with the members.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.STRATEGIC_PLANNING,
        TRIPARTITE,
    ),
    (
        "Introduce results-based budgeting and financial reporting",
        "Link the budget to the strategic plan and report on spending to the governing body.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.FINANCIAL_MANAGEMENT,
        TRIPARTITE,
    ),
    (
        "Set up a monitoring and evaluation framework",
        "Indicators, baselines and a yearly review of what the organisation achieves.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.MONITORING_LEARNING,
        TRIPARTITE,
    ),
    (
        "Develop the leadership skills of young and women officers",
        "Mentoring and training for the next generation of leaders.",
        L.INDIVIDUAL,
        T.FUNCTIONAL,
        Theme.LEADERSHIP,
        TRIPARTITE,
    ),
    (
        "Prepare for the digital transition of work",
        "Understand platform work and digital tools, and adapt services and policies.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.FUTURE_OF_WORK,
        TRIPARTITE,
    ),
    (
        "Build partnerships with national training institutions",
        "Agree joint training programmes and shared use of trainers and facilities.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.PARTNERSHIPS,
        TRIPARTITE,
    ),
    (
        "Adopt a gender equality policy and action plan",
        "Commit to equal treatment in staffing, services and representation, with a budget.",
        L.ORGANISATIONAL,
        T.TECHNICAL,
        Theme.GENDER_EQUALITY,
        TRIPARTITE,
    ),
    (
        "Update the statutes and internal governance rules",
        "Regular elections, an audit committee and clear mandates for the secretariat.",
        L.ORGANISATIONAL,
        T.FUNCTIONAL,
        Theme.INTERNAL_GOVERNANCE,
        TRIPARTITE,
    ),
]


@dataclass(frozen=True)
class SeedResult:
    instruments: int
    assessments: int
    needs: int


@dataclass
class _Instrument:
    version: InstrumentVersion
    items: list[Item]


@dataclass
class _Capacity:
    """An organisation's latent capacity: a level and how each theme departs from it."""

    level: float
    themes: dict[str, float] = field(default_factory=dict)


@dataclass
class _Planned:
    assessment: Assessment
    instrument: _Instrument
    scores: dict[int, int | None]
    evidence: dict[int, str]
    earlier: _Planned | None = None


def load_instruments() -> list[InstrumentVersion]:
    """Import and publish every workbook in capdev/diagnose/instruments/, in name order."""
    return [
        services.instrument_import(
            user=None,
            data=path.read_bytes(),
            source_name=path.name,
            publish=True,
            builtin=True,
        ).version
        for path in sorted(INSTRUMENTS_DIR.glob("*.xlsx"))
    ]


def instrument_codes_for(organisation: Organisation) -> list[str]:
    """The instruments an organisation may be assessed with: its group's own, then the
    general one."""
    own = AUDIT if organisation.kind in AUDITED_KINDS else GROUP_INSTRUMENT.get(organisation.group)
    return [own, INSTITUTIONAL] if own else [INSTITUTIONAL]


def _instrument_for(
    rng: random.Random, organisation: Organisation, instruments: dict[str, _Instrument]
) -> _Instrument | None:
    """The group's own instrument (now and then the general one), among those loaded."""
    fitting = [
        instruments[code]
        for code in instrument_codes_for(organisation)
        if code in instruments
        and organisation.group in (instruments[code].version.groups or TRIPARTITE)
    ]
    if len(fitting) > 1 and rng.random() < INSTITUTIONAL_SHARE:
        return fitting[1]
    return fitting[0] if fitting else None


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _scores(
    rng: random.Random,
    organisation: Organisation,
    instrument: _Instrument,
    capacity: _Capacity,
    mode: str,
    draft: bool,
) -> tuple[dict[int, int | None], dict[int, str]]:
    """Scores near the organisation's capacity; self-assessments read a little higher."""
    bias = {A.Mode.SELF: 0.05, A.Mode.JOINT: 0.0, A.Mode.EXTERNAL: -0.03}[mode]
    # A draft is being filled in from the top: its later items are still empty.
    filled = rng.randint(len(instrument.items) // 4, len(instrument.items) - 1) if draft else None
    scores: dict[int, int | None] = {}
    evidence: dict[int, str] = {}
    for index, item in enumerate(instrument.items):
        applies = not item.groups or organisation.group in item.groups
        if filled is not None and index >= filled:
            continue
        if not item.required and (not applies or rng.random() < 0.08):
            continue
        theme = capacity.themes.setdefault(item.theme, rng.gauss(0, 0.12))
        position = _clamp(capacity.level + theme + bias + rng.gauss(0, 0.1))
        scores[item.pk] = item.scale_min + round(position * (item.scale_max - item.scale_min))
        if rng.random() < 0.3:
            evidence[item.pk] = rng.choice(EVIDENCE)
    return scores, evidence


def _status(rng: random.Random, day: date, latest: bool) -> str:
    """Older assessments are validated; a few recent ones are still drafts or submitted."""
    draw = rng.random()
    if latest and day >= RECENT:
        if draw < 0.2:
            return A.Status.DRAFT
        return A.Status.SUBMITTED if draw < 0.5 else A.Status.VALIDATED
    return A.Status.SUBMITTED if draw < 0.08 else A.Status.VALIDATED


def _moment(day: date, days_later: int) -> datetime:
    return datetime.combine(day + timedelta(days=days_later), time(10), tzinfo=UTC)


def _assessment(
    rng: random.Random,
    organisation: Organisation,
    instrument: _Instrument,
    day: date,
    status: str,
    office: Office | None,
) -> Assessment:
    mode = rng.choices([A.Mode.SELF, A.Mode.JOINT, A.Mode.EXTERNAL], weights=[4, 4, 2])[0]
    assessment = Assessment(
        organisation=organisation,
        version=instrument.version,
        date=day,
        mode=mode,
        office=office if mode != A.Mode.SELF or rng.random() < 0.5 else None,
        status=status,
        notes=NOTES,
        source=A.Source.DEMO,
    )
    if status != A.Status.DRAFT:
        assessment.submitted_at = _moment(day, rng.randint(1, 20))
    if status == A.Status.VALIDATED:
        assessment.validated_at = _moment(day, rng.randint(21, 60))
    return assessment


def _participants(rng: random.Random, assessment: Assessment) -> list[Participant]:
    organisation = assessment.organisation
    roles = PARTICIPANT_ROLES.get(organisation.group, PARTICIPANT_ROLES[G.GOVERNMENT])
    people = []
    for n, first in enumerate(rng.sample(FIRST_NAMES, rng.randint(2, 6))):
        sex = SEX_OF_NAME.get(first, Sex.OTHER)
        facilitator = n == 0 and assessment.mode != A.Mode.SELF and assessment.office is not None
        people.append(
            Participant(
                assessment=assessment,
                name=f"{first} Example",
                role=FACILITATOR_ROLE if facilitator else rng.choice(roles),
                sex=Sex.OTHER if rng.random() < 0.03 else sex,
                organisation=None if facilitator else organisation,
            )
        )
    return people


def _plan(
    rng: random.Random,
    organisations: list[Organisation],
    instruments: dict[str, _Instrument],
    offices: dict[int, Office],
) -> list[_Planned]:
    planned: list[_Planned] = []
    for organisation in organisations:
        if organisation.group not in TRIPARTITE or rng.random() >= ASSESSED_SHARE:
            continue
        instrument = _instrument_for(rng, organisation, instruments)
        if instrument is None:
            continue
        capacity = _Capacity(level=min(0.85, max(0.1, rng.gauss(0.42, 0.15))))
        office = offices.get(organisation.country_id)
        span = (BASELINE_LAST - BASELINE_FIRST).days
        baseline_day = BASELINE_FIRST + timedelta(days=rng.randint(0, span))
        follow_up_day = baseline_day + timedelta(days=rng.randint(730, 1095))
        if follow_up_day > LAST_DAY:
            follow_up_day = baseline_day + timedelta(days=rng.randint(700, 730))
        follow_up = rng.random() < FOLLOW_UP_SHARE
        earlier = None
        for day in [baseline_day, follow_up_day] if follow_up else [baseline_day]:
            if earlier is not None:
                # Mostly progress since the baseline, sometimes a decline; themes move apart.
                change = rng.gauss(0.13, 0.06) if rng.random() < 0.8 else rng.gauss(-0.08, 0.04)
                capacity.level = _clamp(capacity.level + change)
                for theme in capacity.themes:
                    capacity.themes[theme] += rng.gauss(0, 0.05)
            status = _status(rng, day, latest=day == follow_up_day or not follow_up)
            assessment = _assessment(rng, organisation, instrument, day, status, office)
            scores, evidence = _scores(
                rng, organisation, instrument, capacity, assessment.mode, status == A.Status.DRAFT
            )
            earlier = _Planned(assessment, instrument, scores, evidence, earlier)
            planned.append(earlier)
    return planned


def _need_status(rng: random.Random, plan: _Planned, item: Item, later: _Planned | None) -> str:
    """Needs of older assessments are often planned or addressed: progress shows in the
    follow-up's score of the same item."""
    draw = rng.random()
    if later is not None:
        before, after = plan.scores.get(item.pk), later.scores.get(item.pk)
        if before is not None and after is not None and after > before:
            return Need.Status.ADDRESSED if draw < 0.6 else Need.Status.PLANNED
    if plan.assessment.date < date(2022, 1, 1):
        if draw < 0.6:
            return Need.Status.OPEN
        return Need.Status.PLANNED if draw < 0.85 else Need.Status.ADDRESSED
    return Need.Status.OPEN if draw < 0.85 else Need.Status.PLANNED


def _assessment_needs(rng: random.Random, planned: list[_Planned]) -> list[Need]:
    """2–4 needs from the lowest-scoring items of each validated assessment, with the fields
    `services.need_from_assessment` sets."""
    later = {id(p.earlier): p for p in planned if p.earlier is not None}
    needs = []
    for plan in planned:
        assessment = plan.assessment
        if assessment.status != A.Status.VALIDATED:
            continue
        scored = [item for item in plan.instrument.items if plan.scores.get(item.pk) is not None]
        # Lowest position on its scale first; ties broken at random, not by item order.
        scored.sort(
            key=lambda item: (
                (plan.scores[item.pk] - item.scale_min) / (item.scale_max - item.scale_min),
                rng.random(),
            )
        )
        source = Need.Source.ASSESSMENT
        if assessment.version.instrument.code == AUDIT:
            source = Need.Source.LABOUR_ADMIN_AUDIT
        for rank, item in enumerate(scored[: rng.randint(2, 4)]):
            needs.append(
                Need(
                    organisation=assessment.organisation,
                    title=item.label.get("en", item.name)[:200],
                    # the same "Scored 1 of 4: …" text as marking the item in the browser
                    description=services._need_description(item, plan.scores[item.pk]),
                    level=item.level,
                    type=item.type,
                    theme=item.theme,
                    priority=Need.Priority.HIGH if rank == 0 else Need.Priority.MEDIUM,
                    source=source,
                    status=_need_status(rng, plan, item, later.get(id(plan))),
                    assessment=assessment,
                    item=item,
                    area_id=item.area_id,
                )
            )
    return needs


def _other_needs(rng: random.Random, organisations: list[Organisation]) -> list[Need]:
    """Needs raised outside assessments: ACTRAV and ACT/EMP priority-setting, and requests."""
    needs = []
    for organisation in organisations:
        if organisation.group not in TRIPARTITE or rng.random() >= 0.15:
            continue
        templates = [t for t in NEED_TEMPLATES if organisation.group in t[5]]
        social_partner = organisation.group in (G.WORKERS, G.EMPLOYERS)
        for title, description, level, kind, theme, _groups in rng.sample(
            templates, rng.randint(1, 3)
        ):
            source = (
                Need.Source.PRIORITY_SETTING
                if social_partner and rng.random() < 0.6
                else Need.Source.REQUEST
            )
            needs.append(
                Need(
                    organisation=organisation,
                    title=title,
                    description=description,
                    level=level,
                    type=kind,
                    theme=theme,
                    priority=rng.choice(list(Need.Priority)),
                    source=source,
                    status=rng.choices(list(Need.Status), weights=[7, 2, 1])[0],
                )
            )
    return needs


def _country_offices(offices: list[Office]) -> dict[int, Office]:
    by_pk = {o.pk: o for o in offices if o.kind == Office.Kind.COUNTRY_OFFICE}
    coverage = Office.countries.through.objects.filter(office_id__in=by_pk)
    return {country: by_pk[office] for country, office in coverage.values_list("country", "office")}


@transaction.atomic
def seed(
    *, rng: random.Random, organisations: list[Organisation], offices: list[Office]
) -> SeedResult:
    """Load the built-in instruments and invent assessments and needs for `organisations`."""
    versions = load_instruments()
    items = Item.objects.filter(version__in=versions).order_by("position")
    instruments = {
        v.instrument.code: _Instrument(v, [i for i in items if i.version_id == v.pk])
        for v in versions
    }
    planned = _plan(rng, organisations, instruments, _country_offices(offices))
    summaries = SummaryRows()
    for plan in planned:
        summaries.extend(
            summary_rows(
                plan.assessment,
                plan.instrument.items,
                plan.scores,
                plan.assessment.organisation.group,
            )
        )
    participants = [p for plan in planned for p in _participants(rng, plan.assessment)]
    with translation.override("en"):
        needs = _assessment_needs(rng, planned) + _other_needs(rng, organisations)
    bulk_create_with_history([p.assessment for p in planned], Assessment, batch_size=500)
    summaries.write()
    item_scores = [
        ItemScore(
            assessment=plan.assessment,
            item_id=item_id,
            score=score,
            evidence=plan.evidence.get(item_id, ""),
        )
        for plan in planned
        for item_id, score in plan.scores.items()
    ]
    bulk_create_with_history(item_scores, ItemScore, batch_size=1000)
    bulk_create_with_history(participants, Participant, batch_size=1000)
    bulk_create_with_history(needs, Need, batch_size=1000)
    return SeedResult(instruments=len(versions), assessments=len(planned), needs=len(needs))


def reset() -> None:
    """Remove every assessment and need, and the built-in instruments, with their history.

    Assessments and needs protect their organisation, so this runs before the core reset.
    """
    with transaction.atomic():
        for model in (Need, Participant, ItemScore, AreaScore, CellScore, ThemeScore, Assessment):
            _delete_all(model)
        builtin = Instrument.objects.filter(builtin=True)
        versions = InstrumentVersion.objects.filter(instrument__in=builtin)
        ids = {
            Instrument: list(builtin.values_list("pk", flat=True)),
            InstrumentVersion: list(versions.values_list("pk", flat=True)),
            Area: list(Area.objects.filter(version__in=versions).values_list("pk", flat=True)),
            Item: list(Item.objects.filter(version__in=versions).values_list("pk", flat=True)),
        }
        builtin.delete()
        for model, pks in ids.items():
            model.history.filter(id__in=pks).delete()


def _delete_all(model: type[models.Model]) -> None:
    """Delete every row and its history in one statement each: the ORM would delete tens of
    thousands of scores one by one, writing a history row for each only to delete it next."""
    history = getattr(model, "history", None)
    for table in [model] + ([history.model] if history is not None else []):
        rows = table._default_manager.all()
        rows._raw_delete(rows.db)
