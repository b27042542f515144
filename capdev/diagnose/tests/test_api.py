"""The diagnose API: instruments, downloads, submissions, assessments, scores and needs."""

from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from capdev.diagnose import services
from capdev.diagnose.models import (
    Assessment,
    Instrument,
    InstrumentVersion,
    Item,
    ItemScore,
    Need,
)
from capdev.diagnose.tests.workbooks import DEFAULT_AREAS, published_version, row_counts, workbook
from capdev.diagnose.xlsform import parse_xlsform
from capdev.test import PASSWORD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = datetime.date.today()


@pytest.fixture
def api(world):
    """`api("office_a")`: a client signed in as one of the shared personas."""

    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(world.users[username])
        return client

    return client_for


def upload(content: bytes, name: str = "instrument.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def assessment(world, organisation: str, version: InstrumentVersion, **data) -> Assessment:
    fields = {"date": TODAY, "mode": Assessment.Mode.SELF} | data
    return services.assessment_create(
        user=None,
        data={"organisation": world.organisations[organisation], "version": version, **fields},
    )


def score_all(target: Assessment, score: int = 3) -> None:
    for item in target.version.items.all():
        services.score_save(user=None, assessment=target, item=item, score=score)


# --- instruments ------------------------------------------------------------------------


def test_hq_imports_a_workbook_and_gets_the_version_and_outcome(api, world):
    response = api("hq").post(
        "/api/instruments/",
        {"file": upload(workbook()), "publish": "true"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == "created"
    assert body["instrument"]["code"] == "test_instrument"
    assert body["version"]["number"] == 1
    assert body["version"]["status"] == "published"
    assert body["version"]["item_count"] == 4
    assert body["version"]["source_name"] == "instrument.xlsx"
    version = InstrumentVersion.objects.get()
    assert version.is_published and version.items.count() == 4


def test_importing_the_same_workbook_again_answers_200_unchanged(api, world):
    published_version()
    before = row_counts()
    response = api("hq").post("/api/instruments/", {"file": upload(workbook())}, format="multipart")
    assert response.status_code == 200
    assert response.json()["outcome"] == "unchanged"
    assert row_counts() == before


def test_a_changed_workbook_starts_a_draft_version_unpublished_by_default(api, world):
    published_version()
    changed = workbook(areas=[DEFAULT_AREAS[0]])
    response = api("admin").post("/api/instruments/", {"file": upload(changed)}, format="multipart")
    assert response.status_code == 201
    assert response.json()["outcome"] == "new version"
    assert response.json()["version"] | {"id": None, "published_at": None} == {
        "id": None,
        "number": 2,
        "status": "draft",
        "published_at": None,
        "source_name": "instrument.xlsx",
        "item_count": 2,
    }


def test_an_invalid_workbook_answers_400_with_every_problem_located_and_changes_nothing(api, world):
    bad = workbook(
        areas=[
            (
                "leadership",
                [
                    ("lead_vision", "yes", "organisational", "technical", "leadership", "1"),
                    ("lead_skills", "", "individual", "functional", "leadership", "-2"),
                ],
            )
        ]
    )
    before = row_counts()
    response = api("hq").post("/api/instruments/", {"file": upload(bad)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    problems = body["problems"]
    assert len(problems) >= 2
    assert len(body["file"]) == len(problems)
    assert {p["sheet"] for p in problems} == {"survey"}
    assert all(p["row"] and p["column"] and p["message"] for p in problems)
    columns = " ".join(p["column"] for p in problems)
    assert "capdev_theme" in columns and "capdev_weight" in columns
    assert any("row 3" in message for message in body["file"])  # the lead_vision row
    assert row_counts() == before


@pytest.mark.parametrize(
    "content",
    [b"form_id,form_title\nx,y\n", b"%PDF-1.4 not a workbook", b"<?xml version='1.0'?><h/>"],
    ids=["csv", "pdf", "xml"],
)
def test_a_file_that_is_not_a_workbook_answers_400_and_changes_nothing(api, world, content):
    before = row_counts()
    response = api("hq").post(
        "/api/instruments/", {"file": upload(content, "notes.xlsx")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["file"]
    assert response.json()["problems"][0]["message"]
    assert row_counts() == before


def test_a_request_without_a_file_names_the_missing_field(api, world):
    response = api("hq").post("/api/instruments/", {"publish": "true"}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()) == {"file"}


@pytest.mark.parametrize("username", ["office_a", "focal", "evaluator", "viewer"])
def test_a_role_that_does_not_maintain_instruments_gets_403_and_nothing_is_imported(
    api, world, username
):
    before = row_counts()
    response = api(username).post(
        "/api/instruments/", {"file": upload(workbook())}, format="multipart"
    )
    assert response.status_code == 403
    assert row_counts() == before


def test_the_list_shows_each_instrument_with_its_versions_and_item_counts(api, world):
    published_version()
    services.instrument_import(user=None, data=workbook(areas=[DEFAULT_AREAS[1]]))
    response = api("viewer").get("/api/instruments/")
    assert response.status_code == 200
    (instrument,) = response.json()["results"]
    assert instrument["code"] == "test_instrument"
    assert instrument["title"] == {"en": "Test instrument", "fr": "", "es": "", "zh": ""}
    assert [(v["number"], v["status"], v["item_count"]) for v in instrument["versions"]] == [
        (2, "draft", 2),
        (1, "published", 4),
    ]
    assert instrument["versions"][1]["published_at"]


def test_the_detail_gives_the_areas_and_items_of_the_latest_version(api, world):
    published_version()
    response = api("office_a").get(f"/api/instruments/{Instrument.objects.get().pk}/")
    assert response.status_code == 200
    version = response.json()["version"]
    assert (version["number"], version["status"]) == (1, "published")
    assert [area["name"] for area in version["areas"]] == ["leadership", "dialogue"]
    assert version["areas"][0]["label"]["fr"] == "Domaine leadership"
    item = version["areas"][0]["items"][0]
    assert {k: item[k] for k in ("name", "level", "type", "theme", "weight", "required")} == {
        "name": "lead_vision",
        "level": "organisational",
        "type": "functional",
        "theme": "leadership",
        "weight": "2.00",
        "required": True,
    }
    assert item["label"] == {
        "en": "Item lead_vision",
        "fr": "Élément lead_vision",
        "es": "",
        "zh": "",
    }
    assert item["groups"] == []
    assert [point["value"] for point in item["scale"]] == [1, 2, 3, 4]
    assert item["scale"][0]["descriptor"]["en"] == "lead_vision level 1"


def test_the_detail_gives_an_earlier_version_on_request_and_404_for_one_that_does_not_exist(
    api, world
):
    published_version()
    services.instrument_import(user=None, data=workbook(areas=[DEFAULT_AREAS[1]]))
    pk = Instrument.objects.get().pk
    client = api("hq")
    # By default the version in use: the published one, not the newer draft.
    in_use = client.get(f"/api/instruments/{pk}/").json()["version"]
    assert (in_use["number"], len(in_use["areas"])) == (1, 2)
    draft = client.get(f"/api/instruments/{pk}/?version=2").json()["version"]
    assert (draft["number"], len(draft["areas"])) == (2, 1)
    assert client.get(f"/api/instruments/{pk}/?version=9").status_code == 404
    assert client.get(f"/api/instruments/{pk}/?version=one").status_code == 400


def test_an_account_without_grant_sees_no_instrument(api, world):
    published_version()
    client = api("outsider")
    assert client.get("/api/instruments/").json()["count"] == 0
    assert client.get(f"/api/instruments/{Instrument.objects.get().pk}/").status_code == 404


# --- downloads --------------------------------------------------------------------------


def test_the_xlsform_download_parses_back_to_the_same_instrument(api, world):
    version = published_version()
    response = api("office_a").get(f"/api/instruments/{version.instrument_id}/xlsform")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="test_instrument-v1.xlsx"'
    assert parse_xlsform(response.content) == services.spec_of(version)


def test_the_xform_download_is_xml_naming_the_form_and_its_items(api, world):
    version = published_version()
    response = api("focal").get(
        f"/api/instruments/{version.instrument_id}/xform", HTTP_ACCEPT="application/xml"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="test_instrument-v1.xml"'
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/1999/xhtml}html"
    xml = response.content.decode()
    assert 'id="test_instrument"' in xml
    assert all(name in xml for name in ("lead_vision", "sd_osh", "capdev_organisation"))


def test_downloads_give_the_latest_published_version_unless_another_is_asked(api, world):
    version = published_version()
    services.instrument_import(user=None, data=workbook(areas=[DEFAULT_AREAS[1]]))  # draft v2
    client = api("hq")
    base = f"/api/instruments/{version.instrument_id}"
    assert "-v1.xlsx" in client.get(f"{base}/xlsform")["Content-Disposition"]
    draft = client.get(f"{base}/xlsform?version=2")
    assert "-v2.xlsx" in draft["Content-Disposition"]
    assert len(parse_xlsform(draft.content).items) == 2
    assert client.get(f"{base}/xform?version=3").status_code == 404


def test_an_instrument_without_published_version_has_nothing_to_download(api, world):
    services.instrument_import(user=None, data=workbook())
    pk = Instrument.objects.get().pk
    response = api("hq").get(f"/api/instruments/{pk}/xlsform")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- submissions ------------------------------------------------------------------------


def submissions_csv(rows: list[dict[str, object]]) -> bytes:
    """A KoboToolbox-style CSV export (";" separated, group paths as `area/item`)."""
    header = [
        "capdev_organisation",
        "capdev_date",
        "capdev_mode",
        "leadership/lead_vision",
        "leadership/lead_vision__evidence",
        "leadership/lead_skills",
        "dialogue/sd_bargaining",
        "dialogue/sd_osh",
        "meta/instanceID",
    ]
    lines = [";".join(header)]
    for row in rows:
        lines.append(";".join(str(row.get(column.split("/")[-1], "")) for column in header))
    return ("\n".join(lines) + "\n").encode()


def submission(world, number: int, organisation: str = "KE-wrk", **values) -> dict[str, object]:
    return {
        "capdev_organisation": world.organisations[organisation].pk,
        "capdev_date": "2025-02-03",
        "capdev_mode": "self",
        "lead_vision": 3,
        "lead_vision__evidence": "Strategic plan",
        "lead_skills": 2,
        "sd_bargaining": 4,
        "sd_osh": "",
        "instanceID": f"uuid:00000000-0000-0000-0000-{number:012d}",
    } | values


def test_submissions_become_submitted_assessments_and_a_second_import_skips_them(api, world):
    version = published_version()
    content = submissions_csv([submission(world, 1), submission(world, 2, "UG-gov")])
    client = api("office_a")
    url = f"/api/instruments/{version.instrument_id}/submissions"
    response = client.post(url, {"file": upload(content, "export.csv")}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json() | {"assessments": []} == {
        "created": 2,
        "skipped": 0,
        "assessments": [],
    }
    created = Assessment.objects.filter(pk__in=response.json()["assessments"])
    assert {a.organisation.name for a in created} == {
        "Trade Union Centre KE",
        "Ministry of Labour UG",
    }
    assert all(a.status == "submitted" and a.source == "submission" for a in created)
    again = client.post(url, {"file": upload(content, "export.csv")}, format="multipart")
    assert again.status_code == 200
    assert again.json() == {"created": 0, "skipped": 2, "assessments": []}
    assert Assessment.objects.count() == 2


def test_bad_submissions_are_reported_by_row_and_field_and_nothing_is_imported(api, world):
    version = published_version()
    content = submissions_csv(
        [
            submission(world, 1),
            submission(world, 2, lead_vision=7),
            submission(world, 3, "FR-wrk"),  # outside office A's scope
        ]
    )
    before = row_counts()
    response = api("office_a").post(
        f"/api/instruments/{version.instrument_id}/submissions",
        {"file": upload(content, "export.csv")},
        format="multipart",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [
        (3, "lead_vision"),
        (4, "capdev_organisation"),
    ]
    assert "between 1 and 4" in errors[0]["message"]
    assert len(response.json()["file"]) == 2
    assert row_counts() == before


def test_submissions_for_an_earlier_version_are_taken_with_the_version_number(api, world):
    version = published_version()
    services.instrument_import(
        user=None, data=workbook(areas=[DEFAULT_AREAS[0]]), publish=True
    )  # v2 has only the leadership items
    content = submissions_csv([submission(world, 1)])
    response = api("hq").post(
        f"/api/instruments/{version.instrument_id}/submissions",
        {"file": upload(content, "export.csv"), "version": "1"},
        format="multipart",
    )
    assert response.status_code == 201
    assert Assessment.objects.get().version == version


def test_a_json_export_with_nested_groups_is_understood(api, world):
    version = published_version()
    record = {
        "capdev_organisation": world.organisations["KE-gov"].pk,
        "capdev_date": "2025-02-03",
        "capdev_mode": "joint",
        "leadership": {"lead_vision": "2", "lead_skills": None},
        "dialogue": {"sd_bargaining": "1", "sd_osh": "4"},
        "meta": {"instanceID": "uuid:abc"},
    }
    response = api("office_a").post(
        f"/api/instruments/{version.instrument_id}/submissions",
        {"file": upload(json.dumps({"value": [record]}).encode(), "export.json")},
        format="multipart",
    )
    assert response.status_code == 201
    assert Assessment.objects.get().mode == "joint"


def test_a_role_that_runs_no_assessments_cannot_import_submissions(api, world):
    version = published_version()
    before = row_counts()
    response = api("evaluator").post(
        f"/api/instruments/{version.instrument_id}/submissions",
        {"file": upload(submissions_csv([submission(world, 1)]), "export.csv")},
        format="multipart",
    )
    assert response.status_code == 403
    assert row_counts() == before


# --- assessments ------------------------------------------------------------------------


def test_office_staff_create_an_assessment_through_the_api(api, world):
    version = published_version()
    body = {
        "organisation": world.organisations["KE-gov"].pk,
        "version": version.pk,
        "date": "2025-03-14",
        "mode": "joint",
        "office": world.offices["a"].pk,
        "notes": "With the permanent secretary.",
    }
    response = api("office_a").post("/api/assessments/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert {k: created[k] for k in ("country", "instrument", "status", "source", "mode")} == {
        "country": "KE",
        "instrument": "test_instrument",
        "status": "draft",
        "source": "api",
        "mode": "joint",
    }
    assert (created["item_count"], created["answered"], created["score_percent"]) == (4, 0, None)
    assert created["participants"] == []
    assert [a["area"] for a in created["area_scores"]] == ["leadership", "dialogue"]
    assert len(created["cell_scores"]) == 6
    assert Assessment.objects.get().history.first().history_user == world.users["office_a"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organisation": "FR-wrk"}, "organisation"),  # outside office A's scope: not found
        ({"mode": "sometimes"}, "mode"),
        ({"date": "14/03/2025"}, "date"),
        ({"office": 999999}, "office"),
    ],
)
def test_an_invalid_assessment_answers_400_keyed_by_field_and_creates_nothing(
    api, world, change, field
):
    version = published_version()
    body = {
        "organisation": world.organisations["KE-gov"].pk,
        "version": version.pk,
        "date": "2025-03-14",
        "mode": "self",
    }
    if "organisation" in change:
        change = {"organisation": world.organisations[change["organisation"]].pk}
    response = api("office_a").post("/api/assessments/", body | change, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Assessment.objects.exists()


def test_a_draft_instrument_version_cannot_be_used(api, world):
    services.instrument_import(user=None, data=workbook())
    body = {
        "organisation": world.organisations["KE-gov"].pk,
        "version": InstrumentVersion.objects.get().pk,
        "date": "2025-03-14",
        "mode": "self",
    }
    response = api("hq").post("/api/assessments/", body, format="json")
    assert response.status_code == 400
    assert "published" in response.json()["version"][0]
    assert not Assessment.objects.exists()


def test_an_instrument_for_another_group_is_refused(api, world):
    version = published_version(groups="workers")
    body = {
        "organisation": world.organisations["KE-gov"].pk,
        "version": version.pk,
        "date": "2025-03-14",
        "mode": "self",
    }
    response = api("hq").post("/api/assessments/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"version"}


def test_a_focal_point_runs_self_assessments_but_cannot_arrange_a_joint_one(api, world):
    version = published_version()
    body = {
        "organisation": world.organisations["KE-gov"].pk,
        "version": version.pk,
        "date": "2025-03-14",
        "mode": "joint",
    }
    client = api("focal")
    refused = client.post("/api/assessments/", body, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"mode"}
    assert (
        client.post("/api/assessments/", body | {"mode": "self"}, format="json").status_code == 201
    )


def test_an_evaluator_who_writes_nothing_gets_403(api, world):
    version = published_version()
    body = {
        "organisation": world.organisations["KE-gov"].pk,
        "version": version.pk,
        "date": "2025-03-14",
        "mode": "self",
    }
    assert api("evaluator").post("/api/assessments/", body, format="json").status_code == 403
    assert not Assessment.objects.exists()


def test_the_list_is_limited_to_the_callers_scope(api, world):
    version = published_version()
    for organisation in ("KE-gov", "UG-wrk", "FR-wrk", "DE-emp", "TH-gov"):
        assessment(world, organisation, version)
    seen = {
        username: sorted(
            a["country"] for a in api(username).get("/api/assessments/").json()["results"]
        )
        for username in ("office_a", "office_b", "focal", "workers", "hq", "outsider")
    }
    assert seen == {
        "office_a": ["KE", "UG"],
        "office_b": ["DE", "FR"],
        "focal": ["KE"],
        "workers": ["FR", "UG"],
        "hq": ["DE", "FR", "KE", "TH", "UG"],
        "outsider": [],
    }


def test_an_assessment_outside_the_scope_is_404_for_every_method(api, world):
    kenyan = assessment(world, "KE-gov", published_version())
    client = api("office_b")
    url = f"/api/assessments/{kenyan.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"notes": "x"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get(f"{url}scores/").status_code == 404
    assert (
        client.put(
            f"{url}scores/", [{"item": "lead_vision", "score": 1}], format="json"
        ).status_code
        == 404
    )
    for action in ("submit", "validate", "reopen"):
        assert client.post(f"{url}{action}/").status_code == 404
    kenyan.refresh_from_db()
    assert (kenyan.notes, kenyan.status, kenyan.answered) == ("", "draft", 0)


def test_the_list_filters_by_country_region_group_organisation_instrument_status_and_mode(
    api, world
):
    version = published_version()
    other = published_version(code="other_instrument")
    kenyan = assessment(world, "KE-gov", version)
    assessment(world, "KE-wrk", version, mode="joint")
    assessment(world, "UG-wrk", other)
    assessment(world, "FR-emp", version)
    submitted = assessment(world, "DE-wrk", version)
    score_all(submitted)
    services.assessment_submit(user=None, assessment=submitted)
    client = api("hq")

    def listed(query: str) -> list[str]:
        response = client.get(f"/api/assessments/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(a["organisation_name"] for a in response.json()["results"])

    assert listed("country=ke") == ["Ministry of Labour KE", "Trade Union Centre KE"]
    assert listed("region=EUROPE_CA") == [
        "Employers Federation FR",
        "Trade Union Centre DE",
    ]
    assert listed("group=workers") == [
        "Trade Union Centre DE",
        "Trade Union Centre KE",
        "Trade Union Centre UG",
    ]
    assert listed(f"organisation={kenyan.organisation_id}") == ["Ministry of Labour KE"]
    assert listed("instrument=other_instrument") == ["Trade Union Centre UG"]
    assert listed("status=submitted") == ["Trade Union Centre DE"]
    assert listed("mode=joint") == ["Trade Union Centre KE"]
    assert listed("country=KE&mode=self&status=") == ["Ministry of Labour KE"]
    rows = client.get("/api/assessments/?status=submitted").json()["results"]
    assert (rows[0]["answered"], rows[0]["item_count"], rows[0]["score_percent"]) == (
        4,
        4,
        "66.67",
    )


@pytest.mark.parametrize(
    "query", ["organisation=kenya", "status=finished", "mode=alone", "group=nobody", "sort=x"]
)
def test_an_invalid_filter_answers_400_naming_the_parameter(api, world, query):
    response = api("hq").get(f"/api/assessments/?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {query.split("=")[0]}


def test_the_detail_shows_participants_and_the_scores_per_area_and_cell(api, world):
    target = assessment(world, "KE-wrk", published_version())
    services.participant_add(
        user=None,
        assessment=target,
        data={"name": "Amina Otieno", "role": "Secretary general", "sex": "female"},
    )
    score_all(target, score=4)
    response = api("workers").get(f"/api/assessments/{target.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert [(p["name"], p["sex"]) for p in body["participants"]] == [("Amina Otieno", "female")]
    assert [(a["area"], a["percent"], a["answered"]) for a in body["area_scores"]] == [
        ("leadership", "100.00", 2),
        ("dialogue", "100.00", 2),
    ]
    cells = {(c["level"], c["type"]): c["percent"] for c in body["cell_scores"]}
    assert cells[("organisational", "functional")] == "100.00"
    assert cells[("individual", "technical")] is None
    assert body["score_percent"] == "100.00"


def test_a_draft_is_changed_with_patch_and_deleted(api, world):
    target = assessment(world, "KE-gov", published_version())
    client = api("office_a")
    url = f"/api/assessments/{target.pk}/"
    response = client.patch(
        url, {"notes": "Second session planned.", "mode": "joint"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["notes"], response.json()["mode"]) == (
        "Second session planned.",
        "joint",
    )
    target.refresh_from_db()
    assert target.notes == "Second session planned."
    assert client.patch(url, {"date": "soon"}, format="json").status_code == 400
    assert client.delete(url).status_code == 204
    assert not Assessment.objects.exists()


def test_a_submitted_assessment_can_be_neither_changed_nor_deleted(api, world):
    target = assessment(world, "KE-gov", published_version())
    score_all(target)
    services.assessment_submit(user=None, assessment=target)
    client = api("office_a")
    url = f"/api/assessments/{target.pk}/"
    changed = client.patch(url, {"notes": "late"}, format="json")
    assert changed.status_code == 400
    assert "only a draft can change" in changed.json()["non_field_errors"][0]
    assert client.delete(url).status_code == 400
    target.refresh_from_db()
    assert (target.notes, target.status) == ("", "submitted")


def test_a_reader_in_scope_gets_403_when_changing_or_deleting(api, world):
    target = assessment(world, "KE-gov", published_version())
    client = api("evaluator")
    url = f"/api/assessments/{target.pk}/"
    assert client.get(url).status_code == 200
    assert client.patch(url, {"notes": "x"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert Assessment.objects.get().notes == ""


# --- scores -----------------------------------------------------------------------------


def test_scores_are_saved_by_item_name_or_id_and_listed_with_every_item(api, world):
    target = assessment(world, "KE-gov", published_version())
    osh = Item.objects.get(name="sd_osh")
    client = api("office_a")
    url = f"/api/assessments/{target.pk}/scores/"
    response = client.put(
        url,
        [
            {"item": "lead_vision", "score": 4, "evidence": "Strategy 2024–2028"},
            {"item": str(osh.pk), "score": 1, "comment": "No OSH committee yet"},
        ],
        format="json",
    )
    assert response.status_code == 200, response.json()
    listed = {row["item"]: row for row in client.get(url).json()}
    assert list(listed) == ["lead_vision", "lead_skills", "sd_bargaining", "sd_osh"]
    assert (listed["lead_vision"]["score"], listed["lead_vision"]["evidence"]) == (
        4,
        "Strategy 2024–2028",
    )
    assert (listed["sd_osh"]["score"], listed["sd_osh"]["comment"]) == (1, "No OSH committee yet")
    assert listed["lead_skills"]["score"] is None
    assert listed["sd_osh"]["area"] == "dialogue"
    target.refresh_from_db()
    assert (target.answered, target.required_missing) == (2, 1)
    # POST does the same; null clears a score.
    cleared = client.post(url, [{"item": "sd_osh", "score": None}], format="json")
    assert cleared.status_code == 200
    target.refresh_from_db()
    assert target.answered == 1


def test_a_batch_with_one_bad_score_saves_none_and_answers_400_keyed_by_item(api, world):
    target = assessment(world, "KE-gov", published_version())
    services.score_save(user=None, assessment=target, item=Item.objects.get(name="sd_osh"), score=2)
    before = list(ItemScore.objects.values_list("item__name", "score", "evidence"))
    response = api("office_a").put(
        f"/api/assessments/{target.pk}/scores/",
        [
            {"item": "lead_vision", "score": 4},
            {"item": "sd_osh", "score": 3, "evidence": "Committee set up"},
            {"item": "lead_skills", "score": 9},
            {"item": "no_such_item", "score": 1},
        ],
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "lead_skills": {"score": ["The score must be between 1 and 4."]},
        "no_such_item": {"item": ["No item of this name or id in the instrument version."]},
    }
    assert list(ItemScore.objects.values_list("item__name", "score", "evidence")) == before
    target.refresh_from_db()
    assert target.answered == 1


def test_malformed_score_entries_are_reported_by_item(api, world):
    target = assessment(world, "KE-gov", published_version())
    url = f"/api/assessments/{target.pk}/scores/"
    client = api("office_a")
    response = client.put(
        url, [{"item": "lead_vision", "score": "high"}, {"score": 2}], format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"lead_vision", "1"}
    assert client.put(url, {"item": "lead_vision", "score": 2}, format="json").status_code == 400
    assert client.put(url, [], format="json").status_code == 400
    assert not ItemScore.objects.exists()


def test_an_item_of_another_version_is_not_an_item_of_this_assessment(api, world):
    target = assessment(world, "KE-gov", published_version())
    other = published_version(code="other_instrument")
    foreign = other.items.get(name="lead_vision")
    response = api("office_a").put(
        f"/api/assessments/{target.pk}/scores/", [{"item": foreign.pk, "score": 2}], format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [str(foreign.pk)]
    assert not ItemScore.objects.exists()


def test_a_reader_cannot_score(api, world):
    target = assessment(world, "KE-gov", published_version())
    response = api("evaluator").put(
        f"/api/assessments/{target.pk}/scores/",
        [{"item": "lead_vision", "score": 2}],
        format="json",
    )
    assert response.status_code == 403
    assert not ItemScore.objects.exists()


# --- submit, validate, reopen -----------------------------------------------------------


def test_a_focal_point_submits_and_the_office_validates_but_the_focal_point_cannot(api, world):
    version = published_version()
    focal, office = api("focal"), api("office_a")
    created = focal.post(
        "/api/assessments/",
        {
            "organisation": world.organisations["KE-gov"].pk,
            "version": version.pk,
            "date": "2025-03-14",
            "mode": "self",
        },
        format="json",
    ).json()
    url = f"/api/assessments/{created['id']}/"

    incomplete = focal.post(f"{url}submit/")
    assert incomplete.status_code == 400
    assert "required items have no score" in incomplete.json()["non_field_errors"][0]

    scores = [{"item": "lead_vision", "score": 2}, {"item": "sd_bargaining", "score": 3}]
    assert focal.put(f"{url}scores/", scores, format="json").status_code == 200
    submitted = focal.post(f"{url}submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"]

    refused = focal.post(f"{url}validate/")
    assert refused.status_code == 403
    assert Assessment.objects.get().status == "submitted"

    validated = office.post(f"{url}validate/")
    assert validated.status_code == 200
    assert validated.json()["status"] == "validated"
    assert validated.json()["validated_by"] == world.users["office_a"].pk
    assert office.post(f"{url}reopen/").status_code == 400
    assert Assessment.objects.get().status == "validated"


def test_the_office_sends_a_submitted_assessment_back_to_draft(api, world):
    target = assessment(world, "UG-gov", published_version())
    score_all(target)
    services.assessment_submit(user=None, assessment=target)
    url = f"/api/assessments/{target.pk}/"
    assert api("focal").post(f"{url}reopen/").status_code == 404  # Uganda: not the focal's
    response = api("office_a").post(f"{url}reopen/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["submitted_at"]) == ("draft", None)
    assert api("office_a").post(f"{url}validate/").status_code == 400  # a draft


# --- needs ------------------------------------------------------------------------------


def need(world, organisation: str, title: str, **data) -> Need:
    fields = {
        "level": "individual",
        "type": "technical",
        "theme": "social_dialogue",
        "description": "",
    } | data
    return services.need_create(
        user=None,
        data={"organisation": world.organisations[organisation], "title": title, **fields},
    )


def test_needs_are_searched_by_every_word_and_filtered(api, world):
    need(world, "KE-wrk", "Negotiators trained in collective bargaining", priority=1)
    need(
        world,
        "UG-gov",
        "Labour inspectors trained in OSH",
        level="organisational",
        theme="osh",
        status="planned",
        source="labour_admin_audit",
    )
    need(
        world,
        "KE-emp",
        "Budget procedures written down",
        level="organisational",
        type="functional",
        theme="financial_management",
        priority=3,
    )
    need(world, "FR-wrk", "Bargaining for platform workers")
    client = api("office_a")

    def titles(query: str) -> list[str]:
        response = client.get(f"/api/needs/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(n["title"] for n in response.json()["results"])

    assert titles("") == [
        "Budget procedures written down",
        "Labour inspectors trained in OSH",
        "Negotiators trained in collective bargaining",
    ]  # not the French need: outside office A's scope
    assert titles("q=trained") == [
        "Labour inspectors trained in OSH",
        "Negotiators trained in collective bargaining",
    ]
    assert titles("q=bargaining kenya") == ["Negotiators trained in collective bargaining"]
    assert titles("q=trained uganda") == ["Labour inspectors trained in OSH"]
    assert titles("q=platform") == []
    assert titles("country=UG") == ["Labour inspectors trained in OSH"]
    assert titles("region=AFRICA&group=employers") == ["Budget procedures written down"]
    assert titles(f"organisation={world.organisations['KE-wrk'].pk}") == [
        "Negotiators trained in collective bargaining"
    ]
    assert titles("level=organisational&type=technical") == ["Labour inspectors trained in OSH"]
    assert titles("theme=financial_management") == ["Budget procedures written down"]
    assert titles("status=planned") == ["Labour inspectors trained in OSH"]
    assert titles("priority=1") == ["Negotiators trained in collective bargaining"]
    assert titles("source=labour_admin_audit") == ["Labour inspectors trained in OSH"]
    first = client.get("/api/needs/").json()["results"][0]
    assert (first["title"], first["priority"], first["country"]) == (
        "Negotiators trained in collective bargaining",
        1,
        "KE",
    )
    assert client.get("/api/needs/?priority=7").status_code == 400


def test_a_need_is_recorded_changed_and_deleted_through_the_api(api, world):
    client = api("office_a")
    body = {
        "organisation": world.organisations["KE-wrk"].pk,
        "title": "Negotiators trained in collective bargaining",
        "level": "individual",
        "type": "technical",
        "theme": "social_dialogue",
        "priority": 1,
    }
    created = client.post("/api/needs/", body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["status"], created.json()["source"]) == ("open", "request")
    url = f"/api/needs/{created.json()['id']}/"
    changed = client.patch(url, {"status": "planned"}, format="json")
    assert changed.status_code == 200
    assert Need.objects.get().status == "planned"
    assert client.get(url).json()["status"] == "planned"
    assert client.delete(url).status_code == 204
    assert not Need.objects.exists()


def test_an_invalid_need_answers_400_keyed_by_field_and_records_nothing(api, world):
    client = api("office_a")
    body = {
        "organisation": world.organisations["KE-wrk"].pk,
        "title": "Budget procedures",
        "level": "organisational",
        "type": "technical",
        "theme": "financial_management",  # a functional theme
    }
    mismatch = client.post("/api/needs/", body, format="json")
    assert mismatch.status_code == 400
    assert set(mismatch.json()) == {"theme"}
    outside = client.post(
        "/api/needs/",
        body | {"type": "functional", "organisation": world.organisations["FR-wrk"].pk},
        format="json",
    )
    assert outside.status_code == 400
    assert set(outside.json()) == {"organisation"}
    foreign = assessment(world, "UG-gov", published_version())
    wrong = client.post(
        "/api/needs/", body | {"type": "functional", "assessment": foreign.pk}, format="json"
    )
    assert wrong.status_code == 400
    assert set(wrong.json()) == {"assessment"}
    assert not Need.objects.exists()


def test_needs_outside_the_scope_are_404_and_readers_get_403(api, world):
    kenyan = need(world, "KE-wrk", "Negotiators trained")
    url = f"/api/needs/{kenyan.pk}/"
    office_b = api("office_b")
    assert office_b.get(url).status_code == 404
    assert office_b.patch(url, {"status": "addressed"}, format="json").status_code == 404
    assert office_b.delete(url).status_code == 404
    evaluator = api("evaluator")
    assert evaluator.get(url).status_code == 200
    assert evaluator.patch(url, {"status": "addressed"}, format="json").status_code == 403
    assert evaluator.delete(url).status_code == 403
    body = {
        "organisation": world.organisations["KE-wrk"].pk,
        "title": "More",
        "level": "individual",
        "type": "technical",
        "theme": "osh",
    }
    assert evaluator.post("/api/needs/", body, format="json").status_code == 403
    assert list(Need.objects.values_list("title", "status")) == [("Negotiators trained", "open")]


# --- query counts -----------------------------------------------------------------------


def _instruments(world, start: int, count: int) -> None:
    for i in range(start, start + count):
        published_version(code=f"instrument_{i}")
        # A second version for half of them: versions come in one prefetch, whatever their number.
        if i % 2:
            services.instrument_import(
                user=None, data=workbook(code=f"instrument_{i}", areas=[DEFAULT_AREAS[0]])
            )


def _assessments(world, start: int, count: int) -> None:
    version = published_version(code=f"counted_{start}")
    for i in range(count):
        made = assessment(world, "KE-wrk" if i % 2 else "UG-gov", version)
        services.participant_add(user=None, assessment=made, data={"name": f"P{i}", "sex": "male"})
        score_all(made)
    assessment(world, "FR-wrk", version)  # outside office A's scope


def _needs(world, start: int, count: int) -> None:
    made = assessment(world, "KE-gov", published_version(code=f"counted_{start}"))
    for i in range(count):
        organisation = ("KE-gov", "KE-wrk", "UG-emp")[i % 3]
        need(world, organisation, f"Need {start + i}", assessment=made if i % 3 == 0 else None)
    need(world, "DE-wrk", f"Need outside {start}")


# url: (make rows, rows for N, queries). Token with its user, grants, count, one page of
# rows = 4; instruments add their versions with item counts (5).
LISTS = {
    "/api/instruments/": (_instruments, 2, 5),
    "/api/assessments/": (_assessments, 3, 4),
    "/api/needs/": (_needs, 4, 4),
}


@pytest.mark.parametrize("url", LISTS)
def test_a_list_endpoint_runs_as_many_queries_for_3n_rows_as_for_n(world, url):
    make, rows, expected = LISTS[url]
    client = APIClient()
    token = client.post("/api/token/", {"username": "office_a", "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    make(world, 0, rows)
    client.get(url)

    def measure() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.json()

    before, body = measure()
    assert body["count"] == len(body["results"]) == rows
    make(world, 100, 2 * rows)
    after, body = measure()
    assert body["count"] == len(body["results"]) == 3 * rows
    assert before == after == expected


# --- schema -----------------------------------------------------------------------------


def test_the_schema_documents_every_diagnose_endpoint_without_warnings(tmp_path, world):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "/api/instruments/:",
        "/api/instruments/{id}/:",
        "/api/instruments/{id}/xlsform:",
        "/api/instruments/{id}/xform:",
        "/api/instruments/{id}/submissions:",
        "/api/assessments/:",
        "/api/assessments/{id}/:",
        "/api/assessments/{id}/scores/:",
        "/api/assessments/{id}/submit/:",
        "/api/assessments/{id}/validate/:",
        "/api/assessments/{id}/reopen/:",
        "/api/needs/:",
        "/api/needs/{id}/:",
    ):
        assert f"\n  {path}\n" in schema, path
    assert "AssessmentStatusEnum" in schema and "NeedStatusEnum" in schema


def test_a_score_sent_alone_keeps_the_recorded_evidence_and_comment(api, world):
    target = assessment(world, "KE-gov", published_version())
    url = f"/api/assessments/{target.pk}/scores/"
    client = api("office_a")
    entry = {"item": "lead_vision", "score": 2, "evidence": "Minutes", "comment": "Draft plan"}
    assert client.put(url, [entry], format="json").status_code == 200
    assert client.put(url, [{"item": "lead_vision", "score": 3}], format="json").status_code == 200
    saved = ItemScore.objects.get(assessment=target, item__name="lead_vision")
    assert (saved.score, saved.evidence, saved.comment) == (3, "Minutes", "Draft plan")


def test_an_assessment_with_scores_cannot_move_to_another_organisation(api, world):
    target = assessment(world, "KE-gov", published_version())
    score_all(target)
    moved = api("office_a").patch(
        f"/api/assessments/{target.pk}/",
        {"organisation": world.organisations["UG-gov"].pk},
        format="json",
    )
    assert moved.status_code == 400
    assert "organisation" in moved.json()
    target.refresh_from_db()
    assert target.organisation == world.organisations["KE-gov"]
