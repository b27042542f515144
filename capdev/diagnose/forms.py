from __future__ import annotations

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capdev.core.models import TRIPARTITE_GROUPS, ConstituentGroup, Office, Organisation
from capdev.core.scoping import Action, scoped
from capdev.diagnose import selectors
from capdev.diagnose.models import (
    Assessment,
    CapacityType,
    Item,
    Level,
    Need,
    Participant,
    Theme,
)
from capdev.lib.pages import with_blank
from capdev.lib.translated import LANGUAGES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload.read()


class InstrumentUploadForm(UploadForm):
    file = forms.FileField(
        label=_("XLSForm workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    publish = forms.BooleanField(
        label=_("Publish at once (otherwise it stays a draft you can review)"), required=False
    )


class SubmissionsUploadForm(UploadForm):
    file = forms.FileField(
        label=_("Submissions export from KoboToolbox or ODK Central (.csv or .json)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json"}),
    )


class ItemForm(forms.ModelForm):
    """An item of a draft version: its wording in the four languages, weight, requiredness."""

    class Meta:
        model = Item
        fields = ["weight", "required"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        names = {"en": _("English"), "fr": _("French"), "es": _("Spanish"), "zh": _("Chinese")}
        for code in LANGUAGES:
            self.fields[f"label_{code}"] = forms.CharField(
                label=_("Statement (%(language)s)") % {"language": names[code]},
                required=code == "en",
                initial=self.instance.label.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"hint_{code}"] = forms.CharField(
                label=_("Guidance (%(language)s)") % {"language": names[code]},
                required=False,
                initial=self.instance.hint.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def service_data(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "weight": data["weight"],
            "required": data["required"],
            "label": {c: data[f"label_{c}"] for c in LANGUAGES if data[f"label_{c}"]},
            "hint": {c: data[f"hint_{c}"] for c in LANGUAGES if data[f"hint_{c}"]},
        }


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["organisation", "version", "date", "mode", "office", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scoped(
            user, Organisation.objects.select_related("country"), Action.CHANGE
        ).order_by("country__name", "name")
        self.fields["version"].queryset = selectors.published_versions_for_user(user)
        self.fields["version"].label = _("Instrument")
        self.fields["office"].queryset = scoped(user, Office.objects.all()).order_by("name")


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["name", "role", "sex", "organisation"]

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scoped(
            user, Organisation.objects.select_related("country")
        ).order_by("name")


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = [
            "organisation",
            "title",
            "description",
            "level",
            "type",
            "theme",
            "priority",
            "source",
            "status",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scoped(
            user, Organisation.objects.select_related("country"), Action.CHANGE
        ).order_by("country__name", "name")


class RegistryFilters(forms.Form):
    """Filters shared by the assessment list and the needs registry."""

    q = forms.CharField(label=_("Search"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.CharField(
        label=_("Country (ISO code)"), required=False, max_length=2, min_length=2
    )
    group = forms.ChoiceField(
        label=_("Constituent group"),
        required=False,
        choices=with_blank(
            (g.value, g.label) for g in (*TRIPARTITE_GROUPS, ConstituentGroup.OTHER)
        ),
    )

    def __init__(self, *args: object, regions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = with_blank(regions)


class AssessmentFilters(RegistryFilters):
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        required=False,
        choices=with_blank(Assessment.Status.choices),
    )
    mode = forms.ChoiceField(
        label=_("Mode"), required=False, choices=with_blank(Assessment.Mode.choices)
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("organisation", _("Organisation")),
            ("-score", _("Highest score")),
            ("score", _("Lowest score")),
        ],
    )

    def __init__(self, *args: object, instruments: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = with_blank(instruments)


class NeedFilters(RegistryFilters):
    level = forms.ChoiceField(label=_("Level"), required=False, choices=with_blank(Level.choices))
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=with_blank(CapacityType.choices)
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=with_blank(Theme.choices))
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        required=False,
        choices=with_blank(Need.Status.choices),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=with_blank((str(v), label) for v, label in Need.Priority.choices),
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=with_blank(Need.Source.choices)
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("priority", _("Priority")),
            ("-created", _("Newest first")),
            ("organisation", _("Organisation")),
            ("theme", _("Theme")),
        ],
    )
