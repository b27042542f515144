"""capdev.lib.shares and the `shares` template filters: shares from counts, thresholds in
whole numbers, percentages rounded half up in the reader's locale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from capdev.lib.shares import percent, reaches, share


def test_a_share_is_part_over_whole_and_none_of_nobody():
    assert share(1, 4) == 0.25
    assert share(2, 3) == pytest.approx(0.6667, abs=1e-4)
    assert share(0, 5) == 0.0
    assert share(0, 0) is None
    assert share(3, 0) is None
    assert share(Decimal("500.00"), Decimal("1700.00")) == pytest.approx(500 / 1700)
    assert isinstance(share(Decimal(1), Decimal(2)), float)


def test_a_percent_is_the_same_share_times_a_hundred_rounded_when_asked():
    assert percent(3, 5) == 60.0
    assert percent(2, 3) == pytest.approx(66.6667, abs=1e-4)
    assert percent(2, 3, digits=2) == 66.67
    assert percent(1, 8, digits=1) == 12.5
    assert percent(0, 0) is None
    assert percent(0, 0, digits=2) is None


def test_a_threshold_is_reached_in_whole_numbers_without_rounding():
    assert reaches(3, 10, 30)  # exactly 30 %
    assert not reaches(2999, 10000, 30)  # 29.99 % would round to 30 %
    assert reaches(1, 2, 50) and not reaches(49, 100, 50)
    assert not reaches(0, 0, 0)  # nothing counted reaches nothing


def render(text: str, **context: object) -> str:
    return Template("{% load shares %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2 / 3, "66.7 %"),  # rounded, not cut to 66.6
        (0.4167, "41.7 %"),
        (Decimal("0.125"), "12.5 %"),
        (0.00049, "0.0 %"),
        (1.0, "100.0 %"),
        (None, "—"),  # a share of nobody is not 0 %
        ("", "—"),
    ],
)
def test_the_percent_filter_shows_a_share_rounded_half_up(value, expected):
    assert render("{{ value|percent }}", value=value) == expected


def test_the_percent_filter_follows_the_locale_and_the_digits_asked():
    with translation.override("fr"):
        assert render("{{ value|percent }}", value=2 / 3) == "66,7 %"
    assert render("{{ value|percent:2 }}", value=2 / 3) == "66.67 %"
    assert render("{{ value|percent:0 }}", value=0.125) == "13 %"


def test_share_of_and_reaches_filters():
    assert render("{{ 2|share_of:3|percent }}") == "66.7 %"
    assert render("{{ 0|share_of:0|percent }}") == "—"

    class Row:
        women, total = 3, 10

        def reaches(self, percent_value: int) -> bool:
            return reaches(self.women, self.total, percent_value)

    template = "{% if row|reaches:30 %}yes{% else %}no{% endif %}"
    assert render(template, row=Row()) == "yes"
    assert render(template.replace("30", "31"), row=Row()) == "no"
