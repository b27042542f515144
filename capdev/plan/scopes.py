"""How plan models are reached by grants (see capdev.core.scoping)."""

from __future__ import annotations

from django.db.models import Q

from capdev.core.scopes import ADMINS_ONLY
from capdev.core.scoping import ScopePaths, register
from capdev.plan.models import PBOutcome, SDGGoal, SDGTarget

# Framework reference data: read by everyone holding a grant, changed by administrators.
for model in (SDGGoal, SDGTarget, PBOutcome):
    register(model, ScopePaths(public=Q(pk__isnull=False), writers=ADMINS_ONLY))
