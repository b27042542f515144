"""What every list and form page does the same way: paging, live search, model errors."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet) -> dict[str, object]:
    """The page asked for, and the query string to keep filters on the other pages' links."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }


def valid_filters(form: forms.Form) -> dict[str, Any]:
    """The values of a list's filters that are valid: one mistyped filter is ignored (and
    shown with its error), not all of them."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_list(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    """The whole list page, or for a live search (HTMX) only its results partial."""
    return render(request, f"{template}#results" if is_htmx(request) else template, context)


def apply_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation errors next to the form fields they concern."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Model],
    *,
    saved: str,
    refused: str,
    next_url: Callable[[Model], str],
    template: str,
    context: dict[str, object],
) -> HttpResponse:
    """A create or edit page: on a valid POST, `save(cleaned_data)` through a service and
    go to `next_url(saved)`; otherwise show the form again with every error next to its
    field (400 when there are errors), having saved nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            instance = save(form.cleaned_data)
        except ValidationError as error:
            apply_model_errors(form, error)
        except PermissionDenied:
            form.add_error(None, refused)
        else:
            messages.success(request, saved)
            return redirect(next_url(instance))
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def with_blank(choices: object, label: str = "—") -> list[tuple[str, str]]:
    """A choice field's choices with an empty first choice: "any" in filters, "none" in forms."""
    return [("", label), *list(choices)]  # type: ignore[call-overload]


def create_or_edit_page(
    request: HttpRequest,
    instance: Model | None,
    form_class: type[forms.ModelForm],
    *,
    create: Callable[[dict[str, Any]], Model],
    update: Callable[[Any, dict[str, Any]], Model],
    form_kwargs: dict[str, Any] | None = None,
    **page: Any,
) -> HttpResponse:
    """form_page for a row created (`instance` None) or edited through a service.

    The form validates a copy of the instance: a refused edit must not show unsaved values
    as the saved row's (its name in the page heading, say).
    """
    form = form_class(
        request.POST or None,
        instance=copy.copy(instance) if instance is not None else None,
        **(form_kwargs or {}),
    )

    def save(data: dict[str, Any]) -> Model:
        return create(data) if instance is None else update(instance, data)

    return form_page(request, form, save, **page)


def filtered_list_page(
    request: HttpRequest,
    filters: forms.Form,
    select: Callable[..., QuerySet],
    *,
    template: str,
    context: dict[str, object],
) -> HttpResponse:
    """A list with filters whose field names are the selector's keyword arguments (filters
    left empty are not passed), paged, with live search."""
    chosen = {name: value for name, value in valid_filters(filters).items() if value}
    page = paginate(request, select(request.user, **chosen))
    return render_list(request, template, {"filters": filters, **page, **context})
