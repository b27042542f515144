"""Instruments in and out as XLSForm: real forms, round trips, built-ins and hostile uploads."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from defusedxml import ElementTree
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from capdev.diagnose import services
from capdev.diagnose.models import Area, Instrument, InstrumentVersion, Item
from capdev.diagnose.tests import workbooks
from capdev.diagnose.xlsform import (
    LANGUAGE_COLUMNS,
    InstrumentSpec,
    Problem,
    XLSFormInvalid,
    export_xform,
    export_xlsform,
    parse_xlsform,
)
from capdev.lib.tests import archives
from capdev.lib.translated import LANGUAGES
from capdev.test import shared_data

REPOSITORY = Path(__file__).resolve().parents[3]
REAL_XLSFORMS = sorted((shared_data() / "xlsform").glob("**/*.xlsx"))
BUILTINS_FOLDER = REPOSITORY / "capdev" / "diagnose" / "instruments"
BUILTIN_NAMES = {
    "institutional_capacity",
    "workers_organisations",
    "employers_organisations",
    "labour_administration_audit",
}
BUILTINS = sorted(BUILTINS_FOLDER.glob("*.xlsx"))
XFORMS = "{http://www.w3.org/2002/xforms}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SHEET = "xl/worksheets/sheet1.xml"


def problems_of(data: bytes) -> list:
    with pytest.raises(XLSFormInvalid) as refused:
        parse_xlsform(data)
    return refused.value.problems


@cache
def parsed(path: Path) -> InstrumentSpec | list[Problem]:
    """A real form's instrument, or the problems that refuse it (parsed once: pyxform is slow)."""
    try:
        return parse_xlsform(path.read_bytes())
    except XLSFormInvalid as error:
        assert error.problems
        return error.problems


def real_form(name: str) -> Path:
    return next(path for path in REAL_XLSFORMS if path.name == name)


def sheet_names(data: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {name.strip().lower() for name in book.sheetnames}
    finally:
        book.close()


# --- real XLSForms ----------------------------------------------------------------------


def test_the_real_xlsforms_are_there():
    assert len(REAL_XLSFORMS) >= 12, f"no XLSForms under {shared_data()}"


@pytest.mark.parametrize(
    "path", REAL_XLSFORMS, ids=[str(p.relative_to(p.parents[1])) for p in REAL_XLSFORMS]
)
def test_a_real_xlsform_parses_or_is_refused_with_every_problem_located(path):
    outcome = parsed(path)  # anything but XLSFormInvalid fails the test here
    if isinstance(outcome, InstrumentSpec):
        assert outcome.items
        return
    sheets = sheet_names(path.read_bytes())
    for problem in outcome:
        where = str(problem)
        assert problem.sheet.lower() in sheets | {"survey", "choices", "settings"}, where
        assert where.startswith(f"sheet “{problem.sheet}”"), where
        if problem.sheet.lower() in sheets:  # a problem in a sheet is on a row of it
            assert problem.row and problem.row >= 1, where
        if problem.column:
            assert problem.row, where


def test_a_trigger_naming_no_field_is_refused_on_its_row_and_column():
    problems = parsed(real_form("simple_building_survey_wildfires.xlsx"))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("survey", 23, "trigger")]
    assert "existing" in problems[0].message


def test_a_valid_field_form_is_refused_for_its_missing_capdev_columns_only():
    problems = parsed(real_form("slum_assessment_survey.xlsx"))
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("survey", 1, "capdev_level"),
        ("survey", 1, "capdev_type"),
        ("survey", 1, "capdev_theme"),
    }


# --- round trips ------------------------------------------------------------------------


def rich_workbook() -> bytes:
    """Every column capdev reads: four languages, hints, descriptions, groups, weights,
    a generic scale shared by two items and a scale that starts at 0."""
    languages = [LANGUAGE_COLUMNS[code] for code in LANGUAGES]
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        ["type", "name"]
        + [f"label::{language}" for language in languages]
        + [f"hint::{language}" for language in languages]
        + ["required", "capdev_level", "capdev_type", "capdev_theme", "capdev_weight"]
        + ["capdev_groups"]
    )

    def texts(text: str) -> list[str]:
        return [f"{text} ({code})" for code in LANGUAGES]

    survey.append(["begin_group", "governance", *texts("Governance")])
    survey.append(
        ["select_one agreement", "gov_statutes", *texts("Statutes"), *texts("Look at")]
        + ["yes", "organisational", "functional", "internal_governance", "1.5", "workers"]
    )
    survey.append(
        ["select_one agreement", "gov_audit", *texts("Audit"), "Ask the treasurer", "", "", ""]
        + ["true", "organisational", "functional", "financial_management", "10", ""]
    )
    survey.append(["end_group"])
    survey.append(["begin group", "rights", *texts("Rights")])
    survey.append(
        ["select_one ils_ratified", "ils_ratified", *texts("Conventions"), "", "", "", ""]
        + ["", "enabling_environment", "technical", "international_labour_standards", "", ""]
        + []
    )
    survey.append(["end group"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name"] + [f"label::{language}" for language in languages])
    for point in range(1, 6):
        choices.append(["agreement", point, *texts(f"Agreement {point}")])
    for point in range(0, 3):
        choices.append(["ils_ratified", str(point), *texts(f"Ratified {point}")])
    choices.append(["unused_list", "a", "A list no item uses"])
    settings = book.create_sheet("settings")
    settings.append(
        ["form_title", "form_id", "version", "default_language", "capdev_groups"]
        + [f"capdev_title::{LANGUAGE_COLUMNS[code]}" for code in LANGUAGES[1:]]
        + [f"capdev_description::{LANGUAGE_COLUMNS[code]}" for code in LANGUAGES]
    )
    settings.append(
        ["Union governance", "union_governance", "7", "English (en)", "workers employers"]
        + [f"Union governance ({code})" for code in LANGUAGES[1:]]
        + texts("What it is for")
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_exported_workbook_parses_back_to_the_same_instrument():
    spec = parse_xlsform(workbooks.workbook())
    assert [item.name for item in spec.items] == [
        "lead_vision",
        "lead_skills",
        "sd_bargaining",
        "sd_osh",
    ]
    assert parse_xlsform(export_xlsform(spec, 3)) == spec


def test_every_column_survives_the_round_trip():
    spec = parse_xlsform(rich_workbook())
    statutes, audit, ratified = spec.items
    assert spec.title["zh"] == "Union governance (zh)"
    assert spec.description["es"] == "What it is for (es)"
    assert spec.groups == ("workers", "employers")
    assert statutes.hint["fr"] == "Look at (fr)"
    assert audit.hint == {"en": "Ask the treasurer"}
    assert (statutes.weight, audit.weight, ratified.weight) == (Decimal("1.5"), 10, 1)
    assert (statutes.required, audit.required, ratified.required) == (True, True, False)
    assert statutes.groups == ("workers",)
    assert statutes.scale == audit.scale
    assert [p.value for p in ratified.scale] == [0, 1, 2]
    assert ratified.scale[0].label["zh"] == "Ratified 0 (zh)"
    assert parse_xlsform(export_xlsform(spec, 1)) == spec


def test_the_exported_xform_carries_the_title_and_every_item():
    spec = parse_xlsform(rich_workbook())
    root = ElementTree.fromstring(export_xform(spec, 2).encode())
    assert root.find(f"{XHTML}head/{XHTML}title").text == "Union governance"
    model = root.find(f"{XHTML}head/{XFORMS}model")
    instance = model.find(f"{XFORMS}instance")[0]
    assert (instance.get("id"), instance.get("version")) == ("union_governance", "2")
    languages = {t.get("lang") for t in model.iter(f"{XFORMS}translation")}
    assert languages == set(LANGUAGE_COLUMNS.values())
    fields = {element.tag.removeprefix(XFORMS) for element in instance.iter()}
    for item in spec.items:
        assert item.name in fields
        assert f"{item.name}__evidence" in fields
    assert {"capdev_organisation", "capdev_date", "capdev_mode", "capdev_office"} <= fields
    assert {"governance", "rights"} <= fields


# --- built-in instruments ---------------------------------------------------------------


def test_the_four_builtin_instruments_are_there():
    assert {path.stem for path in BUILTINS} == BUILTIN_NAMES


@pytest.mark.parametrize("path", BUILTINS, ids=[p.stem for p in BUILTINS])
def test_a_builtin_instrument_is_complete_in_four_languages_and_round_trips(path):
    spec = parse_xlsform(path.read_bytes())
    assert spec.code == path.stem
    assert len(spec.items) >= 30
    texts = [("title", spec.title)]
    texts += [(f"area {area.name}", area.label) for area in spec.areas]
    for item in spec.items:
        texts.append((f"item {item.name}", item.label))
        texts += [(f"item {item.name} point {p.value}", p.label) for p in item.scale]
    for where, text in texts:
        missing = [code for code in LANGUAGES if not text.get(code, "").strip()]
        assert not missing, f"{where} has no text in {', '.join(missing)}"
    exported = export_xlsform(spec, 1)
    convert(exported, file_type=".xlsx")
    assert parse_xlsform(exported) == spec


# --- malformed uploads ------------------------------------------------------------------

H = workbooks.SURVEY_HEADER


def item_row(
    name: str,
    *,
    scale: str = "",
    kind: str = "functional",
    theme: str = "leadership",
    weight: str = "1",
    groups: str = "",
    label: str = "",
    row_type: str = "",
) -> list[str]:
    return [
        row_type or f"select_one {scale or name}",
        name,
        label or f"Item {name}",
        "",
        "",
        "",
        "",
        "organisational",
        kind,
        theme,
        weight,
        groups,
    ]


def begin(name: str) -> list[str]:
    return ["begin_group", name, f"Area {name}"]


END = ["end_group"]


def scale_rows(list_name: str, points=("1", "2", "3", "4")) -> list[list[str]]:
    return [[list_name, point, f"{list_name} {point}"] for point in points]


def survey(*rows: list[str], choices: list[list[str]] | None = None, **options) -> bytes:
    """A workbook with exactly these survey rows; every select_one list gets a 1–4 scale
    unless `choices` gives the rows."""
    if choices is None:
        lists = {row[0].split()[1] for row in rows if row[0].startswith("select_one ")}
        choices = [r for name in sorted(lists) for r in scale_rows(name)]
    return workbooks.workbook(
        survey_rows=[H, *rows], choice_rows=[workbooks.CHOICES_HEADER, *choices], **options
    )


def xlsx_with_sheet_entity(doctype: str, reference: str) -> bytes:
    data = workbooks.workbook()
    sheet = archives.with_entity(archives.members_of(data)[SHEET], doctype, reference)
    return archives.with_member(data, SHEET, sheet)


def no_column(column: str, *, replace_with: str = "") -> bytes:
    header = [replace_with if c == column else c for c in H]
    return workbooks.workbook(
        survey_rows=[header, begin("leadership"), item_row("lead_vision"), END]
    )


# (upload, words the message must hold, where: (sheet, row, column prefix) or None)
MALFORMED: dict[str, tuple[Callable[[], bytes], str, tuple | None]] = {
    "plain text": (
        lambda: b"type,name,label\nselect_one x,item,Item\n",
        "This is not an .xlsx workbook",
        None,
    ),
    "pdf": (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not an .xlsx workbook", None),
    "zip not a workbook": (
        lambda: archives.zip_of({"report.docx.txt": b"hello"}),
        "not an .xlsx workbook (no [Content_Types].xml)",
        None,
    ),
    "zip bomb": (archives.zip_bomb, "refused as a possible zip bomb", None),
    "understated zip bomb": (archives.understated_zip_bomb, "is not the size it declares", None),
    "external entity in a sheet": (
        lambda: xlsx_with_sheet_entity(archives.XXE_DOCTYPE, archives.XXE_REFERENCE),
        f"{SHEET} declares a DTD or entities",
        None,
    ),
    "billion laughs in a sheet": (
        lambda: xlsx_with_sheet_entity(
            archives.BILLION_LAUGHS_DOCTYPE, archives.BILLION_LAUGHS_REFERENCE
        ),
        f"{SHEET} declares a DTD or entities",
        None,
    ),
    "xml with an external entity": (
        lambda: (
            b'<?xml version="1.0"?>\n<!DOCTYPE h:html [<!ENTITY x SYSTEM '
            b'"file:///etc/passwd">]><h:html xmlns:h="http://www.w3.org/1999/xhtml">&x;</h:html>'
        ),
        "This XML file declares a DTD or entities",
        None,
    ),
    "an xform instead of an xlsform": (
        lambda: b'<?xml version="1.0"?><h:html xmlns:h="http://www.w3.org/1999/xhtml"/>',
        "This is XML; capdev imports instruments as XLSForm .xlsx workbooks",
        None,
    ),
    "no settings sheet": (
        lambda: workbooks.workbook(sheets=("survey", "choices")),
        "The workbook has no “settings” sheet",
        ("settings", None, ""),
    ),
    "no choices sheet": (
        lambda: workbooks.workbook(sheets=("survey", "settings")),
        "The workbook has no “choices” sheet",
        ("choices", None, ""),
    ),
    "no capdev_theme column": (
        lambda: no_column("capdev_theme"),
        "The column “capdev_theme” is missing",
        ("survey", 1, "capdev_theme"),
    ),
    "misspelt capdev_level column": (
        lambda: no_column("capdev_level", replace_with="capdev_levels"),
        "The column “capdev_level” is missing",
        ("survey", 1, "capdev_level"),
    ),
    "scale 1, 2, 4": (
        lambda: survey(
            begin("a"), item_row("lead_vision"), END, choices=scale_rows("lead_vision", "124")
        ),
        "The scale “lead_vision” must be 2 to 10 consecutive whole numbers starting at 0 or 1; "
        "it is 1, 2, 4.",
        ("choices", 2, "name"),
    ),
    "scale of one point": (
        lambda: survey(
            begin("a"), item_row("lead_vision"), END, choices=scale_rows("lead_vision", "1")
        ),
        "it is 1.",
        ("choices", 2, "name"),
    ),
    "scale starting at 2": (
        lambda: survey(
            begin("a"), item_row("lead_vision"), END, choices=scale_rows("lead_vision", "234")
        ),
        "it is 2, 3, 4.",
        ("choices", 2, "name"),
    ),
    "scale of words": (
        lambda: survey(
            begin("a"),
            item_row("lead_vision"),
            END,
            choices=scale_rows("lead_vision", ("1", "low", "3")),
        ),
        "Scale points are whole numbers; “low” is not.",
        ("choices", 3, "name"),
    ),
    "scale point twice": (
        lambda: survey(
            begin("a"),
            item_row("lead_vision"),
            END,
            choices=scale_rows("lead_vision", ("1", "2", "2")),
        ),
        "Choice names must be unique for each choice list",
        ("choices", 4, "name"),
    ),
    "the same name twice": (
        lambda: survey(begin("a"), item_row("lead_vision"), item_row("lead_vision"), END),
        "lead_vision",
        ("survey", 4, ""),
    ),
    "an area named like an item": (
        lambda: survey(begin("lead_vision"), item_row("lead_vision", scale="s"), END),
        "lead_vision",
        ("survey", 3, ""),
    ),
    "an item outside any area": (
        lambda: survey(item_row("lead_vision"), begin("a"), item_row("lead_skills"), END),
        "The item “lead_vision” is outside any area (begin_group).",
        ("survey", 2, "type"),
    ),
    "nested areas": (
        lambda: survey(
            begin("a"), item_row("lead_vision"), begin("b"), item_row("lead_skills"), END, END
        ),
        "Areas cannot be nested: close “a” with end_group first.",
        ("survey", 4, "type"),
    ),
    "an area never closed": (
        lambda: survey(begin("a"), item_row("lead_vision")),
        "Unmatched 'begin_group'",
        ("survey", 2, ""),
    ),
    "an end_group too many": (
        lambda: survey(begin("a"), item_row("lead_vision"), END, END),
        "Unmatched 'end_group'",
        ("survey", 5, ""),
    ),
    "a theme of the other type": (
        lambda: survey(begin("a"), item_row("lead_vision", kind="technical"), END),
        "“Leadership” is a functional theme, not a technical one.",
        ("survey", 3, "capdev_theme"),
    ),
    "an unknown theme": (
        lambda: survey(begin("a"), item_row("lead_vision", theme="welfare"), END),
        "“welfare” is not one of: employment,",
        ("survey", 3, "capdev_theme"),
    ),
    "a weight of zero": (
        lambda: survey(begin("a"), item_row("lead_vision", weight="0"), END),
        "The weight must be a positive number; “0” is not.",
        ("survey", 3, "capdev_weight"),
    ),
    "a negative weight": (
        lambda: survey(begin("a"), item_row("lead_vision", weight="-2"), END),
        "The weight must be a positive number; “-2” is not.",
        ("survey", 3, "capdev_weight"),
    ),
    "a weight in words": (
        lambda: survey(begin("a"), item_row("lead_vision", weight="high"), END),
        "The weight must be a positive number; “high” is not.",
        ("survey", 3, "capdev_weight"),
    ),
    "a weight that is not a number": (
        lambda: survey(begin("a"), item_row("lead_vision", weight="NaN"), END),
        "The weight must be a positive number; “NaN” is not.",
        ("survey", 3, "capdev_weight"),
    ),
    "an unknown group on an item": (
        lambda: survey(begin("a"), item_row("lead_vision", groups="workers farmers"), END),
        "Unknown constituent group “farmers”; use government, workers or employers.",
        ("survey", 3, "capdev_groups"),
    ),
    "an unknown group in the settings": (
        lambda: workbooks.workbook(groups="unions"),
        "Unknown constituent group “unions”",
        ("settings", 2, "capdev_groups"),
    ),
    "a reserved prefix": (
        lambda: survey(begin("a"), item_row("capdev_score"), END),
        "Names starting with “capdev_” or ending in “__evidence” are reserved.",
        ("survey", 3, "name"),
    ),
    "a reserved suffix": (
        lambda: survey(begin("a"), item_row("vision__evidence"), END),
        "Names starting with “capdev_” or ending in “__evidence” are reserved.",
        ("survey", 3, "name"),
    ),
    "an item named like a header field": (
        lambda: survey(begin("a"), item_row("capdev_date"), item_row("lead_vision"), END),
        "Names starting with “capdev_” or ending in “__evidence” are reserved.",
        ("survey", 3, "name"),
    ),
    "a question that is not scored": (
        lambda: survey(begin("a"), item_row("notes", row_type="text"), END),
        "“text” is not an instrument row",
        ("survey", 3, "type"),
    ),
    "an item without an English label": (
        lambda: survey(begin("a"), item_row("lead_vision", label=" "), END),
        "has no label",
        ("survey", 3, ""),
    ),
}


def test_a_zip_bomb_is_refused_before_anything_unpacks_it():
    bomb = archives.zip_bomb()
    tracemalloc.start()
    try:
        problems = problems_of(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zip bomb" in problems[0].message
    assert peak < 5 * archives.MEGABYTE, f"{peak / archives.MEGABYTE:.0f} MB were allocated"


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_upload_is_refused_with_a_clear_located_problem(case):
    make, message, where = MALFORMED[case]
    problems = problems_of(make())
    matching = [p for p in problems if message in p.message]
    assert matching, f"no problem says {message!r}: {[str(p) for p in problems]}"
    problem = matching[0]
    if where is None:
        assert (problem.sheet, problem.row, problem.column) == ("", None, "")
    else:
        sheet, row, column = where
        assert (problem.sheet, problem.row) == (sheet, row), str(problem)
        assert problem.column.startswith(column), str(problem)


def snapshot() -> dict[str, list]:
    models = [Instrument, InstrumentVersion, Area, Item]
    models += [model.history.model for model in models]
    return {model.__name__: list(model.objects.values_list("pk", flat=True)) for model in models}


@pytest.mark.parametrize("case", MALFORMED)
def test_importing_a_malformed_upload_changes_nothing(db, case):
    make, message, _where = MALFORMED[case]
    draft = services.instrument_import(user=None, data=workbooks.workbook()).version
    before = snapshot()
    with pytest.raises(XLSFormInvalid) as refused:
        services.instrument_import(user=None, data=make(), source_name="upload.xlsx")
    assert message in str(refused.value)
    assert snapshot() == before
    assert list(draft.items.values_list("name", flat=True)) == [
        "lead_vision",
        "lead_skills",
        "sd_bargaining",
        "sd_osh",
    ]


@pytest.mark.parametrize(
    "path", REAL_XLSFORMS, ids=[str(p.relative_to(p.parents[1])) for p in REAL_XLSFORMS]
)
def test_a_real_xlsform_through_the_import_service_imports_or_changes_nothing(path, db):
    before = (Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count())
    try:
        result = services.instrument_import(user=None, data=path.read_bytes())
    except XLSFormInvalid as error:  # anything else (a crash) fails the test
        assert error.problems
        after = (
            Instrument.objects.count(),
            InstrumentVersion.objects.count(),
            Item.objects.count(),
        )
        assert after == before
    else:
        assert result.version.items.exists()


def test_an_over_long_name_is_a_located_problem_not_a_crash(db):
    long_name = "x" * 81
    data = workbooks.workbook(
        areas=[("a", [(long_name, "", "individual", "technical", "osh", "1")])]
    )
    with pytest.raises(XLSFormInvalid) as refused:
        services.instrument_import(user=None, data=data)
    assert any(p.sheet == "survey" and p.column.startswith("name") for p in refused.value.problems)
    assert not Instrument.objects.exists()
    with pytest.raises(XLSFormInvalid) as refused:
        services.instrument_import(user=None, data=workbooks.workbook(code="c" * 81))
    assert [p.column for p in refused.value.problems] == ["form_id (B)"]


def test_an_exported_version_imported_again_is_unchanged(db):
    version = services.instrument_import(user=None, data=workbooks.workbook(), publish=True).version
    exported = export_xlsform(services.spec_of(version), version.number)
    again = services.instrument_import(user=None, data=exported)
    assert (again.outcome, again.version.pk) == ("unchanged", version.pk)
    assert InstrumentVersion.objects.count() == 1


def test_a_draft_import_leaves_the_published_version_as_it_was(db):
    published = services.instrument_import(
        user=None, data=workbooks.workbook(), publish=True
    ).version
    before = services.spec_of(published)
    renamed = workbooks.workbook(title="Renamed", groups="workers")
    services.instrument_import(user=None, data=renamed)
    published.refresh_from_db()
    assert services.spec_of(published) == before
    assert published.instrument.title == {"en": "Test instrument"}  # still the published one
