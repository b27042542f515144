"""Text kept in the four UI languages as one JSON object: {"en": …, "fr": …, "es": …, "zh": …}.

Instrument labels, hints and scale descriptors come from XLSForm workbooks with one column
per language; keeping them together (rather than a column per language per field) lets a
workbook round-trip without a schema change when a language is added.
"""

from __future__ import annotations

from django.utils.translation import get_language

LANGUAGES = ("en", "fr", "es", "zh")


def language_key(language: str | None = None) -> str:
    """The key of `language` (a Django language code such as "zh-hans"), or of the active one."""
    code = (language or get_language() or "en").lower()[:2]
    return code if code in LANGUAGES else "en"


def localized(texts: dict[str, str] | None, language: str | None = None) -> str:
    """The text in `language` (default: the active one), falling back to English."""
    if not texts:
        return ""
    return texts.get(language_key(language)) or texts.get("en", "")
