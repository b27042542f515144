"""Instrument pages: list, XLSForm import, versions (publish, new draft, item edits),
downloads, and submissions from ODK Central and KoboToolbox."""

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

from capdev.core.history import history_of
from capdev.core.scoping import Action, scoped
from capdev.diagnose import selectors, services
from capdev.diagnose.forms import (
    InstrumentUploadForm,
    ItemForm,
    SubmissionsUploadForm,
)
from capdev.diagnose.models import (
    Instrument,
    InstrumentVersion,
    Item,
)
from capdev.diagnose.submissions import SubmissionsInvalid, import_submissions
from capdev.diagnose.views.common import (
    stage_context,
)
from capdev.diagnose.xlsform import XLSX_TYPE, XLSFormInvalid, export_xform, export_xlsform
from capdev.lib.pages import (
    form_page,
)

# --- instruments ------------------------------------------------------------------------


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    context = {
        "instruments": selectors.instruments_for_user(request.user),
        "can_import": services.instrument_import_allowed(request.user),
    }
    return render(request, "diagnose/instrument_list.html", stage_context(context))


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
    return render(request, "diagnose/instrument_import.html", stage_context(context), status=status)


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
    return render(request, "diagnose/instrument_detail.html", stage_context(context))


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
        context=stage_context({"item": item, "instrument": instrument, "cancel_url": back}),
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
    return render(
        request, "diagnose/submissions_report.html", stage_context(context), status=status
    )
