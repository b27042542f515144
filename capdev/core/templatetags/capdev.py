"""Template filters shared by every app."""

from __future__ import annotations

from decimal import Decimal

from django import template

from capdev.lib.translated import localized as localized_text

register = template.Library()


@register.filter
def localized(texts: dict[str, str] | None) -> str:
    """`{{ item.label|localized }}`: the text in the active language, else English."""
    return localized_text(texts)


@register.filter
def signed(value: Decimal | int | None) -> str:
    """A change with its sign (+3.5, −2, 0), or an em dash when there is nothing to compare."""
    if value is None:
        return "—"
    number = round(float(value), 1)
    text = f"{abs(number):g}"
    if number > 0:
        return f"+{text}"
    return f"−{text}" if number < 0 else "0"


@register.filter
def get_list(mapping: dict, key: object) -> list:
    """`{{ rows|get_list:key }}`: the list under `key`, or an empty one."""
    return mapping.get(key, [])
