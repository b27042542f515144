"""Background work of the reports app: preparing a report file out of the request.

The job is claimed in one statement (a task delivered twice runs once), then the report is
assembled in the requester's scope as it stands now, in the language they asked in. Each
step's progress is committed on its own so the status page sees it while the job runs.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from capdev.reports import documents
from capdev.reports.models import ReportJob
from capdev.reports.selectors import (
    country_for_report,
    country_profile,
    parse_biennium,
    progress_report,
)

logger = logging.getLogger(__name__)


def _reporter(job_id: int) -> documents.Progress:
    def report(percent: int, step: str) -> None:
        ReportJob.objects.filter(pk=job_id).update(progress=percent, step=step[:200])

    return report


def _build(job: ReportJob, progress: documents.Progress) -> tuple[bytes, str]:
    """The file's bytes and name."""
    user = job.requested_by
    if job.kind == ReportJob.Kind.COUNTRY_PDF:
        progress(10, _("Gathering the figures"))
        country = country_for_report(user, job.params["country"])
        profile = country_profile(user, country)
        return documents.country_pdf(profile, progress=progress), documents.country_file_name(
            country
        )
    biennium = parse_biennium(job.params["biennium"])
    progress(10, _("Gathering the figures"))
    report = progress_report(user, biennium)
    if job.kind == ReportJob.Kind.PROGRESS_XLSX:
        return documents.progress_xlsx(report, progress=progress), documents.progress_file_name(
            biennium, "xlsx"
        )
    return documents.progress_pdf(report, progress=progress), documents.progress_file_name(
        biennium, "pdf"
    )


def _fail(job: ReportJob, message: str) -> None:
    job.status = ReportJob.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


@task()
def run_report_job(job_id: int) -> str:
    """Prepare the file of ReportJob `job_id`; its final status."""
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, progress=1, step=""
    )
    job = ReportJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job.status
    progress = _reporter(job.pk)
    try:
        with translation.override(job.params.get("language") or "en"):
            content, name = _build(job, progress)
            progress(95, _("Saving the file"))
    except Http404:
        _fail(job, _("The country is no longer in your scope."))
        return job.status
    except Exception:
        logger.exception("report job %s failed", job_id)
        _fail(job, _("The report could not be prepared. Try again, or tell an administrator."))
        return job.status
    job.file.save(name, ContentFile(content), save=False)
    job.file_name = name
    job.status = ReportJob.Status.DONE
    job.progress = 100
    job.step = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "file_name", "status", "progress", "step", "finished_at"])
    return job.status
