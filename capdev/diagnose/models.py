"""Instruments, assessments and needs: the diagnose stage of the cycle."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capdev.core.models import Office, Organisation
from capdev.lib.translated import localized


class Level(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATIONAL = "organisational", _("Organisational")
    ENABLING_ENVIRONMENT = "enabling_environment", _("Enabling environment")


class CapacityType(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    FUNCTIONAL = "functional", _("Functional")


class Theme(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    OSH = "osh", _("Occupational safety and health")
    LABOUR_LAW = "labour_law", _("Labour law")
    LABOUR_MIGRATION = "labour_migration", _("Labour migration")
    INTERNATIONAL_LABOUR_STANDARDS = (
        "international_labour_standards",
        _("International labour standards"),
    )
    SOCIAL_DIALOGUE = "social_dialogue", _("Social dialogue and collective bargaining")
    GENDER_EQUALITY = "gender_equality", _("Gender equality")
    FUTURE_OF_WORK = "future_of_work", _("Future of work and digital transition")
    INFORMAL_ECONOMY = "informal_economy", _("Informal economy")
    LEADERSHIP = "leadership", _("Leadership")
    INTERNAL_GOVERNANCE = "internal_governance", _("Internal governance")
    STRATEGIC_PLANNING = "strategic_planning", _("Strategic planning")
    FINANCIAL_MANAGEMENT = "financial_management", _("Financial and budget management")
    MEMBERSHIP_SERVICES = "membership_services", _("Membership and services")
    PARTNERSHIPS = "partnerships", _("Partnerships")
    MONITORING_LEARNING = "monitoring_learning", _("Monitoring and learning")


FUNCTIONAL_THEMES = frozenset(
    {
        Theme.LEADERSHIP,
        Theme.INTERNAL_GOVERNANCE,
        Theme.STRATEGIC_PLANNING,
        Theme.FINANCIAL_MANAGEMENT,
        Theme.MEMBERSHIP_SERVICES,
        Theme.PARTNERSHIPS,
        Theme.MONITORING_LEARNING,
    }
)


def theme_type(theme: str) -> str:
    """The type a theme belongs to: technical themes are what an organisation works on."""
    return CapacityType.FUNCTIONAL if theme in FUNCTIONAL_THEMES else CapacityType.TECHNICAL


GRID_CELLS = [(level, kind) for level in Level for kind in CapacityType]
THEME_DOES_NOT_MATCH_TYPE = _("“%(theme)s” is a %(theme_type)s theme, not a %(type)s one.")


def theme_type_error(theme: str, kind: str) -> str | None:
    """The message for a theme placed under the wrong type, or None when they agree."""
    if not theme or not kind or theme_type(theme) == kind:
        return None
    return str(THEME_DOES_NOT_MATCH_TYPE) % {
        "theme": Theme(theme).label,
        "theme_type": CapacityType(theme_type(theme)).label.lower(),
        "type": CapacityType(kind).label.lower(),
    }


class GridPosition(models.Model):
    """Level × type and theme: where a scored item, a summary or a need sits on the grid."""

    level = models.CharField(_("level"), max_length=24, choices=Level)
    type = models.CharField(_("type"), max_length=12, choices=CapacityType)
    theme = models.CharField(_("theme"), max_length=40, choices=Theme)

    class Meta:
        abstract = True

    def clean(self) -> None:
        message = theme_type_error(self.theme, self.type)
        if message:
            raise ValidationError({"theme": message})


class Instrument(models.Model):
    """A rubric or questionnaire, identified by its XLSForm `form_id`; its content is versioned.

    Title, description and groups here are those of the latest published version (or of the
    first draft, until one is published), for lists; each version keeps its own.
    """

    code = models.CharField(_("code"), max_length=80, unique=True)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    groups = models.JSONField(_("constituent groups"), default=list, blank=True)
    builtin = models.BooleanField(_("built in"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return localized(self.title) or self.code


class InstrumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="versions", verbose_name=_("instrument")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    groups = models.JSONField(_("constituent groups"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    source_name = models.CharField(_("imported from"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="version_number_unique")
        ]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Area(models.Model):
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="areas", verbose_name=_("version")
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"))
    label = models.JSONField(_("label"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="area_name_unique")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return localized(self.label) or self.name


class Item(GridPosition):
    """A scored statement with a maturity scale whose every point is described."""

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version")
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="items", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"))
    label = models.JSONField(_("label"), default=dict)
    hint = models.JSONField(_("hint"), default=dict, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    required = models.BooleanField(_("required"), default=False)
    groups = models.JSONField(_("constituent groups"), default=list, blank=True)
    # The XLSForm choice list the scale came from (items may share one), and its points:
    # [{"value": 1, "label": {"en": …, "fr": …}}, …] in ascending order.
    scale_list = models.CharField(_("scale list"), max_length=80)
    scale = models.JSONField(_("scale"), default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="item_name_unique")]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return localized(self.label) or self.name

    def applies_to(self, group: str) -> bool:
        """Whether organisations of this constituent group are assessed on the item."""
        return not self.groups or group in self.groups

    @property
    def scale_min(self) -> int:
        return self.scale[0]["value"]

    @property
    def scale_max(self) -> int:
        return self.scale[-1]["value"]


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class Assessment(models.Model):
    class Mode(models.TextChoices):
        SELF = "self", _("Self-assessment")
        JOINT = "joint", _("Joint assessment")
        EXTERNAL = "external", _("External assessment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")

    class Source(models.TextChoices):
        BROWSER = "browser", _("Entered in capdev")
        API = "api", _("API")
        SUBMISSION = "submission", _("ODK / KoboToolbox submission")
        DEMO = "demo", _("Synthetic demo data")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("organisation"),
    )
    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("instrument version"),
    )
    date = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("facilitating office"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source, default=Source.BROWSER)
    instance_id = models.CharField(
        _("submission instanceID"), max_length=120, unique=True, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    # Write-time summary, kept by capdev.diagnose.summaries whenever a score changes.
    item_count = models.PositiveIntegerField(_("items"), default=0)
    answered = models.PositiveIntegerField(_("items scored"), default=0)
    required_missing = models.PositiveIntegerField(_("required items not scored"), default=0)
    score_mean = models.DecimalField(
        _("mean score"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    score_percent = models.DecimalField(
        _("score (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The summary is derived from the scores, whose own history says who changed what.
    history = HistoricalRecords(
        excluded_fields=[
            "item_count",
            "answered",
            "required_missing",
            "score_mean",
            "score_percent",
            "updated_at",
        ]
    )

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organisation", "date"], name="assessment_org_date")]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.version.instrument} · {self.date:%Y-%m-%d}"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.answered / self.item_count) if self.item_count else 0


class Participant(models.Model):
    """Someone who took part in an assessment (§8: participation is recorded)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name


class ItemScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="scores")
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="score_one_per_item")
        ]
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")

    def __str__(self) -> str:
        return f"{self.item.name}={self.score}"


class SummaryScore(models.Model):
    """Weighted scores over the scored items, written when scores change, never edited."""

    answered = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    mean = models.DecimalField(max_digits=6, decimal_places=3, null=True)
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True)

    class Meta:
        abstract = True


class AreaScore(SummaryScore):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="area_scores")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["area__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="area_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area.name}: {self.percent}%"


class CellScore(SummaryScore):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="cell_scores")
    level = models.CharField(max_length=24, choices=Level)
    type = models.CharField(max_length=12, choices=CapacityType)

    class Meta:
        ordering = ["level", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "level", "type"], name="cell_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.type}: {self.percent}%"


class ThemeScore(SummaryScore):
    """The scores of one theme of an assessment: dashboards filter capacity change by theme."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="theme_scores"
    )
    theme = models.CharField(max_length=40, choices=Theme)

    class Meta:
        ordering = ["theme"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "theme"], name="theme_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.theme}: {self.percent}%"


class Need(GridPosition):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        PRIORITY_SETTING = "priority_setting", _("Workers' or employers' priority-setting")
        LABOUR_ADMIN_AUDIT = "labour_admin_audit", _("Labour administration audit")
        REQUEST = "request", _("Request from the constituent")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PLANNED = "planned", _("Planned")
        ADDRESSED = "addressed", _("Addressed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="needs", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.MEDIUM
    )
    source = models.CharField(_("source"), max_length=20, choices=Source, default=Source.REQUEST)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("assessment"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "priority"], name="need_status_priority")]
        # An item, or a whole area, of an assessment is marked as a need once.
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"],
                condition=models.Q(item__isnull=False),
                name="need_once_per_item",
            ),
            models.UniqueConstraint(
                fields=["assessment", "area"],
                condition=models.Q(item__isnull=True, area__isnull=False),
                name="need_once_per_area",
            ),
        ]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.title
