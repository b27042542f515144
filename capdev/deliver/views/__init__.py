"""Pages of the deliver stage: parse, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Mapping


def stage_context(context: Mapping[str, object]) -> dict[str, object]:
    return {"stage": "deliver", **context}
