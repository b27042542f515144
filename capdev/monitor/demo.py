"""The monitor part of the synthetic demo dataset: indicators with baselines, targets and
measurements (§19–20, §28, §32).

- one indicator per outcome of the P&B 2020–21 that the plan app's reference holds, two of
  them disaggregated by sex;
- a few for the strategy's deliverables (staff curriculum, local training providers, the
  diagnostic tools, and one measured in words);
- one per result of the demo plans that carries a plan indicator, serving that result, with
  the plan indicator's baseline and final target.

Targets run over the bienniums 2020-21, 2022-23 and 2024-25 (a plan's over those its period
overlaps, up to 2026-27); measurements exist for the bienniums over by the demo's "today"
(mid-2025, capdev.diagnose.demo.LAST_DAY). Each measured period is made to land on track, at
risk or off track in turn, so every status occurs; the status itself is computed, never
stored. Measurements are recorded and approved through the services by two different demo
users ("office" records in its countries and "hq" approves; elsewhere the command line
records and "hq" approves); without demo users nothing is approved. Every name ends in
"(demo)" and every text says it is synthetic.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import cycle

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from capdev.core.models import Grant, Office, Organisation, Role
from capdev.core.scoping import scoped
from capdev.core.services import _save
from capdev.diagnose.demo import LAST_DAY
from capdev.monitor import services
from capdev.monitor.models import Indicator
from capdev.plan.models import Deliverable, PBOutcome, Plan, ResultIndicator

SYNTHETIC = "Synthetic demo record."
BIENNIA = ("2020-21", "2022-23", "2024-25")
PLAN_BIENNIA = (*BIENNIA, "2026-27")
PB_BIENNIUM = "2020-21"
# The shares of the way from baseline to target each status is drawn from (see
# capdev.monitor.selectors: on track from 100 %, at risk from 75 %).
FATES = {
    "on_track": (1.0, 1.2),
    "at_risk": (0.8, 0.95),
    "off_track": (0.2, 0.6),
}
FATE_CYCLE = ("on_track", "at_risk", "on_track", "off_track", "at_risk")
UNAPPROVED_EVERY = 6  # the latest measurement of one indicator in six awaits approval

D = Decimal
M = Indicator.Measure


def _ended(biennium: str) -> bool:
    return date(int(biennium[:4]) + 1, 12, 31) <= LAST_DAY


def _previous(biennium: str) -> str:
    start = int(biennium[:4]) - 2
    return f"{start}-{(start + 1) % 100:02}"


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _users() -> dict[str, AbstractBaseUser]:
    """The demo users "office" and "hq", when the demo users were created."""
    roles = {"office": Role.OFFICE, "hq": Role.HQ}
    grants = Grant.objects.filter(user__username__in=roles).select_related("user")
    return {g.user.username: g.user for g in grants if roles[g.user.username] == g.role}


class _Seeder:
    """Writes indicators through the services, each measured period on its turn of fate."""

    def __init__(self, rng: random.Random, users: dict[str, AbstractBaseUser]) -> None:
        self.rng = rng
        self.users = users
        self.fates = cycle(FATE_CYCLE)
        self.count = 0
        office = users.get("office")
        self.office_plans: set[int] = (
            set(scoped(office, Plan.objects.all()).values_list("pk", flat=True))
            if office is not None
            else set()
        )

    # -- figures --------------------------------------------------------------------------

    def _number(self, baseline: D, target: D, share: float) -> D:
        return D(round(float(baseline) + share * float(target - baseline)))

    def _targets(
        self, indicator: Indicator, periods: list[str], baseline: D, final: D, by_sex: bool
    ) -> dict[str, D]:
        """Targets stepping evenly from the baseline to the final one; a percentage's as its
        numerator out of 100; with sex, the women's share at 40 % at least."""
        goals = {}
        for step, period in enumerate(periods, start=1):
            goal = D(round(float(baseline) + float(final - baseline) * step / len(periods)))
            goals[period] = goal
            if indicator.measure == M.PERCENTAGE:
                figure = {"numerator": goal, "denominator": D(100)}
            else:
                figure = {"value": goal}
            services.target_set(user=None, indicator=indicator, data={"period": period, **figure})
            if by_sex:
                services.target_set(
                    user=None,
                    indicator=indicator,
                    data={
                        "period": period,
                        "disaggregation": "sex:female",
                        "value": D(round(float(goal) * 0.4)),
                    },
                )
        return goals

    def _measure(
        self,
        indicator: Indicator,
        period: str,
        figure: dict[str, object],
        *,
        recorder: AbstractBaseUser | None,
        approver: AbstractBaseUser | None,
        source: str,
    ) -> None:
        data = {
            "period": period,
            "source": source,
            "evidence": f"{SYNTHETIC} Monitoring report for {period} (demo).",
            **figure,
        }
        measurement = services.measurement_record(user=recorder, indicator=indicator, data=data)
        # Recorded after the biennium is over, approved a few weeks later: the demo's dates,
        # not the day it was seeded.
        recorded = date(int(period[:4]) + 2, 2, 1) + timedelta(days=self.rng.randint(0, 60))
        dates: dict[str, object] = {"recorded_at": _moment(min(recorded, LAST_DAY))}
        if approver is not None:
            services.measurement_approve(user=approver, measurement=measurement)
            approved = recorded + timedelta(days=self.rng.randint(14, 60))
            dates["approved_at"] = _moment(min(approved, LAST_DAY))
        _save(
            measurement,
            user=approver or recorder,
            data=dates,
            fields=tuple(dates),
            clean=lambda: None,
        )

    def measured(
        self,
        indicator: Indicator,
        *,
        baseline: D,
        goals: dict[str, D],
        by_sex: bool,
        office_scope: bool,
        source: str,
    ) -> None:
        """A measurement for each biennium over, each on its turn of fate."""
        hq = self.users.get("hq")
        recorder = self.users.get("office") if office_scope else None
        periods = [p for p in goals if _ended(p)]
        self.count += 1
        for n, period in enumerate(periods):
            low, high = FATES[next(self.fates)]
            share = self.rng.uniform(low, high)
            last = n == len(periods) - 1
            approver = None if last and self.count % UNAPPROVED_EVERY == 0 else hq
            people = {"recorder": recorder, "approver": approver, "source": source}
            goal = goals[period]
            if indicator.measure == M.PERCENTAGE:
                asked = self.rng.randint(30, 200)
                share_of = float(baseline) + share * float(goal - baseline)
                answered = min(asked, max(0, round(asked * share_of / 100)))
                figure = {"numerator": D(answered), "denominator": D(asked)}
                self._measure(indicator, period, figure, **people)
                continue
            value = max(D(0), self._number(baseline, goal, share))
            self._measure(indicator, period, {"value": value}, **people)
            if by_sex:
                women = D(round(float(value) * self.rng.uniform(0.35, 0.5)))
                for sex, count in (("female", women), ("male", value - women)):
                    figure = {"disaggregation": f"sex:{sex}", "value": count}
                    self._measure(indicator, period, figure, **people)

    # -- indicators -----------------------------------------------------------------------

    def indicator(self, data: dict[str, object]) -> Indicator:
        return services.indicator_create(
            user=None,
            data={
                "rationale": f"{SYNTHETIC} Invented to show how capdev monitors this framework.",
                "verification": f"{SYNTHETIC} Monitoring reports of the offices concerned.",
                "frequency": Indicator.Frequency.BIENNIAL,
                **data,
            },
        )


PB_POLICY = (
    "Member States where the constituents' institutional capacity improved under P&B "
    "outcome {code} (demo)"
)
PB_PEOPLE = "Constituents' representatives trained under P&B outcome {code} (demo)"
PB_ENABLING = (
    "Share of the Office's capacity-development projects under P&B outcome {code} with a "
    "baseline and targets (demo)"
)


def _pb(seeder: _Seeder) -> int:
    """One indicator per P&B 2020–21 outcome: member States for the policy outcomes (people
    trained, by sex, for outcomes 1 and 6), a share of projects for the enabling ones."""
    rng = seeder.rng
    made = 0
    for outcome in PBOutcome.objects.filter(biennium=PB_BIENNIUM).order_by("kind", "code"):
        by_sex = outcome.code in {"1", "6"}
        if outcome.kind == PBOutcome.Kind.ENABLING:
            measure, unit, name = M.PERCENTAGE, "", PB_ENABLING
            baseline, final = D(rng.randint(30, 45)), D(rng.randint(70, 85))
        elif by_sex:
            measure, unit, name = M.NUMBER, "people", PB_PEOPLE
            baseline, final = D(rng.randint(200, 400)), D(rng.randint(900, 1400))
        else:
            measure, unit, name = M.NUMBER, "member States", PB_POLICY
            baseline, final = D(rng.randint(5, 12)), D(rng.randint(25, 40))
        figure = (
            {"baseline_numerator": baseline, "baseline_denominator": D(100)}
            if measure == M.PERCENTAGE
            else {"baseline": baseline}
        )
        indicator = seeder.indicator(
            {
                "code": f"PB{PB_BIENNIUM[2:4]}-{outcome.code}",
                "name": name.format(code=outcome.code),
                "measure": measure,
                "unit": unit,
                "disaggregations": ["sex"] if by_sex else [],
                "baseline_period": _previous(BIENNIA[0]),
                "pb_outcomes": [outcome],
                **figure,
            }
        )
        goals = seeder._targets(indicator, list(BIENNIA), baseline, final, by_sex)
        seeder.measured(
            indicator,
            baseline=baseline,
            goals=goals,
            by_sex=by_sex,
            office_scope=False,
            source="Programme Implementation Report, synthetic demo figures",
        )
        made += 1
    return made


# (code, outcome area, name, measure, unit, by sex, baseline, final target)
STRATEGY = [
    (
        "ST-1c",
        "1(c)",
        "ILO staff who completed the capacity-development curriculum (demo)",
        M.NUMBER,
        "staff",
        True,
        0,
        600,
    ),
    (
        "ST-2b",
        "2(b)",
        "Local training providers receiving the Office's advisory services (demo)",
        M.NUMBER,
        "providers",
        False,
        4,
        30,
    ),
    (
        "ST-1a",
        "1(a)",
        "Share of the Office's diagnostics using the revised tools and methods (demo)",
        M.PERCENTAGE,
        "",
        False,
        10,
        75,
    ),
    (
        "ST-3a",
        "3(a)",
        "How far ILO-wide programming and reporting integrate institutional capacity "
        "development (demo)",
        M.TEXT,
        "",
        False,
        0,
        0,
    ),
]
STRATEGY_WORDS = {
    "2020-21": "Guidance drafted and discussed with the regions; reporting templates not yet "
    "changed. Synthetic demo assessment.",
    "2022-23": "Capacity-development results reported in the Programme Implementation Report "
    "for most outcomes. Synthetic demo assessment.",
}


def _strategy(seeder: _Seeder) -> int:
    """A few indicators for the strategy's deliverables, each serving the deliverables of
    one outcome area (one measured in words)."""
    made = 0
    for code, area, name, measure, unit, by_sex, start, end in STRATEGY:
        deliverables = list(Deliverable.objects.filter(outcome__code=area))
        if not deliverables:
            continue
        baseline, final = D(start), D(end)
        figure: dict[str, object] = {}
        if measure == M.PERCENTAGE:
            figure = {"baseline_numerator": baseline, "baseline_denominator": D(100)}
        elif measure == M.NUMBER:
            figure = {"baseline": baseline}
        indicator = seeder.indicator(
            {
                "code": code,
                "name": name,
                "measure": measure,
                "unit": unit,
                "disaggregations": ["sex"] if by_sex else [],
                "baseline_period": _previous(BIENNIA[0]) if figure else "",
                "deliverables": deliverables,
                **figure,
            }
        )
        made += 1
        if measure == M.TEXT:
            for period, words in STRATEGY_WORDS.items():
                seeder._measure(
                    indicator,
                    period,
                    {"text": words},
                    recorder=None,
                    approver=seeder.users.get("hq"),
                    source="Steering-committee review, synthetic demo assessment",
                )
            continue
        goals = seeder._targets(indicator, list(BIENNIA), baseline, final, by_sex)
        seeder.measured(
            indicator,
            baseline=baseline,
            goals=goals,
            by_sex=by_sex,
            office_scope=False,
            source="Strategy progress report, synthetic demo figures",
        )
    return made


def _plan_periods(plan: Plan) -> list[str]:
    """The bienniums the plan's period overlaps."""
    return [
        b
        for b in PLAN_BIENNIA
        if date(int(b[:4]), 1, 1) <= plan.end and plan.start <= date(int(b[:4]) + 1, 12, 31)
    ]


def _plans(seeder: _Seeder) -> int:
    """One indicator per plan result that carries a plan indicator, serving that result."""
    rows = ResultIndicator.objects.select_related("result__plan__country").order_by(
        "result__plan__start", "result__plan__pk", "result__pk", "pk"
    )
    numbers: dict[int, int] = {}
    seen: set[int] = set()
    made = 0
    for row in rows:
        result, plan = row.result, row.result.plan
        if result.pk in seen:
            continue
        seen.add(result.pk)
        numbers[plan.pk] = numbers.get(plan.pk, 0) + 1
        percentage = row.unit.strip() == "%"
        by_sex = row.unit == "people"
        baseline = row.baseline if row.baseline is not None else D(0)
        final = row.target if row.target is not None else baseline + 1
        figure = (
            {"baseline_numerator": baseline, "baseline_denominator": D(100)}
            if percentage
            else {"baseline": baseline}
        )
        periods = _plan_periods(plan)
        indicator = seeder.indicator(
            {
                "code": f"{plan.country.iso_alpha3}-{plan.pk}-{numbers[plan.pk]}",
                "name": f"{row.name} (demo)"[:300],
                "level": result.level,
                "measure": M.PERCENTAGE if percentage else M.NUMBER,
                "unit": "" if percentage else row.unit,
                "disaggregations": ["sex"] if by_sex else [],
                "baseline_period": _previous(periods[0]) if periods else "",
                "results": [result],
                **figure,
            }
        )
        made += 1
        if not periods:
            continue
        goals = seeder._targets(indicator, periods, baseline, final, by_sex)
        seeder.measured(
            indicator,
            baseline=baseline,
            goals=goals,
            by_sex=by_sex,
            office_scope=plan.pk in seeder.office_plans,
            source=f"Plan monitoring report, {plan.country.name} (synthetic demo figures)",
        )
    return made


@transaction.atomic
def seed(*, rng: random.Random, organisations: list[Organisation], offices: list[Office]) -> int:
    """Invent the demo indicators, their targets and measurements; the number of indicators."""
    seeder = _Seeder(rng, _users())
    return _pb(seeder) + _strategy(seeder) + _plans(seeder)


def reset() -> None:
    """Remove every indicator, target and measurement, with their history (runs before the
    plan reset: indicators serve plan results)."""
    with transaction.atomic():
        Indicator.objects.all().delete()  # its targets and measurements with it
        for model in apps.get_app_config("monitor").get_models():
            if model.__name__.startswith(
                ("HistoricalIndicator", "HistoricalTarget", "HistoricalMeasurement")
            ):
                model.objects.all().delete()
