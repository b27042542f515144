"""Reads of the monitor stage: totals of an indicator and its status against its targets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.monitor.models import Indicator, Measurement, percentage

User = AbstractBaseUser | AnonymousUser

# Share of the way from baseline to target: at least ON_TRACK is on track, at least AT_RISK
# at risk, less is off track. For "maintain", the distance from the target as a share of it.
ON_TRACK = Decimal("1")
AT_RISK = Decimal("0.75")
MAINTAIN_TOLERANCE = Decimal("0.05")


def indicators_for_user(user: User, action: Do = Do.VIEW) -> QuerySet[Indicator]:
    return scoped(user, Indicator.objects.all(), action)


@dataclass(frozen=True)
class Total:
    period: str | None  # None: all periods together (cumulative)
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _total(period: str | None, measurements: list[Measurement], indicator: Indicator) -> Total:
    if indicator.measure == Indicator.Measure.PERCENTAGE:
        numerator = sum((m.numerator for m in measurements), Decimal(0))
        denominator = sum((m.denominator for m in measurements), Decimal(0))
        return Total(period, percentage(numerator, denominator), numerator, denominator)
    return Total(period, sum((m.value for m in measurements), Decimal(0)))


def totals(indicator: Indicator, disaggregation: str = "") -> tuple[list[Total], Total | None]:
    """Per-period totals and the cumulative one, of numeric and percentage indicators.

    A percentage over several periods is the sum of the numerators over the sum of the
    denominators: never an average of the periods' percentages.
    """
    if indicator.measure == Indicator.Measure.TEXT:
        return [], None
    rows = list(indicator.measurements.filter(disaggregation=disaggregation).order_by("period"))
    per_period = [_total(m.period, [m], indicator) for m in rows]
    return per_period, (_total(None, rows, indicator) if rows else None)


class Status(Enum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


@dataclass(frozen=True)
class Assessment:
    status: Status | None  # None: nothing to compare yet
    explanation: str


def status(indicator: Indicator, period: str) -> Assessment:
    """The indicator's total for `period` against its target, with the reason in words."""
    if indicator.measure == Indicator.Measure.TEXT:
        return Assessment(None, _("A qualitative indicator has no computed status."))
    target = indicator.targets.filter(period=period, disaggregation="").first()
    if target is None or target.figure is None:
        return Assessment(None, _("No target is set for %(period)s.") % {"period": period})
    measured = indicator.measurements.filter(period=period, disaggregation="").first()
    if measured is None or measured.figure is None:
        return Assessment(None, _("Nothing is measured for %(period)s yet.") % {"period": period})
    actual, goal, baseline = measured.figure, target.figure, indicator.baseline_value
    figures = {"actual": _number(actual), "target": _number(goal), "period": period}
    if indicator.direction == Indicator.Direction.MAINTAIN:
        gap = abs(actual - goal) / abs(goal) if goal else abs(actual)
        state = Status.ON_TRACK if gap <= MAINTAIN_TOLERANCE else Status.OFF_TRACK
        why = _("Measured %(actual)s against %(target)s to maintain in %(period)s") % figures
        return Assessment(state, f"{why}: {_label(state)}.")
    start = baseline if baseline is not None else Decimal(0)
    planned = goal - start if indicator.direction == Indicator.Direction.INCREASE else start - goal
    made = actual - start if indicator.direction == Indicator.Direction.INCREASE else start - actual
    share = made / planned if planned else (ON_TRACK if made >= 0 else Decimal(0))
    state = (
        Status.ON_TRACK
        if share >= ON_TRACK
        else Status.AT_RISK
        if share >= AT_RISK
        else Status.OFF_TRACK
    )
    why = _(
        "Measured %(actual)s against a target of %(target)s for %(period)s, from a baseline "
        "of %(baseline)s: %(share)s %% of the way"
    ) % {**figures, "baseline": _number(start), "share": _number(100 * share)}
    return Assessment(state, f"{why}: {_label(state)}.")


def _label(state: Status) -> str:
    return {
        Status.ON_TRACK: _("on track"),
        Status.AT_RISK: _("at risk"),
        Status.OFF_TRACK: _("off track"),
    }[state]


def _number(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')).normalize():f}"
