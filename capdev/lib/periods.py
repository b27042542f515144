"""Years and bienniums: the periods capdev plans, measures and reports by.

A biennium is two consecutive years written "2024-25", starting in an even year as the
ILO's Programme and Budget does (2020-21, 2022-23, 2024-25: the 78th financial period is
2022-23). An indicator's period is a year (2025) or a biennium. Everything that reads or
checks one goes through this module, so that the plan, the monitor and the reports agree
on what a period is.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The years a period may name.
FIRST_YEAR = 1990
LAST_YEAR = 2100

# ASCII digits only: \d would take "٢٠٢٥" too.
BIENNIUM = re.compile(r"([0-9]{4})-([0-9]{2})")
YEAR = re.compile(r"[0-9]{4}")


class PeriodError(ValidationError, ValueError):
    """A period written wrong. A ValidationError, so forms, models and the API show its
    message (translated, with its `code`: format, range, years or even); a ValueError too,
    for code that is not Django's."""


@dataclass(frozen=True, order=True)
class Biennium:
    """Two consecutive years, written 2024-25 as in the Programme and Budget."""

    first_year: int

    @property
    def last_year(self) -> int:
        return self.first_year + 1

    @property
    def label(self) -> str:
        return f"{self.first_year}-{self.last_year % 100:02d}"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def periods(self) -> tuple[str, str, str]:
        """The indicator periods that fall in it: the biennium itself and its two years."""
        return (self.label, str(self.first_year), str(self.last_year))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.first_year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.last_year, 12, 31)

    def __str__(self) -> str:
        return self.label


def _even(year: int) -> Biennium:
    """The biennium that holds `year`."""
    return Biennium(year - year % 2)


def parse_biennium(text: str | None) -> Biennium:
    """The biennium written in `text`, exactly "2024-25" (strip typed text first); a
    PeriodError saying what is wrong otherwise: not written YYYY-YY (code "format"), outside
    1990–2100 ("range"), years that do not follow each other ("years"), or starting in an
    odd year ("even")."""
    value = text or ""
    match = BIENNIUM.fullmatch(value)
    if not match:
        raise PeriodError(
            _("“%(value)s” is not a biennium: write it as 2020-21 (YYYY-YY)."),
            code="format",
            params={"value": value},
        )
    first_year = int(match.group(1))
    if not FIRST_YEAR <= first_year < LAST_YEAR:
        raise PeriodError(
            _("“%(value)s” is outside the years capdev reports on."),
            code="range",
            params={"value": value},
        )
    if (first_year + 1) % 100 != int(match.group(2)):
        raise PeriodError(
            _(
                "“%(value)s” is not a biennium: its years must follow each other, as in "
                "%(example)s."
            ),
            code="years",
            params={"value": value, "example": _even(first_year).label},
        )
    if first_year % 2:
        raise PeriodError(
            _(
                "“%(value)s” is not a biennium of the Programme and Budget: bienniums start "
                "in an even year, as %(before)s and %(after)s do."
            ),
            code="even",
            params={
                "value": value,
                "before": _even(first_year).label,
                "after": Biennium(first_year + 1).label,
            },
        )
    return Biennium(first_year)


def parse_period(text: str | None) -> int | Biennium:
    """The year (an int, 1990–2100) or the biennium written in `text`: "2025" or "2024-25";
    a PeriodError otherwise (see parse_biennium for its codes)."""
    value = text or ""
    if YEAR.fullmatch(value):
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                _("“%(value)s” is outside the years capdev reports on."),
                code="range",
                params={"value": value},
            )
        return year
    if not BIENNIUM.fullmatch(value):
        raise PeriodError(_("Write a period as 2025 or 2024-25."), code="format")
    return parse_biennium(value)


def period_years(period: str | int | Biennium) -> range:
    """The years a period covers: 2025 → range(2025, 2026); 2024-25 → range(2024, 2026).
    A PeriodError when a text is not a period."""
    if isinstance(period, str):
        period = parse_period(period)
    if isinstance(period, Biennium):
        return period.years
    return range(period, period + 1)


def periods_overlap(first: str, second: str) -> bool:
    """Whether two different periods share a year (2024 and 2024-25 do; 2024 and 2025 do
    not; a period does not overlap itself). A PeriodError when one is not a period."""
    if first == second:
        return False
    return bool(set(period_years(first)) & set(period_years(second)))


def period_sort_key(period: str) -> tuple[int, int, str]:
    """Periods in time order, by first then last year: 2024, 2024-25, 2025, 2026-27.

    Never fails, so that a list of stored periods sorts even if an old one is written
    wrong: such a period sorts by its leading digits, or first when it has none."""
    try:
        years = period_years(period)
    except PeriodError:
        head = period[:4]
        year = int(head) if head.isdigit() else 0
        return (year, year, period)
    return (years[0], years[-1], period)


def latest_complete_biennium(today: datetime.date | None = None) -> Biennium:
    """The latest biennium that has ended by `today` (default: today in the site's time
    zone), the one before the current: 2022-23 all through 2025, 2024-25 through 2026-27."""
    today = today or timezone.localdate()
    return Biennium(_even(today.year).first_year - 2)
