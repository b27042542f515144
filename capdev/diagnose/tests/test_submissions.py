"""Assessments from ODK Central and KoboToolbox submissions, in the formats those tools export.

Each export is built from the workbook capdev exports for the version, so the field paths
(groups, header fields, evidence fields) are the ones a field team's form really has.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from capdev.diagnose import services
from capdev.diagnose.models import AreaScore, Assessment, CellScore, InstrumentVersion, ItemScore
from capdev.diagnose.submissions import SubmissionsInvalid, import_submissions
from capdev.diagnose.summaries import summarise
from capdev.diagnose.tests.workbooks import published_version, workbook
from capdev.diagnose.xlsform import export_xlsform
from capdev.test import shared_data

KOBO_FIXTURES = sorted((shared_data() / "kobo" / "formpack-fixtures").glob("*.json"))
DAY = "2024-03-01"
Submission = dict[str, str]


def field_paths(version: InstrumentVersion) -> list[tuple[str, ...]]:
    """The path (groups, then name) of every field of the form capdev exports."""
    book = load_workbook(io.BytesIO(export_xlsform(services.spec_of(version), version.number)))
    rows = book["survey"].iter_rows(values_only=True)
    header = next(rows)
    kind_at, name_at = header.index("type"), header.index("name")
    groups: list[str] = []
    paths = []
    for row in rows:
        kind, name = row[kind_at], row[name_at]
        if kind == "begin_group":
            groups.append(name)
        elif kind == "end_group":
            groups.pop()
        else:
            paths.append((*groups, name))
    return paths


def submission(organisation, uuid: str, mode: str = "self", day: str = DAY, **answers) -> dict:
    return {
        "uuid": uuid,
        "capdev_organisation": str(organisation.pk),
        "capdev_date": day,
        "capdev_mode": mode,
        "capdev_office": "",
    } | {name: str(value) for name, value in answers.items()}


# --- the formats ------------------------------------------------------------------------


def kobo_csv(paths, submissions: list[Submission], bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(
        ["start", "end", *("/".join(path) for path in paths)]
        + ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status"]
        + ["_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]
    )
    for index, values in enumerate(submissions, start=1):
        writer.writerow(
            ["2024-03-01T09:00:00.000+03:00", "2024-03-01T10:30:00.000+03:00"]
            + [values.get(path[-1], "") for path in paths]
            + [f"uuid:{values['uuid']}", str(1000 + index), values["uuid"]]
            + ["2024-03-01T07:31:02", "", "", "submitted_via_web", "", "vL2k", "", str(index)]
        )
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def kobo_records(paths, submissions: list[Submission]) -> list[dict]:
    """KoboToolbox JSON: flat keys `group/name`; unanswered fields are left out."""
    records = []
    for index, values in enumerate(submissions, start=1):
        record = {"/".join(path): values[path[-1]] for path in paths if values.get(path[-1])}
        record |= {
            "meta/instanceID": f"uuid:{values['uuid']}",
            "_id": 1000 + index,
            "_uuid": values["uuid"],
            "_submission_time": "2024-03-01T07:31:02",
            "formhub/uuid": "c8f7c5b2d6a04e8f9b1a2e3d4c5b6a7f",
            "__version__": "vL2k",
            "_attachments": [],
            "_geolocation": [None, None],
            "_tags": [],
            "_notes": [],
            "_validation_status": {},
            "_status": "submitted_via_web",
            "_submitted_by": None,
        }
        records.append(record)
    return records


def kobo_json(paths, submissions) -> bytes:
    return json.dumps(kobo_records(paths, submissions)).encode()


def kobo_api_json(paths, submissions) -> bytes:
    records = kobo_records(paths, submissions)
    return json.dumps(
        {"count": len(records), "next": None, "previous": None, "results": records}
    ).encode()


def odk_csv(paths, submissions: list[Submission]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["SubmissionDate", "start", "end", *("-".join(path) for path in paths)]
        + ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent"]
        + ["AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    )
    for values in submissions:
        instance_id = f"uuid:{values['uuid']}"
        writer.writerow(
            ["2024-03-01T07:31:02.133Z", "2024-03-01T09:00:00.000+03:00", ""]
            + [values.get(path[-1], "") for path in paths]
            + [instance_id, instance_id, "5", "Field team, Nairobi", "0", "0", "", ""]
            + ["collect:Xy12", "0", "1"]
        )
    return buffer.getvalue().encode()


def odk_odata(paths, submissions: list[Submission]) -> bytes:
    """ODK Central OData: groups as nested objects, numbers as numbers, null when empty."""
    value = []
    for values in submissions:
        instance_id = f"uuid:{values['uuid']}"
        record: dict = {
            "__id": instance_id,
            "__system": {
                "submissionDate": "2024-03-01T07:31:02.133Z",
                "submitterId": "5",
                "submitterName": "Field team",
                "attachmentsPresent": 0,
                "attachmentsExpected": 0,
                "status": None,
                "reviewState": None,
                "deviceId": "collect:Xy12",
                "edits": 0,
                "formVersion": "1",
            },
            "meta": {"instanceID": instance_id},
        }
        for path in paths:
            text = values.get(path[-1], "")
            answer: object = text or None
            if path[-1] in {"capdev_organisation", "capdev_office"} and text:
                answer = int(text)
            node = record
            for group in path[:-1]:
                node = node.setdefault(group, {})
            node[path[-1]] = answer
        value.append(record)
    return json.dumps(
        {
            "@odata.context": "https://central.example/v1/projects/1/forms/x.svc/$metadata#Submissions",
            "value": value,
        }
    ).encode()


FORMATS: dict[str, Callable[..., bytes]] = {
    "kobo csv": kobo_csv,
    "kobo csv with bom": lambda paths, subs: kobo_csv(paths, subs, bom=True),
    "kobo json": kobo_json,
    "kobo api json": kobo_api_json,
    "odk central csv": odk_csv,
    "odk central odata": odk_odata,
}


@pytest.fixture
def version(db) -> InstrumentVersion:
    return published_version()


@pytest.fixture
def paths(version) -> list[tuple[str, ...]]:
    return field_paths(version)


def test_the_exported_form_has_the_header_groups_and_evidence_fields(paths):
    assert paths[:4] == [
        ("capdev_organisation",),
        ("capdev_date",),
        ("capdev_mode",),
        ("capdev_office",),
    ]
    assert ("leadership", "lead_vision") in paths
    assert ("leadership", "lead_vision__evidence") in paths
    assert ("dialogue", "sd_osh__evidence") in paths


def nothing_written() -> bool:
    return not (
        Assessment.objects.exists()
        or ItemScore.objects.exists()
        or AreaScore.objects.exists()
        or CellScore.objects.exists()
        or Assessment.history.exists()
    )


def errors_of(version, data: bytes, user=None) -> list[tuple[int, str, str]]:
    with pytest.raises(SubmissionsInvalid) as refused:
        import_submissions(user=user, version=version, data=data)
    return [(error.row, error.field, error.message) for error in refused.value.errors]


# --- importing --------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMATS)
def test_each_submission_becomes_a_submitted_assessment_with_its_summaries(
    world, version, paths, form
):
    kenya, workers = world.organisations["KE-gov"], world.organisations["KE-wrk"]
    submissions = [
        submission(
            kenya,
            "0b9c6a4e-1f1e-4b7e-9a54-3b8f0c1d2e01",
            lead_vision=4,
            lead_vision__evidence="Strategic plan 2024–2028, p. 3",
            lead_skills=2,
            sd_bargaining=1,
            sd_bargaining__evidence="No agreement; « négociations » en cours",
        ),
        submission(
            workers,
            "0b9c6a4e-1f1e-4b7e-9a54-3b8f0c1d2e02",
            mode="joint",
            capdev_office=str(world.offices["a"].pk),
            **dict.fromkeys(["lead_vision", "lead_skills", "sd_bargaining", "sd_osh"], 3),
        ),
    ]
    report = import_submissions(
        user=world.users["office_a"], version=version, data=FORMATS[form](paths, submissions)
    )
    assert (len(report.created), report.skipped, report.errors) == (2, [], [])

    first = Assessment.objects.get(instance_id="uuid:0b9c6a4e-1f1e-4b7e-9a54-3b8f0c1d2e01")
    assert (first.organisation, first.version, first.date) == (kenya, version, date(2024, 3, 1))
    assert (first.mode, first.office, first.status, first.source) == (
        "self",
        None,
        "submitted",
        "submission",
    )
    assert first.submitted_at is not None
    scores = {s.item.name: (s.score, s.evidence) for s in first.scores.all()}
    assert scores == {
        "lead_vision": (4, "Strategic plan 2024–2028, p. 3"),
        "lead_skills": (2, ""),
        "sd_bargaining": (1, "No agreement; « négociations » en cours"),
        "sd_osh": (None, ""),
    }
    # As computed by hand in test_services: 58.33 % overall, leadership 77.78 %.
    assert (first.item_count, first.answered, first.required_missing) == (4, 3, 0)
    assert (first.score_mean, first.score_percent) == (Decimal("2.750"), Decimal("58.33"))
    leadership = AreaScore.objects.get(assessment=first, area__name="leadership")
    assert (leadership.mean, leadership.percent) == (Decimal("3.333"), Decimal("77.78"))
    assert CellScore.objects.filter(assessment=first).count() == 4

    second = Assessment.objects.get(organisation=workers)
    assert (second.mode, second.office) == ("joint", world.offices["a"])
    assert second.score_percent == Decimal("66.67")
    assert Assessment.history.filter(history_type="+").count() == 2
    assert ItemScore.history.count() == 8

    # The summaries written by the import are those the services write.
    for assessment in (first, second):
        before = summary_of(assessment)
        summarise(assessment)
        assessment.refresh_from_db()
        assert summary_of(assessment) == before


def summary_of(assessment: Assessment) -> tuple:
    return (
        assessment.item_count,
        assessment.answered,
        assessment.required_missing,
        assessment.score_mean,
        assessment.score_percent,
        sorted(
            AreaScore.objects.filter(assessment=assessment).values_list(
                "area_id", "answered", "total", "mean", "percent"
            )
        ),
        sorted(
            CellScore.objects.filter(assessment=assessment).values_list(
                "level", "type", "answered", "total", "mean", "percent"
            )
        ),
    )


def two_submissions(world) -> list[Submission]:
    return [
        submission(world.organisations["KE-gov"], f"aaaa-{n}", lead_vision=2, sd_bargaining=3)
        for n in (1, 2)
    ]


@pytest.mark.parametrize("form", ["kobo csv", "odk central odata"])
def test_importing_the_same_file_twice_creates_nothing_new(world, version, paths, form):
    data = FORMATS[form](paths, two_submissions(world))
    first = import_submissions(user=None, version=version, data=data)
    assert len(first.created) == 2
    history = Assessment.history.count()
    again = import_submissions(user=None, version=version, data=data)
    assert again.created == []
    assert again.skipped == ["uuid:aaaa-1", "uuid:aaaa-2"]
    assert Assessment.objects.count() == 2
    assert Assessment.history.count() == history


def test_a_file_with_old_and_new_submissions_creates_only_the_new(world, version, paths):
    subs = two_submissions(world)
    import_submissions(user=None, version=version, data=kobo_csv(paths, subs[:1]))
    report = import_submissions(user=None, version=version, data=kobo_csv(paths, subs))
    assert [a.instance_id for a in report.created] == ["uuid:aaaa-2"]
    assert report.skipped == ["uuid:aaaa-1"]


def test_one_bad_row_among_good_ones_writes_nothing_and_names_each_fault(world, version, paths):
    kenya = world.organisations["KE-gov"]
    submissions = [
        submission(kenya, "good-1", lead_vision=2, sd_bargaining=3),
        submission(kenya, "bad", day="last week", mode="peer", lead_vision=7, sd_bargaining=3),
        submission(kenya, "good-2", lead_vision=2, sd_bargaining=3),
        submission(kenya, "bad-2", lead_vision=1),  # sd_bargaining is required
    ]
    errors = errors_of(version, kobo_csv(paths, submissions))
    # CSV rows are numbered as lines: the header is line 1.
    assert [(row, field) for row, field, _message in errors] == [
        (3, "capdev_date"),
        (3, "capdev_mode"),
        (3, "lead_vision"),
        (5, "sd_bargaining"),
    ]
    messages = [message for _row, _field, message in errors]
    assert messages[0] == "“last week” is not a date (YYYY-MM-DD)."
    assert messages[1] == "“peer” is not one of self, joint, external."
    assert messages[2] == "“7” is not a score between 1 and 4."
    assert messages[3] == "This required item has no score."
    assert nothing_written()
    # JSON records are numbered from 1.
    json_errors = errors_of(version, kobo_json(paths, submissions))
    assert sorted({row for row, _field, _message in json_errors}) == [2, 4]


@pytest.mark.parametrize("value", ["2.5", "inf", "1e400", "nan", "three", "-1"])
def test_a_score_that_is_not_a_point_of_the_scale_is_a_row_error(world, version, paths, value):
    subs = [submission(world.organisations["KE-gov"], "x", lead_vision=value, sd_bargaining=2)]
    assert errors_of(version, odk_csv(paths, subs)) == [
        (2, "lead_vision", f"“{value}” is not a score between 1 and 4.")
    ]
    assert nothing_written()


def test_a_whole_number_written_as_a_decimal_is_read(world, version, paths):
    subs = [submission(world.organisations["KE-gov"], "x", lead_vision="3.0", sd_bargaining=2)]
    import_submissions(user=None, version=version, data=odk_csv(paths, subs))
    assert ItemScore.objects.get(item__name="lead_vision").score == 3


def test_an_organisation_outside_the_importers_scope_is_a_row_error(world, version, paths):
    kenya = world.organisations["KE-gov"]
    subs = [submission(kenya, "k", lead_vision=2, sd_bargaining=2)]
    for user in ("office_b", "evaluator", "outsider"):
        assert errors_of(version, kobo_json(paths, subs), world.users[user]) == [
            (1, "capdev_organisation", f"No organisation number {kenya.pk} in your scope.")
        ]
    uganda = world.organisations["UG-gov"]
    subs = [submission(uganda, "u", lead_vision=2, sd_bargaining=2)]
    assert errors_of(version, kobo_json(paths, subs), world.users["focal"]) == [
        (1, "capdev_organisation", f"No organisation number {uganda.pk} in your scope.")
    ]
    assert nothing_written()


def test_a_focal_point_imports_self_assessments_only(world, version, paths):
    kenya = world.organisations["KE-gov"]
    subs = [
        submission(kenya, "self", lead_vision=2, sd_bargaining=2),
        submission(kenya, "joint", mode="joint", lead_vision=2, sd_bargaining=2),
    ]
    errors = errors_of(version, odk_csv(paths, subs), world.users["focal"])
    assert [(row, field) for row, field, _message in errors] == [(3, "capdev_mode")]
    assert "joint and external assessments are arranged with the Office" in errors[0][2]
    assert nothing_written()
    report = import_submissions(
        user=world.users["focal"], version=version, data=odk_csv(paths, subs[:1])
    )
    assert [a.mode for a in report.created] == ["self"]


def test_an_instrument_for_workers_takes_no_submission_for_a_government(world, paths):
    version = published_version(groups="workers", code="workers_only")
    subs = [
        submission(world.organisations["KE-wrk"], "w", lead_vision=2, sd_bargaining=2),
        submission(world.organisations["KE-gov"], "g", lead_vision=2, sd_bargaining=2),
    ]
    assert errors_of(version, kobo_json(field_paths(version), subs)) == [
        (
            2,
            "capdev_organisation",
            "This instrument is not for this organisation's constituent group.",
        )
    ]


def test_a_future_date_and_an_unknown_office_are_row_errors(world, version, paths):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    subs = [
        submission(world.organisations["KE-gov"], "f", day=tomorrow, lead_vision=2, sd_bargaining=2)
        | {"capdev_office": "999999"}
    ]
    assert errors_of(version, kobo_json(paths, subs)) == [
        (1, "capdev_office", "No office number 999999."),
        (1, "capdev_date", "The date is in the future."),
    ]


def test_a_date_written_as_a_date_time_is_read(world, version, paths):
    subs = [
        submission(
            world.organisations["KE-gov"],
            "t",
            day="2024-02-29T00:00:00.000+03:00",
            lead_vision=2,
            sd_bargaining=2,
        )
    ]
    import_submissions(user=None, version=version, data=odk_odata(paths, subs))
    assert Assessment.objects.get().date == date(2024, 2, 29)


def test_an_instance_id_twice_in_the_file_is_a_row_error(world, version, paths):
    kenya = world.organisations["KE-gov"]
    subs = [submission(kenya, "same", lead_vision=2, sd_bargaining=2)] * 2
    assert errors_of(version, odk_csv(paths, subs)) == [
        (3, "instanceID", "This instanceID appears twice in the file.")
    ]
    assert nothing_written()


def test_a_submission_without_an_instance_id_is_a_row_error(world, version, paths):
    records = kobo_records(
        paths, [submission(world.organisations["KE-gov"], "x", lead_vision=2, sd_bargaining=2)]
    )
    del records[0]["meta/instanceID"], records[0]["_uuid"]
    assert errors_of(version, json.dumps(records).encode()) == [
        (1, "instanceID", "The submission has no instanceID.")
    ]


def progress_of(version, data: bytes) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    import_submissions(
        user=None, version=version, data=data, progress=lambda d, t: calls.append((d, t))
    )
    return calls


def test_progress_reaches_the_total(world, version, paths):
    subs = [
        *two_submissions(world),
        submission(world.organisations["KE-wrk"], "w", lead_vision=1, sd_bargaining=1),
    ]
    import_submissions(user=None, version=version, data=kobo_csv(paths, subs[:1]))
    for attempt in ("one of three known", "all three known"):
        calls = progress_of(version, kobo_csv(paths, subs))
        done = [d for d, _t in calls]
        assert done == sorted(done), attempt
        assert {t for _d, t in calls} == {6}, attempt
        assert calls[-1] == (6, 6), attempt


def test_progress_reaches_the_total_of_a_first_import(world, version, paths):
    calls = progress_of(version, kobo_csv(paths, two_submissions(world)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_draft_version_takes_no_submissions(world):
    draft = services.instrument_import(user=None, data=workbook()).version
    assert errors_of(draft, b"[]") == [
        (0, "", "Only a published instrument version takes submissions.")
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xff\xfe\x00n\x00o", "The file is not UTF-8 text"),
        (b'[{"meta/instanceID": "uuid:1",}]', "This JSON is not valid"),
        (b'{"data": []}', "Expected a list of submissions"),
        (b"[1, 2]", "Expected a list of submissions"),
        (b"", "The file is empty."),
    ],
    ids=["not utf-8", "bad json", "json object", "json list of numbers", "empty"],
)
def test_a_file_that_is_no_export_is_refused_with_a_message(version, data, message):
    [(_row, _field, text)] = errors_of(version, data)
    assert text.startswith(message)


@pytest.mark.parametrize("path", KOBO_FIXTURES, ids=[p.stem for p in KOBO_FIXTURES])
def test_submissions_of_another_kobo_form_fail_with_row_errors(version, path):
    document = json.loads(path.read_text())
    count = len(document["submissions"])
    for data in (json.dumps(document["submissions"]).encode(), path.read_bytes()):
        errors = errors_of(version, data)
        rows = {row for row, _field, _message in errors}
        assert rows == set(range(1, count + 1))  # every submission, each with its number
        for number in rows:  # none of them says which organisation, when, or how
            fields = {field for row, field, _message in errors if row == number}
            assert {"capdev_organisation", "capdev_date", "capdev_mode"} <= fields
    assert nothing_written()


def test_the_kobo_fixtures_are_there():
    assert len(KOBO_FIXTURES) == 6


def test_an_over_long_instance_id_is_a_row_error(world):
    version = published_version()
    rows = [
        {
            "meta/instanceID": "uuid:" + "a" * 200,
            "capdev_organisation": str(world.organisations["KE-gov"].pk),
            "capdev_date": DAY,
            "capdev_mode": "self",
            "leadership/lead_vision": "2",
            "dialogue/sd_bargaining": "3",
        }
    ]
    with pytest.raises(SubmissionsInvalid) as refused:
        import_submissions(user=None, version=version, data=json.dumps(rows).encode())
    assert [(e.row, e.field) for e in refused.value.errors] == [(1, "instanceID")]
    assert not Assessment.objects.exists()
