"""How diagnose models are reached by grants (see capdev.core.scoping)."""

from __future__ import annotations

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scoping import WRITING_ROLES, ScopePaths, register
from capdev.diagnose.models import (
    Area,
    AreaScore,
    Assessment,
    CellScore,
    Instrument,
    InstrumentVersion,
    Item,
    ItemScore,
    Need,
    Participant,
    ThemeScore,
)

# Instruments are shared reference material: everyone with a grant reads them; HQ and
# administrators maintain them.
INSTRUMENT_WRITERS = frozenset({Role.ADMIN, Role.HQ})
for model in (Instrument, InstrumentVersion, Area, Item):
    register(model, ScopePaths(public=Q(pk__isnull=False), writers=INSTRUMENT_WRITERS))

# Assessments and needs belong to an organisation and follow its scope. A focal point runs
# self-assessments of their own organisation and records its needs; the Office validates.
register(
    Assessment,
    ScopePaths(
        country="organisation__country",
        region="organisation__country__region",
        group="organisation__group",
        organisation="organisation",
        validators=WRITING_ROLES - {Role.FOCAL_POINT},
    ),
)
for model in (Participant, ItemScore, AreaScore, CellScore, ThemeScore):
    register(
        model,
        ScopePaths(
            country="assessment__organisation__country",
            region="assessment__organisation__country__region",
            group="assessment__organisation__group",
            organisation="assessment__organisation",
        ),
    )
register(
    Need,
    ScopePaths(
        country="organisation__country",
        region="organisation__country__region",
        group="organisation__group",
        organisation="organisation",
    ),
)
