"""The capacity-change dashboards: global (narrowed by region to a regional one), country
(tripartite) and organisation, and the organisations behind each figure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from capdev.core import selectors as core_selectors
from capdev.lib.pages import paginate, render_list
from capdev.monitor import charts, dashboards
from capdev.monitor.capacity import COMPLETE_SHARE
from capdev.monitor.forms_dashboards import (
    CapacityFilterForm,
    SubsetForm,
    dimension_label,
    grid_cell_labels,
)

SUBSET_LABELS = {
    "assessed": _("Organisations with at least one submitted or validated assessment."),
    "cohort": _("Organisations assessed twice or more: the cohort whose change is measured."),
    "improved": _("Organisations of the cohort whose latest score is above their baseline."),
    "declined": _("Organisations of the cohort whose latest score is below their baseline."),
    "missing": _("Tripartite organisations never assessed."),
    "stale": _("Organisations whose latest assessment is older than three years."),
    "incomplete": _(
        "Organisations whose latest assessment has under %(share)s%% of its items scored."
    ),
    "outliers": _(
        "Organisations whose change lies far from the others’: a modified z-score above 3.5."
    ),
}


def _context(**context: object) -> dict[str, object]:
    return {"stage": "monitor", **context}


def _queries(request: HttpRequest) -> dict[str, str]:
    """The filters as query strings for the links to the organisations behind a figure: all
    of them, and without the one a table's rows set themselves."""

    def without(*names: str) -> str:
        query = request.GET.copy()
        for name in ("page", "subset", *names):
            query.pop(name, None)
        return query.urlencode()

    return {
        "behind": without(),
        "behind_without_group": without("group"),
        "behind_without_place": without("region", "country") + _place_prefix(request),
    }


def _place_prefix(request: HttpRequest) -> str:
    """Rows by country keep the region they were listed under."""
    region = request.GET.get("region", "")
    return f"&region={region}" if region else ""


def _form(request: HttpRequest, form_class: type[CapacityFilterForm] = CapacityFilterForm):  # type: ignore[no-untyped-def]
    form = form_class(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.filters()


@login_required
@require_GET
def capacity(request: HttpRequest) -> HttpResponse:
    form, filters = _form(request)
    context = _context(form=form, **_queries(request))
    if filters is not None:
        dashboard = dashboards.capacity_dashboard(request.user, filters)
        context |= {"dashboard": dashboard, "charts": charts.capacity_charts(dashboard)}
        if filters.region:
            context["region"] = next(
                (label for code, label in form.fields["region"].choices if code == filters.region),
                "",
            )
    response = render_list(request, "monitor/capacity.html", context)
    if filters is None:
        response.status_code = 400
    return response


@login_required
@require_GET
def country(request: HttpRequest, iso3: str) -> HttpResponse:
    place = core_selectors.country_for_user(request.user, iso3)  # 404 outside scope
    form, filters = _form(request)
    context = _context(form=form, country=place, **_queries(request))
    context["behind"] += f"&country={place.iso_alpha3}"
    context["behind_without_group"] += f"&country={place.iso_alpha3}"
    if filters is not None:
        dashboard = dashboards.country_dashboard(request.user, place, filters)
        context |= {
            "dashboard": dashboard,
            "charts": charts.capacity_charts(dashboard.capacity),
            "grid_cells": grid_cell_labels(),
        }
    response = render_list(request, "monitor/country.html", context)
    if filters is None:
        response.status_code = 400
    return response


@login_required
@require_GET
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    subject = core_selectors.organisation_for_user(request.user, pk)  # 404 outside scope
    dashboard = dashboards.organisation_dashboard(request.user, subject)
    context = _context(
        organisation=subject,
        dashboard=dashboard,
        movements=[(dimension_label(m.dimension), m) for m in dashboard.movements],
        chart=charts.organisation_series(dashboard) if dashboard.series else None,
    )
    return render(request, "monitor/organisation.html", context)


@login_required
@require_GET
def organisations_behind(request: HttpRequest) -> HttpResponse:
    form, filters = _form(request, SubsetForm)
    context = _context(form=form)
    if filters is not None:
        subset = form.cleaned_data["subset"]
        rows = dashboards.organisations_behind(request.user, filters, subset)
        context |= {
            "subset": subset,
            "subset_label": SUBSET_LABELS[subset] % {"share": round(100 * COMPLETE_SHARE)},
            "total": len(rows),
            **paginate(request, rows),
        }
    response = render(request, "monitor/organisations_behind.html", context)
    if filters is None:
        response.status_code = 400
    return response
