"""Shares of a whole (women among the people counted, delivered among planned actions…),
computed once, from counts.

A share is always `part / whole` of two counts (or two sums) read together; a share of
several groups is computed from their pooled counts, never by averaging their shares. A
share of nothing (`whole` = 0) is None, not 0: "—" on a page, null in the API. A threshold
is reached when `part × 100 ≥ threshold × whole`, in whole numbers, so no rounding decides
a borderline case.
"""

from __future__ import annotations

from decimal import Decimal

Count = int | Decimal


def share(part: Count, whole: Count) -> float | None:
    """`part / whole` as a fraction (0–1 for a part of the whole); None when `whole` is 0."""
    if not whole:
        return None
    return float(part / whole)


def percent(part: Count, whole: Count, digits: int | None = None) -> float | None:
    """`part / whole` in percent (0–100), rounded to `digits` decimals when given; None
    when `whole` is 0."""
    if not whole:
        return None
    value = float(100 * part / whole)
    return value if digits is None else round(value, digits)


def reaches(part: Count, whole: Count, threshold_percent: Count) -> bool:
    """Whether `part` of `whole` is at least `threshold_percent` % (exactly: part × 100 ≥
    threshold × whole). Nothing counted reaches nothing."""
    return whole > 0 and part * 100 >= threshold_percent * whole
