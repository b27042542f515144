from __future__ import annotations

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capdev.core.models import Country, Office, Organisation
from capdev.core.scoping import scoped
from capdev.diagnose.models import Need
from capdev.plan.models import (
    Action,
    CountryProgrammeOutcome,
    CrossCuttingDriver,
    FundingSource,
    PBOutcome,
    Plan,
    Result,
    ResultIndicator,
    SDGTarget,
)


class PlanForm(forms.ModelForm):
    drivers = forms.MultipleChoiceField(
        label=_("Cross-cutting drivers"),
        choices=CrossCuttingDriver.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Plan
        fields = [
            "title",
            "country",
            "organisations",
            "office",
            "start",
            "end",
            "needs",
            "programme_outcomes",
            "unsdcf_outcome",
            "pb_outcomes",
            "sdg_targets",
            "drivers",
            "notes",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: object, user: AbstractBaseUser, organisations: list[int], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        visible = scoped(user, Organisation.objects.select_related("country"))
        if organisations:  # planning from an organisation's needs: its country's constituents
            countries = visible.filter(pk__in=organisations).values("country")
            visible = visible.filter(country__in=countries)
        self.fields["country"].queryset = scoped(user, Country.objects.all())
        self.fields["organisations"].queryset = visible.order_by("country__name", "name")
        self.fields["office"].queryset = scoped(user, Office.objects.all()).order_by("name")
        self.fields["needs"].queryset = scoped(
            user,
            Need.objects.filter(organisation__in=visible, status=Need.Status.OPEN),
        ).select_related("organisation")
        self.fields["programme_outcomes"].queryset = scoped(
            user, CountryProgrammeOutcome.objects.select_related("programme")
        )
        self.fields["pb_outcomes"].queryset = scoped(user, PBOutcome.objects.all())
        self.fields["sdg_targets"].queryset = scoped(user, SDGTarget.objects.all())


class ResultForm(forms.ModelForm):
    class Meta:
        model = Result
        fields = ["level", "kind", "statement", "contributes_to"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"contributes_to": _("For an output: the outcomes it contributes to.")}

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contributes_to"].queryset = plan.results.filter(kind=Result.Kind.OUTCOME)
        self.fields["contributes_to"].label = _("Contributes to")


class IndicatorForm(forms.ModelForm):
    result = forms.ModelChoiceField(queryset=Result.objects.none(), label=_("Result"))

    class Meta:
        model = ResultIndicator
        fields = ["result", "name", "unit", "baseline", "target"]

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = plan.results.all()


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "title",
            "responsible_organisation",
            "responsible_office",
            "start",
            "end",
            "budget",
            "currency",
            "funding_source",
            "needs",
            "results",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: object, user: AbstractBaseUser, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = plan.needs.all()
        self.fields["results"].queryset = plan.results.all()
        # Offer only what the user sees: partners and offices are scoped like everything else.
        self.fields["responsible_organisation"].queryset = scoped(
            user, Organisation.objects.select_related("country")
        ).order_by("name")
        self.fields["responsible_office"].queryset = scoped(user, Office.objects.all()).order_by(
            "name"
        )
        self.fields["funding_source"].queryset = scoped(user, FundingSource.objects.all())


class PlanFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    country = forms.CharField(
        label=_("Country (ISO code)"), required=False, max_length=2, min_length=2
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        required=False,
        choices=[("", "—"), *Plan.Status.choices],
    )
