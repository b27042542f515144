"""`capdev import-xlsform` and `capdev import-submissions`, run on real files."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from capdev.diagnose import services
from capdev.diagnose.models import Assessment, Instrument, InstrumentVersion
from capdev.diagnose.tests.workbooks import DEFAULT_AREAS, published_version, row_counts, workbook

IMPORT_SUBMISSIONS = "import-submissions"
IMPORT_XLSFORM = "import-xlsform"


class Terminal(io.StringIO):
    """An in-memory stream that says it is a terminal, as stderr is when run by hand."""

    def isatty(self) -> bool:
        return True


def run(*args: str, stderr: io.StringIO | None = None, **options: object) -> tuple[str, str]:
    """Run a command; (stdout, stderr). Raises CommandError as the CLI would exit 1."""
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def failing(*args: str, **options: object) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=io.StringIO(), stderr=err, **options)
    return raised.value, err.getvalue()


# --- import-xlsform ---------------------------------------------------------------------


def test_it_imports_and_publishes_a_workbook_and_says_what_it_did(tmp_path, db):
    path = tmp_path / "capacity.xlsx"
    path.write_bytes(workbook())
    out, err = run(IMPORT_XLSFORM, str(path), "--publish")
    assert out == "created: test_instrument version 1 (4 items, published)\n"
    assert err == ""
    version = InstrumentVersion.objects.get()
    assert version.is_published
    assert version.source_name == "capacity.xlsx"
    assert not version.instrument.builtin
    assert version.history.first().history_user is None  # the operator, not a user


def test_importing_the_same_workbook_again_changes_nothing(tmp_path, db):
    path = tmp_path / "capacity.xlsx"
    path.write_bytes(workbook())
    run(IMPORT_XLSFORM, str(path))
    before = row_counts()
    out, _err = run(IMPORT_XLSFORM, str(path))
    assert out == "unchanged: test_instrument version 1 (4 items, draft)\n"
    assert row_counts() == before


def test_a_changed_workbook_after_publication_becomes_a_new_draft(tmp_path, db):
    published_version()
    path = tmp_path / "capacity-2.xlsx"
    path.write_bytes(workbook(areas=[DEFAULT_AREAS[1]]))
    out, _err = run(IMPORT_XLSFORM, str(path), "--builtin")
    assert out == "new version: test_instrument version 2 (2 items, draft)\n"
    assert Instrument.objects.get().builtin


def test_an_invalid_workbook_prints_every_problem_located_exits_1_and_imports_nothing(tmp_path, db):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(
        workbook(
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
    )
    error, err = failing(IMPORT_XLSFORM, str(path), "--publish")
    assert error.returncode == 1
    assert str(error) == "broken.xlsx is not a valid instrument (3 problems); nothing was imported."
    assert err.splitlines() == [
        "sheet “survey”, row 3, column “capdev_theme (J)”: “Leadership” is a functional theme, "
        "not a technical one.",
        "sheet “survey”, row 4, column “capdev_weight (K)”: The weight must be a positive "
        "number; “-2” is not.",
        # Both items refused, the area is left empty: said too, where the area begins.
        "sheet “survey”, row 2, column “name (B)”: The area “leadership” has no items.",
    ]
    assert row_counts() == (0, 0, 0, 0, 0, 0, 0, 0)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, db):
    path = tmp_path / "notes.xlsx"
    path.write_text("form_id,form_title\n", encoding="utf-8")
    error, err = failing(IMPORT_XLSFORM, str(path))
    assert "(1 problem)" in str(error)
    assert err.strip()
    assert not Instrument.objects.exists()


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path, db):
    error, _err = failing(IMPORT_XLSFORM, str(tmp_path / "nowhere.xlsx"))
    assert str(error).startswith(f"Cannot read {tmp_path / 'nowhere.xlsx'}")


# --- import-submissions -----------------------------------------------------------------


def export_csv(world, *rows: dict[str, object], separator: str = ",") -> str:
    """An ODK Central-style CSV export (group paths as `area-item`)."""
    header = [
        "SubmissionDate",
        "capdev_organisation",
        "capdev_date",
        "capdev_mode",
        "leadership-lead_vision",
        "leadership-lead_skills",
        "dialogue-sd_bargaining",
        "dialogue-sd_osh",
        "dialogue-sd_osh__evidence",
        "meta-instanceID",
        "KEY",
    ]
    lines = [separator.join(header)]
    for number, values in enumerate(rows, start=1):
        row = {
            "SubmissionDate": "2025-02-04T10:00:00.000Z",
            "capdev_organisation": world.organisations["KE-wrk"].pk,
            "capdev_date": "2025-02-03",
            "capdev_mode": "self",
            "lead_vision": 3,
            "lead_skills": "",
            "sd_bargaining": 2,
            "sd_osh": 1,
            "sd_osh__evidence": "No committee",
            "instanceID": f"uuid:row-{number}",
            "KEY": f"uuid:row-{number}",
        } | values
        lines.append(separator.join(str(row[column.split("-")[-1]]) for column in header))
    return "\n".join(lines) + "\n"


def test_it_imports_submissions_of_the_latest_published_version_with_a_progress_bar(
    tmp_path, world
):
    version = published_version()
    path = tmp_path / "export.csv"
    path.write_text(
        export_csv(world, {}, {"capdev_organisation": world.organisations["UG-gov"].pk}),
        encoding="utf-8",
    )
    out, err = run(IMPORT_SUBMISSIONS, "test_instrument", str(path))
    assert out == "test_instrument version 1: 2 created, 0 skipped (imported before)\n"
    # Not a terminal: no redrawing, one complete bar at the end.
    assert err == f"[{'#' * 30}] 100%\n"
    created = Assessment.objects.order_by("instance_id")
    assert [(a.version, a.status, a.source) for a in created] == [
        (version, "submitted", "submission")
    ] * 2
    assert created[0].scores.get(item__name="sd_osh").evidence == "No committee"
    assert created[0].answered == 3


def test_importing_the_same_export_twice_skips_what_is_there(tmp_path, world):
    published_version()
    path = tmp_path / "export.csv"
    path.write_text(export_csv(world, {}, {}), encoding="utf-8")
    run(IMPORT_SUBMISSIONS, "test_instrument", str(path))
    before = row_counts()
    out, _err = run(IMPORT_SUBMISSIONS, "test_instrument", str(path))
    assert out.endswith("0 created, 2 skipped (imported before)\n")
    assert row_counts() == before


def test_on_a_terminal_the_bar_is_redrawn_in_place(tmp_path, world):
    published_version()
    path = tmp_path / "export.csv"
    path.write_text(export_csv(world, *[{} for _ in range(4)]), encoding="utf-8")
    terminal = Terminal()
    run(IMPORT_SUBMISSIONS, "test_instrument", str(path), stderr=terminal)
    drawn = terminal.getvalue()
    assert drawn.endswith(f"\r[{'#' * 30}] 100%\n")
    steps = drawn.rstrip("\n").split("\r")[1:]
    assert len(steps) > 2  # redrawn as it goes, on one line
    assert "\n" not in drawn.rstrip("\n")
    assert steps[0].endswith(" 12%")


def test_bad_rows_are_all_reported_nothing_is_written_and_it_exits_1(tmp_path, world):
    published_version()
    path = tmp_path / "export.csv"
    path.write_text(
        export_csv(
            world,
            {},
            {"lead_vision": 9},
            {"capdev_date": "yesterday", "capdev_organisation": 999999},
            separator=";",
        ),
        encoding="utf-8",
    )
    error, err = failing(IMPORT_SUBMISSIONS, "test_instrument", str(path))
    assert error.returncode == 1
    assert str(error) == "3 errors in export.csv; nothing was imported."
    report = [line for line in err.splitlines() if not line.startswith("[")]
    assert report == [
        "row 3, lead_vision: “9” is not a score between 1 and 4.",
        "row 4, capdev_organisation: No organisation number 999999 in your scope.",
        "row 4, capdev_date: “yesterday” is not a date (YYYY-MM-DD).",
    ]
    assert row_counts()[4:] == (0, 0, 0, 0)


def test_a_json_export_and_an_earlier_version_by_number(tmp_path, world):
    first = published_version()
    services.instrument_import(user=None, data=workbook(areas=[DEFAULT_AREAS[0]]), publish=True)
    record = {
        "capdev_organisation": world.organisations["KE-emp"].pk,
        "capdev_date": "2025-01-20",
        "capdev_mode": "external",
        "leadership": {"lead_vision": 1, "lead_skills": 2},
        "dialogue": {"sd_bargaining": 4, "sd_osh": None},
        "meta": {"instanceID": "uuid:from-kobo"},
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    out, _err = run(IMPORT_SUBMISSIONS, "test_instrument", str(path), "--version", "1")
    assert out.startswith("test_instrument version 1: 1 created")
    assert Assessment.objects.get().version == first


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["no_such_instrument"], "No instrument with the code 'no_such_instrument'."),
        (["test_instrument", "--version", "7"], "test_instrument has no version 7."),
        (["test_instrument", "--version", "2"], "test_instrument version 2 is a draft"),
        (["draft_only"], "draft_only has no published version yet."),
    ],
)
def test_it_names_a_missing_instrument_or_version(tmp_path, world, arguments, message):
    published_version()
    services.instrument_import(user=None, data=workbook(areas=[DEFAULT_AREAS[0]]))  # draft v2
    services.instrument_import(user=None, data=workbook(code="draft_only"))
    path = tmp_path / "export.csv"
    path.write_text(export_csv(world, {}), encoding="utf-8")
    code, *options = arguments
    error, _err = failing(IMPORT_SUBMISSIONS, code, str(path), *options)
    assert str(error).startswith(message)
    assert not Assessment.objects.exists()
