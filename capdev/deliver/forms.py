"""Forms of the deliver pages: activities, one participant's record, participant imports."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capdev.core.models import PARTNER_KINDS, Country, Office, Organisation
from capdev.core.scoping import scoped
from capdev.deliver.models import Activity, Participation, TargetGroup
from capdev.deliver.services import DELIVERING, PARTICIPATION_FIELDS
from capdev.lib.list_imports import ListFileForm
from capdev.lib.pages import with_blank
from capdev.plan.models import Action, CrossCuttingDriver, FundingSource

# A participant list sent through the browser; longer lists go through
# `capdev import-participants`, which has no upload limit.
MAX_LIST_BYTES = 50 * 1024 * 1024


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Action) -> str:
        return f"{obj.plan} — {obj.title}"


class ActivityForm(forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    drivers = forms.MultipleChoiceField(
        label=_("Cross-cutting drivers"),
        choices=CrossCuttingDriver.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "status",
            "start",
            "end",
            "online",
            "place",
            "countries",
            "office",
            "provider",
            "co_organisers",
            "beneficiaries",
            "south_south",
            "triangular",
            "peer_exchange",
            "target_groups",
            "drivers",
            "actions",
            "funding_source",
            "cost",
            "currency",
            "advisory_area",
            "description",
        ]
        field_classes = {"actions": ActionChoiceField}
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "currency": forms.TextInput(attrs={"size": 3, "maxlength": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "place": _("Leave empty for an online activity."),
            "advisory_area": _("Only for an advisory service to a training institution."),
            "actions": _("Actions of agreed plans this activity delivers."),
            "currency": _("ISO 4217 code, such as USD or EUR."),
        }

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Offer only what the user sees: offices, countries, partners, plans are scoped.
        organisations = scoped(user, Organisation.objects.select_related("country"))
        partners = organisations.filter(kind__in=PARTNER_KINDS).order_by("name")
        self.fields["countries"].queryset = scoped(user, Country.objects.all())
        self.fields["office"].queryset = scoped(user, Office.objects.all()).order_by("name")
        self.fields["provider"].queryset = partners
        self.fields["co_organisers"].queryset = partners
        self.fields["beneficiaries"].queryset = organisations.order_by("country__name", "name")
        self.fields["actions"].queryset = scoped(
            user, Action.objects.filter(plan__status__in=DELIVERING).select_related("plan")
        ).order_by("plan__title", "start", "pk")
        self.fields["funding_source"].queryset = scoped(user, FundingSource.objects.all())


class ParticipationForm(forms.ModelForm):
    """One participant's attendance, tests, satisfaction and follow-up (Kirkpatrick 1–3)."""

    class Meta:
        model = Participation
        fields = list(PARTICIPATION_FIELDS)


class ActivityFilters(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Title, place or provider."),
    )
    country = forms.CharField(
        label=_("Country (ISO code)"), required=False, max_length=2, min_length=2
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=with_blank(Activity.Kind.choices)
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        required=False,
        choices=with_blank(Activity.Status.choices),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    office = forms.ModelChoiceField(label=_("Organising office"), required=False, queryset=None)
    funding_kind = forms.ChoiceField(
        label=_("Funding"), required=False, choices=with_blank(FundingSource.Kind.choices)
    )
    cooperation = forms.ChoiceField(
        label=_("Cooperation"),
        required=False,
        choices=with_blank(
            [
                ("south_south", _("South-South")),
                ("triangular", _("Triangular")),
                ("peer_exchange", _("Peer exchange")),
            ]
        ),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-start", _("Newest first")),
            ("start", _("Oldest first")),
            ("title", _("Title")),
            ("-participants", _("Most participants")),
        ],
    )

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = scoped(user, Office.objects.all()).order_by("name")


class ParticipantSearch(forms.Form):
    q = forms.CharField(label=_("Search participants"), required=False)


class ParticipantListForm(ListFileForm):
    file_label = _("Participant list (.csv or .xlsx)")
    max_bytes = MAX_LIST_BYTES
    too_large = _(
        "The file is larger than 50 MB: import it with “capdev import-participants” instead."
    )


class ColumnMappingForm(forms.Form):
    """Which column of the file holds each field of a participant (one select per field)."""

    def __init__(
        self,
        *args: object,
        fields: list[tuple[str, str, bool]],
        header: list[str],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        columns = with_blank(((column, column) for column in header), _("— not in the file —"))
        for name, label, required in fields:
            self.fields[name] = forms.ChoiceField(label=label, choices=columns, required=required)

    def mapping(self) -> dict[str, str]:
        return {field: column for field, column in self.cleaned_data.items() if column}
