"""Forms of the parity pages: filters, meetings, the delegation upload, the parity target."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from capdev.core.models import REGION_NAMES
from capdev.lib.list_imports import ListFileForm
from capdev.lib.pages import with_blank
from capdev.parity.delegations_import import MAX_BYTES
from capdev.parity.models import DelegationGroup, Meeting, ParityTarget
from capdev.parity.selectors import MEETING_SORTS

YEARS = {"min_value": 1919, "max_value": 2100}


def _regions() -> list[tuple[str, str]]:
    return with_blank(((code, str(name)) for code, name in REGION_NAMES.items()), _("All"))


class ParityFilters(forms.Form):
    """The overview's filters; their names are the fields of selectors.Filters."""

    kind = forms.ChoiceField(
        label=_("Meetings"), required=False, choices=with_blank(Meeting.Kind.choices, _("All"))
    )
    first_year = forms.IntegerField(label=_("From year"), required=False, **YEARS)
    last_year = forms.IntegerField(label=_("To year"), required=False, **YEARS)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())
    group = forms.ChoiceField(
        label=_("Group"), required=False, choices=with_blank(DelegationGroup.choices, _("All"))
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _regions()

    def clean(self) -> dict[str, object]:
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", _("The last year comes before the first."))
        return data


class MeetingFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name or place."))
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=with_blank(Meeting.Kind.choices)
    )
    year = forms.IntegerField(label=_("Year"), required=False, **YEARS)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-start", _("Newest first")),
            ("start", _("Oldest first")),
            ("name", _("Name")),
            ("-share", _("Highest share of women")),
            ("share", _("Lowest share of women")),
        ],
    )

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort in MEETING_SORTS else ""


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "name", "session", "year", "start", "place", "region", "notes"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "session": _("For a Conference session, e.g. 112."),
            "name": _("E.g. “112th Session of the International Labour Conference”."),
        }


class DelegationSearch(forms.Form):
    q = forms.CharField(label=_("Member State"), required=False)
    group = forms.ChoiceField(
        label=_("Group"), required=False, choices=with_blank(DelegationGroup.choices, _("All"))
    )


class DelegationListForm(ListFileForm):
    file_label = _("Delegation list (.csv or .xlsx)")
    max_bytes = MAX_BYTES
    too_large = _("The file is larger than %(size)d MB: a delegation list is far smaller.")


class ParityTargetForm(forms.ModelForm):
    class Meta:
        model = ParityTarget
        fields = ["minimum_percent", "goal_percent", "decided_by"]
