"""capdev.lib.periods: the one reader of years and bienniums (2024-25, starting in an even
year as the ILO's Programme and Budget does)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from capdev.lib.periods import (
    Biennium,
    PeriodError,
    latest_complete_biennium,
    parse_biennium,
    parse_period,
    period_sort_key,
    period_years,
    periods_overlap,
)
from capdev.monitor.models import Indicator, Target
from capdev.plan.models import Deliverable


def refusal(parse, text: str) -> tuple[str, str]:
    with pytest.raises(PeriodError) as refused:
        parse(text)
    return refused.value.code, refused.value.messages[0]


def test_a_biennium_is_two_consecutive_years_starting_in_an_even_year():
    biennium = parse_biennium("2024-25")
    assert biennium == Biennium(2024)
    assert (biennium.first_year, biennium.last_year, biennium.label) == (2024, 2025, "2024-25")
    assert str(biennium) == "2024-25"
    assert biennium.years == range(2024, 2026)
    assert biennium.periods == ("2024-25", "2024", "2025")
    assert biennium.start == datetime.date(2024, 1, 1)
    assert biennium.end == datetime.date(2025, 12, 31)
    assert parse_biennium("2098-99").label == "2098-99"


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "format", "“” is not a biennium: write it as 2020-21 (YYYY-YY)."),
        ("2024", "format", "“2024” is not a biennium: write it as 2020-21 (YYYY-YY)."),
        ("2024-2025", "format", "“2024-2025” is not a biennium: write it as 2020-21 (YYYY-YY)."),
        ("2024–25", "format", "“2024–25” is not a biennium: write it as 2020-21 (YYYY-YY)."),
        (
            "2020-22",
            "years",
            "“2020-22” is not a biennium: its years must follow each other, as in 2020-21.",
        ),
        (
            "2021-20",
            "years",
            "“2021-20” is not a biennium: its years must follow each other, as in 2020-21.",
        ),
        (
            "2021-22",
            "even",
            "“2021-22” is not a biennium of the Programme and Budget: bienniums start in an "
            "even year, as 2020-21 and 2022-23 do.",
        ),
        ("0000-01", "range", "“0000-01” is outside the years capdev reports on."),
        ("1988-89", "range", "“1988-89” is outside the years capdev reports on."),
        ("2100-01", "range", "“2100-01” is outside the years capdev reports on."),
    ],
)
def test_a_wrong_biennium_is_refused_with_its_reason(text, code, message):
    assert refusal(parse_biennium, text) == (code, message)


def test_a_refusal_is_both_a_validation_error_and_a_value_error():
    for kind in (ValidationError, ValueError):
        with pytest.raises(kind):
            parse_biennium("2021-22")


@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=99))
def test_any_yyyy_yy_is_accepted_exactly_when_it_is_a_biennium_of_the_range(first, last):
    text = f"{first:04d}-{last:02d}"
    valid = 1990 <= first <= 2098 and first % 2 == 0 and (first + 1) % 100 == last
    if valid:
        assert parse_biennium(text).label == text
        assert parse_period(text) == Biennium(first)
    else:
        with pytest.raises(PeriodError):
            parse_biennium(text)


@given(st.text(max_size=12))
def test_any_text_is_a_period_or_a_clear_refusal(text):
    try:
        period = parse_period(text)
    except PeriodError as refused:
        assert refused.code in {"format", "range", "years", "even"}
        assert refused.messages[0]
    else:
        assert str(period) == text


@pytest.mark.parametrize("text", [" 2024-25", "2024-25\n", "٢٠٢٤-٢٥", "２０２４-２５"])
def test_a_biennium_is_written_exactly_in_ascii_digits(text):
    assert refusal(parse_biennium, text)[0] == "format"
    assert refusal(parse_period, text)[0] == "format"


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("25", "format", "Write a period as 2025 or 2024-25."),
        ("2025/26", "format", "Write a period as 2025 or 2024-25."),
        ("٢٠٢٥", "format", "Write a period as 2025 or 2024-25."),
        ("2025 ", "format", "Write a period as 2025 or 2024-25."),
        ("0000", "range", "“0000” is outside the years capdev reports on."),
        ("1989", "range", "“1989” is outside the years capdev reports on."),
        ("2101", "range", "“2101” is outside the years capdev reports on."),
        (
            "2020-22",
            "years",
            "“2020-22” is not a biennium: its years must follow each other, as in 2020-21.",
        ),
        (
            "2019-20",
            "even",
            "“2019-20” is not a biennium of the Programme and Budget: bienniums start in an "
            "even year, as 2018-19 and 2020-21 do.",
        ),
    ],
)
def test_a_wrong_period_is_refused_with_its_reason(text, code, message):
    assert refusal(parse_period, text) == (code, message)


def test_a_period_is_a_year_or_a_biennium_and_covers_its_years():
    assert (parse_period("1990"), parse_period("2100")) == (1990, 2100)
    assert parse_period("2024-25") == Biennium(2024)
    assert period_years("2025") == range(2025, 2026)
    assert period_years("2024-25") == range(2024, 2026)
    assert period_years(2025) == range(2025, 2026)
    assert period_years(Biennium(2020)) == range(2020, 2022)
    assert periods_overlap("2024", "2024-25") and periods_overlap("2024-25", "2025")
    assert not periods_overlap("2023", "2024-25")
    assert not periods_overlap("2022-23", "2024-25")
    assert not periods_overlap("2024-25", "2024-25")
    with pytest.raises(PeriodError):
        period_years("2021-22")


def test_periods_sort_in_time_order_even_when_written_wrong():
    periods = ["2026-27", "2025", "2024-25", "2024", "2022-23", "0000-1x", "2021-22"]
    assert sorted(periods, key=period_sort_key) == [
        "0000-1x",
        "2021-22",
        "2022-23",
        "2024",
        "2024-25",
        "2025",
        "2026-27",
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2025, 1, 1), "2022-23"),
        (datetime.date(2025, 12, 31), "2022-23"),
        (datetime.date(2026, 1, 1), "2024-25"),
        (datetime.date(2027, 12, 31), "2024-25"),
        (datetime.date(2028, 1, 1), "2026-27"),
    ],
)
def test_the_latest_complete_biennium_is_the_one_before_the_current(today, expected):
    assert latest_complete_biennium(today).label == expected


@given(st.dates(min_value=datetime.date(1993, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_the_latest_complete_biennium_has_ended_and_the_next_has_not(today):
    latest = latest_complete_biennium(today)
    assert parse_biennium(latest.label) == latest
    assert latest.end < today
    assert Biennium(latest.first_year + 2).end >= today


@pytest.mark.parametrize(
    ("biennium", "message"),
    [
        ("2024-25", None),
        ("2024", "Write the biennium as 2024-25."),
        (
            "2025-26",
            "“2025-26” is not a biennium of the Programme and Budget: bienniums start in an "
            "even year, as 2024-25 and 2026-27 do.",
        ),
        (
            "2024-26",
            "“2024-26” is not a biennium: its years must follow each other, as in 2024-25.",
        ),
    ],
)
def test_a_strategy_deliverable_reads_its_biennium_here(biennium, message):
    deliverable = Deliverable(biennium=biennium)
    if message is None:
        deliverable.clean()
        return
    with pytest.raises(ValidationError) as refused:
        deliverable.clean()
    assert refused.value.message_dict == {"biennium": [message]}


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2025", None),
        ("2024-25", None),
        ("25", "Write a period as 2025 or 2024-25."),
        ("0000", "“0000” is outside the years capdev reports on."),
        (
            "2020-22",
            "“2020-22” is not a biennium: its years must follow each other, as in 2020-21.",
        ),
        (
            "2019-20",
            "“2019-20” is not a biennium of the Programme and Budget: bienniums start in an "
            "even year, as 2018-19 and 2020-21 do.",
        ),
    ],
)
def test_an_indicators_periods_are_read_here(period, message):
    subject = Indicator(code="X", name="X", measure="number", baseline_period=period)
    target = Target(indicator=subject, period=period, value=1)
    for record, field in ((subject, "baseline_period"), (target, "period")):
        if message is None:
            record.clean()
            continue
        with pytest.raises(ValidationError) as refused:
            record.clean()
        assert refused.value.message_dict == {field: [message]}
