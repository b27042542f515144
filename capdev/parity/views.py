"""Pages of gender parity (§10): the overview, meetings and their delegations, the import of
a delegation list, the parity target, and the groups that need help."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capdev.core.history import history_of
from capdev.core.scoping import Action
from capdev.lib.pages import (
    create_or_edit_page,
    filtered_list_page,
    form_page,
    valid_filters,
)
from capdev.parity import charts, selectors, services
from capdev.parity.delegations_import import DelegationsInvalid, import_delegations
from capdev.parity.forms import (
    DelegationListForm,
    DelegationSearch,
    MeetingFilters,
    MeetingForm,
    ParityFilters,
    ParityTargetForm,
)
from capdev.parity.models import Meeting, ParityTarget
from capdev.parity.selectors import Filters, Target


def stage_context(context: Mapping[str, object]) -> dict[str, object]:
    # Parity sits beside the cycle; its figures are monitored, so the navigation shows Monitor.
    return {"stage": "monitor", **context}


def _filters(request: HttpRequest) -> tuple[ParityFilters, Filters]:
    form = ParityFilters(request.GET or None)
    return form, Filters.of(valid_filters(form))


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The overview: shares of women by group, region and session, the trend, and how many
    delegations reach the minimum and the goal, with the threshold drawn on every chart."""
    user = request.user
    form, filters = _filters(request)
    target = Target.current()
    groups = selectors.share_by_group(user, filters)
    regions = selectors.share_by_region(user, filters)
    sessions = selectors.share_by_session(user, filters)
    points = selectors.trend(user, filters)
    states = selectors.share_by_state(user, filters)
    context = {
        "filters": form,
        "target": target,
        "groups": groups,
        "regions": regions,
        "sessions": sessions,
        "trend": points,
        "states": sorted(states, key=lambda s: (s.share or 0, s.label)),
        "counts": selectors.delegation_counts(user, filters, target),
        "charts": {
            "groups": charts.share_bars(groups, target, _("Group")),
            "regions": charts.share_bars(regions, target, _("Region")),
            "sessions": charts.session_bars(sessions, target),
            "trend": charts.trend_lines(points, target),
        },
        "has_data": any(s.total for s in sessions),
        "can_change_target": selectors.target_allows_change(user),
    }
    return render(request, "parity/home.html", stage_context(context))


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    return filtered_list_page(
        request,
        MeetingFilters(request.GET or None),
        selectors.meeting_list_for_user,
        template="parity/meeting_list.html",
        context=stage_context(
            {
                "can_create": services.meeting_create_allowed(request.user),
                "target": Target.current(),
            }
        ),
    )


def _save_meeting(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        meeting,
        MeetingForm,
        create=lambda data: services.meeting_create(user=request.user, data=data),
        update=lambda meeting, data: services.meeting_update(
            user=request.user, meeting=meeting, data=data
        ),
        saved=_("Meeting saved."),
        refused=_("Meetings are recorded by HQ."),
        next_url=lambda saved: reverse("parity:meeting-detail", args=[saved.pk]),
        template="parity/meeting_form.html",
        context=stage_context({"meeting": meeting}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not services.meeting_create_allowed(request.user):
        raise PermissionDenied
    return _save_meeting(request, None)


def get_meeting_for_user(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Meeting:
    """The meeting (404 for an account without any grant); 403 when it may not `action`."""
    meeting = selectors.meeting_for_user(request.user, pk)
    if action is not Action.VIEW and not selectors.meeting_allows(request.user, meeting, action):
        raise PermissionDenied
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_meeting(request, get_meeting_for_user(request, pk, Action.CHANGE))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk, Action.ADMINISTER)
    if request.method == "POST":
        services.meeting_delete(user=request.user, meeting=meeting)
        messages.success(request, _("Meeting “%(name)s” deleted.") % {"name": meeting.name})
        return redirect("parity:meeting-list")
    context = {"meeting": meeting, "members": meeting.members.count()}
    return render(request, "parity/meeting_confirm_delete.html", stage_context(context))


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting's delegations by member State (as far as the reader sees them), each with
    women / people by group and a badge when it reaches the minimum or the goal."""
    meeting = get_meeting_for_user(request, pk)
    user = request.user
    search = DelegationSearch(request.GET or None)
    chosen = valid_filters(search)
    filters = Filters(meeting=meeting.pk, group=chosen.get("group") or "")
    rows = selectors.delegations(user, filters)
    for word in (chosen.get("q") or "").casefold().split():
        rows = [
            r
            for r in rows
            if word in r.country.localized_name().casefold()
            or word in (r.country.iso_alpha3.casefold(), r.country.iso_alpha2.casefold())
        ]
    target = Target.current()
    context = {
        "meeting": meeting,
        "search": search,
        "rows": rows,
        "target": target,
        "counts": selectors.delegation_counts(user, filters, target),
        "groups": selectors.share_by_group(user, filters),
        "roles": selectors.meeting_roles(user, meeting),
        "imports": selectors.imports_for_user(user, meeting)[:10],
        "can_change": selectors.meeting_allows(user, meeting, Action.CHANGE),
        "can_delete": selectors.meeting_allows(user, meeting, Action.ADMINISTER),
        "history": history_of(meeting),
    }
    return render(request, "parity/meeting_detail.html", stage_context(context))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a meeting's delegation by a CSV or XLSX list, all or nothing."""
    meeting = get_meeting_for_user(request, pk, Action.CHANGE)
    form = DelegationListForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_delegations(
                user=request.user, meeting=meeting, file=upload, file_name=upload.name
            )
        except DelegationsInvalid as error:
            problems = error.problems
        except PermissionDenied:
            form.add_error(None, _("Delegation lists are imported by HQ."))
        else:
            messages.success(request, result.summary())
            for note in result.notes:
                messages.info(request, note)
            return redirect("parity:meeting-detail", pk=meeting.pk)
    status = 400 if form.errors or problems else 200
    context = {"meeting": meeting, "form": form, "problems": problems}
    return render(request, "parity/meeting_import.html", stage_context(context), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def target(request: HttpRequest) -> HttpResponse:
    """The parity target: everyone sees it; HQ and administrators change it."""
    can_change = services.target_change_allowed(request.user)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    current = ParityTarget.objects.order_by("pk").first()
    context = stage_context(
        {
            "target": Target.current(),
            "can_change": can_change,
            "history": history_of(current) if current else [],
        }
    )
    if not can_change:
        return render(request, "parity/target.html", context)
    form = ParityTargetForm(request.POST or None, instance=current or ParityTarget())

    def save(data: dict[str, object]) -> ParityTarget:
        return services.target_update(user=request.user, data=data)

    return form_page(
        request,
        form,
        save,
        saved=_("Parity target saved: every figure is now measured against it."),
        refused=_("The parity target is set by HQ."),
        next_url=lambda saved: reverse("parity:target"),
        template="parity/target.html",
        context=context,
    )


@login_required
@require_GET
def help_needed(request: HttpRequest) -> HttpResponse:
    """The groups under the minimum over the recent sessions, the parity workshops offered to
    them, and participation in all activities by sex."""
    user = request.user
    form, filters = _filters(request)
    target = Target.current()
    recent = selectors.recent_meetings(user, filters)
    by = {
        name: selectors.participation_by_sex(
            user,
            name,
            first_year=filters.first_year,
            last_year=filters.last_year,
            region=filters.region,
            group=filters.group,
        )
        for name in ("year", "region", "group")
    }
    context = {
        "filters": form,
        "target": target,
        "recent": recent,
        "needing": selectors.groups_needing_help(user, filters, target),
        "participation": by,
        "participation_chart": charts.participation_bars(by["year"], _("Year")),
    }
    return render(request, "parity/help.html", stage_context(context))
