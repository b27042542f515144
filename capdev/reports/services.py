"""Writes of the reports app: asking for a report to be prepared in the background, and
pruning the prepared files after a week."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from capdev.core.scoping import user_grants
from capdev.reports.models import ReportJob
from capdev.reports.selectors import country_for_report, parse_biennium

User = AbstractBaseUser | AnonymousUser

# Prepared reports hold figures of the requester's scope: kept a week, then deleted.
JOB_LIFETIME = datetime.timedelta(days=7)
PROGRESS_KINDS = {ReportJob.Kind.PROGRESS_PDF, ReportJob.Kind.PROGRESS_XLSX}


def report_jobs_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs requested more than a week ago, and their files; how many."""
    cutoff = (now or timezone.now()) - JOB_LIFETIME
    old = list(ReportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ReportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)


def _params(user: User, kind: str, params: dict[str, Any]) -> dict[str, str]:
    if kind in PROGRESS_KINDS:
        return {"biennium": parse_biennium(params.get("biennium")).label}
    if kind == ReportJob.Kind.COUNTRY_PDF:
        return {"country": country_for_report(user, str(params.get("country", ""))).iso_alpha3}
    raise ValidationError(
        {"kind": _("“%(kind)s” is not a report capdev prepares.") % {"kind": kind}}
    )


def report_job_request(*, user: User, kind: str, params: dict[str, Any]) -> ReportJob:
    """Queue the report `kind` with `params` for `user`, written in the active language; it
    is prepared once this transaction commits (with the immediate backend, at once).

    The report is assembled in the requester's scope as it stands when the job runs. An
    account without any role gets no report (PermissionDenied); a biennium written wrongly
    or a country outside the user's scope is refused with a ValidationError or Http404.
    """
    if not user.is_authenticated or not user_grants(user):
        raise PermissionDenied(_("Your account holds no role yet, so it has no report to prepare."))
    clean = _params(user, kind, params)
    clean["language"] = get_language() or "en"
    from capdev.reports.tasks import run_report_job  # noqa: PLC0415 — the task imports this app

    with transaction.atomic():
        report_jobs_prune()
        job = ReportJob.objects.create(kind=kind, params=clean, requested_by=user)
        transaction.on_commit(lambda: run_report_job.enqueue(job.pk))
    return job
