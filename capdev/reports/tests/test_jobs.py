"""Reports prepared in the background: ask, follow the progress, download; a job is its
requester's (and administrators') only, and is pruned with its file after a week.

The test suite runs tasks with the immediate backend (CAPDEV_TASKS=immediate): a job is
done as soon as the request that queued it commits.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from capdev.reports.models import ReportJob
from capdev.reports.tasks import run_report_job


def client_for(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def request_job(client, django_capture_on_commit_callbacks, **data):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/reports/jobs/", data)


@pytest.fixture
def xlsx_job(reported, django_capture_on_commit_callbacks):
    response = request_job(
        client_for(reported, "focal"),
        django_capture_on_commit_callbacks,
        kind="progress_xlsx",
        biennium="2020-21",
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/jobs/{job.pk}/"
    return job


def test_a_prepared_xlsx_is_shown_done_and_downloads_in_its_requesters_scope(reported, xlsx_job):
    xlsx_job.refresh_from_db()
    assert (xlsx_job.status, xlsx_job.progress) == ("done", 100)
    assert xlsx_job.params == {"biennium": "2020-21", "language": "en"}
    page = client_for(reported, "focal").get(f"/reports/jobs/{xlsx_job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/reports/jobs/{xlsx_job.pk}/download"' in html
    assert "capdev-progress-report-2020-21.xlsx" in html
    assert 'hx-trigger="every 1s"' not in html  # nothing left to poll
    download = client_for(reported, "focal").get(f"/reports/jobs/{xlsx_job.pk}/download")
    assert download.status_code == 200
    assert "capdev-progress-report-2020-21.xlsx" in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    delivery = list(book["Delivery"].iter_rows(values_only=True))
    assert delivery[-1] == ("Total", 1, 1, 1, 0, 2, 50.0)  # the focal point's scope


def test_a_job_is_its_requesters_and_administrators_only(reported, xlsx_job):
    for persona in ("hq", "office_a", "outsider"):
        client = client_for(reported, persona)
        assert client.get(f"/reports/jobs/{xlsx_job.pk}/").status_code == 404
        assert client.get(f"/reports/jobs/{xlsx_job.pk}/download").status_code == 404
    admin = client_for(reported, "admin")
    assert admin.get(f"/reports/jobs/{xlsx_job.pk}/").status_code == 200
    assert admin.get(f"/reports/jobs/{xlsx_job.pk}/download").status_code == 200


def test_a_prepared_file_downloads_with_an_api_token(reported, xlsx_job):
    token, _created = Token.objects.get_or_create(user=reported.users["focal"])
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(f"/reports/jobs/{xlsx_job.pk}/download").status_code == 200
    assert Client().get(f"/reports/jobs/{xlsx_job.pk}/download").status_code == 401


def test_a_prepared_pdf_downloads_as_a_pdf(reported, django_capture_on_commit_callbacks):
    client = client_for(reported, "office_a")
    request_job(client, django_capture_on_commit_callbacks, kind="country_pdf", country="ken")
    job = ReportJob.objects.get()
    assert (job.status, job.params["country"], job.file_name) == (
        "done",
        "KEN",
        "capdev-country-profile-KEN.pdf",
    )
    download = client.get(f"/reports/jobs/{job.pk}/download")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_running_job_shows_its_progress_and_polls_every_second(reported):
    job = ReportJob.objects.create(
        kind="progress_pdf",
        params={"biennium": "2020-21", "language": "en"},
        requested_by=reported.users["focal"],
        status="running",
        progress=40,
        step="Drawing the charts",
    )
    client = client_for(reported, "focal")
    html = client.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert '<progress id="job-progress" max="100" value="40"' in html
    assert "Drawing the charts…" in html
    assert f'hx-get="/reports/jobs/{job.pk}/" hx-trigger="every 1s"' in html
    partial = client.get(f"/reports/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-status"')
    assert "<h1>" not in partial
    assert client.get(f"/reports/jobs/{job.pk}/download").status_code == 409


def test_a_job_delivered_twice_runs_once(reported, xlsx_job):
    finished = ReportJob.objects.get(pk=xlsx_job.pk).finished_at
    assert run_report_job.call(xlsx_job.pk) == "done"
    assert ReportJob.objects.get(pk=xlsx_job.pk).finished_at == finished


def test_a_country_no_longer_in_scope_fails_the_job_with_a_reason(reported):
    job = ReportJob.objects.create(
        kind="country_pdf",
        params={"country": "KEN", "language": "en"},
        requested_by=reported.users["office_b"],
    )
    assert run_report_job.call(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error == "The country is no longer in your scope."
    assert not job.file
    html = client_for(reported, "office_b").get(f"/reports/jobs/{job.pk}/").content.decode()
    assert "The country is no longer in your scope." in html


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"kind": "progress_pdf", "biennium": "2020-23"}, 400, "its years must follow each other"),
        ({"kind": "poster", "biennium": "2020-21"}, 400, "is not a report capdev prepares"),
    ],
)
def test_a_request_written_wrongly_is_refused_and_queues_nothing(
    reported, django_capture_on_commit_callbacks, data, status, message
):
    response = request_job(client_for(reported, "hq"), django_capture_on_commit_callbacks, **data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not ReportJob.objects.exists()


def test_an_account_without_a_role_gets_no_job(reported, django_capture_on_commit_callbacks):
    response = request_job(
        client_for(reported, "outsider"),
        django_capture_on_commit_callbacks,
        kind="progress_pdf",
        biennium="2020-21",
    )
    assert response.status_code == 403
    assert not ReportJob.objects.exists()


def test_a_country_outside_the_scope_cannot_be_asked_for(
    reported, django_capture_on_commit_callbacks
):
    response = request_job(
        client_for(reported, "office_b"),
        django_capture_on_commit_callbacks,
        kind="country_pdf",
        country="KEN",
    )
    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_jobs_older_than_a_week_are_pruned_with_their_files(reported, xlsx_job, settings):
    old = ReportJob.objects.create(
        kind="progress_xlsx", params={"biennium": "2018-19"}, requested_by=reported.users["hq"]
    )
    old.file.save("old.xlsx", ContentFile(b"old"), save=True)
    path = old.file.path
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    ReportJob.objects.filter(pk=old.pk).update(created_at=eight_days_ago)
    from capdev.reports.services import report_jobs_prune

    assert report_jobs_prune() == 1
    assert list(ReportJob.objects.values_list("pk", flat=True)) == [xlsx_job.pk]
    import os

    assert not os.path.exists(path)


def test_each_persona_sees_its_own_jobs_and_an_administrator_all(reported):
    from capdev.reports.selectors import jobs_for_user

    personas = sorted(reported.users)
    jobs = {
        persona: ReportJob.objects.create(
            kind="progress_xlsx", params={"biennium": "2020-21"}, requested_by=user
        ).pk
        for persona, user in reported.users.items()
    }
    for persona in personas:
        seen = set(jobs_for_user(reported.users[persona]).values_list("pk", flat=True))
        # The outsider holds no grant: not even its own job (it could not have asked for one).
        expected = (
            set(jobs.values())
            if persona == "admin"
            else set()
            if persona == "outsider"
            else {jobs[persona]}
        )
        assert seen == expected, persona
