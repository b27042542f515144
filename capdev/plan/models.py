"""Joint capacity-development plans and the frameworks they link to (§9, §18, §20, §28)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
