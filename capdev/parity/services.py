"""Writes of gender parity: meetings, the parity target. Delegation lists come in through
`capdev.parity.delegations_import`. Every write checks the writer's scope (see scopes.py:
HQ and administrators); `user=None` is the command line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from capdev.core.scoping import Action, ensure_in_scope, may_administer_some
from capdev.core.services import _delete, _save
from capdev.parity.models import Meeting, ParityTarget

Actor = AbstractBaseUser | None

MEETING_FIELDS = ("kind", "name", "session", "year", "start", "place", "region", "notes")
TARGET_FIELDS = ("minimum_percent", "goal_percent", "decided_by")


def _check(user: Actor, instance: Any, action: Action) -> None:
    if user is not None:
        ensure_in_scope(user, instance, action)


def meeting_create_allowed(user: Actor) -> bool:
    return user is None or may_administer_some(user, Meeting)


@transaction.atomic
def meeting_create(*, user: Actor, data: dict[str, Any]) -> Meeting:
    if not meeting_create_allowed(user):
        raise PermissionDenied(_("Meetings are recorded by HQ."))
    meeting = Meeting()
    _save(meeting, user=user, data=data, fields=MEETING_FIELDS)
    _check(user, meeting, Action.ADMINISTER)
    return meeting


@transaction.atomic
def meeting_update(*, user: Actor, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    _check(user, meeting, Action.CHANGE)
    _save(meeting, user=user, data=data, fields=MEETING_FIELDS)
    return meeting


@transaction.atomic
def meeting_delete(*, user: Actor, meeting: Meeting) -> None:
    """Delete a meeting with its delegation (each member's deletion is in its history)."""
    _check(user, meeting, Action.ADMINISTER)
    _delete(meeting, user=user)


def target_change_allowed(user: Actor) -> bool:
    return user is None or may_administer_some(user, ParityTarget)


@transaction.atomic
def target_update(*, user: Actor, data: dict[str, Any]) -> ParityTarget:
    """Set the minimum share of women and the goal (the one ParityTarget row, created with
    the defaults the first time)."""
    if not target_change_allowed(user):
        raise PermissionDenied(_("The parity target is set by HQ."))
    target = ParityTarget.objects.select_for_update().order_by("pk").first() or ParityTarget()
    _save(target, user=user, data=data, fields=TARGET_FIELDS)
    _check(user, target, Action.CHANGE)
    return target
