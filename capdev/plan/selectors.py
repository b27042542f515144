"""Reads of the plan stage. Every one starts from `scoped()`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from capdev.core.models import Organisation
from capdev.core.scoping import Action, scoped
from capdev.diagnose.models import Assessment, Level, Need
from capdev.lib.translated import LANGUAGES
from capdev.plan.models import FundingSource, PBOutcome, Plan, Result, SDGTarget

User = AbstractBaseUser | AnonymousUser


def sdg_targets_for_user(
    user: User, *, q: str = "", goal: int | None = None
) -> QuerySet[SDGTarget]:
    """The SDG targets, in order; `q` is a code ("8.5") or words of the title in any language."""
    targets = scoped(user, SDGTarget.objects.select_related("goal"))
    if goal:
        targets = targets.filter(goal__number=goal)
    q = unicodedata.normalize("NFC", q.strip())
    if q:
        in_title = Q()
        for code in LANGUAGES:
            in_title |= Q(**{f"title__{code}__icontains": q})
        targets = targets.filter(Q(code=q) | in_title)
    return targets


def pb_outcomes_for_user(user: User, *, biennium: str = "") -> QuerySet[PBOutcome]:
    outcomes = scoped(user, PBOutcome.objects.all())
    return outcomes.filter(biennium=biennium) if biennium else outcomes


PLAN_SORTS = {
    "-start": ("-start", "title"),
    "title": ("title",),
    "country": ("country__name", "-start"),
    "status": ("status", "-start"),
}


def plans_for_user(
    user: User,
    *,
    q: str = "",
    country: str = "",
    region: str = "",
    status: str = "",
    sort: str = "-start",
    action: Action = Action.VIEW,
) -> QuerySet[Plan]:
    plans = scoped(user, Plan.objects.select_related("country", "office"), action)
    for word in q.split():
        plans = plans.filter(
            Q(title__icontains=word)
            | Q(organisations__name__icontains=word)
            | Q(country__name__icontains=word)
        ).distinct()
    lookups = {"country__iso_alpha2": country.upper(), "country__region__code": region}
    plans = plans.filter(**{key: value for key, value in lookups.items() if value})
    if status:
        plans = plans.filter(status=status)
    return plans.order_by(*PLAN_SORTS.get(sort, PLAN_SORTS["-start"]))


def plan_for_user(user: User, pk: int, action: Action = Action.VIEW) -> Plan:
    try:
        return plans_for_user(user, action=action).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404 from None


def plan_allows(user: User, plan: Plan, action: Action) -> bool:
    return scoped(user, Plan.objects.filter(pk=plan.pk), action).exists()


@dataclass(frozen=True)
class LevelOfChange:
    level: Level
    outcomes: list[Result]
    outputs: list[Result]


def theory_of_change(plan: Plan) -> list[LevelOfChange]:
    """The plan's results by level, each with its indicators and the outcomes it feeds."""
    results = list(
        plan.results.prefetch_related("indicators", "contributes_to").order_by("position", "pk")
    )
    return [
        LevelOfChange(
            Level(level),
            [r for r in results if r.level == level and r.kind == Result.Kind.OUTCOME],
            [r for r in results if r.level == level and r.kind == Result.Kind.OUTPUT],
        )
        for level in Level.values
    ]


def planning_context(user: User, organisations: list[Organisation]) -> dict[str, object]:
    """What the feedback loop (§5) shows while planning: the organisations' assessments and
    open needs; the page loads past activities from the deliver stage, and lessons, good
    practices and open recommendations from the learn stage."""
    ids = [o.pk for o in organisations]
    return {
        # Past activities come from the deliver stage, which the page loads by this query.
        "loop_organisations": urlencode([("organisation", pk) for pk in ids]),
        "loop_organisation_ids": ids,
        "assessments": scoped(
            user,
            Assessment.objects.filter(organisation_id__in=ids)
            .exclude(status=Assessment.Status.DRAFT)
            .select_related("organisation", "version__instrument"),
        ).order_by("-date")[:10],
        "open_needs": scoped(
            user, Need.objects.filter(organisation_id__in=ids, status=Need.Status.OPEN)
        ).select_related("organisation"),
    }


def funding_sources_for_user(
    user: User, *, q: str = "", kind: str = "", earmarking: str = ""
) -> QuerySet[FundingSource]:
    """Funding sources (reference data every grant reads); `q`: words of the name or donor."""
    sources = scoped(user, FundingSource.objects.select_related("donor", "donor__country"))
    for word in q.split():
        sources = sources.filter(Q(name__icontains=word) | Q(donor__name__icontains=word))
    lookups = {"kind": kind, "earmarking": earmarking}
    return sources.filter(**{key: value for key, value in lookups.items() if value})


def funding_source_for_user(user: User, pk: int) -> FundingSource:
    try:
        return funding_sources_for_user(user).get(pk=pk)
    except FundingSource.DoesNotExist:
        raise Http404 from None
