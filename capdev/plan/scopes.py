"""How plan models are reached by grants (see capdev.core.scoping)."""

from __future__ import annotations

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scopes import ADMINS_ONLY
from capdev.core.scoping import WRITING_ROLES, ScopePaths, register
from capdev.plan.models import (
    Action,
    CountryProgramme,
    CountryProgrammeOutcome,
    Deliverable,
    FundingSource,
    PBOutcome,
    Plan,
    Result,
    ResultIndicator,
    SDGGoal,
    SDGTarget,
    SteeringDecision,
    SteeringMeeting,
    StrategyOutcome,
)

PUBLIC = Q(pk__isnull=False)
# Framework reference data: read by everyone holding a grant, changed by administrators.
for model in (SDGGoal, SDGTarget, PBOutcome):
    register(model, ScopePaths(public=PUBLIC, writers=ADMINS_ONLY))
register(FundingSource, ScopePaths(public=PUBLIC, writers=frozenset({Role.ADMIN, Role.HQ})))

# Country programmes are the Office's with the country's constituents.
PROGRAMME_WRITERS = frozenset({Role.ADMIN, Role.HQ, Role.OFFICE})
register(
    CountryProgramme,
    ScopePaths(country="country", region="country__region", writers=PROGRAMME_WRITERS),
)
register(
    CountryProgrammeOutcome,
    ScopePaths(
        country="programme__country",
        region="programme__country__region",
        writers=PROGRAMME_WRITERS,
    ),
)

# A plan is seen by whoever sees one of its organisations (a country's tripartite plan by
# each constituent's focal point). The Office starts and signs plans; the constituent's focal
# point edits and signs for the constituent, and creates or deletes none.
NOT_FOCAL = WRITING_ROLES - {Role.FOCAL_POINT}


def _plan_paths(prefix: str) -> ScopePaths:
    return ScopePaths(
        country=f"{prefix}country",
        region=f"{prefix}country__region",
        group=f"{prefix}organisations__group",
        organisation=f"{prefix}organisations",
        many=True,
        administrators=NOT_FOCAL,
        validators=NOT_FOCAL,
    )


register(Plan, _plan_paths(""))
for model in (Result, Action):
    register(model, _plan_paths("plan__"))
register(ResultIndicator, _plan_paths("result__plan__"))

# The strategy's implementation plan is the Office's, published to everyone holding a grant.
for model in (StrategyOutcome, Deliverable, SteeringMeeting, SteeringDecision):
    register(model, ScopePaths(public=PUBLIC, writers=frozenset({Role.ADMIN, Role.HQ})))
