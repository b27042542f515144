"""Instruments in and out as XLSForm (the format is described in docs/instruments.md).

`parse_xlsform` turns workbook bytes into an `InstrumentSpec` or raises `XLSFormInvalid`
with every problem found, each naming its sheet, row and column. `export_xlsform` writes a
version back, adding the fields a field team fills in around the scores (which
organisation, when, how, and the evidence per item); `parse_xlsform` recognises and drops
them, so parsing an export gives back the version it came from.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from capdev.core.models import ConstituentGroup
from capdev.diagnose.models import CapacityType, Level, Theme, theme_type_error
from capdev.lib.safe_files import UnsafeFile, check_xlsx, check_xml
from capdev.lib.translated import LANGUAGES

LANGUAGE_COLUMNS = {
    "en": "English (en)",
    "fr": "French (fr)",
    "es": "Spanish (es)",
    "zh": "Chinese (zh)",
}
LANGUAGE_NAMES = {"english": "en", "french": "fr", "spanish": "es", "chinese": "zh"}
DJANGO_LANGUAGES = {"en": "en", "fr": "fr", "es": "es", "zh": "zh-hans"}
# Names become XML element names and database keys (at most 80 characters).
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
GROUP_CODES = {ConstituentGroup.GOVERNMENT, ConstituentGroup.WORKERS, ConstituentGroup.EMPLOYERS}
EVIDENCE_SUFFIX = "__evidence"
RESERVED_PREFIX = "capdev_"
MODE_LIST = "capdev_mode"
# The assessment header capdev adds on export, by name and type: a scored item given one
# of these names is refused as reserved, not taken for the header and dropped.
HEADER_FIELDS = {
    "capdev_organisation": "integer",
    "capdev_date": "date",
    "capdev_mode": f"select_one {MODE_LIST}",
    "capdev_office": "integer",
}
MAX_ROWS = 5_000
MAX_SCALE_POINTS = 10
TRUE_VALUES = {"yes", "true", "true()", "1"}
FALSE_VALUES = {"", "no", "false", "false()", "0"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a workbook, located as precisely as the fault allows."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class XLSFormInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: dict[str, str]


@dataclass(frozen=True)
class ItemSpec:
    name: str
    label: dict[str, str]
    hint: dict[str, str]
    required: bool
    level: str
    type: str
    theme: str
    weight: Decimal
    groups: tuple[str, ...]
    scale_list: str
    scale: tuple[ScalePoint, ...]


@dataclass(frozen=True)
class AreaSpec:
    name: str
    label: dict[str, str]
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class InstrumentSpec:
    code: str
    title: dict[str, str]
    description: dict[str, str]
    groups: tuple[str, ...]
    areas: tuple[AreaSpec, ...] = field(default=())

    @property
    def items(self) -> list[ItemSpec]:
        return [item for area in self.areas for item in area.items]


# --- reading ----------------------------------------------------------------------------


@dataclass
class _Sheet:
    """A worksheet's rows as dicts keyed by normalised column name, with positions kept."""

    name: str
    columns: dict[str, int]  # normalised header -> 0-based index
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, values)

    def has(self, column: str) -> bool:
        return column in self.columns

    def where(self, row: int, column: str) -> tuple[str, int, str]:
        """(sheet, row, "header (letter)") for a problem in `column` of `row`."""
        index = self.columns.get(column)
        label = (
            column if index is None else f"{self.headers[index]} ({get_column_letter(index + 1)})"
        )
        return self.name, row, label


def _normalise_header(header: str) -> str:
    """`label::English (en)` → `label::en`; `label` → `label::en`; other names lower-cased."""
    header = header.strip()
    if "::" not in header:
        lowered = header.lower()
        return f"{lowered}::en" if lowered in {"label", "hint"} else lowered
    base, _sep, language = header.partition("::")
    code = re.search(r"\(([A-Za-z-]+)\)", language)
    key = code.group(1).lower()[:2] if code else LANGUAGE_NAMES.get(language.strip().lower(), "")
    return f"{base.strip().lower()}::{key or language.strip().lower()}"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_sheets(data: bytes) -> dict[str, _Sheet]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets: dict[str, _Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            rows = worksheet.iter_rows(values_only=True)
            header_row = next(rows, None) or ()
            headers = [_cell_text(value) for value in header_row]
            columns = {
                _normalise_header(header): index for index, header in enumerate(headers) if header
            }
            body = []
            for number, values in enumerate(rows, start=2):
                if number > MAX_ROWS:
                    raise XLSFormInvalid(
                        [
                            Problem(
                                _("More than %(max)d rows: too large for an instrument.")
                                % {"max": MAX_ROWS},
                                sheet=worksheet.title,
                            )
                        ]
                    )
                texts = {
                    key: _cell_text(values[index]) if index < len(values) else ""
                    for key, index in columns.items()
                }
                if any(texts.values()):
                    body.append((number, texts))
            sheets[worksheet.title.strip().lower()] = _Sheet(
                worksheet.title, columns, headers, body
            )
    finally:
        workbook.close()
    return sheets


def _translations(values: dict[str, str], base: str) -> dict[str, str]:
    return {code: values[f"{base}::{code}"] for code in LANGUAGES if values.get(f"{base}::{code}")}


class _Reader:
    """Collects problems while it walks the sheets, so a user sees them all at once."""

    def __init__(self, sheets: dict[str, _Sheet]):
        self.sheets = sheets
        self.problems: list[Problem] = []

    def problem(self, message: str, sheet: _Sheet, row: int = 1, column: str = "") -> None:
        name, row, label = sheet.where(row, column) if column else (sheet.name, row, "")
        self.problems.append(Problem(message, name, row, label))

    def require_columns(self, sheet: _Sheet, columns: tuple[str, ...]) -> bool:
        missing = [column for column in columns if not sheet.has(column)]
        for column in missing:
            self.problems.append(
                Problem(
                    _("The column “%(column)s” is missing; capdev instruments need it.")
                    % {"column": _column_title(column)},
                    sheet.name,
                    1,
                    _column_title(column),
                )
            )
        return not missing

    def groups(self, sheet: _Sheet, row: int, column: str, text: str) -> tuple[str, ...]:
        codes = tuple(text.split())
        unknown = [code for code in codes if code not in GROUP_CODES]
        if unknown:
            self.problem(
                _("Unknown constituent group “%(value)s”; use government, workers or employers.")
                % {"value": " ".join(unknown)},
                sheet,
                row,
                column,
            )
        return codes


def _column_title(normalised: str) -> str:
    base, _sep, code = normalised.partition("::")
    return f"{base}::{LANGUAGE_COLUMNS[code]}" if code in LANGUAGE_COLUMNS else normalised


def _read_settings(reader: _Reader) -> tuple[str, dict[str, str], dict[str, str], tuple[str, ...]]:
    sheet = reader.sheets["settings"]
    if not reader.require_columns(sheet, ("form_id", "form_title")) or not sheet.rows:
        if not sheet.rows:
            reader.problem(_("The settings sheet has no row of settings."), sheet, 2)
        return "", {}, {}, ()
    row, values = sheet.rows[0]
    code = values.get("form_id", "")
    if not NAME_PATTERN.match(code):
        reader.problem(
            _(
                "“%(value)s” is not a valid form_id: start with a letter, then letters, digits "
                "or “_”, 80 characters at most."
            )
            % {"value": code},
            sheet,
            row,
            "form_id",
        )
    title = {"en": values.get("form_title", "")} | _translations(values, "capdev_title")
    if not title["en"]:
        reader.problem(_("The form needs a title."), sheet, row, "form_title")
    groups = reader.groups(sheet, row, "capdev_groups", values.get("capdev_groups", ""))
    return code, title, _translations(values, "capdev_description"), groups


class _Scales:
    """The choice lists, checked as maturity scales the first time an item uses one.

    Lists no item uses are left alone: an XLSForm may carry lists for other purposes, and
    reporting those would bury the problem that matters.
    """

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.sheet = reader.sheets["choices"]
        self.lists: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.checked: dict[str, tuple[ScalePoint, ...] | None] = {}
        if not reader.require_columns(self.sheet, ("list_name", "name", "label::en")):
            return
        for row, values in self.sheet.rows:
            list_name = values.get("list_name", "")
            if not list_name:
                reader.problem(_("A choice needs a list_name."), self.sheet, row, "list_name")
            elif list_name != MODE_LIST:
                self.lists.setdefault(list_name, []).append((row, values))

    def get(self, list_name: str) -> tuple[ScalePoint, ...] | None:
        if list_name not in self.checked:
            self.checked[list_name] = self._check(list_name)
        return self.checked[list_name]

    def _check(self, list_name: str) -> tuple[ScalePoint, ...] | None:
        reader, sheet = self.reader, self.sheet
        entries = self.lists.get(list_name)
        if not entries:
            return None
        before = len(reader.problems)
        points: dict[int, dict[str, str]] = {}
        for row, values in entries:
            name = values.get("name", "")
            try:
                value = int(name)
            except ValueError:
                reader.problem(
                    _("Scale points are whole numbers; “%(value)s” is not.") % {"value": name},
                    sheet,
                    row,
                    "name",
                )
                continue
            if value in points:
                reader.problem(
                    _("The list “%(list)s” has the point %(value)d twice.")
                    % {"list": list_name, "value": value},
                    sheet,
                    row,
                    "name",
                )
            if not values.get("label::en"):
                reader.problem(
                    _("Every point of a scale needs a descriptor in English."),
                    sheet,
                    row,
                    "label::en",
                )
            points[value] = _translations(values, "label")
        if len(reader.problems) > before:
            return None
        values_only = sorted(points)
        if (
            len(values_only) < 2
            or len(values_only) > MAX_SCALE_POINTS
            or values_only[0] not in (0, 1)
            or values_only != list(range(values_only[0], values_only[0] + len(values_only)))
        ):
            reader.problem(
                _(
                    "The scale “%(list)s” must be 2 to %(max)d consecutive whole numbers "
                    "starting at 0 or 1; it is %(values)s."
                )
                % {
                    "list": list_name,
                    "max": MAX_SCALE_POINTS,
                    "values": ", ".join(str(v) for v in values_only),
                },
                sheet,
                entries[0][0],
                "name",
            )
            return None
        return tuple(ScalePoint(value, points[value]) for value in values_only)


def _is_capdev_field(kind: str, name: str) -> bool:
    """Whether a survey row is one capdev adds on export (header fields, evidence)."""
    if kind == "text" and name.endswith(EVIDENCE_SUFFIX):
        return True
    return HEADER_FIELDS.get(name) == kind


def _read_survey(reader: _Reader, scales: _Scales) -> tuple[AreaSpec, ...]:
    sheet = reader.sheets["survey"]
    required = ("type", "name", "label::en", "capdev_level", "capdev_type", "capdev_theme")
    if not reader.require_columns(sheet, required):
        return ()
    areas: list[AreaSpec] = []
    seen: set[str] = set()
    current: tuple[str, dict[str, str], int] | None = None
    items: list[ItemSpec] = []
    for row, values in sheet.rows:
        kind = " ".join(values.get("type", "").split())
        name = values.get("name", "")
        lowered = (
            kind.lower().replace(" ", "_", 1)
            if kind.lower().startswith(("begin ", "end "))
            else kind.lower()
        )
        if not kind:
            reader.problem(_("This row has no type."), sheet, row, "type")
            continue
        if _is_capdev_field(lowered, name):
            continue
        if lowered in {"end_group", "end_repeat"}:
            if current is None:
                reader.problem(_("end_group without a begin_group."), sheet, row, "type")
            else:
                if not items:
                    reader.problem(
                        _("The area “%(name)s” has no items.") % {"name": current[0]},
                        sheet,
                        current[2],
                        "name",
                    )
                areas.append(AreaSpec(current[0], current[1], tuple(items)))
                current, items = None, []
            continue
        if not _check_name(reader, sheet, row, name, seen):
            continue
        if lowered == "begin_group":
            if current is not None:
                reader.problem(
                    _("Areas cannot be nested: close “%(name)s” with end_group first.")
                    % {"name": current[0]},
                    sheet,
                    row,
                    "type",
                )
                continue
            if not values.get("label::en"):
                reader.problem(_("An area needs a label in English."), sheet, row, "label::en")
            current, items = (name, _translations(values, "label"), row), []
            continue
        if not lowered.startswith("select_one "):
            reader.problem(
                _(
                    "“%(type)s” is not an instrument row: only areas (begin_group/end_group) "
                    "and scored select_one items."
                )
                % {"type": kind},
                sheet,
                row,
                "type",
            )
            continue
        if current is None:
            reader.problem(
                _("The item “%(name)s” is outside any area (begin_group).") % {"name": name},
                sheet,
                row,
                "type",
            )
            continue
        item = _read_item(reader, sheet, row, values, kind.split()[1], name, scales)
        if item:
            items.append(item)
    if current is not None:
        reader.problem(
            _("The area “%(name)s” is never closed with end_group.") % {"name": current[0]},
            sheet,
            current[2],
            "type",
        )
    if not areas and not reader.problems:
        reader.problem(_("The survey has no areas with scored items."), sheet, 2, "type")
    return tuple(areas)


def _check_name(reader: _Reader, sheet: _Sheet, row: int, name: str, seen: set[str]) -> bool:
    if not NAME_PATTERN.match(name):
        reader.problem(
            _(
                "“%(name)s” is not a valid name: start with a letter, then letters, digits or "
                "“_”, 80 characters at most."
            )
            % {"name": name},
            sheet,
            row,
            "name",
        )
        return False
    if name.startswith(RESERVED_PREFIX) or name.endswith(EVIDENCE_SUFFIX):
        reader.problem(
            _("Names starting with “capdev_” or ending in “__evidence” are reserved."),
            sheet,
            row,
            "name",
        )
        return False
    if name in seen:
        reader.problem(_("The name “%(name)s” is used twice.") % {"name": name}, sheet, row, "name")
        return False
    seen.add(name)
    return True


def _read_item(
    reader: _Reader,
    sheet: _Sheet,
    row: int,
    values: dict[str, str],
    list_name: str,
    name: str,
    scales: _Scales,
) -> ItemSpec | None:
    before = len(reader.problems)
    if not values.get("label::en"):
        reader.problem(_("An item needs a label in English."), sheet, row, "label::en")
    level, kind, theme = (
        values.get(c, "") for c in ("capdev_level", "capdev_type", "capdev_theme")
    )
    for column, value, choices in (
        ("capdev_level", level, Level),
        ("capdev_type", kind, CapacityType),
        ("capdev_theme", theme, Theme),
    ):
        if value not in choices.values:
            reader.problem(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices.values)},
                sheet,
                row,
                column,
            )
    if theme in Theme.values and kind in CapacityType.values:
        mismatch = theme_type_error(theme, kind)
        if mismatch:
            reader.problem(mismatch, sheet, row, "capdev_theme")
    weight = _read_weight(reader, sheet, row, values.get("capdev_weight", ""))
    required_text = values.get("required", "").lower()
    if required_text not in TRUE_VALUES | FALSE_VALUES:
        reader.problem(_("Write “yes” or leave empty."), sheet, row, "required")
    groups = reader.groups(sheet, row, "capdev_groups", values.get("capdev_groups", ""))
    scale = scales.get(list_name)
    if scale is None and list_name not in scales.lists:
        reader.problem(
            _("The scale “%(list)s” is not on the choices sheet.") % {"list": list_name},
            sheet,
            row,
            "type",
        )
    if len(reader.problems) > before or scale is None:
        return None
    return ItemSpec(
        name=name,
        label=_translations(values, "label"),
        hint=_translations(values, "hint"),
        required=required_text in TRUE_VALUES,
        level=level,
        type=kind,
        theme=theme,
        weight=weight,
        groups=groups,
        scale_list=list_name,
        scale=scale,
    )


def _read_weight(reader: _Reader, sheet: _Sheet, row: int, text: str) -> Decimal:
    if not text:
        return Decimal(1)
    try:
        weight = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        weight = Decimal(0)
    if not weight.is_finite() or not Decimal(0) < weight <= Decimal(1000):  # "NaN" parses
        reader.problem(
            _("The weight must be a positive number; “%(value)s” is not.") % {"value": text},
            sheet,
            row,
            "capdev_weight",
        )
    return weight


def _pyxform_problems(data: bytes, sheets: dict[str, _Sheet]) -> list[Problem]:
    """What the reference XLSForm converter finds wrong, located where it says."""
    try:
        convert(data, file_type=".xlsx")
    except PyXFormError as error:
        return [_located(str(error), sheets)]
    except Exception as error:  # noqa: BLE001  pyxform raises plain errors on malformed sheets
        return [
            Problem(_("The XLSForm converter refused this workbook: %(error)s") % {"error": error})
        ]
    return []


def _located(message: str, sheets: dict[str, _Sheet]) -> Problem:
    """A pyxform message as a Problem. pyxform names the sheet except for survey rows (its
    "[row : n]" is a survey row), and gives no row for an element it names."""
    row = re.search(r"\[row\s*:\s*(\d+)\]", message)
    sheet = re.search(r"'(survey|choices|settings)' sheet", message)
    column = re.search(r"the '([^']+)' value", message)
    named = re.search(r"survey element named '([^']+)'", message)
    text = re.sub(r"^\[row\s*:\s*\d+\]\s*", "", message)
    name = sheet.group(1) if sheet else "survey" if row or named else ""
    number = int(row.group(1)) if row else None
    if number is None and named and name in sheets:
        number = next(
            (n for n, values in sheets[name].rows if values.get("name") == named.group(1)), None
        )
    return Problem(
        text,
        sheets[name].name if name in sheets else name,
        number,
        column.group(1) if column else "",
    )


def parse_xlsform(data: bytes) -> InstrumentSpec:
    """The instrument a workbook describes; raises XLSFormInvalid listing every problem."""
    if data.lstrip()[:1] == b"<":
        try:
            check_xml(data, name=_("This XML file"))
        except UnsafeFile as error:
            raise XLSFormInvalid([Problem(str(error))]) from None
        raise XLSFormInvalid(
            [Problem(_("This is XML; capdev imports instruments as XLSForm .xlsx workbooks."))]
        )
    try:
        check_xlsx(data)
        sheets = _read_sheets(data)
    except UnsafeFile as error:
        raise XLSFormInvalid([Problem(str(error))]) from None
    except XLSFormInvalid:
        raise
    except Exception as error:  # noqa: BLE001  openpyxl raises many kinds on damaged parts
        raise XLSFormInvalid(
            [Problem(_("This workbook cannot be read: %(error)s") % {"error": error})]
        ) from None
    missing = [name for name in ("survey", "choices", "settings") if name not in sheets]
    if missing:
        raise XLSFormInvalid(
            [
                Problem(
                    _(
                        "The workbook has no “%(sheet)s” sheet; an instrument needs survey, "
                        "choices and settings."
                    )
                    % {"sheet": name},
                    name,
                )
                for name in missing
            ]
        )
    problems = _pyxform_problems(data, sheets)
    if problems:
        raise XLSFormInvalid(problems)
    reader = _Reader(sheets)
    code, title, description, groups = _read_settings(reader)
    scales = _Scales(reader)
    areas = _read_survey(reader, scales)
    if reader.problems:
        raise XLSFormInvalid(reader.problems)
    return InstrumentSpec(code, title, description, groups, areas)


# --- writing ----------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SURVEY_COLUMNS = (
    ["type", "name"]
    + [f"label::{LANGUAGE_COLUMNS[code]}" for code in LANGUAGES]
    + [f"hint::{LANGUAGE_COLUMNS[code]}" for code in LANGUAGES]
    + ["required", "capdev_level", "capdev_type", "capdev_theme", "capdev_weight"]
    + ["capdev_groups"]
)
CHOICE_COLUMNS = ["list_name", "name"] + [f"label::{LANGUAGE_COLUMNS[code]}" for code in LANGUAGES]


def _in_languages(text: str) -> list[str]:
    """A UI string (marked for translation) in each of the four languages, as columns."""
    columns = []
    for code in LANGUAGES:
        with translation.override(DJANGO_LANGUAGES[code]):
            columns.append(_(text))
    return columns


def _texts(texts: dict[str, str]) -> list[str]:
    return [texts.get(code, "") for code in LANGUAGES]


def _header_rows() -> list[list[Any]]:
    """The assessment header a field team fills in before scoring."""
    blank_hints = [""] * len(LANGUAGES)
    return [
        [
            "integer",
            "capdev_organisation",
            *_in_languages("Organisation number in capdev"),
            *blank_hints,
            "yes",
        ],
        ["date", "capdev_date", *_in_languages("Date of the assessment"), *blank_hints, "yes"],
        [
            f"select_one {MODE_LIST}",
            "capdev_mode",
            *_in_languages("Mode of the assessment"),
            *blank_hints,
            "yes",
        ],
        [
            "integer",
            "capdev_office",
            *_in_languages("Facilitating office number in capdev"),
            *blank_hints,
            "",
        ],
    ]


def export_xlsform(spec: InstrumentSpec, version_number: int) -> bytes:
    """The workbook of an instrument version, ready for KoboToolbox, ODK Central or Excel."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for row in _header_rows():
        survey.append(row)
    for area in spec.areas:
        survey.append(["begin_group", area.name, *_texts(area.label)])
        for item in area.items:
            survey.append(
                [
                    f"select_one {item.scale_list}",
                    item.name,
                    *_texts(item.label),
                    *_texts(item.hint),
                    "yes" if item.required else "",
                    item.level,
                    item.type,
                    item.theme,
                    _decimal_text(item.weight),
                    " ".join(item.groups),
                ]
            )
            survey.append(["text", f"{item.name}{EVIDENCE_SUFFIX}", *_in_languages("Evidence")])
        survey.append(["end_group"])
    choices = workbook.create_sheet("choices")
    choices.append(CHOICE_COLUMNS)
    for mode, label in (
        ("self", "Self-assessment"),
        ("joint", "Joint assessment"),
        ("external", "External assessment"),
    ):
        choices.append([MODE_LIST, mode, *_in_languages(label)])
    written: set[str] = set()
    for item in spec.items:
        if item.scale_list in written:
            continue
        written.add(item.scale_list)
        for point in item.scale:
            choices.append([item.scale_list, str(point.value), *_texts(point.label)])
    settings = workbook.create_sheet("settings")
    settings.append(
        ["form_title", "form_id", "version", "default_language", "capdev_groups"]
        + [f"capdev_title::{LANGUAGE_COLUMNS[code]}" for code in LANGUAGES[1:]]
        + [f"capdev_description::{LANGUAGE_COLUMNS[code]}" for code in LANGUAGES]
    )
    settings.append(
        [
            spec.title.get("en", ""),
            spec.code,
            str(version_number),
            LANGUAGE_COLUMNS["en"],
            " ".join(spec.groups),
        ]
        + [spec.title.get(code, "") for code in LANGUAGES[1:]]
        + _texts(spec.description)
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def export_xform(spec: InstrumentSpec, version_number: int) -> str:
    """The XForm XML (ODK Collect, KoboToolbox) of an instrument version, made by pyxform."""
    return convert(export_xlsform(spec, version_number), file_type=".xlsx", pretty_print=True).xform
