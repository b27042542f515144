"""Template filters of the parity pages."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(share: float | None, digits: int = 1) -> str:
    """`{{ row.share|percent }}`: a share (0–1) as "33.3 %" in the active locale; "—" for none."""
    if share is None:
        return "—"
    return f"{number_format(share * 100, decimal_pos=digits)} %"


@register.filter
def reaches(row: object, percent_value: int) -> bool:
    """`{% if row|reaches:target.minimum_percent %}`: the row's share is at least that."""
    return bool(row.reaches(percent_value))  # type: ignore[attr-defined]


@register.filter
def share_of(women: int, total: int) -> float | None:
    """`{{ women|share_of:total|percent }}`: women / total, None when no one is counted."""
    return women / total if total else None
