"""Activity pages: the list, one activity with its participants and how it went, the
create/edit form, deletion; and the delivery partials the plan pages load (§5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capdev.core.history import history_of
from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver import selectors, services
from capdev.deliver.forms import ActivityFilters, ActivityForm, ParticipantSearch
from capdev.deliver.models import Activity, ParticipantImport, TargetGroup
from capdev.deliver.views import stage_context
from capdev.lib.pages import (
    create_or_edit_page,
    filtered_list_page,
    is_htmx,
    paginate,
    valid_filters,
)
from capdev.plan import selectors as plan_selectors
from capdev.plan.models import CrossCuttingDriver


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    return filtered_list_page(
        request,
        ActivityFilters(request.GET or None, user=request.user),
        selectors.activity_list_for_user,
        template="deliver/activity_list.html",
        context=stage_context({"can_create": services.activity_create_allowed(request.user)}),
    )


def get_activity_for_user(request: HttpRequest, pk: int, action: Do = Do.VIEW) -> Activity:
    """The activity, or 404 outside the user's scope; 403 when seen but not `action`-able."""
    activity = selectors.activity_for_user(request.user, pk)
    if action is not Do.VIEW and not selectors.activity_allows(request.user, activity, action):
        raise PermissionDenied
    return activity


def _save_activity(request: HttpRequest, activity: Activity | None) -> HttpResponse:
    initial = {}
    if activity is None and request.GET.get("action", "").isdigit():
        initial["actions"] = [int(request.GET["action"])]  # "deliver this action" from a plan
    return create_or_edit_page(
        request,
        activity,
        ActivityForm,
        form_kwargs={"initial": initial, "user": request.user},
        create=lambda data: services.activity_create(user=request.user, data=data),
        update=lambda activity, data: services.activity_update(
            user=request.user, activity=activity, data=data
        ),
        saved=_("Activity saved."),
        refused=_("You may only organise activities inside your own scope."),
        next_url=lambda saved: reverse("deliver:activity-detail", args=[saved.pk]),
        template="deliver/activity_form.html",
        context=stage_context({"activity": activity}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    if not services.activity_create_allowed(request.user):
        raise PermissionDenied
    return _save_activity(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_activity(request, get_activity_for_user(request, pk, Do.CHANGE))


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request, pk, Do.ADMINISTER)
    if request.method == "POST":
        try:
            services.activity_delete(user=request.user, activity=activity)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("deliver:activity-detail", pk=pk)
        messages.success(request, _("Activity “%(title)s” deleted.") % {"title": activity.title})
        return redirect("deliver:activity-list")
    context = {"activity": activity, "participants": activity.participations.count()}
    return render(request, "deliver/activity_confirm_delete.html", stage_context(context))


def _participants(request: HttpRequest, activity: Activity) -> dict[str, object]:
    """The activity's participants the user sees, searched and paged."""
    search = ParticipantSearch(request.GET or None)
    rows = (
        selectors.participations_for_user(request.user)
        .filter(activity=activity)
        .select_related("person__organisation")
        .order_by("person__name", "pk")
    )
    for word in valid_filters(search).get("q", "").split():
        rows = rows.filter(
            Q(person__name__icontains=word)
            | Q(person__position__icontains=word)
            | Q(person__organisation__name__icontains=word)
        )
    return {"search": search, **paginate(request, rows)}


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request, pk)
    user = request.user
    can_change = selectors.activity_allows(user, activity, Do.CHANGE)
    context = {
        "activity": activity,
        "can_change": can_change,
        **_participants(request, activity),
    }
    if is_htmx(request):  # searching or paging the participant table
        return render(request, "deliver/activity_detail.html#participants", context)
    seen = selectors.participations_for_user(user).filter(activity=activity)
    context |= {
        "can_delete": selectors.activity_allows(user, activity, Do.ADMINISTER),
        "counts": selectors.sex_counts(seen),
        "kirkpatrick": selectors.kirkpatrick(seen),
        "actions": scoped(user, activity.actions.select_related("plan")),
        "target_groups": [TargetGroup(v).label for v in activity.target_groups],
        "drivers": [CrossCuttingDriver(v).label for v in activity.drivers],
        "imports": scoped(user, ParticipantImport.objects.filter(activity=activity)).select_related(
            "created_by"
        )[:20],
        "history": history_of(activity),
    }
    return render(request, "deliver/activity_detail.html", stage_context(context))


# --- what the plan pages load from here (the stack: plan knows nothing of deliver) --------


@login_required
@require_GET
def plan_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's delivery: progress, each action's activities, participants by sex. The plan
    page loads it as a partial; without JavaScript its link opens it as a page."""
    plan = plan_selectors.plan_for_user(request.user, pk)
    context = {
        "plan": plan,
        "delivery": selectors.plan_delivery(request.user, plan),
        "can_create": services.activity_create_allowed(request.user)
        and plan.status in services.DELIVERING,
    }
    if is_htmx(request):
        return render(request, "deliver/activity_plan_delivery.html#delivery", context)
    return render(request, "deliver/activity_plan_delivery.html", stage_context(context))


@login_required
@require_GET
def past_activities(request: HttpRequest) -> HttpResponse:
    """What was delivered to some organisations (`?organisation=ID`, repeated): the feedback
    loop of the planning pages."""
    ids = [int(pk) for pk in request.GET.getlist("organisation") if pk.isdigit()][:50]
    context = {"activities": selectors.past_activities_for_user(request.user, ids)}
    if is_htmx(request):
        return render(request, "deliver/activity_past_list.html#past-activities", context)
    return render(request, "deliver/activity_past_list.html", stage_context(context))
