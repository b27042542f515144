"""Reads of the monitor stage: totals of an indicator and its status against its targets;
the indicators a user sees, listed, filtered and sorted with where each stands; one
indicator's report (targets, measurements, totals, status period by period) and the history
of its figures. The indicator pages and the API (views_indicators.py, api_indicators.py)
share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils.translation import gettext as _

from capdev.core.history import ACTIONS
from capdev.core.models import ConstituentGroup
from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver.models import Sex
from capdev.lib.periods import PeriodError, period_sort_key, period_years
from capdev.monitor.models import Disaggregation, Indicator, Measurement, Target, percentage
from capdev.plan.models import Deliverable, Result

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


def counted_once(measurements: list[Measurement]) -> list[Measurement]:
    """The measurements (of one disaggregation) a cumulative total adds up: each year once.

    The services refuse a year and a biennium over the same years (services._overlap_error);
    should older figures overlap anyway, a biennium counts rather than its years, since it
    is the figure of both. A period written wrong (kept from before it was checked) counts
    on its own."""
    spans = []
    for measurement in measurements:
        try:
            spans.append((measurement, set(period_years(measurement.period))))
        except PeriodError:
            spans.append((measurement, set()))
    counted, covered = [], set()
    for measurement, years in sorted(
        spans, key=lambda pair: (-len(pair[1]), period_sort_key(pair[0].period))
    ):
        if not years & covered:
            counted.append(measurement)
            covered |= years
    return sorted(counted, key=lambda m: period_sort_key(m.period))


def totals(indicator: Indicator, disaggregation: str = "") -> tuple[list[Total], Total | None]:
    """Per-period totals in time order and the cumulative one, of numeric and percentage
    indicators.

    A percentage over several periods is the sum of the numerators over the sum of the
    denominators: never an average of the periods' percentages. The cumulative total counts
    each year once (see counted_once).
    """
    if indicator.measure == Indicator.Measure.TEXT:
        return [], None
    rows = sorted(
        indicator.measurements.filter(disaggregation=disaggregation),
        key=lambda m: period_sort_key(m.period),
    )
    per_period = [_total(m.period, [m], indicator) for m in rows]
    return per_period, (_total(None, counted_once(rows), indicator) if rows else None)


class Status(Enum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


@dataclass(frozen=True)
class Assessment:
    status: Status | None  # None: nothing to compare yet
    explanation: str


def status(indicator: Indicator, period: str) -> Assessment:
    """The indicator's total for `period` against its target, with the reason in words.

    The target and the measurement are those of `period` itself: a biennium's years are not
    added up into the biennium. The services keep an indicator's targets, and apart its
    measurements, either by year or by biennium over the same years, so that the figure of
    a period is never split between a biennium and its years; an indicator targeted by
    biennium is measured by biennium for its status to be computed.
    """
    if indicator.measure == Indicator.Measure.TEXT:
        return assess(indicator, period, None, None)
    target = indicator.targets.filter(period=period, disaggregation="").first()
    measured = indicator.measurements.filter(period=period, disaggregation="").first()
    return assess(indicator, period, target, measured)


def assess(
    indicator: Indicator, period: str, target: Target | None, measured: Measurement | None
) -> Assessment:
    """status() over the period's total target and measurement already read (a list of
    indicators reads them for all in two queries)."""
    if indicator.measure == Indicator.Measure.TEXT:
        return Assessment(None, _("A qualitative indicator has no computed status."))
    if target is None or target.figure is None:
        return Assessment(None, _("No target is set for %(period)s.") % {"period": period})
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


# --- indicators as the pages and the API show them ----------------------------------------

# The frameworks an indicator may serve (one indicator may serve several).
FRAMEWORK_LINKS = {
    "plan": Indicator.results.through,
    "pb": Indicator.pb_outcomes.through,
    "strategy": Indicator.deliverables.through,
}
INDICATOR_SORTS = {
    "code": ("code",),
    "name": ("name", "code"),
    "level": ("level", "code"),
    "status": ("code",),  # then by status, computed (see indicator_list_for_user)
}
STATUSES = ("on_track", "at_risk", "off_track", "none")
# Sorted by status, what needs attention comes first.
STATUS_ORDER = {"off_track": 0, "at_risk": 1, "on_track": 2, "none": 3}


# Periods in time order: 2024, 2024-25, 2025 (capdev.lib.periods.period_sort_key).
period_key = period_sort_key


VALUE_LABELS = {
    **dict(Sex.choices),
    **{value: label for value, label in ConstituentGroup.choices if value != "other"},
}


def disaggregation_label(key: str) -> str:
    """ "" → "Total"; "sex:female" → "Sex: Female"."""
    if not key:
        return str(_("Total"))
    name, _sep, value = key.partition(":")
    label = Disaggregation(name).label if name in Disaggregation.values else name
    return f"{label}: {VALUE_LABELS.get(value, value)}"


@dataclass(frozen=True)
class Standing:
    """Where an indicator stands: its latest total measured, the target of that period and
    the status of that period, explained. Without any measurement, its first target."""

    period: str | None
    measurement: Measurement | None
    target: Target | None
    assessment: Assessment

    @property
    def status(self) -> str:
        """on_track, at_risk, off_track or none (nothing to compare yet)."""
        return self.assessment.status.value if self.assessment.status else "none"


def standing_of(
    indicator: Indicator, targets: list[Target], measured: list[Measurement]
) -> Standing:
    """`targets` and `measured` are the indicator's totals (disaggregation "")."""
    if measured:
        period = max((m.period for m in measured), key=period_key)
    elif targets:
        period = min((t.period for t in targets), key=period_key)
    else:
        return Standing(None, None, None, Assessment(None, _("No target or measurement yet.")))
    measurement = next((m for m in measured if m.period == period), None)
    target = next((t for t in targets if t.period == period), None)
    return Standing(period, measurement, target, assess(indicator, period, target, measurement))


def with_standings(indicators: list[Indicator]) -> list[Indicator]:
    """Each indicator with its `standing`, in two queries whatever their number."""
    todo = [i for i in indicators if not hasattr(i, "standing")]
    prefetch_related_objects(
        todo,
        Prefetch(
            "targets", queryset=Target.objects.filter(disaggregation=""), to_attr="total_targets"
        ),
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(disaggregation=""),
            to_attr="total_measurements",
        ),
    )
    for indicator in todo:
        indicator.standing = standing_of(  # type: ignore[attr-defined]
            indicator,
            indicator.total_targets,  # type: ignore[attr-defined]
            indicator.total_measurements,  # type: ignore[attr-defined]
        )
    return indicators


def indicator_list_for_user(
    user: User,
    *,
    q: str = "",
    framework: str = "",
    level: str = "",
    measure: str = "",
    status: str = "",
    sort: str = "code",
) -> QuerySet[Indicator] | list[Indicator]:
    """The indicators the user sees: `q` matches every word in the code or the name;
    `framework` is plan, pb or strategy; `status` one of STATUSES. A status is computed, so
    filtering or sorting by it reads every indicator that passes the other filters (with
    their standing); otherwise the queryset is returned for the page to slice."""
    rows = indicators_for_user(user)
    for word in q.split():
        rows = rows.filter(Q(code__icontains=word) | Q(name__icontains=word))
    if framework in FRAMEWORK_LINKS:
        links = FRAMEWORK_LINKS[framework].objects.filter(indicator_id=OuterRef("pk"))
        rows = rows.filter(Exists(links))
    if level:
        rows = rows.filter(level=level)
    if measure:
        rows = rows.filter(measure=measure)
    rows = rows.order_by(*INDICATOR_SORTS.get(sort, INDICATOR_SORTS["code"]))
    if status not in STATUSES and sort != "status":
        return rows
    listed = with_standings(list(rows))
    if status in STATUSES:
        listed = [i for i in listed if i.standing.status == status]  # type: ignore[attr-defined]
    if sort == "status":
        listed.sort(key=lambda i: STATUS_ORDER[i.standing.status])  # type: ignore[attr-defined]
    return listed


def indicator_rows(user: User, indicators: list[Indicator]) -> list[Indicator]:
    """A page of indicators ready to show: each with its standing, the P&B outcomes and
    strategy deliverables it serves, and `visible_results`: the plan results it serves that
    the user sees (never another organisation's plan). A fixed number of queries."""
    with_standings(indicators)
    prefetch_related_objects(
        indicators,
        "pb_outcomes",
        Prefetch("deliverables", queryset=scoped(user, Deliverable.objects.all())),
        Prefetch(
            "results",
            queryset=scoped(user, Result.objects.select_related("plan")),
            to_attr="visible_results",
        ),
    )
    return indicators


def indicator_for_user(user: User, pk: int, action: Do = Do.VIEW) -> Indicator:
    """The indicator, or 404 outside the user's sight; 403 when seen but not `action`-able."""
    try:
        indicator = indicators_for_user(user).select_related("responsible").get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404 from None
    if action is not Do.VIEW and not indicator_allows(user, indicator, action):
        raise PermissionDenied
    return indicator


def indicator_allows(user: User, indicator: Indicator, action: Do) -> bool:
    return scoped(user, Indicator.objects.filter(pk=indicator.pk), action).exists()


def measurement_for_user(user: User, pk: int, action: Do = Do.VIEW) -> Measurement:
    """The measurement, or 404 outside the user's sight; 403 when seen but not `action`-able."""
    rows = scoped(user, Measurement.objects.select_related("indicator"))
    try:
        measurement = rows.get(pk=pk)
    except Measurement.DoesNotExist:
        raise Http404 from None
    if (
        action is not Do.VIEW
        and not scoped(user, Measurement.objects.filter(pk=pk), action).exists()
    ):
        raise PermissionDenied
    return measurement


@dataclass(frozen=True)
class PeriodRow:
    """One period of an indicator in total: its target, what was measured, the status."""

    period: str
    target: Target | None
    measurement: Measurement | None
    assessment: Assessment


@dataclass(frozen=True)
class Totals:
    """Per-period and cumulative totals of one disaggregation ("" is the total)."""

    disaggregation: str
    label: str
    per_period: list[Total]
    cumulative: Total | None


@dataclass(frozen=True)
class IndicatorReport:
    """Everything the detail page and the API detail show of one indicator."""

    indicator: Indicator
    targets: list[Target]
    measurements: list[Measurement]
    periods: list[PeriodRow]
    totals: list[Totals]
    standing: Standing


def indicator_report(indicator: Indicator) -> IndicatorReport:
    """The indicator's targets and measurements in time order, its status period by period,
    and its totals per disaggregation (percentages from numerators and denominators, as
    totals() adds them)."""
    targets = sorted(
        indicator.targets.all(), key=lambda t: (period_key(t.period), t.disaggregation)
    )
    measurements = sorted(
        indicator.measurements.select_related("recorded_by", "approved_by"),
        key=lambda m: (period_key(m.period), m.disaggregation),
    )
    for figure in [*targets, *measurements]:
        figure.disaggregation_label = disaggregation_label(figure.disaggregation)  # type: ignore[union-attr]
    total_targets = [t for t in targets if not t.disaggregation]
    total_measured = [m for m in measurements if not m.disaggregation]
    periods = sorted({f.period for f in [*total_targets, *total_measured]}, key=period_key)
    rows = []
    for period in periods:
        target = next((t for t in total_targets if t.period == period), None)
        measured = next((m for m in total_measured if m.period == period), None)
        assessment = assess(indicator, period, target, measured)
        rows.append(PeriodRow(period, target, measured, assessment))
    keys = sorted({m.disaggregation for m in measurements})
    groups = []
    for key in keys:
        per_period, cumulative = totals(indicator, key)
        if per_period:
            groups.append(Totals(key, disaggregation_label(key), per_period, cumulative))
    return IndicatorReport(
        indicator=indicator,
        targets=targets,
        measurements=measurements,
        periods=rows,
        totals=groups,
        standing=standing_of(indicator, total_targets, total_measured),
    )


@dataclass(frozen=True)
class FigureChange:
    at: datetime
    who: str
    action: str
    what: str
    figure: str


def _figure_text(record: Any, measure: str) -> str:
    if measure == Indicator.Measure.PERCENTAGE:
        if record.numerator is None:
            return ""
        return f"{record.numerator.normalize():f} / {record.denominator.normalize():f}"
    if measure == Indicator.Measure.TEXT:
        return record.text[:80]
    return "" if record.value is None else f"{record.value.normalize():f}"


def figure_history(indicator: Indicator, limit: int = 50) -> list[FigureChange]:
    """Newest first: who set, changed, approved or deleted which target or measurement."""
    changes = []
    for model, kind in ((Target, _("Target")), (Measurement, _("Measurement"))):
        records = model.history.filter(indicator_id=indicator.pk)  # type: ignore[attr-defined]
        related = ["history_user"] + (["approved_by"] if model is Measurement else [])
        for record in records.select_related(*related).order_by("-history_date")[:limit]:
            user = record.history_user
            figure = _figure_text(record, indicator.measure)
            approver = getattr(record, "approved_by", None)
            if approver is not None:
                figure = _("%(figure)s, approved by %(user)s") % {
                    "figure": figure,
                    "user": approver.get_username(),
                }
            changes.append(
                FigureChange(
                    at=record.history_date,
                    who=user.get_username() if user else _("system"),
                    action=str(ACTIONS[record.history_type]),
                    what=f"{kind} {record.period} · {disaggregation_label(record.disaggregation)}",
                    figure=figure,
                )
            )
    return sorted(changes, key=lambda c: c.at, reverse=True)[:limit]
