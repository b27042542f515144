"""Reads of lessons learned and good practices.

Published ones are everyone's knowledge (every user holding a grant, §16); drafts and
lessons in review are seen only by those who may change them (`Action.CHANGE`): their
writers' colleagues in the countries they concern, specialists and evaluators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.learn.models import Evaluation, Lesson

LESSON_SORTS = {
    "newest": ("-published_at", "-created_at", "-pk"),
    "oldest": ("published_at", "created_at", "pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
}


def lessons_for_user(user: Any) -> QuerySet[Lesson]:
    """Published lessons the user sees, and the unpublished ones the user may change."""
    published = scoped(user, Lesson.objects.filter(status=Lesson.Status.PUBLISHED))
    unpublished = scoped(user, Lesson.objects.exclude(status=Lesson.Status.PUBLISHED), Do.CHANGE)
    return Lesson.objects.filter(
        Q(pk__in=published.values("pk")) | Q(pk__in=unpublished.values("pk"))
    )


def lesson_for_user(user: Any, pk: int) -> Lesson:
    lesson = (
        lessons_for_user(user)
        .filter(pk=pk)
        .select_related("evaluation", "written_by", "reviewed_by")
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson


def _json_contains(field: str, value: str) -> Q:
    """Rows whose JSON list `field` holds `value` (works on SQLite and PostgreSQL alike)."""
    return Q(**{f"{field}__icontains": f'"{value}"'})


def lesson_list_for_user(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    theme: str = "",
    level: str = "",
    type: str = "",
    group: str = "",
    country: str = "",
    region: Any = None,
    evaluation: Any = None,
    sort: str = "",
) -> QuerySet[Lesson]:
    """The lessons the user sees, filtered; each word of `q` in a text field."""
    lessons = lessons_for_user(user)
    for word in q.split():
        lessons = lessons.filter(
            Q(title__icontains=word)
            | Q(context__icontains=word)
            | Q(challenge__icontains=word)
            | Q(what_worked__icontains=word)
            | Q(conditions__icontains=word)
        )
    if kind:
        lessons = lessons.filter(kind=kind)
    if status:
        lessons = lessons.filter(status=status)
    if theme:
        lessons = lessons.filter(_json_contains("themes", theme))
    if level:
        lessons = lessons.filter(_json_contains("levels", level))
    if type:
        lessons = lessons.filter(_json_contains("types", type))
    if group:
        lessons = lessons.filter(_json_contains("groups", group))
    if country:
        lessons = lessons.filter(countries__iso_alpha2=str(country).upper())
    if region:
        lessons = lessons.filter(countries__region=region)
    if evaluation:
        lessons = lessons.filter(
            evaluation=evaluation, evaluation__in=scoped(user, Evaluation.objects.all())
        )
    if country or region:
        lessons = lessons.distinct()
    return lessons.order_by(*LESSON_SORTS.get(sort, LESSON_SORTS["newest"])).prefetch_related(
        "countries"
    )
