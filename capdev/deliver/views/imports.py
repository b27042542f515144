"""Bringing a participant list into an activity: upload the file, say which column holds
what, then follow the import (all or nothing) on its status page.

Between the upload and the confirmed mapping the file waits in storage under a random name
known only to the uploader's session; nothing is queued until the mapping is confirmed.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver import participants_import
from capdev.deliver.forms import ColumnMappingForm, ParticipantListForm
from capdev.deliver.models import Activity, ParticipantImport
from capdev.deliver.views import stage_context
from capdev.deliver.views.activities import get_activity_for_user
from capdev.lib.pages import apply_model_errors, is_htmx

PENDING_DIR = "participant-imports/pending"
SESSION_KEY = "capdev_pending_participant_lists"
# Lists uploaded but never mapped hold personal data: dropped after a day.
ABANDONED_AFTER = datetime.timedelta(days=1)


def _drop_abandoned() -> None:
    if not default_storage.exists(PENDING_DIR):
        return
    cutoff = timezone.now() - ABANDONED_AFTER
    for name in default_storage.listdir(PENDING_DIR)[1]:
        path = f"{PENDING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def _pending(request: HttpRequest, activity: Activity, token: str) -> dict[str, str]:
    """The list this user uploaded for this activity and has not imported yet."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["activity"] != activity.pk or not default_storage.exists(entry["path"]):
        raise Http404
    return entry


def _forget(request: HttpRequest, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry:
        default_storage.delete(entry["path"])


def _header(entry: dict[str, str]) -> list[str]:
    with default_storage.open(entry["path"], "rb") as stored:
        return participants_import.read_header(stored, entry["name"])


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: the file."""
    activity = get_activity_for_user(request, pk, Do.CHANGE)
    form = ParticipantListForm(request.POST or None, request.FILES or None)
    problems: list[participants_import.Problem] = []
    if request.method == "POST" and form.is_valid():
        _drop_abandoned()
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        suffix = PurePath(upload.name).suffix.lower()
        path = default_storage.save(f"{PENDING_DIR}/{token}{suffix}", upload)
        entry = {"activity": activity.pk, "path": path, "name": PurePath(upload.name).name[-255:]}
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = entry
        request.session[SESSION_KEY] = pending
        try:
            header = _header(entry)
        except participants_import.ParticipantsInvalid as error:
            problems = error.problems
        else:
            if header:
                return redirect("deliver:import-mapping", pk=activity.pk, token=token)
            form.add_error("file", _("The file has no header row."))
        _forget(request, token)
    status = 400 if form.errors or problems else 200
    context = {"activity": activity, "form": form, "problems": problems}
    return render(request, "deliver/import_upload.html", stage_context(context), status=status)


def _mapping_fields() -> list[tuple[str, str, bool]]:
    return [(f.name, str(f.label).capitalize(), f.required) for f in participants_import.FIELDS]


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Step 2: which column holds what (suggested from the header), then the import."""
    activity = get_activity_for_user(request, pk, Do.CHANGE)
    entry = _pending(request, activity, token)
    header = _header(entry)
    form = ColumnMappingForm(
        request.POST or None,
        fields=_mapping_fields(),
        header=header,
        initial=participants_import.suggested_mapping(header),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with default_storage.open(entry["path"], "rb") as stored:
                started = participants_import.start_import(
                    user=request.user,
                    activity=activity,
                    upload=UploadedFile(stored, name=entry["name"]),
                    mapping=form.mapping(),
                )
        except ValidationError as error:
            apply_model_errors(form, error)
        except PermissionDenied:
            form.add_error(None, _("You may only import participants inside your own scope."))
        else:
            _forget(request, token)
            return redirect("deliver:import-detail", pk=started.pk)
    context = {
        "activity": activity,
        "form": form,
        "file_name": entry["name"],
        "header": header,
        "cancel_url": reverse("deliver:activity-detail", args=[activity.pk]),
        "submit_label": _("Import the participants"),
    }
    status = 400 if form.errors else 200
    return render(request, "deliver/import_mapping.html", stage_context(context), status=status)


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: the import's progress, polled by the page while it runs, then its outcome."""
    rows = ParticipantImport.objects.select_related("activity", "created_by")
    try:
        record = scoped(request.user, rows).get(pk=pk)
    except ParticipantImport.DoesNotExist:
        raise Http404 from None
    context = {"record": record, "activity": record.activity}
    if is_htmx(request):
        return render(request, "deliver/import_detail.html#status", context)
    return render(request, "deliver/import_detail.html", stage_context(context))
