"""What the diagnose pages share."""

from __future__ import annotations

from django.http import HttpRequest

from capdev.core import selectors as core_selectors


def regions(request: HttpRequest) -> list[tuple[str, str]]:
    return [(r.code, str(r)) for r in core_selectors.regions_for_user(request.user)]


def stage_context(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "diagnose", **context}


def organisation_initial(request: HttpRequest) -> dict[str, int]:
    """`?organisation=ID` preselects the organisation of a new assessment or need."""
    wanted = request.GET.get("organisation", "")
    return {"organisation": int(wanted)} if wanted.isdigit() else {}
