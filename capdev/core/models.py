"""Reference data, organisations, offices and the grants that scope every user's view."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """One of the ILO's five regions (not the UN M49 regions)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return str(REGION_NAMES.get(self.code, self.name))


REGION_NAMES = {
    "AFRICA": _("Africa"),
    "AMERICAS": _("Americas"),
    "ARAB_STATES": _("Arab States"),
    "ASIA_PACIFIC": _("Asia and the Pacific"),
    "EUROPE_CA": _("Europe and Central Asia"),
}


class Country(models.Model):
    """An ILO member State, or a territory with observer status; names from ISO 3166."""

    class Status(models.TextChoices):
        MEMBER = "member", _("member State")
        OBSERVER = "observer", _("observer")

    iso_alpha2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, unique=True)
    iso_alpha3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    iso_numeric = models.CharField(_("ISO 3166 numeric"), max_length=3)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True)
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="countries", verbose_name=_("region")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.MEMBER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.localized_name()

    def localized_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").lower()
        translated = {"fr": self.name_fr, "es": self.name_es, "zh": self.name_zh}
        return translated.get(language[:2]) or self.name


class ConstituentGroup(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    WORKERS = "workers", _("Workers")
    EMPLOYERS = "employers", _("Employers")
    OTHER = "other", _("Other")


TRIPARTITE_GROUPS = [
    ConstituentGroup.GOVERNMENT,
    ConstituentGroup.EMPLOYERS,
    ConstituentGroup.WORKERS,
]


class OrganisationKind(models.TextChoices):
    MINISTRY_OF_LABOUR = "ministry_of_labour", _("Ministry of labour")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")
    OTHER_MINISTRY = "other_ministry", _("Other ministry")
    SOCIAL_DIALOGUE_INSTITUTION = "social_dialogue_institution", _("Social-dialogue institution")
    NATIONAL_TRADE_UNION_CENTRE = "national_trade_union_centre", _("National trade-union centre")
    SECTORAL_UNION = "sectoral_union", _("Sectoral union")
    EMPLOYERS_ORGANISATION = (
        "employers_organisation",
        _("Employers' or business membership organisation"),
    )
    TRAINING_INSTITUTION = "training_institution", _("Training institution")
    UN_AGENCY = "un_agency", _("UN agency")
    DEVELOPMENT_PARTNER = "development_partner", _("Development partner")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation (incl. women's-rights groups)")
    ACADEMIC = "academic", _("Academic")


# The group a kind normally belongs to; a form refuses a mismatch so the tripartite view holds.
KIND_GROUPS = {
    OrganisationKind.MINISTRY_OF_LABOUR: ConstituentGroup.GOVERNMENT,
    OrganisationKind.LABOUR_INSPECTORATE: ConstituentGroup.GOVERNMENT,
    OrganisationKind.OTHER_MINISTRY: ConstituentGroup.GOVERNMENT,
    OrganisationKind.NATIONAL_TRADE_UNION_CENTRE: ConstituentGroup.WORKERS,
    OrganisationKind.SECTORAL_UNION: ConstituentGroup.WORKERS,
    OrganisationKind.EMPLOYERS_ORGANISATION: ConstituentGroup.EMPLOYERS,
}


# Who provides or co-organises activities with the Office: training institutions and partners
# (§24–26), as opposed to the constituents.
PARTNER_KINDS = (
    OrganisationKind.TRAINING_INSTITUTION,
    OrganisationKind.UN_AGENCY,
    OrganisationKind.DEVELOPMENT_PARTNER,
    OrganisationKind.CIVIL_SOCIETY,
    OrganisationKind.ACADEMIC,
)


class Organisation(models.Model):
    """A constituent or partner organisation the capacity-development cycle works with."""

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("country")
    )
    group = models.CharField(_("constituent group"), max_length=12, choices=ConstituentGroup)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affiliates",
        verbose_name=_("parent or affiliation"),
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="organisation_name_unique_in_country"
            )
        ]
        indexes = [models.Index(fields=["country", "group"], name="organisation_country_group")]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def clean(self) -> None:
        expected = KIND_GROUPS.get(self.kind)
        if expected and self.group and self.group != expected:
            raise ValidationError(
                {
                    "group": _("A %(kind)s belongs to the %(group)s group.")
                    % {
                        "kind": OrganisationKind(self.kind).label,
                        "group": ConstituentGroup(expected).label,
                    }
                }
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})


class Membership(models.Model):
    """Membership figures of a workers' or employers' organisation for one year (§12)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900)])
    members = models.PositiveIntegerField(_("members"))
    women_members = models.PositiveIntegerField(_("women members"), null=True, blank=True)
    potential_members = models.PositiveIntegerField(_("potential members"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("membership figure")
        verbose_name_plural = _("membership figures")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="membership_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.members}"

    @property
    def women_share(self) -> float | None:
        """Women as a share of members (0–1), when both are known."""
        if self.women_members is None or not self.members:
            return None
        return self.women_members / self.members

    def clean(self) -> None:
        if (
            self.women_members is not None
            and self.members is not None
            and self.women_members > self.members
        ):
            raise ValidationError({"women_members": _("Women members cannot exceed members.")})


class Contact(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A unit of the organisation that runs capdev (for the ILO: the Office)."""

    class Kind(models.TextChoices):
        HQ_DEPARTMENT = "hq_department", _("HQ department")
        TRAINING_CENTRE = "training_centre", _("Training centre")
        REGIONAL_OFFICE = "regional_office", _("Regional office")
        DECENT_WORK_TEAM = "decent_work_team", _("Decent work team")
        COUNTRY_OFFICE = "country_office", _("Country office")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
        verbose_name=_("region"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reports to"),
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="offices", verbose_name=_("countries covered")
    )

    history = HistoricalRecords(m2m_fields=[countries])

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HQ = "hq", _("HQ staff")
    OFFICE = "office", _("Office staff")
    SPECIALIST = "specialist", _("Specialist")
    FOCAL_POINT = "focal", _("Constituent focal point")
    EVALUATOR = "evaluator", _("Evaluator")
    VIEWER = "viewer", _("Viewer")


class Grant(models.Model):
    """A role over a scope. A user holds one or more; capdev.core.scoping reads them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role)
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("office")
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("region")
    )
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("country")
    )
    group = models.CharField(
        _("constituent group"), max_length=12, choices=ConstituentGroup, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        scope = self.office or self.organisation or self.country or self.region
        parts = [str(self.get_role_display())]
        if self.group:
            parts.append(str(self.get_group_display()))
        if scope:
            parts.append(str(scope))
        return " · ".join(parts)

    def clean(self) -> None:
        from capdev.core.scoping import grant_shape_errors

        errors = grant_shape_errors(self)
        if errors:
            raise ValidationError(errors)


class LoginFailure(models.Model):
    """A failed log-in, kept to rate-limit guessing by user name and by address."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"


class DemoDataset(models.Model):
    """Marks a database seeded with synthetic demo data, so every page can say so."""

    scale = models.CharField(max_length=10)
    seeded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"demo dataset ({self.scale}), seeded {self.seeded_at:%Y-%m-%d}"
