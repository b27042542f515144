"""Indicator pages of the monitor stage (§19–20): the list, one indicator with its targets,
measurements, totals and status, the definition form, targets and measurements recorded,
approved by a second person and deleted.

Thin: the reads are selectors.py's (shared with the API, api_indicators.py), the writes
services.py's, the chart charts.py's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core.history import history_of
from capdev.core.scoping import Action as Do
from capdev.core.scoping import may_administer_some, scoped
from capdev.lib.pages import (
    apply_model_errors,
    create_or_edit_page,
    is_htmx,
    paginate,
    render_list,
    valid_filters,
)
from capdev.monitor import services
from capdev.monitor.charts import indicator_chart
from capdev.monitor.forms import IndicatorFilters, IndicatorForm, MeasurementForm, TargetForm
from capdev.monitor.models import Disaggregation, Indicator, Measurement
from capdev.monitor.selectors import (
    disaggregation_label,
    figure_history,
    indicator_allows,
    indicator_for_user,
    indicator_list_for_user,
    indicator_report,
    indicator_rows,
    measurement_for_user,
)


def _stage(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "monitor", **context}


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    filters = IndicatorFilters(request.GET or None)
    chosen = {name: value for name, value in valid_filters(filters).items() if value}
    page = paginate(request, indicator_list_for_user(request.user, **chosen))
    page["page"].object_list = indicator_rows(request.user, list(page["page"].object_list))
    context = {
        "filters": filters,
        "can_create": may_administer_some(request.user, Indicator),
        **page,
    }
    return render_list(request, "monitor/indicator_list.html", _stage(context))


def _save_indicator(request: HttpRequest, indicator: Indicator | None) -> HttpResponse:
    user = request.user

    def update(indicator: Indicator, data: dict[str, Any]) -> Model:
        return services.indicator_update(user=user, indicator=indicator, data=data)

    back = (
        reverse("monitor:indicator-detail", args=[indicator.pk])
        if indicator
        else reverse("monitor:indicator-list")
    )
    return create_or_edit_page(
        request,
        indicator,
        IndicatorForm,
        form_kwargs={"user": user},
        create=lambda data: services.indicator_create(user=user, data=data),
        update=update,
        saved=_("Indicator saved."),
        refused=_(
            "You may only keep indicators of the plans you work on; P&B and strategy "
            "indicators are kept by HQ."
        ),
        next_url=lambda saved: reverse("monitor:indicator-detail", args=[saved.pk]),
        template="monitor/indicator_form.html",
        context=_stage({"indicator": indicator, "cancel_url": back}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest) -> HttpResponse:
    if not may_administer_some(request.user, Indicator):
        raise PermissionDenied
    return _save_indicator(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_indicator(request, indicator_for_user(request.user, pk, Do.CHANGE))


def _detail_context(request: HttpRequest, indicator: Indicator, **forms: Any) -> dict[str, object]:
    user = request.user
    report = indicator_report(indicator)
    can_change = indicator_allows(user, indicator, Do.CHANGE)
    can_approve = scoped(user, Measurement.objects.filter(indicator=indicator), Do.VALIDATE)
    return _stage(
        {
            "indicator": indicator,
            "report": report,
            "chart": indicator_chart(report),
            "results": scoped(user, indicator.results.select_related("plan")).order_by(
                "plan__title", "pk"
            ),
            "pb_outcomes": scoped(user, indicator.pb_outcomes.all()),
            "deliverables": scoped(user, indicator.deliverables.select_related("outcome")),
            "disaggregation_names": [
                Disaggregation(name).label
                for name in indicator.disaggregations or []
                if name in Disaggregation.values
            ],
            "can_change": can_change,
            "can_approve": can_approve.exists(),
            "target_form": forms.get("target_form")
            or (TargetForm(indicator=indicator) if can_change else None),
            "measurement_form": forms.get("measurement_form")
            or (MeasurementForm(indicator=indicator) if can_change else None),
            "history": history_of(indicator),
            "figure_history": figure_history(indicator),
        }
    )


@login_required
@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_for_user(request.user, pk)
    return render(request, "monitor/indicator_detail.html", _detail_context(request, indicator))


def _record(request: HttpRequest, pk: int, form_class: type, write: Any, name: str) -> HttpResponse:
    """Set a target or record a measurement from the indicator page; with errors, the page
    (or, for HTMX, the form's partial) again with each next to its field, nothing saved."""
    indicator = indicator_for_user(request.user, pk, Do.CHANGE)
    form = form_class(request.POST, indicator=indicator)
    if form.is_valid():
        try:
            write(user=request.user, indicator=indicator, data=form.cleaned_data)
        except ValidationError as error:
            apply_model_errors(form, error)
        else:
            done = _("Target saved.") if name == "target_form" else _("Measurement recorded.")
            messages.success(request, done)
            url = reverse("monitor:indicator-detail", args=[pk])
            if is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    if is_htmx(request):
        # 200 even with errors: htmx swaps only 2xx answers, and the errors sit in the partial.
        partial = name.replace("_", "-")
        context = _stage({"indicator": indicator, name: form, "can_change": True})
        return render(request, f"monitor/indicator_detail.html#{partial}", context)
    context = _detail_context(request, indicator, **{name: form})
    return render(request, "monitor/indicator_detail.html", context, status=400)


@login_required
@require_POST
def target_set(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(request, pk, TargetForm, services.target_set, "target_form")


@login_required
@require_POST
def measurement_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(request, pk, MeasurementForm, services.measurement_record, "measurement_form")


@login_required
@require_POST
def measurement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The Office approves a measurement someone else recorded: a role that may not approve
    gets 403; the recorder, a message saying why not."""
    measurement = measurement_for_user(request.user, pk, Do.VALIDATE)
    try:
        services.measurement_approve(user=request.user, measurement=measurement)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or _("You may not approve this measurement."))
    else:
        messages.success(
            request,
            _("Measurement of %(period)s approved.") % {"period": measurement.period},
        )
    url = reverse("monitor:indicator-detail", args=[measurement.indicator_id])
    return redirect(f"{url}#measurements")


@login_required
@require_http_methods(["GET", "POST"])
def measurement_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = measurement_for_user(request.user, pk, Do.ADMINISTER)
    if request.method == "POST":
        services.measurement_delete(user=request.user, measurement=measurement)
        messages.success(
            request,
            _("Measurement of %(period)s (%(what)s) deleted.")
            % {
                "period": measurement.period,
                "what": disaggregation_label(measurement.disaggregation),
            },
        )
        return redirect("monitor:indicator-detail", pk=measurement.indicator_id)
    context = {
        "measurement": measurement,
        "indicator": measurement.indicator,
        "what": disaggregation_label(measurement.disaggregation),
    }
    return render(request, "monitor/indicator_measurement_confirm_delete.html", _stage(context))
