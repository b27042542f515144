"""Reports prepared in the background: the file of one PDF or XLSX export and its progress.

A ReportJob is a download waiting to happen, not a record users edit: it carries no audit
history, is seen only by the person who asked for it (and administrators), and is pruned
with its file after a week (see services.report_jobs_prune).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        PROGRESS_PDF = "progress_pdf", _("Progress report (PDF)")
        PROGRESS_XLSX = "progress_xlsx", _("Progress report (XLSX)")
        COUNTRY_PDF = "country_pdf", _("Country profile (PDF)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=20, choices=Kind)
    # The report's parameters ({"biennium": "2020-21"} or {"country": "KEN"}) and the
    # language it is written in.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        indexes = [models.Index(fields=["created_at"], name="reportjob_created")]

    def __str__(self) -> str:
        subject = self.params.get("biennium") or self.params.get("country", "")
        return f"{self.get_kind_display()} {subject}".strip()

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}
