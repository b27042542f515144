"""One participant of an activity: attendance, tests, satisfaction and the 3- and 6-month
follow-up (Kirkpatrick levels 1–3), and removing them from the activity."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver import selectors, services
from capdev.deliver.forms import ParticipationForm
from capdev.deliver.models import Participation
from capdev.deliver.views import stage_context
from capdev.lib.pages import form_page


def _get_participation_for_user(request: HttpRequest, pk: int, action: Do) -> Participation:
    """The participant record, or 404 outside the user's scope; 403 when seen but not
    `action`-able (a focal point sees their people, the Office records how it went)."""
    rows = selectors.participations_for_user(request.user).select_related(
        "person__organisation", "person__country"
    )
    try:
        participation = rows.get(pk=pk)
    except Participation.DoesNotExist:
        raise Http404 from None
    if not scoped(request.user, Participation.objects.filter(pk=pk), action).exists():
        raise PermissionDenied
    return participation


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _get_participation_for_user(request, pk, Do.CHANGE)
    back = reverse("deliver:activity-detail", args=[participation.activity_id])
    form = ParticipationForm(request.POST or None, instance=copy.copy(participation))
    return form_page(
        request,
        form,
        lambda data: services.participation_update(
            user=request.user, participation=participation, data=data
        ),
        saved=_("Participant record saved."),
        refused=_("You may only record participants inside your own scope."),
        next_url=lambda saved: back,
        template="deliver/participant_form.html",
        context=stage_context({"participation": participation, "cancel_url": back}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_delete(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _get_participation_for_user(request, pk, Do.ADMINISTER)
    if request.method == "POST":
        services.participation_delete(user=request.user, participation=participation)
        messages.success(
            request,
            _("%(name)s removed from the activity.") % {"name": participation.person.name},
        )
        return redirect("deliver:activity-detail", pk=participation.activity_id)
    context = {"participation": participation}
    return render(request, "deliver/participant_confirm_delete.html", stage_context(context))
