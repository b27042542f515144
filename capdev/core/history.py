"""Readable change history of any audited record (django-simple-history underneath)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import formats, timezone
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
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return "" if value is None else str(value)


def _m2m_change(field: models.ManyToManyField, old: list[dict], new: list[dict]) -> FieldChange:
    """A to-many change as what was removed (old) and what was added (new)."""
    key = field.m2m_reverse_field_name()
    before = {row[key] for row in old}
    after = {row[key] for row in new}
    related = field.related_model._default_manager.in_bulk(before ^ after)

    def names(ids: set[int]) -> str:
        return ", ".join(sorted(str(related[i]) for i in ids if i in related))

    return FieldChange(str(field.verbose_name), names(before - after), names(after - before))


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
                if field.many_to_many:
                    changes.append(_m2m_change(field, change.old, change.new))
                    continue
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
