"""How report models are reached by grants (see capdev.core.scoping).

A report job is its requester's own download: every grant reaches the model (an account
without a grant reaches none), and capdev.reports.selectors.jobs_for_user narrows it to the
jobs the user asked for, or all of them for an administrator.
"""

from __future__ import annotations

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scoping import ScopePaths, register
from capdev.reports.models import ReportJob

register(
    ReportJob,
    ScopePaths(public=Q(pk__isnull=False), writers=frozenset({Role.ADMIN})),
)
