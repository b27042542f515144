"""Pages of the diagnose stage: parse, call a selector or service, render."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core import selectors as core_selectors
from capdev.core.history import history_of
from capdev.core.scoping import Action, may_administer_some, scoped
from capdev.diagnose import charts, selectors, services
from capdev.diagnose.forms import (
    AssessmentFilters,
    AssessmentForm,
    InstrumentUploadForm,
    ItemForm,
    NeedFilters,
    NeedForm,
    ParticipantForm,
    SubmissionsUploadForm,
)
from capdev.diagnose.models import (
    GRID_CELLS,
    Area,
    Assessment,
    CapacityType,
    Instrument,
    InstrumentVersion,
    Item,
    Level,
    Need,
    Participant,
)
from capdev.diagnose.submissions import SubmissionsInvalid, import_submissions
from capdev.diagnose.xlsform import XLSFormInvalid, export_xform, export_xlsform
from capdev.lib.pages import (
    apply_model_errors,
    form_page,
    is_htmx,
    paginate,
    render_list,
    valid_filters,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _regions(request: HttpRequest) -> list[tuple[str, str]]:
    return [(r.code, str(r)) for r in core_selectors.regions_for_user(request.user)]


def _stage(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "diagnose", **context}


# --- overview ---------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assessments = selectors.assessments_for_user(user)
    context = {
        "recent": assessments[:8],
        "by_status": [(s.label, assessments.filter(status=s).count()) for s in Assessment.Status],
        "open_needs": selectors.needs_for_user(user, status=Need.Status.OPEN).count(),
        "instrument_count": selectors.instruments_for_user(user).count(),
        "can_assess": services.assessment_create_allowed(user),
        "levels": Level,
        "types": CapacityType,
    }
    return render(request, "diagnose/home.html", _stage(context))


# --- instruments ------------------------------------------------------------------------


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    context = {
        "instruments": selectors.instruments_for_user(request.user),
        "can_import": services.instrument_import_allowed(request.user),
    }
    return render(request, "diagnose/instrument_list.html", _stage(context))


@login_required
@require_http_methods(["GET", "POST"])
def instrument_import(request: HttpRequest) -> HttpResponse:
    if not services.instrument_import_allowed(request.user):
        raise PermissionDenied
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.instrument_import(
                user=request.user,
                data=form.cleaned_data["file"],
                source_name=request.FILES["file"].name,
                publish=form.cleaned_data["publish"],
            )
        except XLSFormInvalid as error:
            problems = error.problems
            form.add_error("file", _("This workbook is not a valid instrument; see below."))
        else:
            messages.success(request, _import_message(result))
            return redirect(_version_url(result.version.instrument_id, result.version.number))
    status = 400 if form.errors else 200
    context = {"form": form, "problems": problems}
    return render(request, "diagnose/instrument_import.html", _stage(context), status=status)


def _import_message(result: services.InstrumentImport) -> str:
    messages_by_outcome = {
        "created": _("Instrument created: version %(n)d."),
        "new version": _("New draft version %(n)d created."),
        "replaced": _("Draft version %(n)d replaced with the workbook's content."),
        "unchanged": _("The workbook is identical to version %(n)d: nothing changed."),
    }
    return messages_by_outcome[result.outcome] % {"n": result.version.number}


def _version_url(instrument_id: int, number: int) -> str:
    return f"{reverse('diagnose:instrument-detail', args=[instrument_id])}?version={number}"


def _version(request: HttpRequest, instrument: Instrument) -> InstrumentVersion:
    """`?version=N`, or the version people use now (see selectors.version_of)."""
    wanted = request.GET.get("version", "")
    if wanted and not wanted.isdigit():
        raise Http404
    return selectors.version_of(instrument, int(wanted) if wanted else None)


@login_required
@require_GET
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.instrument_for_user(request.user, pk)
    version = _version(request, instrument)
    can_change = scoped(request.user, Instrument.objects.filter(pk=pk), Action.CHANGE).exists()
    context = {
        "instrument": instrument,
        "version": version,
        "versions": instrument.versions.all(),
        "areas": selectors.version_content(version),
        "can_change": can_change,
        "submissions_form": SubmissionsUploadForm(),
        "history": history_of(instrument),
    }
    return render(request, "diagnose/instrument_detail.html", _stage(context))


def _changeable_instrument(request: HttpRequest, pk: int) -> Instrument:
    instrument = selectors.instrument_for_user(request.user, pk)
    if not scoped(request.user, Instrument.objects.filter(pk=pk), Action.CHANGE).exists():
        raise PermissionDenied
    return instrument


@login_required
@require_POST
def version_publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    instrument = _changeable_instrument(request, pk)
    version = get_object_or_404(instrument.versions, number=number)
    try:
        services.version_publish(user=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(n)d published.") % {"n": number})
    return redirect(_version_url(pk, number))


@login_required
@require_POST
def version_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _changeable_instrument(request, pk)
    draft = services.version_new_draft(user=request.user, instrument=instrument)
    messages.success(request, _("Draft version %(n)d is ready to edit.") % {"n": draft.number})
    return redirect(_version_url(pk, draft.number))


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        scoped(request.user, Item.objects.select_related("version__instrument", "area")), pk=pk
    )
    instrument = _changeable_instrument(request, item.version.instrument_id)
    if item.version.is_published:
        messages.error(request, _("A published version never changes: start a new draft first."))
        return redirect(_version_url(instrument.pk, item.version.number))
    form = ItemForm(request.POST or None, instance=copy.copy(item))
    back = _version_url(instrument.pk, item.version.number)
    return form_page(
        request,
        form,
        lambda data: services.item_update(user=request.user, item=item, data=form.service_data()),
        saved=_("Item saved."),
        refused=_("Only HQ and administrators maintain instruments."),
        next_url=lambda saved: back,
        template="diagnose/item_form.html",
        context=_stage({"item": item, "instrument": instrument, "cancel_url": back}),
    )


@login_required
@require_GET
def version_download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    instrument = selectors.instrument_for_user(request.user, pk)
    version = get_object_or_404(instrument.versions, number=number)
    if fmt not in {"xlsx", "xml"}:
        raise Http404
    spec = services.spec_of(version)
    if fmt == "xlsx":
        response = HttpResponse(export_xlsform(spec, number), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(export_xform(spec, number), content_type="application/xml")
    filename = f"{instrument.code}-v{number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def submissions_import(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    instrument = selectors.instrument_for_user(request.user, pk)
    version = get_object_or_404(instrument.versions, number=number)
    if not services.assessment_create_allowed(request.user):
        raise PermissionDenied
    form = SubmissionsUploadForm(request.POST, request.FILES)
    errors, report = [], None
    if form.is_valid():
        try:
            report = import_submissions(
                user=request.user, version=version, data=form.cleaned_data["file"]
            )
        except SubmissionsInvalid as error:
            errors = error.errors
    status = 400 if errors or form.errors else 200
    context = {
        "instrument": instrument,
        "version": version,
        "form": form,
        "errors": errors,
        "report": report,
    }
    return render(request, "diagnose/submissions_report.html", _stage(context), status=status)


# --- assessments ------------------------------------------------------------------------


def _instrument_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [(i.code, str(i)) for i in selectors.instruments_for_user(request.user)]


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    filters = AssessmentFilters(
        request.GET or None, regions=_regions(request), instruments=_instrument_choices(request)
    )
    values = valid_filters(filters)
    assessments = selectors.assessments_for_user(
        request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        country=values.get("country", ""),
        group=values.get("group", ""),
        instrument=values.get("instrument", ""),
        status=values.get("status", ""),
        mode=values.get("mode", ""),
        sort=values.get("sort") or "-date",
    )
    context = {
        "filters": filters,
        **paginate(request, assessments),
        "can_create": services.assessment_create_allowed(request.user),
    }
    return render_list(request, "diagnose/assessment_list.html", _stage(context))


def _organisation_initial(request: HttpRequest) -> dict[str, int]:
    """`?organisation=ID` preselects the organisation of a new assessment or need."""
    wanted = request.GET.get("organisation", "")
    return {"organisation": int(wanted)} if wanted.isdigit() else {}


def _save_assessment(request: HttpRequest, assessment: Assessment | None) -> HttpResponse:
    form = AssessmentForm(
        request.POST or None,
        instance=copy.copy(assessment) if assessment else None,
        initial={} if assessment else _organisation_initial(request),
        user=request.user,
    )

    def save(data: dict) -> Assessment:
        if assessment is None:
            return services.assessment_create(user=request.user, data=data)
        return services.assessment_update(user=request.user, assessment=assessment, data=data)

    return form_page(
        request,
        form,
        save,
        saved=_("Assessment saved."),
        refused=_("You may only assess organisations inside your own scope."),
        next_url=lambda saved: reverse("diagnose:assessment-score", args=[saved.pk]),
        template="diagnose/assessment_form.html",
        context=_stage({"assessment": assessment}),
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
    return render(request, "diagnose/assessment_confirm_delete.html", _stage(context))


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
    return render(request, "diagnose/assessment_detail.html", _stage(context))


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
    return render(request, "diagnose/assessment_score.html", _stage(context))


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
            return render(request, "diagnose/assessment_detail.html", _stage(context), status=400)
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


# --- needs ------------------------------------------------------------------------------


@login_required
@require_GET
def need_list(request: HttpRequest) -> HttpResponse:
    filters = NeedFilters(request.GET or None, regions=_regions(request))
    values = valid_filters(filters)
    needs = selectors.needs_for_user(
        request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        country=values.get("country", ""),
        group=values.get("group", ""),
        level=values.get("level", ""),
        type=values.get("type", ""),
        theme=values.get("theme", ""),
        status=values.get("status", ""),
        priority=values.get("priority", ""),
        source=values.get("source", ""),
        sort=values.get("sort") or "priority",
    )
    context = {
        "filters": filters,
        **paginate(request, needs),
        "can_create": services.need_create_allowed(request.user),
    }
    return render_list(request, "diagnose/need_list.html", _stage(context))


def _save_need(request: HttpRequest, need: Need | None) -> HttpResponse:
    form = NeedForm(
        request.POST or None,
        instance=copy.copy(need) if need else None,
        initial={} if need else _organisation_initial(request),
        user=request.user,
    )

    def save(data: dict) -> Need:
        if need is None:
            return services.need_create(user=request.user, data=data)
        return services.need_update(user=request.user, need=need, data=data)

    return form_page(
        request,
        form,
        save,
        saved=_("Need saved."),
        refused=_("You may only record needs inside your own scope."),
        next_url=lambda saved: reverse("diagnose:need-detail", args=[saved.pk]),
        template="diagnose/need_form.html",
        context=_stage({"need": need}),
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
    return render(request, "diagnose/need_detail.html", _stage(context))


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
    return render(request, "diagnose/need_confirm_delete.html", _stage({"need": need}))


# --- country view -----------------------------------------------------------------------


@login_required
@require_GET
def country_profiles(request: HttpRequest, iso: str) -> HttpResponse:
    country = core_selectors.country_for_user(request.user, iso)
    context = {
        "country": country,
        "profiles": selectors.country_profiles(request.user, country),
        "cells": GRID_CELLS,
        "cell_labels": [
            (Level(level).label, CapacityType(kind).label) for level, kind in GRID_CELLS
        ],
        "can_assess": may_administer_some(request.user, Assessment),
    }
    return render(request, "diagnose/country_profiles.html", _stage(context))
