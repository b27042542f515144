"""Which biennium a report is about: written 2020-21, two consecutive years starting in an
even year (capdev.lib.periods); by default the latest that has ended."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from capdev.reports.selectors import Biennium, latest_complete_biennium, parse_biennium


def test_a_biennium_knows_its_years_periods_and_dates():
    biennium = parse_biennium("2020-21")
    assert biennium == Biennium(2020)
    assert (biennium.first_year, biennium.last_year, biennium.label) == (2020, 2021, "2020-21")
    assert biennium.periods == ("2020-21", "2020", "2021")
    assert (biennium.start, biennium.end) == (date(2020, 1, 1), date(2021, 12, 31))
    assert parse_biennium(" 2024-25 ").label == "2024-25"  # spaces around it are ignored
    assert parse_biennium("1998-99").label == "1998-99"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 27), "2024-25"),
        (date(2026, 1, 1), "2024-25"),
        (date(2025, 12, 31), "2022-23"),  # 2024-25 is not over yet
        (date(2024, 1, 1), "2022-23"),
    ],
)
def test_the_default_is_the_latest_biennium_that_has_ended(today, expected):
    assert latest_complete_biennium(today).label == expected
    assert parse_biennium("", today=today).label == expected
    assert parse_biennium(None, today=today).label == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2020-22", "years"),
        ("2020-20", "years"),
        ("2020", "format"),
        ("2020/21", "format"),
        ("2020-2021", "format"),
        ("abcd-ef", "format"),
        ("0999-00", "range"),
        ("2100-01", "range"),
        ("2021-22", "even"),  # the Programme and Budget's bienniums start in even years
    ],
)
def test_anything_else_is_refused_with_the_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        parse_biennium(value)
    assert refused.value.code == code
    assert value in refused.value.messages[0]
