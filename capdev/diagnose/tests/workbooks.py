"""Small XLSForm instruments built in memory, for tests that need a workbook or a version."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

from capdev.diagnose import services
from capdev.diagnose.models import Assessment, Instrument, InstrumentVersion, Item, ItemScore, Need

LANGS = ["English (en)", "French (fr)", "Spanish (es)", "Chinese (zh)"]
SURVEY_HEADER = (
    ["type", "name"]
    + [f"label::{lang}" for lang in LANGS]
    + ["required", "capdev_level", "capdev_type", "capdev_theme", "capdev_weight", "capdev_groups"]
)
CHOICES_HEADER = ["list_name", "name"] + [f"label::{lang}" for lang in LANGS]
SETTINGS_HEADER = ["form_title", "form_id", "version", "default_language", "capdev_groups"]

# (area, [(item, required, level, type, theme, weight)])
DEFAULT_AREAS = [
    (
        "leadership",
        [
            ("lead_vision", "yes", "organisational", "functional", "leadership", "2"),
            ("lead_skills", "", "individual", "functional", "leadership", "1"),
        ],
    ),
    (
        "dialogue",
        [
            ("sd_bargaining", "yes", "enabling_environment", "technical", "social_dialogue", "1"),
            ("sd_osh", "", "organisational", "technical", "osh", "1"),
        ],
    ),
]


def workbook(
    *,
    code: str = "test_instrument",
    title: str = "Test instrument",
    groups: str = "",
    areas: Iterable = DEFAULT_AREAS,
    survey_rows: list[list[str]] | None = None,
    choice_rows: list[list[str]] | None = None,
    sheets: Iterable[str] = ("survey", "choices", "settings"),
) -> bytes:
    """An instrument workbook; pass survey_rows/choice_rows to write exactly those rows."""
    book = Workbook()
    book.remove(book.active)
    rows_survey, rows_choices = [SURVEY_HEADER], [CHOICES_HEADER]
    for area, items in areas:
        rows_survey.append(["begin_group", area, f"Area {area}", f"Domaine {area}", "", ""])
        for name, required, level, kind, theme, weight in items:
            rows_survey.append(
                [
                    f"select_one {name}",
                    name,
                    f"Item {name}",
                    f"Élément {name}",
                    "",
                    "",
                    required,
                    level,
                    kind,
                    theme,
                    weight,
                    "",
                ]
            )
            for point in range(1, 5):
                rows_choices.append(
                    [name, str(point), f"{name} level {point}", f"niveau {point}", "", ""]
                )
        rows_survey.append(["end_group"])
    content = {
        "survey": survey_rows if survey_rows is not None else rows_survey,
        "choices": choice_rows if choice_rows is not None else rows_choices,
        "settings": [SETTINGS_HEADER, [title, code, "1", "English (en)", groups]],
    }
    for name in sheets:
        sheet = book.create_sheet(name)
        for row in content[name]:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def published_version(**options: object) -> InstrumentVersion:
    """Import `workbook(**options)` as a published version."""
    return services.instrument_import(user=None, data=workbook(**options), publish=True).version


def row_counts() -> tuple[int, ...]:
    """Rows (and history rows) of everything an import or a write could touch, to show that
    a refused one changed nothing."""
    return (
        Instrument.objects.count(),
        InstrumentVersion.objects.count(),
        Item.objects.count(),
        Instrument.history.count(),
        Assessment.objects.count(),
        ItemScore.objects.count(),
        Assessment.history.count(),
        Need.objects.count(),
    )
