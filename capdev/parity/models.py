"""Gender parity (§10): the meetings constituents send delegations to, the people in those
delegations by member State, group, role and sex, and the target the shares are held to."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from capdev.core.models import TRIPARTITE_GROUPS, ConstituentGroup, Country, Region
from capdev.diagnose.models import Sex

__all__ = [
    "DelegationGroup",
    "DelegationImport",
    "DelegationMember",
    "DelegationRole",
    "Meeting",
    "ParityTarget",
    "Sex",
]


class DelegationGroup(models.TextChoices):
    """The three groups a tripartite delegation is made of (ConstituentGroup's values)."""

    GOVERNMENT = ConstituentGroup.GOVERNMENT.value, ConstituentGroup.GOVERNMENT.label
    EMPLOYERS = ConstituentGroup.EMPLOYERS.value, ConstituentGroup.EMPLOYERS.label
    WORKERS = ConstituentGroup.WORKERS.value, ConstituentGroup.WORKERS.label


assert set(DelegationGroup.values) == {g.value for g in TRIPARTITE_GROUPS}


class DelegationRole(models.TextChoices):
    DELEGATE = "delegate", _("Delegate")
    SUBSTITUTE = "substitute", _("Substitute delegate")
    ADVISER = "adviser", _("Adviser")
    OBSERVER = "observer", _("Observer")


# A Conference delegation: two government delegates, one employers' and one workers' delegate
# (ILO Constitution, art. 3), each with their advisers.
CONFERENCE_DELEGATES = {
    DelegationGroup.GOVERNMENT.value: 2,
    DelegationGroup.EMPLOYERS.value: 1,
    DelegationGroup.WORKERS.value: 1,
}


class Meeting(models.Model):
    """A session of the International Labour Conference, a regional meeting or another ILO
    meeting to which member States send tripartite delegations."""

    class Kind(models.TextChoices):
        CONFERENCE = "ilc", _("International Labour Conference session")
        REGIONAL = "regional", _("Regional meeting")
        OTHER = "other", _("Other ILO meeting")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=200)
    session = models.PositiveSmallIntegerField(
        _("session number"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1919), MaxValueValidator(2100)]
    )
    start = models.DateField(_("start date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("region"),
        help_text=_("For a regional meeting."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-start", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "session"],
                condition=Q(session__isnull=False),
                name="meeting_session_unique_per_kind",
            ),
            models.UniqueConstraint(fields=["name", "year"], name="meeting_name_unique_per_year"),
        ]
        indexes = [models.Index(fields=["kind", "year"], name="meeting_kind_year")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def is_conference(self) -> bool:
        return self.kind == self.Kind.CONFERENCE

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.start and self.year and self.start.year != self.year:
            errors["start"] = _("The meeting starts in %(start)s, not in %(year)s.") % {
                "start": self.start.year,
                "year": self.year,
            }
        if self.region_id and self.kind != self.Kind.REGIONAL:
            errors["region"] = _("Only a regional meeting has a region.")
        if errors:
            raise ValidationError(errors)


class DelegationMember(models.Model):
    """One accredited person of a member State's delegation to a meeting.

    One row per person (the name is optional: a list may give only counts' worth of rows):
    shares of women are counted from these rows, never entered as percentages.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="members", verbose_name=_("meeting")
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="delegation_members",
        verbose_name=_("member State"),
    )
    group = models.CharField(_("group"), max_length=12, choices=DelegationGroup)
    role = models.CharField(_("role"), max_length=10, choices=DelegationRole)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex)
    name = models.CharField(_("name"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "country__name", "group", "role", "name", "pk"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        indexes = [
            models.Index(fields=["meeting", "country"], name="delegation_meeting_country"),
            models.Index(fields=["country", "group"], name="delegation_country_group"),
        ]

    def __str__(self) -> str:
        who = self.name or self.get_role_display()
        return f"{who} · {self.country} · {self.get_group_display()}"


class DelegationImport(models.Model):
    """One delegation list brought into a meeting: the audit record of the bulk write (which
    replaced the meeting's delegation by the file's) and what it changed."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="imports", verbose_name=_("meeting")
    )
    file_name = models.CharField(_("file"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("people added"), default=0)
    removed = models.PositiveIntegerField(_("people removed"), default=0)
    unchanged = models.PositiveIntegerField(_("people unchanged"), default=0)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delegation import")
        verbose_name_plural = _("delegation imports")

    def __str__(self) -> str:
        return f"{self.file_name} → {self.meeting}"


class ParityTarget(models.Model):
    """The thresholds shares of women are held to: one row, changed by HQ and administrators.

    The Governing Body's target is at least 30% women in delegations now, and parity as the
    goal (§10); both are settings, not constants, so a later decision changes one row.
    """

    minimum_percent = models.PositiveSmallIntegerField(
        _("minimum share of women (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A delegation or group below this share needs help."),
    )
    goal_percent = models.PositiveSmallIntegerField(
        _("goal (%)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Parity is 50%."),
    )
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("The decision that set these figures, e.g. a Governing Body document."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parity target")
        verbose_name_plural = _("parity targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_percent__lte=models.F("goal_percent")),
                name="parity_target_minimum_not_above_goal",
            )
        ]

    def __str__(self) -> str:
        return str(
            _("at least %(minimum)s%% women, %(goal)s%% as the goal")
            % {"minimum": self.minimum_percent, "goal": self.goal_percent}
        )

    def clean(self) -> None:
        if (
            self.minimum_percent is not None
            and self.goal_percent is not None
            and self.minimum_percent > self.goal_percent
        ):
            raise ValidationError({"minimum_percent": _("The minimum cannot be above the goal.")})

    @classmethod
    def current(cls) -> ParityTarget:
        """The target in force: the one row, or the defaults (30%, parity) until one is saved."""
        return cls.objects.order_by("pk").first() or cls()
