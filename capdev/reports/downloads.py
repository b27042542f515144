"""The report files for download: reachable with a browser session or an API token
(`Authorization: Token …`), so scripts fetch them as the API's clients do. Each file is
assembled in its reader's scope. A signed-out request gets 401; a biennium written wrongly,
400 with the reason; a country or a job outside the reader's scope, 404.

These are DRF views for DRF's authentication only: they answer with files, not with API
resources, so they stay out of the OpenAPI schema (which documents /api/).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.reports import documents, selectors
from capdev.reports.models import ReportJob

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AnyAccept(BaseContentNegotiation):
    """A download answers with its file whatever the client accepts, and its errors in JSON."""

    def select_parser(self, request, parsers):  # type: ignore[no-untyped-def]
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return renderers[0], renderers[0].media_type


@extend_schema(exclude=True)
class Download(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAccept


def _attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _biennium(request: Request) -> selectors.Biennium | Response:
    try:
        return selectors.parse_biennium(request.query_params.get("biennium"))
    except ValidationError as error:
        return Response({"biennium": error.messages}, status=400)


class ProgressPdf(Download):
    def get(self, request: Request) -> HttpResponse:
        biennium = _biennium(request)
        if isinstance(biennium, Response):
            return biennium
        report = selectors.progress_report(request.user, biennium)
        name = documents.progress_file_name(biennium, "pdf")
        return _attachment(documents.progress_pdf(report), name, PDF)


class ProgressXlsx(Download):
    def get(self, request: Request) -> HttpResponse:
        biennium = _biennium(request)
        if isinstance(biennium, Response):
            return biennium
        report = selectors.progress_report(request.user, biennium)
        name = documents.progress_file_name(biennium, "xlsx")
        return _attachment(documents.progress_xlsx(report), name, XLSX)


class CountryProfilePdf(Download):
    def get(self, request: Request, iso3: str) -> HttpResponse:
        country = selectors.country_for_report(request.user, iso3)
        profile = selectors.country_profile(request.user, country)
        return _attachment(
            documents.country_pdf(profile), documents.country_file_name(country), PDF
        )


class JobFile(Download):
    """The file a background job prepared, for the user who asked for it."""

    def get(self, request: Request, pk: int) -> HttpResponseBase:
        job = selectors.job_for_user(request.user, pk)
        if job.status != ReportJob.Status.DONE or not job.file:
            return Response({"detail": _("The report is not ready yet.")}, status=409)
        response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
        response["Cache-Control"] = "private, no-store"
        return response
