"""How each core model is reached by grants (see capdev.core.scoping)."""

from __future__ import annotations

from django.db.models import Q

from capdev.core.models import Contact, Country, Membership, Office, Organisation, Region, Role
from capdev.core.scoping import WRITING_ROLES, ScopePaths, register

ADMINS_ONLY = frozenset({Role.ADMIN})

register(Region, ScopePaths(country="countries", region="pk", many=True, writers=ADMINS_ONLY))
register(Country, ScopePaths(country="pk", region="region", writers=ADMINS_ONLY))
register(
    Office,
    ScopePaths(
        country="countries",
        region="countries__region",
        # HQ departments and the training centre cover no country: every user with a grant
        # may see them.
        public=Q(countries__isnull=True),
        many=True,
        writers=ADMINS_ONLY,
    ),
)
register(
    Organisation,
    ScopePaths(
        country="country",
        region="country__region",
        group="group",
        organisation="pk",
        # A focal point's scope is their own organisation: they edit it, create or delete none.
        administrators=WRITING_ROLES - {Role.FOCAL_POINT},
    ),
)
for child in (Membership, Contact):
    register(
        child,
        ScopePaths(
            country="organisation__country",
            region="organisation__country__region",
            group="organisation__group",
            organisation="organisation",
        ),
    )
