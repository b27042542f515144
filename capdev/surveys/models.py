"""Constituent surveys (§8, Figure 1): questionnaires the Office sends to constituents, and the
answers of respondents from government, workers' and employers' organisations.

Titles, descriptions, questions and choices are kept in the four UI languages as one JSON
object ({"en", "fr", "es", "zh"}, see capdev.lib.translated), like the diagnose instruments.
A respondent's constituent group and country are stored on the response (taken from the
organisation when there is one), because the results of §8 are read by group; when the
organisation moves country or group, its responses move with it (capdev.surveys.receivers).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capdev.core.models import ConstituentGroup, Country, Office, Organisation
from capdev.lib.translated import localized

LIKERT_MIN, LIKERT_MAX = 1, 5


class Likert(models.IntegerChoices):
    """The five-point agreement scale of every Likert question (labels in the UI language)."""

    STRONGLY_DISAGREE = 1, _("Strongly disagree")
    DISAGREE = 2, _("Disagree")
    NEITHER = 3, _("Neither agree nor disagree")
    AGREE = 4, _("Agree")
    STRONGLY_AGREE = 5, _("Strongly agree")


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    opens = models.DateField(_("opens on"), null=True, blank=True)
    closes = models.DateField(_("closes on"), null=True, blank=True)
    owner_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("office running it"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return localized(self.title) or f"#{self.pk}"

    def clean(self) -> None:
        if self.opens and self.closes and self.closes < self.opens:
            raise ValidationError({"closes": _("A survey cannot close before it opens.")})


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        PICK_K = "pick_k", _("Pick k of n")
        LIKERT = "likert", _("Agreement (5-point Likert scale)")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    k = models.PositiveSmallIntegerField(
        _("choices to pick (k)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Only for a pick-k-of-n question: how many choices each respondent picks."),
    )
    label = models.JSONField(_("question"), default=dict)
    required = models.BooleanField(_("required"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="survey_question_position_unique"
            )
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return localized(self.label) or f"#{self.pk}"

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.PICK_K)

    def clean(self) -> None:
        if self.kind == self.Kind.PICK_K and not self.k:
            raise ValidationError({"k": _("Say how many choices a respondent picks.")})
        if self.kind != self.Kind.PICK_K and self.k:
            raise ValidationError({"k": _("Only a pick-k-of-n question takes k.")})


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveIntegerField(_("position"))
    label = models.JSONField(_("label"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="survey_choice_position_unique"
            )
        ]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return localized(self.label) or f"#{self.pk}"


class Response(models.Model):
    """One respondent's answers to a survey, with their constituent group (§8 reads by group)."""

    class Source(models.TextChoices):
        BROWSER = "browser", _("Browser")
        API = "api", _("API")
        IMPORT = "import", _("Import")
        DEMO = "demo", _("Demo")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    group = models.CharField(_("constituent group"), max_length=12, choices=ConstituentGroup)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("country"),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("entered by"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.BROWSER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["survey", "group"], name="survey_response_group")]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        who = self.organisation or ConstituentGroup(self.group).label
        return f"{self.survey} — {who}"


class Answer(models.Model):
    """The answer to one question: its chosen choices, a Likert value or a text."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.RESTRICT, related_name="answers", verbose_name=_("question")
    )
    choices = models.ManyToManyField(
        Choice, through="Selection", related_name="answers", verbose_name=_("chosen")
    )
    likert = models.PositiveSmallIntegerField(
        _("agreement"),
        null=True,
        blank=True,
        choices=Likert,
        validators=[MinValueValidator(LIKERT_MIN), MaxValueValidator(LIKERT_MAX)],
    )
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="survey_answer_once_per_question"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.response_id}: {self.question}"


class Selection(models.Model):
    """One chosen choice of an answer: a pick-3 answer is three rows (Figure 1 counts them)."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="selections", verbose_name=_("answer")
    )
    choice = models.ForeignKey(
        Choice, on_delete=models.RESTRICT, related_name="selections", verbose_name=_("choice")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["answer", "choice__position"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "choice"], name="survey_choice_once")
        ]
        indexes = [models.Index(fields=["choice"], name="survey_selection_choice")]
        verbose_name = _("selection")
        verbose_name_plural = _("selections")

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.choice}"
