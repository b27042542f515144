"""Pages of the plan stage: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core.history import history_of
from capdev.core.scoping import Action as Do
from capdev.lib.pages import apply_model_errors, filtered_list_page, form_page
from capdev.plan import charts, selectors, services
from capdev.plan.forms import ActionForm, IndicatorForm, PlanFilters, PlanForm, ResultForm


def _stage(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "plan", **context}


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    return filtered_list_page(
        request,
        PlanFilters(request.GET or None),
        selectors.plans_for_user,
        template="plan/plan_list.html",
        context=_stage({"can_create": services.plan_create_allowed(request.user)}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    if not services.plan_create_allowed(request.user):
        raise PermissionDenied
    chosen = [int(pk) for pk in request.GET.getlist("organisation") if pk.isdigit()]
    form = PlanForm(
        request.POST or None,
        user=request.user,
        organisations=chosen,
        initial={"organisations": chosen},
    )
    organisations = list(form.fields["organisations"].queryset.filter(pk__in=chosen))
    if organisations:
        form.initial["country"] = organisations[0].country_id
        form.initial["needs"] = [
            need.pk for need in form.fields["needs"].queryset.filter(organisation__in=chosen)
        ]
    return form_page(
        request,
        form,
        lambda data: services.plan_create(user=request.user, data=data),
        saved=_("Plan started."),
        refused=_("You may only plan with organisations inside your own scope."),
        next_url=lambda plan: reverse("plan:plan-detail", args=[plan.pk]),
        template="plan/plan_form.html",
        context=_stage(selectors.planning_context(request.user, organisations)),
    )


def _detail_context(request: HttpRequest, plan, **forms) -> dict[str, object]:  # type: ignore[no-untyped-def]
    user = request.user
    levels = selectors.theory_of_change(plan)
    return _stage(
        {
            "plan": plan,
            "levels": levels,
            "toc_chart": charts.theory_of_change(levels),
            "actions": plan.actions.select_related(
                "responsible_organisation", "responsible_office", "funding_source"
            ).prefetch_related("needs", "results"),
            "can_change": selectors.plan_allows(user, plan, Do.CHANGE),
            "can_sign_for_office": selectors.plan_allows(user, plan, Do.VALIDATE),
            "can_sign_for_constituents": services.signs_for_constituents(user, plan),
            "result_form": forms.get("result_form") or ResultForm(plan=plan),
            "indicator_form": forms.get("indicator_form") or IndicatorForm(plan=plan),
            "action_form": forms.get("action_form") or ActionForm(user=user, plan=plan),
            "history": history_of(plan),
            **selectors.planning_context(user, list(plan.organisations.all())),
        }
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, pk)
    return render(request, "plan/plan_detail.html", _detail_context(request, plan))


def _step(request: HttpRequest, pk: int, step, done: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    plan = selectors.plan_for_user(request.user, pk)
    try:  # a role that may not take this step gets 403
        step(plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("plan:plan-detail", pk=pk)


@login_required
@require_POST
def plan_sign(request: HttpRequest, pk: int, side: str) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda plan: services.plan_sign(user=request.user, plan=plan, side=side),
        _("Sign-off recorded."),
    )


@login_required
@require_POST
def plan_advance(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda plan: services.plan_advance(user=request.user, plan=plan),
        _("Plan status updated."),
    )


def _add(request: HttpRequest, pk: int, make_form, add, name: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Add a result or an action from the plan page; on errors, the page again, with them."""
    plan = selectors.plan_for_user(request.user, pk)
    if not selectors.plan_allows(request.user, plan, Do.CHANGE):
        raise PermissionDenied
    form = make_form(request.POST, plan)
    if form.is_valid():
        try:
            add(plan, form.cleaned_data)
        except ValidationError as error:
            apply_model_errors(form, error)
        else:
            return redirect("plan:plan-detail", pk=pk)
    context = _detail_context(request, plan, **{name: form})
    return render(request, "plan/plan_detail.html", context, status=400)


@login_required
@require_POST
def result_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(
        request,
        pk,
        lambda data, plan: ResultForm(data, plan=plan),
        lambda plan, data: services.result_add(user=request.user, plan=plan, data=data),
        "result_form",
    )


@login_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(
        request,
        pk,
        lambda data, plan: IndicatorForm(data, plan=plan),
        lambda plan, data: services.indicator_add(
            user=request.user, result=data["result"], data=data
        ),
        "indicator_form",
    )


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(
        request,
        pk,
        lambda data, plan: ActionForm(data, user=request.user, plan=plan),
        lambda plan, data: services.action_add(user=request.user, plan=plan, data=data),
        "action_form",
    )
