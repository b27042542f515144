"""Number formats of the reports: figures to one decimal and changes with their sign, "—"
where there is nothing to show (shares as percentages: `{% load shares %}`)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


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
