"""Assessment pages: list, start, edit, score area by area (HTMX), results, participants,
the workflow, and marking priority needs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core.history import history_of
from capdev.core.scoping import Action, scoped
from capdev.diagnose import charts, selectors, services
from capdev.diagnose.forms import (
    AssessmentFilters,
    AssessmentForm,
    ParticipantForm,
)
from capdev.diagnose.models import (
    Area,
    Assessment,
    CapacityType,
    Item,
    Level,
    Need,
    Participant,
)
from capdev.diagnose.views.common import (
    organisation_initial,
    regions,
    stage_context,
)
from capdev.lib.pages import (
    apply_model_errors,
    create_or_edit_page,
    filtered_list_page,
    is_htmx,
)

# --- assessments ------------------------------------------------------------------------


def _instrument_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [(i.code, str(i)) for i in selectors.instruments_for_user(request.user)]


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    filters = AssessmentFilters(
        request.GET or None, regions=regions(request), instruments=_instrument_choices(request)
    )
    return filtered_list_page(
        request,
        filters,
        selectors.assessments_for_user,
        template="diagnose/assessment_list.html",
        context=stage_context({"can_create": services.assessment_create_allowed(request.user)}),
    )


def _save_assessment(request: HttpRequest, assessment: Assessment | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        assessment,
        AssessmentForm,
        form_kwargs={
            "initial": {} if assessment else organisation_initial(request),
            "user": request.user,
        },
        create=lambda data: services.assessment_create(user=request.user, data=data),
        update=lambda assessment, data: services.assessment_update(
            user=request.user, assessment=assessment, data=data
        ),
        saved=_("Assessment saved."),
        refused=_("You may only assess organisations inside your own scope."),
        next_url=lambda saved: reverse("diagnose:assessment-score", args=[saved.pk]),
        template="diagnose/assessment_form.html",
        context=stage_context({"assessment": assessment}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest) -> HttpResponse:
    if not services.assessment_create_allowed(request.user):
        raise PermissionDenied
    return _save_assessment(request, None)


def _assessment(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Assessment:
    assessment = selectors.assessment_for_user(request.user, pk)
    if action is not Action.VIEW and not selectors.assessment_allows(
        request.user, assessment, action
    ):
        raise PermissionDenied
    return assessment


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_assessment(request, _assessment(request, pk, Action.CHANGE))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.ADMINISTER)
    if request.method == "POST":
        try:
            services.assessment_delete(user=request.user, assessment=assessment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("diagnose:assessment-detail", pk=pk)
        messages.success(request, _("Assessment deleted."))
        return redirect("diagnose:assessment-list")
    context = {"assessment": assessment}
    return render(request, "diagnose/assessment_confirm_delete.html", stage_context(context))


def _assessment_context(request: HttpRequest, assessment: Assessment) -> dict[str, object]:
    user = request.user
    profile = selectors.assessment_profile(assessment)
    previous = profile.previous
    cells = {(c.level.value, c.type.value): c for c in profile.cells}
    return {
        "assessment": assessment,
        "profile": profile,
        "grid": [
            (level, [cells[(level.value, kind.value)] for kind in CapacityType]) for level in Level
        ],
        "types": CapacityType,
        "chart": charts.area_profile(
            profile.areas,
            previous_label=_("Previous (%(date)s)") % {"date": previous.date} if previous else None,
        ),
        "participants": assessment.participants.select_related("organisation"),
        "participant_form": ParticipantForm(user=user),
        "needs": assessment.needs.all(),
        "can_change": selectors.assessment_allows(user, assessment, Action.CHANGE),
        "can_delete": selectors.assessment_allows(user, assessment, Action.ADMINISTER),
        "can_validate": selectors.assessment_allows(user, assessment, Action.VALIDATE),
        "history": history_of(assessment),
    }


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    context = _assessment_context(request, assessment)
    return render(request, "diagnose/assessment_detail.html", stage_context(context))


@login_required
@require_GET
def assessment_score(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    sheet = selectors.scoring_sheet(assessment, request.GET.get("area", ""))
    context = {
        "assessment": assessment,
        "area": sheet.area,
        "rows": sheet.rows,
        "area_nav": sheet.area_nav,
        "area_marked": sheet.area_marked,
        "previous_area": sheet.previous_area,
        "next_area": sheet.next_area,
        "editable": assessment.status == Assessment.Status.DRAFT
        and selectors.assessment_allows(request.user, assessment, Action.CHANGE),
    }
    return render(request, "diagnose/assessment_score.html", stage_context(context))


def _parse_score(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError({"score": _("Choose a point of the scale.")}) from None


@login_required
@require_POST
def score_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Save one item's score, evidence and comment (HTMX, as the user goes)."""
    assessment = _assessment(request, pk, Action.CHANGE)
    item = get_object_or_404(Item.objects.filter(version_id=assessment.version_id), pk=item_pk)
    error = ""
    try:
        row = services.score_save(
            user=request.user,
            assessment=assessment,
            item=item,
            score=_parse_score(request.POST.get("score", "")),
            evidence=request.POST.get("evidence", "")[:5000],
            comment=request.POST.get("comment", "")[:5000],
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        row = None
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('diagnose:assessment-score', args=[pk])}?area={item.area.name}")
    assessment.refresh_from_db()
    sheet = selectors.scoring_sheet(assessment, item.area.name)
    [(_item, recorded, marked)] = [entry for entry in sheet.rows if entry[0].pk == item.pk]
    context = {
        "assessment": assessment,
        "item": item,
        "row": row or recorded,
        "marked": marked,
        "editable": assessment.status == Assessment.Status.DRAFT,
        "error": error,
        "saved": not error,
        "area": sheet.area,
        "area_nav": sheet.area_nav,
        "oob": True,
    }
    return render(request, "diagnose/assessment_score.html#item-and-progress", context)


def _workflow(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    action = {
        "submit": services.assessment_submit,
        "validate": services.assessment_validate,
        "reopen": services.assessment_reopen,
    }[step]
    done = {
        "submit": _("Assessment submitted for validation."),
        "validate": _("Assessment validated."),
        "reopen": _("Assessment sent back to draft."),
    }[step]
    try:  # a role that may not do this step gets 403 (PermissionDenied is not caught)
        action(user=request.user, assessment=assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("diagnose:assessment-detail", pk=pk)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "submit")


@login_required
@require_POST
def assessment_validate(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "validate")


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "reopen")


def _participants_response(
    request: HttpRequest, assessment: Assessment, form: ParticipantForm
) -> HttpResponse:
    if not is_htmx(request):
        if form.errors:
            messages.error(request, _("Participant not saved: correct the fields marked below."))
            context = _assessment_context(request, assessment) | {"participant_form": form}
            return render(
                request, "diagnose/assessment_detail.html", stage_context(context), status=400
            )
        return redirect("diagnose:assessment-detail", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "participants": assessment.participants.select_related("organisation"),
        "participant_form": form,
        "can_change": True,
    }
    return render(request, "diagnose/assessment_detail.html#participants", context)


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.CHANGE)
    form = ParticipantForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.participant_add(
                user=request.user, assessment=assessment, data=form.cleaned_data
            )
            form = ParticipantForm(user=request.user)
        except ValidationError as error:
            apply_model_errors(form, error)
    return _participants_response(request, assessment, form)


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.CHANGE)
    participant = get_object_or_404(
        scoped(request.user, Participant.objects.filter(assessment=assessment)), pk=participant_pk
    )
    services.participant_remove(user=request.user, participant=participant)
    return _participants_response(request, assessment, ParticipantForm(user=request.user))


@login_required
@require_POST
def need_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an item or a whole area of the assessment as a priority need."""
    assessment = _assessment(request, pk)
    item = area = None
    if request.POST.get("item", "").isdigit():
        item = get_object_or_404(Item, pk=request.POST["item"], version_id=assessment.version_id)
    elif request.POST.get("area", "").isdigit():
        area = get_object_or_404(Area, pk=request.POST["area"], version_id=assessment.version_id)
    priority = request.POST.get("priority", "")
    try:
        need = services.need_from_assessment(
            user=request.user,
            assessment=assessment,
            item=item,
            area=area,
            priority=int(priority) if priority in {"1", "2", "3"} else Need.Priority.HIGH,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnose:assessment-detail", pk=pk)
    if is_htmx(request):
        context = {"need": need, "target": f"item-{item.pk}" if item else f"area-{area.pk}"}
        return render(request, "diagnose/assessment_score.html#marked", context)
    messages.success(request, _("Marked as a priority need: %(title)s") % {"title": need.title})
    return redirect("diagnose:assessment-detail", pk=pk)
