"""Indicators of the monitor stage: what is measured, against which targets, with what
evidence, approved by whom (§19–20, §28, §32).

A percentage is kept as its numerator and denominator, so that totals over periods or
disaggregations are recomputed from them and never averaged.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capdev.diagnose.models import Level
from capdev.lib.periods import PeriodError, parse_period
from capdev.plan.models import Deliverable, PBOutcome, Result


def period_error(period: str) -> object | None:
    """What is wrong with an indicator's period (a year, 2025, or a biennium, 2024-25), or
    None. Written wrong, the period gets the message it always had; otherwise the reason
    (out of range, years that do not follow each other, a biennium starting in an odd
    year) from capdev.lib.periods."""
    try:
        parse_period(period)
    except PeriodError as error:
        if error.code == "format":
            return _("Write a period as 2025 or 2024-25.")
        return error
    return None


class Disaggregation(models.TextChoices):
    SEX = "sex", _("Sex")
    GROUP = "group", _("Constituent group")


# The values each disaggregation takes; "" is the total.
DISAGGREGATION_VALUES = {
    Disaggregation.SEX: ("female", "male", "other"),
    Disaggregation.GROUP: ("government", "workers", "employers", "other"),
}


def disaggregation_keys(disaggregations: list[str]) -> set[str]:
    """The keys a figure of an indicator may carry: "" (total) and e.g. "sex:female"."""
    return {""} | {
        f"{name}:{value}"
        for name in disaggregations
        for value in DISAGGREGATION_VALUES.get(name, ())
    }


class Indicator(models.Model):
    class Measure(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        TEXT = "text", _("Qualitative (text)")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")
        MAINTAIN = "maintain", _("Maintain")

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly")
        SEMIANNUAL = "semiannual", _("Every six months")
        ANNUAL = "annual", _("Annual")
        BIENNIAL = "biennial", _("Biennial")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=24, choices=Level, blank=True)
    measure = models.CharField(_("type"), max_length=10, choices=Measure)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction, default=Direction.INCREASE
    )
    rationale = models.TextField(_("rationale"), blank=True)
    verification = models.TextField(_("means of verification"), blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency, default=Frequency.ANNUAL
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_numerator = models.DecimalField(
        _("baseline numerator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_denominator = models.DecimalField(
        _("baseline denominator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_period = models.CharField(_("baseline period"), max_length=7, blank=True)
    # One indicator may serve several frameworks at once.
    results = models.ManyToManyField(
        Result, blank=True, related_name="monitored_by", verbose_name=_("plan results")
    )
    pb_outcomes = models.ManyToManyField(
        PBOutcome, blank=True, related_name="indicators", verbose_name=_("P&B outcomes")
    )
    deliverables = models.ManyToManyField(
        Deliverable,
        blank=True,
        related_name="indicators",
        verbose_name=_("strategy deliverables"),
    )
    history = HistoricalRecords(m2m_fields=[results, pb_outcomes, deliverables])

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def baseline_value(self) -> Decimal | None:
        if self.measure == self.Measure.PERCENTAGE:
            return percentage(self.baseline_numerator, self.baseline_denominator)
        return self.baseline

    def clean(self) -> None:
        errors: dict[str, object] = {}
        unknown = set(self.disaggregations or []) - set(Disaggregation.values)
        if unknown:
            errors["disaggregations"] = _("Unknown disaggregation: %(names)s.") % {
                "names": ", ".join(sorted(unknown))
            }
        if self.baseline_period and (wrong := period_error(self.baseline_period)):
            errors["baseline_period"] = wrong
        errors.update(
            figure_errors(
                self,
                self.baseline,
                self.baseline_numerator,
                self.baseline_denominator,
                "",
                prefix="baseline_",
            )
        )
        if errors:
            raise ValidationError(errors)


def percentage(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(100) * numerator / denominator


def figure_errors(
    indicator: Indicator,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    text: str,
    *,
    prefix: str = "",
) -> dict[str, object]:
    """What is wrong with a figure (baseline, target or measurement) of `indicator`: a
    number for a numeric indicator, a numerator and denominator for a percentage, words for
    a qualitative one. Baselines may be left out (prefix "baseline_")."""
    errors: dict[str, object] = {}
    optional = prefix == "baseline_"
    value_field = "baseline" if optional else "value"
    if indicator.measure == Indicator.Measure.NUMBER:
        if value is None and not optional:
            errors[value_field] = _("A numeric indicator is measured by a number.")
    elif indicator.measure == Indicator.Measure.PERCENTAGE:
        if (numerator is None) != (denominator is None) or (numerator is None and not optional):
            errors[f"{prefix}numerator"] = _(
                "A percentage is given as its numerator and its denominator."
            )
        elif denominator is not None and denominator <= 0:
            errors[f"{prefix}denominator"] = _("The denominator is more than zero.")
        elif numerator is not None and numerator < 0:
            errors[f"{prefix}numerator"] = _("The numerator is not negative.")
    elif not optional and not text.strip():
        errors["text"] = _("A qualitative indicator is measured in words.")
    return errors


class Figure(models.Model):
    """A target or a measurement: one value of an indicator for a period, in total or for
    one disaggregation ("sex:female")."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=7)
    disaggregation = models.CharField(_("disaggregation"), max_length=30, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(
        _("numerator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        abstract = True

    @property
    def figure(self) -> Decimal | None:
        if self.indicator.measure == Indicator.Measure.PERCENTAGE:
            return percentage(self.numerator, self.denominator)
        return self.value

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if wrong := period_error(self.period or ""):
            errors["period"] = wrong
        if self.disaggregation not in disaggregation_keys(self.indicator.disaggregations):
            errors["disaggregation"] = _(
                "“%(value)s” is not a disaggregation of this indicator."
            ) % {"value": self.disaggregation}
        errors.update(
            figure_errors(self.indicator, self.value, self.numerator, self.denominator, self.text)
        )
        if errors:
            raise ValidationError(errors)


class Target(Figure):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period", "disaggregation"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "disaggregation"], name="target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.disaggregation}".strip()


class Measurement(Figure):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    source = models.CharField(_("source"), max_length=300)
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period", "disaggregation"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "disaggregation"], name="measurement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.disaggregation}".strip()


class CapacityFact(models.Model):
    """One figure of a submitted or validated assessment — overall, one grid cell or one
    theme — with the assessed organisation's place copied in.

    Capacity dashboards read these rows, never the item scores: they are written whenever an
    assessment or its summary changes (capdev.monitor.capacity), so that a dashboard filters
    and groups a few thousand rows without joins however many scores lie behind them
    (docs/decisions.md §12). `sequence` numbers the organisation's assessments in date
    order: 1 is its baseline; `latest` marks its most recent one.
    """

    OVERALL = ""

    assessment = models.ForeignKey(
        "diagnose.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    country = models.ForeignKey("core.Country", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12)
    date = models.DateField()
    year = models.PositiveSmallIntegerField()
    # "" overall, "cell:<level>:<type>" a grid cell, "theme:<theme>" a theme
    dimension = models.CharField(max_length=64)
    percent = models.DecimalField(max_digits=6, decimal_places=2)
    complete = models.BooleanField()
    sequence = models.PositiveSmallIntegerField()
    latest = models.BooleanField()

    class Meta:
        ordering = ["organisation", "dimension", "sequence"]
        indexes = [
            models.Index(fields=["dimension", "latest", "group"], name="fact_latest"),
            models.Index(fields=["dimension", "sequence", "group"], name="fact_sequence"),
            models.Index(fields=["dimension", "year", "group", "percent"], name="fact_year"),
            models.Index(fields=["organisation", "dimension"], name="fact_organisation"),
            models.Index(fields=["country", "dimension"], name="fact_country"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="fact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.dimension or 'overall'} {self.date}: {self.percent}"


def cell_dimension(level: str, kind: str) -> str:
    return f"cell:{level}:{kind}"


def theme_dimension(theme: str) -> str:
    return f"theme:{theme}"
