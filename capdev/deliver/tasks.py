"""Background work of the deliver stage: participant lists imported out of the request.

The import checks the whole list before it writes anything (see participants_import), so
the progress this task records is that of the checking: `rows_done` of `rows_total`, each
update committed on its own while no import transaction is open (SQLite has one writer at a
time). Once `rows_done` reaches `rows_total` while the status is still running, the rows are
being written in one transaction; the status then turns to done or failed. The upload holds
personal data and is deleted once the import has run: the ParticipantImport keeps the counts,
the column mapping and every problem found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from capdev.deliver.models import ParticipantImport
from capdev.deliver.participants_import import ParticipantsInvalid, import_participants

logger = logging.getLogger(__name__)


def _progress(import_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        ParticipantImport.objects.filter(pk=import_id).update(rows_done=done, rows_total=total)

    return report


def _fail(record: ParticipantImport, errors: list[dict[str, object]]) -> None:
    record.status = ParticipantImport.Status.FAILED
    record.errors = errors
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "errors", "finished_at"])


@task()
def run_participant_import(import_id: int) -> str:
    """Import the list kept on ParticipantImport `import_id`; its final status."""
    # Claimed in one statement, so that a task delivered twice runs once.
    queued = ParticipantImport.objects.filter(pk=import_id, status=ParticipantImport.Status.QUEUED)
    claimed = queued.update(status=ParticipantImport.Status.RUNNING)
    record = ParticipantImport.objects.select_related("activity", "created_by").get(pk=import_id)
    if not claimed:
        return record.status
    try:
        with record.upload.open("rb") as upload:
            import_participants(
                user=record.created_by,
                activity=record.activity,
                file=upload,
                file_name=record.file_name,
                mapping=record.mapping or None,
                progress=_progress(record.pk),
                record=record,
            )
    except ParticipantsInvalid as refused:
        _fail(record, [problem.as_dict() for problem in refused.problems])
    except PermissionDenied:
        message = _("You may no longer change this activity.")
        _fail(record, [{"row": None, "column": None, "message": message}])
    except Exception:
        logger.exception("participant import %s failed", import_id)
        message = _("The import failed unexpectedly; nothing was imported.")
        _fail(record, [{"row": None, "column": None, "message": message}])
        raise
    finally:
        if record.upload:
            record.upload.delete(save=False)
            ParticipantImport.objects.filter(pk=record.pk).update(upload="")
    return record.status
