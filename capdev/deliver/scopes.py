"""How deliver models are reached by grants (see capdev.core.scoping).

An activity is seen where it takes place (its countries) and by the organisations whose
capacity it builds. A participant record is seen by country through its activity (an
office sees everyone in the activities held in its countries, not its countries' people in
activities held elsewhere) and by organisation through the person (a focal point sees their
own organisation's people and no one else's; a specialist, their group's). The Office
organises activities; focal points record none.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scoping import WRITING_ROLES, ScopePaths, register
from capdev.deliver.models import (
    Activity,
    ParticipantImport,
    Participation,
    Person,
    RolloutWave,
    StaffCompletion,
    StaffCourse,
)

OFFICE_WRITERS = frozenset(WRITING_ROLES - {Role.FOCAL_POINT})


def _activity_paths(prefix: str) -> ScopePaths:
    return ScopePaths(
        country=f"{prefix}countries",
        region=f"{prefix}countries__region",
        group=f"{prefix}beneficiaries__group",
        organisation=f"{prefix}beneficiaries",
        many=True,
        writers=OFFICE_WRITERS,
    )


register(Activity, _activity_paths(""))
# An import's record quotes cells of the list (names, e-mail addresses, other organisations'
# people): it is for the Office, who imports, not for the constituents' focal points.
register(ParticipantImport, replace(_activity_paths("activity__"), office_internal=True))
register(
    Person,
    ScopePaths(
        country="country",
        region="country__region",
        group="organisation__group",
        organisation="organisation",
        writers=OFFICE_WRITERS,
    ),
)
register(
    Participation,
    ScopePaths(
        country="activity__countries",
        region="activity__countries__region",
        group="person__organisation__group",
        organisation="person__organisation",
        many=True,
        writers=OFFICE_WRITERS,
    ),
)

# The staff curriculum is the Office's own: its staff see it, constituents do not.
STAFF_WRITERS = frozenset({Role.ADMIN, Role.HQ})
for model in (StaffCourse, RolloutWave):
    register(
        model,
        ScopePaths(public=Q(pk__isnull=False), writers=STAFF_WRITERS, office_internal=True),
    )
register(
    StaffCompletion,
    ScopePaths(
        country="office__countries",
        region="office__region",
        many=True,
        writers=frozenset({Role.ADMIN, Role.HQ, Role.OFFICE}),
        office_internal=True,
    ),
)
