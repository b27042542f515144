"""The search page: one box over all knowledge, live results (HTMX), filters, pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from capdev.learn.selectors import search as selectors
from capdev.lib.pages import paginate, render_list, valid_filters


class SearchForm(forms.Form):
    """The query and its filters, shared by the page and the API."""

    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.TypedChoiceField(label=_("Country"), required=False, coerce=int)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int)
    group = forms.ChoiceField(label=_("Constituent group"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    type = forms.ChoiceField(label=_("Type of capacity"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in selectors.filter_choices(user).items():
            self.fields[name].choices = [("", _("Any"))] + [(str(v), label) for v, label in choices]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["autofocus"] = True

    def search_arguments(self) -> dict[str, object]:
        data = valid_filters(self) if self.is_bound else {}
        return {
            "kinds": [data["kind"]] if data.get("kind") else [],
            **{
                name: data.get(name) or None
                for name in ("country", "region", "group", "level", "type", "theme", "year")
            },
        }


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, user=request.user)
    arguments = form.search_arguments()
    text = (form.cleaned_data.get("q") if form.is_bound else "") or ""
    hits = selectors.search(request.user, text, **arguments) if text.strip() else []
    return render_list(
        request,
        "learn/search.html",
        {"stage": "learn", "form": form, "text": text.strip(), **paginate(request, hits)},
    )
