"""Template filters for shares (capdev.lib.shares), the same on every page and report:
`{% load shares %}`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

from capdev.lib import shares

register = template.Library()


@register.filter
def percent(share: float | Decimal | None, digits: int = 1) -> str:
    """`{{ row.share|percent }}`: a share (0–1) as a percentage in the active locale,
    rounded half up to `digits` decimals (2/3 → "66.7 %"); "—" when there is none (a share
    of nobody is not 0 %)."""
    if share is None or share == "":
        return "—"
    digits = int(digits)
    value = (Decimal(str(share)) * 100).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=digits)} %"


@register.filter
def share_of(part: int, whole: int) -> float | None:
    """`{{ women|share_of:total|percent }}`: part / whole, None when `whole` is 0."""
    return shares.share(part, whole)


@register.filter
def reaches(row: object, threshold_percent: int) -> bool:
    """`{% if row|reaches:target.minimum_percent %}`: whether the row (anything with a
    `reaches(percent)` method, such as parity's shares) is at least that share."""
    return bool(row.reaches(threshold_percent))  # type: ignore[attr-defined]
