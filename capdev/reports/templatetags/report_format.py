"""Number formats of the reports: shares as percentages, figures to one decimal, and "—"
where there is nothing to show (a share of nobody is not 0 %)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def percent(share: float | Decimal | None, digits: int = 1) -> str:
    """A share (0–1) as a percentage: 0.4167 → "41.7 %"."""
    if share is None or share == "":
        return "—"
    return f"{floatformat(float(share) * 100, digits)} %"


@register.filter
def figure(value: float | Decimal | None, digits: int = 1) -> str:
    """A figure to `digits` decimals, "—" when there is none."""
    if value is None or value == "":
        return "—"
    return str(floatformat(value, digits))


@register.filter
def signed(value: float | Decimal | None, digits: int = 1) -> str:
    """A change with its sign: +3.5, −2.0, "—" when there is none."""
    if value is None or value == "":
        return "—"
    text = str(floatformat(abs(value), digits))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text
