"""How monitor models are reached by grants (see capdev.core.scoping).

An indicator of a plan's results is seen as its plans are; one that serves only the P&B or
the strategy is the Office's published framework, seen by everyone holding a grant. The
Office and specialists keep indicators and record measurements; the Office approves them.
"""

from __future__ import annotations

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scoping import WRITING_ROLES, ScopePaths, register
from capdev.monitor.models import CapacityFact, Indicator, Measurement, Target

KEEPERS = frozenset(WRITING_ROLES - {Role.FOCAL_POINT})
APPROVERS = frozenset({Role.ADMIN, Role.HQ, Role.OFFICE})


def _indicator_paths(prefix: str) -> ScopePaths:
    plans = f"{prefix}results__plan__"
    return ScopePaths(
        country=f"{plans}country",
        region=f"{plans}country__region",
        group=f"{plans}organisations__group",
        organisation=f"{plans}organisations",
        public=Q(**{f"{prefix}results__isnull": True}),
        many=True,
        writers=KEEPERS,
        validators=APPROVERS,
    )


register(Indicator, _indicator_paths(""))
for model in (Target, Measurement):
    register(model, _indicator_paths("indicator__"))

# Capacity facts follow the organisation assessed, like its assessments; nobody writes them.
register(
    CapacityFact,
    ScopePaths(
        country="country",
        region="region",
        group="group",
        organisation="organisation",
        writers=frozenset(),
    ),
)
