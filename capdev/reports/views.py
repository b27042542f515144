"""Pages of the reports: the list of reports, the progress report and a country's profile
on screen, and their preparation in the background with a status page."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from capdev.core.selectors import countries_for_user
from capdev.lib.pages import is_htmx
from capdev.reports import documents, selectors, services


def _context(context: Mapping[str, object]) -> dict[str, object]:
    return {"stage": "reports", **context}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The reports with their pickers: a biennium for the progress report, a country for
    its profile. The country picker answers here and goes on to the profile."""
    iso3 = request.GET.get("country", "").strip()
    if iso3:
        try:
            country = selectors.country_for_report(request.user, iso3)
        except Http404:
            pass
        else:
            return redirect("reports:country-profile", iso3=country.iso_alpha3)
    context = {
        "bienniums": selectors.biennium_choices(request.user),
        "default_biennium": selectors.latest_complete_biennium().label,
        "countries": countries_for_user(request.user).order_by("name"),
        "country_error": bool(iso3),
        "jobs": selectors.jobs_for_user(request.user).filter(requested_by_id=request.user.pk)[:10],
    }
    return render(request, "reports/home.html", _context(context), status=400 if iso3 else 200)


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """The progress report on screen; a biennium written wrongly gets 400 and says why."""
    try:
        biennium = selectors.parse_biennium(request.GET.get("biennium"))
    except ValidationError as error:
        context = {
            "error": error.messages[0],
            "value": request.GET.get("biennium", ""),
            "bienniums": selectors.biennium_choices(request.user),
        }
        return render(request, "reports/progress.html", _context(context), status=400)
    report = selectors.progress_report(request.user, biennium)
    context = {
        **documents.progress_context(report),
        "bienniums": selectors.biennium_choices(request.user),
        "value": biennium.label,
    }
    return render(request, "reports/progress.html", _context(context))


@login_required
@require_GET
def country_profile(request: HttpRequest, iso3: str) -> HttpResponse:
    country = selectors.country_for_report(request.user, iso3)
    profile = selectors.country_profile(request.user, country)
    return render(request, "reports/country.html", _context({"profile": profile}))


@login_required
@require_POST
def job_request(request: HttpRequest) -> HttpResponse:
    """Queue a report to be prepared (the "Prepare PDF" buttons), then show its status."""
    kind = request.POST.get("kind", "")
    params = {
        "biennium": request.POST.get("biennium", ""),
        "country": request.POST.get("country", ""),
    }
    try:
        job = services.report_job_request(user=request.user, kind=kind, params=params)
    except ValidationError as error:
        context = {"errors": error.messages, "kind": kind}
        return render(request, "reports/job_refused.html", _context(context), status=400)
    except PermissionDenied as error:
        context = {"errors": [str(error)], "kind": kind}
        return render(request, "reports/job_refused.html", _context(context), status=403)
    return redirect("reports:job-detail", pk=job.pk)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress, polled every second by the page while it runs, then its download."""
    job = selectors.job_for_user(request.user, pk)
    if is_htmx(request):
        return render(request, "reports/job.html#status", {"job": job})
    return render(request, "reports/job.html", _context({"job": job}))
