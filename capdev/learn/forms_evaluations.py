"""Forms of the evaluation pages: evaluations with their ratings, documents,
recommendations, management responses and follow-up actions; the list and tracker filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from capdev.core.models import Country, Office, Organisation, Region
from capdev.core.scoping import scoped
from capdev.deliver.models import Activity
from capdev.diagnose.models import Theme
from capdev.learn.documents import MAX_DOCUMENT_BYTES
from capdev.learn.models import (
    Criterion,
    Evaluation,
    FollowUpAction,
    ManagementResponse,
    Rating,
    Recommendation,
)
from capdev.lib.pages import with_blank
from capdev.plan.models import FundingSource, Plan

DATE = forms.DateInput(attrs={"type": "date"})


class EvaluationForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Evaluation
        fields = [
            "title",
            "kind",
            "evaluator",
            "managed_by",
            "start",
            "end",
            "summary",
            "countries",
            "organisations",
            "plans",
            "activities",
            "funding_sources",
            "themes",
        ]
        widgets = {"start": DATE, "end": DATE, "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "countries": _(
                "The countries of the organisations chosen are added. Leave both empty for a "
                "strategic or thematic evaluation, which everyone sees."
            ),
        }

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = scoped(user, Country.objects.all())
        self.fields["organisations"].queryset = scoped(user, Organisation.objects.all())
        self.fields["managed_by"].queryset = scoped(user, Office.objects.all())
        self.fields["plans"].queryset = scoped(user, Plan.objects.all())
        self.fields["activities"].queryset = scoped(user, Activity.objects.all())
        self.fields["funding_sources"].queryset = scoped(user, FundingSource.objects.all())
        current = (
            {r.criterion: r.rating for r in self.instance.ratings.all()} if self.instance.pk else {}
        )
        for value, label in Criterion.choices:
            self.fields[f"rating_{value}"] = forms.TypedChoiceField(
                label=label,
                choices=with_blank(Rating.choices, str(_("Not rated"))),
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.get(value),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["ratings"] = {value: data.pop(f"rating_{value}", None) for value in Criterion.values}
        return data


class EvaluationFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=with_blank(Evaluation.Kind.choices), required=False
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-start", _("Newest first")),
            ("start", _("Oldest first")),
            ("title", _("Title A–Z")),
            ("-title", _("Title Z–A")),
            ("kind", _("Kind")),
        ],
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = scoped(user, Country.objects.all())
        self.fields["region"].queryset = scoped(user, Region.objects.all())


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF or DOCX document, up to %(size)s MB.")
        % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _("This file is larger than %(size)s MB.")
                % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
            )
        return upload


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["number", "text", "priority", "addressed_to"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"number": _("Left empty, the next number is used.")}

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["addressed_to"].queryset = scoped(user, Office.objects.order_by("name"))


class ResponseForm(forms.ModelForm):
    class Meta:
        model = ManagementResponse
        fields = ["decision", "reasons"]
        widgets = {"reasons": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"reasons": _("Required unless the recommendation is accepted.")}


class ActionForm(forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "unit", "due", "status", "note"]
        widgets = {
            "due": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, user: AbstractBaseUser, progress_only: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(user, Office.objects.order_by("name"))
        if progress_only:  # the unit's own staff: status and note
            for name in ("description", "unit", "due"):
                del self.fields[name]


class TrackerFilters(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Office.objects.order_by("name"), required=False
    )
    status = forms.ChoiceField(
        label=_("Action status"),
        choices=with_blank(FollowUpAction.Status.choices),
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(user, Office.objects.order_by("name"))
