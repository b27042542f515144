"""Joint capacity-development plans and the frameworks they link to (§9, §18, §20, §28)."""

from __future__ import annotations

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from capdev.core.models import Country, Office, Organisation
from capdev.diagnose.models import Level, Need
from capdev.lib.periods import PeriodError, parse_biennium
from capdev.lib.translated import localized


class CrossCuttingDriver(models.TextChoices):
    """The four cross-cutting policy drivers a plan or an activity is marked for (§18)."""

    STANDARDS = "standards", _("International labour standards")
    SOCIAL_DIALOGUE = "social_dialogue", _("Social dialogue")
    GENDER_EQUALITY = "gender_equality", _("Gender equality and non-discrimination")
    JUST_TRANSITION = "just_transition", _("Just transition to environmental sustainability")


class SDGGoal(models.Model):
    number = models.PositiveSmallIntegerField(_("goal"), unique=True)
    short = models.JSONField(_("short name"), default=dict)
    title = models.JSONField(_("title"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")

    def __str__(self) -> str:
        return f"{self.number}. {localized(self.short)}"


class SDGTarget(models.Model):
    """One of the 169 SDG targets, e.g. 8.5 (full employment and decent work)."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    goal = models.ForeignKey(
        SDGGoal, on_delete=models.PROTECT, related_name="targets", verbose_name=_("goal")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.JSONField(_("title"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self) -> str:
        return f"{self.code} {localized(self.title)}"


def check_biennium(value: str) -> None:
    """Raise a ValidationError on the biennium field unless `value` is one (2024-25)."""
    try:
        parse_biennium(value)
    except PeriodError as error:
        wrong = _("Write the biennium as 2024-25.") if error.code == "format" else error
        raise ValidationError({"biennium": wrong}) from None


class PBOutcome(models.Model):
    """An outcome of an ILO Programme and Budget (§28), as published (English)."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy outcome")
        ENABLING = "enabling", _("Enabling outcome")

    biennium = models.CharField(_("biennium"), max_length=7)
    code = models.CharField(_("code"), max_length=4)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    title = models.CharField(_("title"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["biennium", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["biennium", "code"], name="pb_outcome_unique")
        ]
        verbose_name = _("P&B outcome")
        verbose_name_plural = _("P&B outcomes")

    def __str__(self) -> str:
        return f"{self.biennium} {self.code}: {self.title}"

    def clean(self) -> None:
        check_biennium(self.biennium)


class FundingSource(models.Model):
    """Where the money for an action or an activity comes from (§25)."""

    class Kind(models.TextChoices):
        REGULAR_BUDGET = "regular_budget", _("Regular budget")
        RBSA = "rbsa", _("Regular Budget Supplementary Account (RBSA)")
        RBTC = "rbtc", _("Regular Budget Technical Cooperation (RBTC)")
        VOLUNTARY_EARMARKED = "voluntary_earmarked", _("Voluntary contribution, earmarked")
        POOLED = "pooled", _("Pooled or thematic funding")

    class Earmarking(models.TextChoices):
        UNEARMARKED = "unearmarked", _("Unearmarked")
        SOFTLY = "softly", _("Softly earmarked")
        TIGHTLY = "tightly", _("Tightly earmarked")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    earmarking = models.CharField(
        _("earmarking"), max_length=12, choices=Earmarking, default=Earmarking.UNEARMARKED
    )
    donor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded",
        verbose_name=_("donor"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.VOLUNTARY_EARMARKED and not self.donor_id:
            raise ValidationError({"donor": _("An earmarked voluntary contribution has a donor.")})


class CountryProgramme(models.Model):
    """A Decent Work Country Programme (DWCP) and its period."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("country")
    )
    title = models.CharField(_("title"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("from"))
    end_year = models.PositiveSmallIntegerField(_("to"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "-start_year"]
        verbose_name = _("Decent Work Country Programme")
        verbose_name_plural = _("Decent Work Country Programmes")

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"


class CountryProgrammeOutcome(models.Model):
    programme = models.ForeignKey(
        CountryProgramme, on_delete=models.CASCADE, related_name="outcomes"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="cp_outcome_code_unique")
        ]
        verbose_name = _("country programme outcome")
        verbose_name_plural = _("country programme outcomes")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Plan(models.Model):
    """A joint capacity-development plan of one organisation, or a country's tripartite plan
    over several, agreed by the constituents and the Office (§14, §18–20)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AGREED = "agreed", _("Agreed")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=300)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="plans", verbose_name=_("country")
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="plans", verbose_name=_("organisations")
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("office"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    needs = models.ManyToManyField(
        Need, blank=True, related_name="plans", verbose_name=_("needs addressed")
    )
    programme_outcomes = models.ManyToManyField(
        CountryProgrammeOutcome,
        blank=True,
        related_name="plans",
        verbose_name=_("country programme outcomes"),
    )
    unsdcf_outcome = models.CharField(
        _("UN cooperation framework outcome"), max_length=300, blank=True
    )
    pb_outcomes = models.ManyToManyField(
        PBOutcome, blank=True, related_name="plans", verbose_name=_("P&B outcomes")
    )
    sdg_targets = models.ManyToManyField(
        SDGTarget, blank=True, related_name="plans", verbose_name=_("SDG targets")
    )
    drivers = models.JSONField(_("cross-cutting drivers"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    constituent_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for the constituents by"),
    )
    constituent_signed_at = models.DateTimeField(
        _("signed for the constituents"), null=True, blank=True
    )
    office_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for the Office by"),
    )
    office_signed_at = models.DateTimeField(_("signed for the Office"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[organisations, needs])

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The plan ends before it starts.")})
        unknown = set(self.drivers) - set(CrossCuttingDriver.values)
        if unknown:
            raise ValidationError(
                {"drivers": _("Unknown driver: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}}
            )


class Result(models.Model):
    """An output or an outcome of a plan's theory of change, at one level (§15)."""

    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        OUTCOME = "outcome", _("Outcome")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="results")
    level = models.CharField(_("level"), max_length=24, choices=Level)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    statement = models.TextField(_("statement"))
    contributes_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="contributions",
        verbose_name=_("contributes to"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords(m2m_fields=[contributes_to])

    class Meta:
        ordering = ["plan", "level", "kind", "position", "pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return self.statement[:80]


class ResultIndicator(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Action(models.Model):
    """Something a plan will do, by whom, when, with what money."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=300)
    needs = models.ManyToManyField(Need, blank=True, related_name="actions")
    results = models.ManyToManyField(Result, blank=True, related_name="actions")
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organisation or partner"),
    )
    responsible_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible office"),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("funding source"),
    )
    history = HistoricalRecords(m2m_fields=[needs, results])

    class Meta:
        ordering = ["plan", "start", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if bool(self.responsible_organisation_id) == bool(self.responsible_office_id):
            errors["responsible_organisation"] = _(
                "Name one responsible party: an organisation or partner, or an office."
            )
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The action ends before it starts.")
        if self.budget is not None and not self.currency:
            errors["currency"] = _("A budget needs its currency.")
        if self.currency and pycountry.currencies.get(alpha_3=self.currency.upper()) is None:
            errors["currency"] = _("“%(code)s” is not an ISO 4217 currency code.") % {
                "code": self.currency
            }
        if errors:
            raise ValidationError(errors)


# --- the strategy's own implementation plan (§13, §30–33) ---------------------------------


class StrategyOutcome(models.Model):
    """An outcome area of the capacity-development strategy itself."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    title = models.JSONField(_("title"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("strategy outcome area")
        verbose_name_plural = _("strategy outcome areas")

    def __str__(self) -> str:
        return f"{self.code} {localized(self.title)}"


class Deliverable(models.Model):
    """A deliverable of the strategy, due in a phase and biennium, owned by a unit."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DELAYED = "delayed", _("Delayed")
        DONE = "done", _("Done")

    outcome = models.ForeignKey(
        StrategyOutcome,
        on_delete=models.PROTECT,
        related_name="deliverables",
        verbose_name=_("outcome area"),
    )
    title = models.JSONField(_("title"), default=dict)
    phase = models.PositiveSmallIntegerField(_("phase"))
    biennium = models.CharField(_("biennium"), max_length=7)
    responsible_unit = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="deliverables",
        verbose_name=_("responsible unit"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.NOT_STARTED
    )
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["phase", "biennium", "outcome", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self) -> str:
        return localized(self.title)

    def clean(self) -> None:
        check_biennium(self.biennium)
        if self.status == self.Status.DONE and not self.evidence.strip():
            raise ValidationError(
                {"evidence": _("A deliverable is marked done only with its evidence.")}
            )


class SteeringMeeting(models.Model):
    """A meeting of the strategy's steering committee (§32)."""

    held_on = models.DateField(_("held on"), unique=True)
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("steering-committee meeting")
        verbose_name_plural = _("steering-committee meetings")

    def __str__(self) -> str:
        return str(_("Steering committee, %(date)s") % {"date": self.held_on.isoformat()})


class SteeringDecision(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("decision", "Open")
        DONE = "done", pgettext_lazy("decision", "Done")

    meeting = models.ForeignKey(SteeringMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("deliverable"),
    )
    responsible_unit = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=4, choices=Status, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("steering-committee decision")
        verbose_name_plural = _("steering-committee decisions")

    def __str__(self) -> str:
        return self.text[:80]
