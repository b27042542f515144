"""Forms of the monitor stage's indicator pages: the list's filters, an indicator's
definition, a target and a measurement.

A target or a measurement form offers the fields its indicator's type takes (a number, a
numerator and a denominator, or words) and leaves them optional: the model's
`figure_errors` says, in its own words, what is missing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.diagnose.models import Level
from capdev.lib.pages import with_blank
from capdev.monitor.models import Disaggregation, Indicator, disaggregation_keys
from capdev.monitor.scopes import KEEPERS
from capdev.monitor.selectors import disaggregation_label
from capdev.plan.models import Deliverable, PBOutcome, Result

FRAMEWORK_CHOICES = [
    ("plan", _("A plan's results")),
    ("pb", _("P&B outcomes")),
    ("strategy", _("Strategy deliverables")),
]


class IndicatorStatus(models.TextChoices):
    """What the list filters on: selectors.Status, or none while nothing can be compared."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NONE = "none", _("Not assessed yet")


STATUS_CHOICES = IndicatorStatus.choices
SORT_CHOICES = [
    ("code", _("Code")),
    ("name", _("Name")),
    ("level", _("Level")),
    ("status", _("Status: off track first")),
]


def disaggregation_choices(indicator: Indicator) -> list[tuple[str, str]]:
    keys = sorted(disaggregation_keys(indicator.disaggregations or []))
    return [(key, disaggregation_label(key)) for key in keys]


class IndicatorFilters(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Words of the code or the name.")
    )
    framework = forms.ChoiceField(
        label=_("Serves"), required=False, choices=with_blank(FRAMEWORK_CHOICES)
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=with_blank(Level.choices))
    measure = forms.ChoiceField(
        label=_("Type"), required=False, choices=with_blank(Indicator.Measure.choices)
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("indicator", "Status"),
        required=False,
        choices=with_blank(STATUS_CHOICES),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)


class IndicatorForm(forms.ModelForm):
    """An indicator's definition and the frameworks it serves. Only results of plans the
    user works on are offered; links beyond the user's sight are kept by the view."""

    disaggregations = forms.MultipleChoiceField(
        label=_("Disaggregations"),
        choices=Disaggregation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Targets and measurements may then be given for each value as well."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "level",
            "measure",
            "unit",
            "direction",
            "frequency",
            "disaggregations",
            "rationale",
            "verification",
            "responsible",
            "baseline_period",
            "baseline",
            "baseline_numerator",
            "baseline_denominator",
            "results",
            "pb_outcomes",
            "deliverables",
        ]
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "verification": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "baseline": _("For a number."),
            "baseline_numerator": _("For a percentage: the count, e.g. 12 of 40 people."),
            "baseline_denominator": _("For a percentage: the total it is a share of."),
            "baseline_period": _("A year (2025) or a biennium (2024-25)."),
            "results": _("Results of the plans you work on."),
        }

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = with_blank(Level.choices)
        self.fields["results"].queryset = scoped(
            user, Result.objects.select_related("plan"), Do.CHANGE
        ).order_by("plan__title", "level", "kind", "pk")
        self.fields["results"].label_from_instance = lambda r: f"{r.plan.title} — {r.statement}"
        self.fields["pb_outcomes"].queryset = scoped(user, PBOutcome.objects.all())
        self.fields["deliverables"].queryset = scoped(
            user, Deliverable.objects.select_related("outcome")
        )
        # The Office's staff who keep indicators (a constituent's account is never offered).
        staff = get_user_model().objects.filter(
            Q(grants__role__in=KEEPERS) | Q(pk__in=[user.pk, self.instance.responsible_id or 0])
        )
        self.fields["responsible"].queryset = staff.distinct().order_by("username")
        self.fields["responsible"].label_from_instance = lambda u: u.get_username()
        if self.instance.pk is None:
            self.initial.setdefault("responsible", user.pk)


class FigureForm(forms.Form):
    """A figure of an indicator for a period, in total or for one disaggregation."""

    prefix_name = "figure"

    period = forms.CharField(
        label=_("Period"), max_length=7, help_text=_("A year (2025) or a biennium (2024-25).")
    )
    disaggregation = forms.ChoiceField(label=_("For"), required=False)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, required=False)
    numerator = forms.DecimalField(
        label=_("Numerator"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("The count, e.g. 12 of 40 people."),
    )
    denominator = forms.DecimalField(
        label=_("Denominator"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("The total it is a share of."),
    )
    text = forms.CharField(
        label=_("In words"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        self.fields["disaggregation"].choices = disaggregation_choices(indicator)
        if len(self.fields["disaggregation"].choices) == 1:
            self.fields["disaggregation"].widget = forms.HiddenInput()
        keep = {
            Indicator.Measure.NUMBER: {"value"},
            Indicator.Measure.PERCENTAGE: {"numerator", "denominator"},
            Indicator.Measure.TEXT: {"text"},
        }[indicator.measure]
        for name in {"value", "numerator", "denominator", "text"} - keep:
            del self.fields[name]
        if indicator.unit and "value" in self.fields:
            self.fields["value"].label = _("Value (%(unit)s)") % {"unit": indicator.unit}


class TargetForm(FigureForm):
    prefix_name = "target"


class MeasurementForm(FigureForm):
    prefix_name = "measurement"

    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the figure comes from: a survey, a register, a report."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A document, a link or a note that shows the figure."),
    )
