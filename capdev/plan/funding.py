"""Writes to the funding sources plans and activities draw on (§25).

Funding sources are read by everyone holding a grant and kept by administrators and HQ (see
scopes.py); `user=None` is the command line.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, may_administer_some
from capdev.core.services import _save
from capdev.plan.models import FundingSource

Actor = AbstractBaseUser | AnonymousUser | None

FUNDING_SOURCE_FIELDS = ("name", "kind", "earmarking", "donor")


def funding_source_create_allowed(user: Actor) -> bool:
    return user is None or may_administer_some(user, FundingSource)


@transaction.atomic
def funding_source_create(*, user: Actor, data: dict[str, Any]) -> FundingSource:
    """A new funding source; an earmarked voluntary contribution names its donor."""
    if not funding_source_create_allowed(user):
        raise PermissionDenied(_("Your role does not keep funding sources."))
    source = FundingSource()
    _save(source, user=user, data=data, fields=FUNDING_SOURCE_FIELDS)  # type: ignore[arg-type]
    if user is not None:
        ensure_in_scope(user, source, Do.ADMINISTER)
    return source


@transaction.atomic
def funding_source_update(
    *, user: Actor, source: FundingSource, data: dict[str, Any]
) -> FundingSource:
    if user is not None:
        ensure_in_scope(user, source, Do.CHANGE)
    _save(source, user=user, data=data, fields=FUNDING_SOURCE_FIELDS)  # type: ignore[arg-type]
    return source
