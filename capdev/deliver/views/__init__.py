"""Pages of the deliver stage: parse, call a selector or service, render."""

from __future__ import annotations


def stage_context(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "deliver", **context}
