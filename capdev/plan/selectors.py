"""Reads of the plan stage. Every one starts from `scoped()`."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from capdev.core.scoping import scoped
from capdev.lib.translated import LANGUAGES
from capdev.plan.models import PBOutcome, SDGTarget

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
