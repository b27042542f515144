"""The diagnose pages, driven through the test client as office staff would use them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from capdev.diagnose import services
from capdev.diagnose.models import Assessment, ItemScore, Need
from capdev.diagnose.tests.workbooks import published_version, workbook
from capdev.test import PASSWORD


@pytest.fixture
def version(world):
    return published_version()


def _client(client, world, name):
    client.login(username=world.users[name].username, password=PASSWORD)
    return client


@pytest.fixture
def assessment(world, version):
    return services.assessment_create(
        user=world.users["office_a"],
        data={
            "organisation": world.organisations["KE-wrk"],
            "version": version,
            "date": datetime.date(2025, 3, 1),
            "mode": Assessment.Mode.JOINT,
            "office": world.offices["a"],
        },
    )


def test_every_page_renders_for_office_staff(client, world, assessment):
    c = _client(client, world, "office_a")
    instrument = assessment.version.instrument
    urls = [
        reverse("diagnose:home"),
        reverse("diagnose:instrument-list"),
        reverse("diagnose:instrument-detail", args=[instrument.pk]),
        reverse("diagnose:assessment-list"),
        reverse("diagnose:assessment-create"),
        reverse("diagnose:assessment-detail", args=[assessment.pk]),
        reverse("diagnose:assessment-score", args=[assessment.pk]),
        reverse("diagnose:need-list"),
        reverse("diagnose:need-create"),
        reverse("diagnose:country-profiles", args=["KE"]),
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == 200, url


def test_scoring_as_you_go_updates_progress_and_summaries(client, world, assessment):
    c = _client(client, world, "office_a")
    item = assessment.version.items.get(name="lead_vision")
    url = reverse("diagnose:assessment-score-item", args=[assessment.pk, item.pk])
    response = c.post(
        url,
        {"score": "3", "evidence": "Strategic plan 2024", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="scoring-progress"' in html and 'hx-swap-oob="true"' in html
    assert "1 of 4 items scored" in html
    saved = ItemScore.objects.get(assessment=assessment, item=item)
    assert (saved.score, saved.evidence) == (3, "Strategic plan 2024")
    assessment.refresh_from_db()
    assert assessment.answered == 1
    # A score outside the scale is refused next to the item and changes nothing.
    response = c.post(url, {"score": "9"}, HTTP_HX_REQUEST="true")
    assert "between 1 and 4" in response.content.decode()
    saved.refresh_from_db()
    assert saved.score == 3


def test_submit_is_refused_while_required_items_are_empty(client, world, assessment):
    c = _client(client, world, "office_a")
    response = c.post(reverse("diagnose:assessment-submit", args=[assessment.pk]), follow=True)
    assert "2 required items have no score yet." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_marking_an_item_as_need_puts_it_in_the_registry(client, world, assessment):
    c = _client(client, world, "office_a")
    item = assessment.version.items.get(name="sd_osh")
    response = c.post(
        reverse("diagnose:need-mark", args=[assessment.pk]),
        {"item": item.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "Marked as a priority need" in response.content.decode()
    need = Need.objects.get(assessment=assessment)
    assert (need.level, need.type, need.theme) == ("organisational", "technical", "osh")
    listing = c.get(reverse("diagnose:need-list"), {"q": "Item sd_osh"})
    assert need.title in listing.content.decode()
    other = _client(client, world, "office_b").get(reverse("diagnose:need-list"))
    assert need.title not in other.content.decode()
    assert other.status_code == 200


def test_instrument_upload_reports_problems_with_their_place(client, world):
    c = _client(client, world, "hq")
    bad = workbook(areas=[("a", [("x1", "", "nowhere", "technical", "osh", "1")])])
    response = c.post(reverse("diagnose:instrument-import"), {"file": _upload(bad)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "capdev_level" in html and "nowhere" in html
    good = c.post(reverse("diagnose:instrument-import"), {"file": _upload(workbook())})
    assert good.status_code == 302


def test_office_staff_cannot_import_instruments(client, world):
    c = _client(client, world, "office_a")
    response = c.post(reverse("diagnose:instrument-import"), {"file": _upload(workbook())})
    assert response.status_code == 403


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("instrument.xlsx", data)


def test_editing_a_published_instrument_goes_through_a_new_draft(client, world, version):
    c = _client(client, world, "hq")
    item = version.items.get(name="lead_vision")
    refused = c.get(reverse("diagnose:item-edit", args=[item.pk]), follow=True)
    assert "A published version never changes" in refused.content.decode()
    c.post(reverse("diagnose:version-new-draft", args=[version.instrument_id]))
    draft = version.instrument.versions.get(number=2)
    draft_item = draft.items.get(name="lead_vision")
    data = {
        "weight": "3",
        "required": "on",
        "label_en": "Vision, renewed",
        "label_fr": "",
        "label_es": "",
        "label_zh": "",
        "hint_en": "",
        "hint_fr": "",
        "hint_es": "",
        "hint_zh": "",
    }
    response = c.post(reverse("diagnose:item-edit", args=[draft_item.pk]), data)
    assert response.status_code == 302
    draft_item.refresh_from_db()
    item.refresh_from_db()
    assert (draft_item.label["en"], str(draft_item.weight)) == ("Vision, renewed", "3.00")
    assert item.label["en"] == "Item lead_vision"  # the published version is untouched
    blank = c.post(reverse("diagnose:item-edit", args=[draft_item.pk]), data | {"label_en": ""})
    assert blank.status_code == 400
    draft_item.refresh_from_db()
    assert draft_item.label["en"] == "Vision, renewed"


@pytest.mark.parametrize("name", ["diagnose:assessment-list", "diagnose:need-list"])
def test_list_pages_run_a_constant_number_of_queries(client, world, version, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = _client(client, world, "hq")
    keys = ["KE-wrk", "UG-wrk", "FR-wrk", "DE-wrk", "TH-wrk", "KE-gov", "UG-gov", "FR-gov"]

    def add(organisations: list[str]) -> None:
        for key in organisations:
            assessment = services.assessment_create(
                user=None,
                data={
                    "organisation": world.organisations[key],
                    "version": version,
                    "date": datetime.date(2024, 1, 1),
                    "mode": Assessment.Mode.SELF,
                },
            )
            services.need_from_assessment(
                user=None, assessment=assessment, item=version.items.first()
            )

    counts = []
    for batch in (keys[:2], keys[2:]):  # 2 rows, then 8: the count must not grow
        add(batch)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_one_mistyped_filter_does_not_drop_the_others(client, world, assessment):
    c = _client(client, world, "office_a")
    other = services.assessment_create(
        user=None,
        data={
            "organisation": world.organisations["UG-gov"],
            "version": assessment.version,
            "date": datetime.date(2025, 4, 1),
            "mode": Assessment.Mode.SELF,
        },
    )
    response = c.get(reverse("diagnose:assessment-list"), {"country": "K", "group": "workers"})
    html = response.content.decode()
    assert f"/diagnose/assessments/{assessment.pk}/" in html
    assert f"/diagnose/assessments/{other.pk}/" not in html


def test_only_xlsx_and_xml_are_downloads(client, world, version):
    c = _client(client, world, "office_a")
    base = f"/diagnose/instruments/{version.instrument_id}/v{version.number}"
    assert c.get(f"{base}.xlsx").status_code == 200
    assert c.get(f"{base}.xml")["Content-Type"] == "application/xml"
    assert c.get(f"{base}.exe").status_code == 404
