"""Evaluations, their recommendations and management responses, lessons learned and good
practices: the fifth stage of the cycle and its feedback into diagnosis and planning (§5,
§6, §16, §21)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capdev.core.models import Country, Office, Organisation


class Rating(models.IntegerChoices):
    """The six-point scale of ILO evaluations, from highly unsatisfactory to highly
    satisfactory."""

    HIGHLY_UNSATISFACTORY = 1, _("Highly unsatisfactory")
    UNSATISFACTORY = 2, _("Unsatisfactory")
    SOMEWHAT_UNSATISFACTORY = 3, _("Somewhat unsatisfactory")
    SOMEWHAT_SATISFACTORY = 4, _("Somewhat satisfactory")
    SATISFACTORY = 5, _("Satisfactory")
    HIGHLY_SATISFACTORY = 6, _("Highly satisfactory")


class Criterion(models.TextChoices):
    """The OECD-DAC criteria, then capacity development at each level of the grid."""

    RELEVANCE = "relevance", _("Relevance")
    COHERENCE = "coherence", _("Coherence")
    EFFECTIVENESS = "effectiveness", _("Effectiveness")
    EFFICIENCY = "efficiency", _("Efficiency")
    IMPACT = "impact", _("Impact")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    CD_INDIVIDUAL = "cd_individual", _("Capacity development: individual level")
    CD_ORGANISATIONAL = "cd_organisational", _("Capacity development: organisational level")
    CD_ENABLING = "cd_enabling_environment", _("Capacity development: enabling environment")


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Project evaluation")
        CLUSTER = "cluster", _("Cluster evaluation")
        STRATEGIC = "strategic", _("Strategic evaluation")
        THEMATIC = "thematic", _("Thematic evaluation")
        COUNTRY_PROGRAMME = "country_programme", _("Country programme evaluation")
        EX_POST = "ex_post", _("Ex-post evaluation")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    summary = models.TextField(_("summary"), blank=True)
    evaluator = models.CharField(_("evaluator"), max_length=200, help_text=_("Who evaluated"))
    managed_by = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation manager"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    # Scope: where and whom it looked at. An evaluation of no country (a strategic one) is
    # seen by every grant; otherwise as its countries and organisations are.
    countries = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("countries")
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisations")
    )
    plans = models.ManyToManyField(
        "plan.Plan", blank=True, related_name="+", verbose_name=_("plans")
    )
    activities = models.ManyToManyField(
        "deliver.Activity", blank=True, related_name="+", verbose_name=_("activities")
    )
    funding_sources = models.ManyToManyField(
        "plan.FundingSource", blank=True, related_name="+", verbose_name=_("funding")
    )
    themes = models.JSONField(_("themes"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[countries, organisations])

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return self.title


class CriterionRating(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.CharField(_("criterion"), max_length=30, choices=Criterion)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="rating_once")
        ]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.criterion}: {self.rating}"


class EvaluationDocument(models.Model):
    """A report or annex (PDF or DOCX), with its text extracted for search."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="evaluations/%Y/")
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    text = models.TextField(_("text"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["evaluation", "title"]
        verbose_name = _("evaluation document")
        verbose_name_plural = _("evaluation documents")

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.MEDIUM
    )
    addressed_to = models.ManyToManyField(
        Office, blank=True, related_name="recommendations", verbose_name=_("addressed to")
    )
    history = HistoricalRecords(m2m_fields=[addressed_to])

    class Meta:
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="recommendation_number")
        ]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.number}"


class ManagementResponse(models.Model):
    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTIALLY = "partially", _("Partially accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="response"
    )
    decision = models.CharField(_("response"), max_length=14, choices=Decision)
    reasons = models.TextField(_("reasons"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("responded"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("management response")
        verbose_name_plural = _("management responses")

    def __str__(self) -> str:
        return f"{self.recommendation}: {self.decision}"


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("action"))
    unit = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="follow_up_actions", verbose_name=_("unit")
    )
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNED)
    note = models.TextField(_("progress note"), blank=True)
    completed_at = models.DateField(_("completed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="follow_up_due")]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.description[:80]


class Lesson(models.Model):
    """A lesson learned or a good practice, reviewed before it is published."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson learned")
        GOOD_PRACTICE = "good_practice", _("Good practice")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind)
    title = models.CharField(_("title"), max_length=300)
    context = models.TextField(_("context"))
    challenge = models.TextField(_("challenge"), blank=True)
    what_worked = models.TextField(_("what worked"), blank=True)
    conditions = models.TextField(_("conditions for replication"), blank=True)
    # Where it sits on the grid: values of capdev.diagnose.models Level, CapacityType, Theme.
    levels = models.JSONField(_("levels"), default=list, blank=True)
    types = models.JSONField(_("types"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    groups = models.JSONField(_("constituent groups"), default=list, blank=True)
    countries = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("countries")
    )
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("source evaluation"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[countries])

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("lesson or good practice")
        verbose_name_plural = _("lessons and good practices")

    def __str__(self) -> str:
        return self.title
