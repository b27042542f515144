"""What the diagnose pages share."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from capdev.core import selectors as core_selectors
from capdev.lib.pages import paginate, render_list, valid_filters

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def regions(request: HttpRequest) -> list[tuple[str, str]]:
    return [(r.code, str(r)) for r in core_selectors.regions_for_user(request.user)]


def stage_context(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "diagnose", **context}


def organisation_initial(request: HttpRequest) -> dict[str, int]:
    """`?organisation=ID` preselects the organisation of a new assessment or need."""
    wanted = request.GET.get("organisation", "")
    return {"organisation": int(wanted)} if wanted.isdigit() else {}


def registry_page(
    request: HttpRequest,
    filters: forms.Form,
    select: Callable[..., QuerySet],
    *,
    template: str,
    can_create: bool,
) -> HttpResponse:
    """A list with filters, whose field names are the selector's keyword arguments."""
    chosen = {name: value for name, value in valid_filters(filters).items() if value}
    context = {
        "filters": filters,
        **paginate(request, select(request.user, **chosen)),
        "can_create": can_create,
    }
    return render_list(request, template, stage_context(context))
