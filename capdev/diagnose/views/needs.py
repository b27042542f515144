"""The needs registry (§16) and its records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capdev.core.history import history_of
from capdev.core.scoping import Action, scoped
from capdev.diagnose import selectors, services
from capdev.diagnose.forms import (
    NeedFilters,
    NeedForm,
)
from capdev.diagnose.models import (
    Need,
)
from capdev.diagnose.views.common import (
    organisation_initial,
    regions,
    stage_context,
)
from capdev.lib.pages import (
    create_or_edit_page,
    filtered_list_page,
)

# --- needs ------------------------------------------------------------------------------


@login_required
@require_GET
def need_list(request: HttpRequest) -> HttpResponse:
    filters = NeedFilters(request.GET or None, regions=regions(request))
    return filtered_list_page(
        request,
        filters,
        selectors.needs_for_user,
        template="diagnose/need_list.html",
        context=stage_context({"can_create": services.need_create_allowed(request.user)}),
    )


def _save_need(request: HttpRequest, need: Need | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        need,
        NeedForm,
        form_kwargs={
            "initial": {} if need else organisation_initial(request),
            "user": request.user,
        },
        create=lambda data: services.need_create(user=request.user, data=data),
        update=lambda need, data: services.need_update(user=request.user, need=need, data=data),
        saved=_("Need saved."),
        refused=_("You may only record needs inside your own scope."),
        next_url=lambda saved: reverse("diagnose:need-detail", args=[saved.pk]),
        template="diagnose/need_form.html",
        context=stage_context({"need": need}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    if not services.need_create_allowed(request.user):
        raise PermissionDenied
    return _save_need(request, None)


def _need(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Need:
    need = selectors.need_for_user(request.user, pk)
    if (
        action is not Action.VIEW
        and not scoped(request.user, Need.objects.filter(pk=pk), action).exists()
    ):
        raise PermissionDenied
    return need


@login_required
@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(request, pk)
    user = request.user
    context = {
        "need": need,
        "can_change": scoped(user, Need.objects.filter(pk=pk), Action.CHANGE).exists(),
        "can_delete": scoped(user, Need.objects.filter(pk=pk), Action.ADMINISTER).exists(),
        "history": history_of(need),
    }
    return render(request, "diagnose/need_detail.html", stage_context(context))


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_need(request, _need(request, pk, Action.CHANGE))


@login_required
@require_http_methods(["GET", "POST"])
def need_delete(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(request, pk, Action.ADMINISTER)
    if request.method == "POST":
        services.need_delete(user=request.user, need=need)
        messages.success(request, _("Need “%(title)s” deleted.") % {"title": need.title})
        return redirect("diagnose:need-list")
    return render(request, "diagnose/need_confirm_delete.html", stage_context({"need": need}))
