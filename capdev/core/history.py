"""Readable change history of any audited record (django-simple-history underneath)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    changes: list[FieldChange]


def _display(record: models.Model, field_name: str) -> str:
    field = record._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(getattr(record, f"get_{field_name}_display")())
    value = getattr(record, field_name)
    if field.is_relation and field.many_to_one:
        value = getattr(record, field.attname)
        related = field.related_model._default_manager.filter(pk=value).first() if value else None
        return str(related) if related else ""
    if isinstance(value, models.Manager):  # m2m history rows
        return ", ".join(str(item) for item in value.all())
    return "" if value is None else str(value)


def history_of(instance: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """Newest first: who changed what and when, with old and new values per field."""
    records = list(instance.history.select_related("history_user").all()[: limit + 1])
    entries: list[HistoryEntry] = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes: list[FieldChange] = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            for change in delta.changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        field=str(field.verbose_name),
                        old=_display(older, change.field),
                        new=_display(newer, change.field),
                    )
                )
        user = newer.history_user
        entries.append(
            HistoryEntry(
                at=newer.history_date,
                who=user.get_username() if user else str(_("system")),
                action=str(ACTIONS[newer.history_type]),
                changes=changes,
            )
        )
    return entries
