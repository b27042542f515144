"""The deliver stage: activities, the people who take part and how it went (§19–26), and the
Office's own staff curriculum (§22)."""

from __future__ import annotations

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capdev.core.models import ConstituentGroup, Country, Office, Organisation, Region
from capdev.plan.models import Action, CrossCuttingDriver, FundingSource


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class TargetGroup(models.TextChoices):
    GOVERNMENT = ConstituentGroup.GOVERNMENT.value, ConstituentGroup.GOVERNMENT.label
    WORKERS = ConstituentGroup.WORKERS.value, ConstituentGroup.WORKERS.label
    EMPLOYERS = ConstituentGroup.EMPLOYERS.value, ConstituentGroup.EMPLOYERS.label
    OFFICE_STAFF = "office_staff", _("Office staff")
    OTHER = "other", _("Other")


class Activity(models.Model):
    """Something delivered: a course, a workshop, an advisory service, a visit, an exchange."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        WORKSHOP = "workshop", _("Workshop")
        ADVISORY = "advisory", _("Advisory service")
        STUDY_VISIT = "study_visit", _("Study visit")
        PEER_EXCHANGE = "peer_exchange", _("Peer exchange")
        E_LEARNING = "e_learning", _("E-learning")
        CONFERENCE = "conference", _("Conference")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class AdvisoryArea(models.TextChoices):
        """What an advisory service to a training institution is about (§26)."""

        PORTFOLIO = "portfolio", _("Training portfolio")
        MANAGEMENT = "management", _("Institutional management")
        PRODUCT_DEVELOPMENT = "product_development", _("Product development")
        TRAINING_TECHNIQUES = "training_techniques", _("Training techniques")
        APPLICATION = "application", _("Application of training")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    countries = models.ManyToManyField(
        Country, related_name="activities", verbose_name=_("countries")
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organising office"),
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provided_activities",
        verbose_name=_("provider"),
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="co_organised_activities",
        verbose_name=_("co-organisers"),
    )
    beneficiaries = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="activities_received",
        verbose_name=_("organisations whose capacity it builds"),
    )
    south_south = models.BooleanField(_("South-South"), default=False)
    triangular = models.BooleanField(_("triangular"), default=False)
    peer_exchange = models.BooleanField(_("peer exchange"), default=False)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    drivers = models.JSONField(_("cross-cutting drivers"), default=list, blank=True)
    actions = models.ManyToManyField(
        Action, blank=True, related_name="activities", verbose_name=_("plan actions")
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("funding source"),
    )
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    advisory_area = models.CharField(
        _("advisory area"), max_length=24, choices=AdvisoryArea, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[countries, co_organisers, beneficiaries, actions])

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["start"], name="activity_start")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The activity ends before it starts.")
        if not self.online and not self.place.strip():
            errors["place"] = _("Give the place, or mark the activity as online.")
        if self.advisory_area and self.kind != self.Kind.ADVISORY:
            errors["advisory_area"] = _("Only an advisory service has an advisory area.")
        if self.kind == self.Kind.ADVISORY and not self.advisory_area:
            errors["advisory_area"] = _("Say what the advisory service is about.")
        if self.cost is not None and self.cost < 0:
            errors["cost"] = _("A cost cannot be negative.")
        if self.cost is not None and not self.currency:
            errors["currency"] = _("A cost needs its currency.")
        if self.currency and pycountry.currencies.get(alpha_3=self.currency.upper()) is None:
            errors["currency"] = _("“%(code)s” is not an ISO 4217 currency code.") % {
                "code": self.currency
            }
        unknown = set(self.target_groups or []) - set(TargetGroup.values)
        if unknown:
            errors["target_groups"] = _("Unknown target group: %(names)s.") % {
                "names": ", ".join(sorted(unknown))
            }
        unknown = set(self.drivers or []) - set(CrossCuttingDriver.values)
        if unknown:
            errors["drivers"] = _("Unknown cross-cutting driver: %(names)s.") % {
                "names": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


class Person(models.Model):
    """Someone who takes part in activities, counted once however many they attend.

    `key` is how imports recognise a person again: the e-mail address when there is one,
    otherwise the name (case, accents of spacing aside) within the organisation.
    """

    key = models.CharField(max_length=320, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="people", verbose_name=_("country")
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    history = HistoricalRecords(excluded_fields=["key"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """One person in one activity, with the Kirkpatrick evidence: reaction (satisfaction),
    learning (pre- and post-test) and behaviour (skills applied after 3 and 6 months)."""

    class Application(models.TextChoices):
        NOT_APPLIED = "none", _("Not applied")
        PARTLY = "partly", _("Partly applied")
        FULLY = "fully", _("Fully applied")

    # No index of its own: the unique (activity, person) constraint's index starts with it, and
    # every index fewer makes bulk imports faster.
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    attendance = models.PositiveSmallIntegerField(
        _("attendance (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    pre_test = models.DecimalField(
        _("pre-test score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    post_test = models.DecimalField(
        _("post-test score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    applied_3_months = models.CharField(
        _("skills applied after 3 months"), max_length=6, choices=Application, blank=True
    )
    applied_6_months = models.CharField(
        _("skills applied after 6 months"), max_length=6, choices=Application, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "person__name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"], name="participation_once_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"


class ParticipantImport(models.Model):
    """One participant list brought into an activity: the audit record of a bulk import
    (bulk rows carry no per-row history) and the progress shown while it runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    upload = models.FileField(upload_to="participant-imports/", blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    participants_added = models.PositiveIntegerField(_("participants added"), default=0)
    participants_updated = models.PositiveIntegerField(_("participants updated"), default=0)
    people_added = models.PositiveIntegerField(_("people added"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")

    def __str__(self) -> str:
        return f"{self.file_name} → {self.activity}"


# --- the Office's own staff curriculum (§22) ----------------------------------------------


class StaffCourse(models.Model):
    """A course of the staff capacity-development curriculum."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("staff course")
        verbose_name_plural = _("staff courses")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class RolloutWave(models.Model):
    """The curriculum reaches regions in waves, starting with a pilot region."""

    number = models.PositiveSmallIntegerField(_("wave"), unique=True)
    pilot = models.BooleanField(_("pilot"), default=False)
    regions = models.ManyToManyField(
        Region, related_name="rollout_waves", verbose_name=_("regions")
    )
    courses = models.ManyToManyField(StaffCourse, related_name="waves", verbose_name=_("courses"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[regions, courses])

    class Meta:
        ordering = ["number"]
        verbose_name = _("rollout wave")
        verbose_name_plural = _("rollout waves")

    def __str__(self) -> str:
        return str(_("Wave %(number)s") % {"number": self.number})


class StaffCompletion(models.Model):
    """A member of the Office's staff who completed a course."""

    course = models.ForeignKey(
        StaffCourse, on_delete=models.PROTECT, related_name="completions", verbose_name=_("course")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="staff_completions", verbose_name=_("office")
    )
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex)
    completed_on = models.DateField(_("completed on"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_on", "pk"]
        verbose_name = _("staff completion")
        verbose_name_plural = _("staff completions")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "office", "name"], name="staff_completion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.course.code}"
