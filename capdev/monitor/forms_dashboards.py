"""The filters of the capacity dashboards, shared by the pages and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from capdev.core.models import ConstituentGroup, Region
from capdev.diagnose.models import GRID_CELLS, CapacityType, Level, Theme
from capdev.lib.pages import with_blank
from capdev.monitor.dashboards import SUBSETS, CapacityFilters
from capdev.monitor.models import CapacityFact, cell_dimension, theme_dimension


def grid_cell_labels() -> list[tuple[str, str]]:
    """(dimension, "Level · Type") of the six grid cells, in grid order."""
    return [
        (cell_dimension(level, kind), f"{Level(level).label} · {CapacityType(kind).label}")
        for level, kind in GRID_CELLS
    ]


def dimension_label(dimension: str) -> str:
    return str(dict(grid_cell_labels() + theme_labels()).get(dimension, _("Overall score")))


def theme_labels() -> list[tuple[str, str]]:
    return [(theme_dimension(theme.value), str(theme.label)) for theme in Theme]


def dimension_choices() -> list[tuple[str, object]]:
    """Overall, then the six grid cells and the themes, grouped for a <select>."""
    cells = grid_cell_labels()
    themes = theme_labels()
    return [
        (CapacityFact.OVERALL, _("Overall score")),
        (_("Grid cell"), cells),
        (_("Theme"), themes),
    ]


class CapacityFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    group = forms.ChoiceField(
        label=_("Constituent group"), required=False, choices=with_blank(ConstituentGroup.choices)
    )
    dimension = forms.ChoiceField(label=_("Capacity measured"), required=False)
    as_of = forms.IntegerField(
        label=_("As at the end of"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("A year: assessments after it are left out."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        regions = [(r.code, str(r)) for r in Region.objects.order_by("name")]
        self.fields["region"].choices = with_blank(regions)
        self.fields["dimension"].choices = dimension_choices()

    def filters(self, **fixed: object) -> CapacityFilters:
        """The filters chosen (call after is_valid); `fixed` ones (a country) override."""
        data = self.cleaned_data if self.is_bound else {}
        chosen = {
            "region": data.get("region") or "",
            "group": data.get("group") or "",
            "dimension": data.get("dimension") or CapacityFact.OVERALL,
            "as_of": data.get("as_of"),
        }
        return CapacityFilters(**{**chosen, **fixed})


class SubsetForm(CapacityFilterForm):
    country = forms.CharField(required=False, max_length=3)
    subset = forms.ChoiceField(choices=[(s, s) for s in SUBSETS], initial="assessed")

    def filters(self, **fixed: object) -> CapacityFilters:
        return super().filters(country=(self.cleaned_data.get("country") or "").upper(), **fixed)
