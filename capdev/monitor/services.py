"""Writes of the monitor stage: indicators, their targets and measurements, approvals.

Every write checks the writer's scope with the rules that filter lists (see scopes.py);
`user=None` is the command line.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, may_administer_some, scoped
from capdev.core.services import _delete, _save
from capdev.lib.periods import PeriodError, period_sort_key, period_years
from capdev.monitor.models import Indicator, Measurement, Target
from capdev.plan.models import Result

Actor = AbstractBaseUser | None

INDICATOR_FIELDS = (
    "code",
    "name",
    "level",
    "measure",
    "unit",
    "direction",
    "rationale",
    "verification",
    "frequency",
    "responsible",
    "disaggregations",
    "baseline",
    "baseline_numerator",
    "baseline_denominator",
    "baseline_period",
)
INDICATOR_LINKS = ("results", "pb_outcomes", "deliverables")
FIGURE_FIELDS = ("period", "disaggregation", "value", "numerator", "denominator", "text")
MEASUREMENT_FIELDS = (*FIGURE_FIELDS, "source", "evidence")


def _check(user: Actor, instance: Any, action: Do) -> None:
    if user is not None:
        ensure_in_scope(user, instance, action)


def _with_unseen_results(indicator: Indicator, user: Actor, chosen: list[Any]) -> list[Any]:
    """`chosen`, plus the plan results the indicator serves beyond the user's sight: an
    editor who sees one of its plans must not unlink another's by saving."""
    if user is None or indicator.pk is None:
        return chosen
    visible = scoped(user, Result.objects.all()).values("pk")
    return [*chosen, *indicator.results.exclude(pk__in=visible)]


def _write_indicator(indicator: Indicator, user: Actor, data: dict[str, Any], action: Do) -> None:
    created = indicator.pk is None
    _save(indicator, user=user, data=data, fields=INDICATOR_FIELDS)
    for name in INDICATOR_LINKS:
        if name in data:
            values = list(data[name])
            if name == "results" and not created:
                values = _with_unseen_results(indicator, user, values)
            getattr(indicator, name).set(values)
    _check(user, indicator, action)  # after the links: a plan's results decide the scope


@transaction.atomic
def indicator_create(*, user: Actor, data: dict[str, Any]) -> Indicator:
    if user is not None and not may_administer_some(user, Indicator):
        raise PermissionDenied(_("Your role does not keep indicators."))
    indicator = Indicator()
    _write_indicator(indicator, user, data, Do.ADMINISTER)
    return indicator


@transaction.atomic
def indicator_update(*, user: Actor, indicator: Indicator, data: dict[str, Any]) -> Indicator:
    _check(user, indicator, Do.CHANGE)
    if "measure" in data and data["measure"] != indicator.measure and _has_figures(indicator):
        raise ValidationError(
            {"measure": _("This indicator has targets or measurements: its type stays.")}
        )
    _write_indicator(indicator, user, data, Do.CHANGE)
    return indicator


def _has_figures(indicator: Indicator) -> bool:
    return indicator.targets.exists() or indicator.measurements.exists()


def _figure(model: type[Target | Measurement], indicator: Indicator, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The indicator's target or measurement for the period and disaggregation, or a new one.

    The indicator's row is locked first, so that two figures written at once are checked
    for overlapping periods one after the other (see _overlap_error)."""
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    key = {"period": data.get("period", ""), "disaggregation": data.get("disaggregation", "")}
    return model.objects.filter(indicator=indicator, **key).first() or model(indicator=indicator)


def _overlap_error(figure: Target | Measurement) -> str | None:
    """Why the figure's period may not be used, or None: an indicator's targets (and, apart,
    its measurements) are given by year or by biennium, never both for the same years, so
    that no year is counted twice in a total and each period's status compares like with
    like. Any disaggregation counts: 2024 for women and 2024-25 in total overlap too."""
    try:
        years = set(period_years(figure.period))
    except PeriodError:
        return None  # full_clean() says what is wrong with the period
    used = (
        type(figure)
        .objects.filter(indicator_id=figure.indicator_id)
        .exclude(period=figure.period)
        .values_list("period", flat=True)
        .distinct()
    )
    clashing = []
    for other in used:
        try:
            if years & set(period_years(other)):
                clashing.append(other)
        except PeriodError:
            continue  # an old period written wrong overlaps nothing
    if not clashing:
        return None
    existing = ", ".join(sorted(clashing, key=period_sort_key))
    single_year = len(years) == 1
    if isinstance(figure, Target):
        if single_year:
            message = _(
                "This indicator’s targets are set by biennium (%(existing)s): set "
                "%(existing)s, not a single year."
            )
        else:
            message = _(
                "This indicator’s targets are set by year (%(existing)s): set each year of "
                "%(period)s, not the biennium."
            )
    elif single_year:
        message = _(
            "This indicator is measured by biennium (%(existing)s): record %(existing)s, "
            "not a single year."
        )
    else:
        message = _(
            "This indicator is measured by year (%(existing)s): record each year of "
            "%(period)s, not the biennium."
        )
    return message % {"existing": existing, "period": figure.period}


def _clean_figure(figure: Target | Measurement) -> None:
    """full_clean(), and a period refused when it overlaps another of the same kind."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        figure.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if "period" not in errors and (overlap := _overlap_error(figure)):
        errors["period"] = [ValidationError(overlap, code="overlap")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_set(*, user: Actor, indicator: Indicator, data: dict[str, Any]) -> Target:
    """The target of a period (in total, or for one disaggregation), new or changed; refused
    for a year when the indicator's targets are by biennium, and the other way round, for
    the same years."""
    _check(user, indicator, Do.CHANGE)
    target = _figure(Target, indicator, data)
    _save(target, user=user, data=data, fields=FIGURE_FIELDS, clean=lambda: _clean_figure(target))
    return target


@transaction.atomic
def measurement_record(*, user: Actor, indicator: Indicator, data: dict[str, Any]) -> Measurement:
    """A measurement with its source and evidence; recording it again withdraws the approval.
    Refused for a year when the indicator is measured by biennium, and the other way round,
    for the same years."""
    _check(user, indicator, Do.CHANGE)
    measurement = _figure(Measurement, indicator, data)
    values = {**data, "recorded_by": user, "approved_by": None, "approved_at": None}
    _save(
        measurement,
        user=user,
        data=values,
        fields=(*MEASUREMENT_FIELDS, "recorded_by", "approved_by", "approved_at"),
        clean=lambda: _clean_figure(measurement),
    )
    return measurement


@transaction.atomic
def measurement_approve(*, user: Actor, measurement: Measurement) -> Measurement:
    """The Office approves a measurement someone else recorded (four eyes)."""
    _check(user, measurement, Do.VALIDATE)
    if user is not None and measurement.recorded_by_id == user.pk:
        raise PermissionDenied(_("A measurement is approved by someone other than its recorder."))
    _save(
        measurement,
        user=user,
        data={"approved_by": user, "approved_at": timezone.now()},
        fields=("approved_by", "approved_at"),
        clean=lambda: None,
    )
    return measurement


@transaction.atomic
def measurement_delete(*, user: Actor, measurement: Measurement) -> None:
    """Delete a measurement (its history stays): the roles that keep the indicator."""
    _check(user, measurement, Do.ADMINISTER)
    _delete(measurement, user=user)
