"""How the learn models are reached by grants (see capdev.core.scoping).

An evaluation is seen as its countries, organisations and their constituent groups are; one
of no country (a strategic or thematic evaluation of the Office) is seen by every grant. A
grant for a constituent group (a specialist) reaches the evaluations of organisations of that
group only: an evaluation of no organisation reaches it only when public (of no country). Its
ratings, documents and recommendations, their management responses and follow-up actions go
with it. Evaluators, HQ and administrators record evaluations and recommendations; HQ and
administrators record management responses, and each unit updates the follow-up actions
assigned to it (checked in services, by the unit; the unit's own staff also see the actions
assigned to their unit outside their countries, see capdev.learn.selectors.evaluations).
Published lessons and good practices are everyone's knowledge (§16); drafts are seen and
written by the Office's staff and evaluators in their countries.
"""

from __future__ import annotations

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scoping import ScopePaths, register
from capdev.learn.models import (
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    Lesson,
    ManagementResponse,
    Recommendation,
)

EVALUATION_WRITERS = frozenset({Role.ADMIN, Role.HQ, Role.EVALUATOR})
RESPONDERS = frozenset({Role.ADMIN, Role.HQ})
LESSON_WRITERS = frozenset({Role.ADMIN, Role.HQ, Role.OFFICE, Role.SPECIALIST, Role.EVALUATOR})
LESSON_PUBLISHERS = frozenset({Role.ADMIN, Role.HQ, Role.OFFICE})  # never the writer


def _evaluation_paths(prefix: str, writers: frozenset[str]) -> ScopePaths:
    return ScopePaths(
        country=f"{prefix}countries",
        region=f"{prefix}countries__region",
        group=f"{prefix}organisations__group",
        organisation=f"{prefix}organisations",
        public=Q(**{f"{prefix}countries__isnull": True}),
        many=True,
        writers=writers,
    )


register(Evaluation, _evaluation_paths("", EVALUATION_WRITERS))
for model in (CriterionRating, EvaluationDocument, Recommendation):
    register(model, _evaluation_paths("evaluation__", EVALUATION_WRITERS))
for model in (ManagementResponse, FollowUpAction):
    register(model, _evaluation_paths("recommendation__evaluation__", RESPONDERS))
register(
    Lesson,
    ScopePaths(
        country="countries",
        region="countries__region",
        public=Q(status=Lesson.Status.PUBLISHED),
        many=True,
        writers=LESSON_WRITERS,
        validators=LESSON_PUBLISHERS,
    ),
)
