"""Writes of lessons learned and good practices: drafted by the Office's staff, specialists
and evaluators, reviewed and published by someone else (four eyes, §16).

Who may do what:
- write (create, edit drafts and lessons in review, submit, delete drafts): the roles in
  `scopes.LESSON_WRITERS`, within their scope (`scoped(user, ..., Action.CHANGE)`);
- publish, or return to draft with a reason: administrators, HQ and the country office
  covering one of the lesson's countries (`PUBLISHERS`), never the lesson's writer;
- edit a draft: its writer and colleagues within their scope; a lesson in review: its writer
  only (a reviewer returns it with a reason, or publishes it as it is); a published lesson:
  its publishers, and the edit sends it back to review (unpublished until someone who did
  not write or edit it publishes it again);
- no one publishes a lesson whose text they changed since it was last published;
- writers whose grants are bound to countries (office, specialist with a region...) must
  give at least one country of their scope.
`user=None` is the command line (demo data), which is not checked.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from capdev.core.models import ConstituentGroup, Country, Office, Role
from capdev.core.scoping import (
    GLOBAL_ROLES,
    ensure_in_scope,
    may_administer_some,
    scoped,
    user_grants,
)
from capdev.core.scoping import Action as Do
from capdev.diagnose.models import CapacityType, Level, Theme
from capdev.learn.models import Lesson
from capdev.learn.scopes import LESSON_WRITERS

Actor = AbstractBaseUser | None

LESSON_FIELDS = (
    "kind",
    "title",
    "context",
    "challenge",
    "what_worked",
    "conditions",
    "levels",
    "types",
    "themes",
    "groups",
    "evaluation",
)
LIST_FIELDS = {
    "levels": Level,
    "types": CapacityType,
    "themes": Theme,
    "groups": ConstituentGroup,
}
PUBLISHERS = frozenset({Role.ADMIN, Role.HQ, Role.OFFICE})
GLOBAL_PUBLISHERS = frozenset({Role.ADMIN, Role.HQ})


def lesson_create_allowed(user: Actor) -> bool:
    return user is None or may_administer_some(user, Lesson)


def may_publish(user: Actor, lesson: Lesson) -> bool:
    """Whether `user` may publish or return `lesson`: a publisher whose grant covers it, and
    not the person who wrote it."""
    if user is None:
        return True
    if lesson.written_by_id is not None and lesson.written_by_id == user.pk:
        return False
    grants = user_grants(user)
    if any(grant.role in GLOBAL_PUBLISHERS for grant in grants):
        return True
    offices = [g.office_id for g in grants if g.role == Role.OFFICE and g.office_id]
    if not offices:
        return False
    covered = Office.countries.through.objects.filter(office_id__in=offices).values("country_id")
    return lesson.countries.filter(pk__in=covered).exists()


def may_change(user: Actor, lesson: Lesson) -> bool:
    """Whether `user` may edit `lesson` (in review: its writer only; published: its
    publishers, which sends it back to review)."""
    if user is None:
        return True
    if lesson.status == Lesson.Status.PUBLISHED:
        return may_publish(user, lesson) or _is_global_publisher(user)
    if lesson.status == Lesson.Status.IN_REVIEW and lesson.written_by_id != user.pk:
        return False
    return scoped(user, Lesson.objects.filter(pk=lesson.pk), Do.CHANGE).exists()


def edited_since_published(user: AbstractBaseUser, lesson: Lesson) -> bool:
    """Whether `user` wrote or changed the lesson's text since it was last published (edits
    are the history records without a review reason)."""
    records = lesson.history.all()
    last = records.filter(status=Lesson.Status.PUBLISHED).order_by("-history_id").first()
    if last is not None:
        records = records.filter(history_id__gt=last.history_id)
    return (
        records.filter(history_user_id=user.pk)
        .filter(Q(history_change_reason__isnull=True) | Q(history_change_reason=""))
        .exists()
    )


def country_bound(user: Actor) -> bool:
    """Whether every grant by which `user` writes lessons is bound to countries (an office,
    a region, a country or an organisation): such a writer's lessons need a country."""
    if user is None:
        return False
    writing = [g for g in user_grants(user) if g.role in LESSON_WRITERS]
    return bool(writing) and not any(
        g.role in GLOBAL_ROLES
        or not (g.office_id or g.region_id or g.country_id or g.organisation_id)
        for g in writing
    )


def _is_global_publisher(user: AbstractBaseUser) -> bool:
    return any(grant.role in GLOBAL_PUBLISHERS for grant in user_grants(user))


def _clean(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    """The known fields of `data`, with list values checked against their choices."""
    errors: dict[str, str] = {}
    values = {name: data[name] for name in LESSON_FIELDS if name in data}
    for name, choices in LIST_FIELDS.items():
        if name not in values:
            continue
        given = values[name] or []
        if isinstance(given, str) or not isinstance(given, list | tuple):
            errors[name] = _("Give a list of values.")
            continue
        unknown = [str(v) for v in given if v not in choices.values]
        if unknown:
            errors[name] = _("Unknown value: %(values)s.") % {"values": ", ".join(unknown)}
        else:
            values[name] = list(dict.fromkeys(str(v) for v in given))  # in order, once each
    if "kind" in values and values["kind"] not in Lesson.Kind.values:
        errors["kind"] = _("Choose a lesson learned or a good practice.")
    for name in ("title", "context"):
        if (name in values or not partial) and not str(values.get(name) or "").strip():
            errors[name] = _("This field is required.")
    if not partial and "kind" not in values:
        errors["kind"] = _("This field is required.")
    if "title" in values and len(str(values["title"])) > 300:
        errors["title"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    return values


def _apply(lesson: Lesson, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(
            lesson, name, value if value is not None else ("" if name != "evaluation" else None)
        )


def _set_countries(lesson: Lesson, user: Actor, countries: Any) -> None:
    """Set the lesson's countries, keeping those the editor cannot see (an editor must not
    unlink what lies beyond their sight by saving)."""
    chosen = list(countries)
    if user is not None:
        visible = scoped(user, Country.objects.all())
        if len({c.pk for c in chosen}) != visible.filter(pk__in=[c.pk for c in chosen]).count():
            raise PermissionDenied(_("This is outside your scope."))
        if lesson.pk:
            chosen += list(lesson.countries.exclude(pk__in=visible.values("pk")))
    lesson.countries.set(chosen)


def _check_countries(user: Actor, lesson: Lesson) -> None:
    if country_bound(user) and not lesson.countries.exists():
        raise ValidationError({"countries": _("Choose at least one country of your scope.")})


def _check(user: Actor, lesson: Lesson, action: Do) -> None:
    if user is not None:
        ensure_in_scope(user, lesson, action)


@transaction.atomic
def lesson_create(*, user: Actor, data: dict[str, Any]) -> Lesson:
    """A new draft. The writer is `user`; its countries must lie in the writer's scope."""
    if not lesson_create_allowed(user):
        raise PermissionDenied(_("Your role does not write lessons."))
    values = _clean(data, partial=False)
    lesson = Lesson(status=Lesson.Status.DRAFT, written_by=user)
    lesson._history_user = user  # type: ignore[attr-defined]
    _apply(lesson, values)
    lesson.save()
    if "countries" in data:
        _set_countries(lesson, user, data["countries"] or [])
    _check_countries(user, lesson)
    _check(user, lesson, Do.ADMINISTER)
    return lesson


@transaction.atomic
def lesson_update(*, user: Actor, lesson: Lesson, data: dict[str, Any]) -> Lesson:
    if not may_change(user, lesson):
        raise PermissionDenied(_("You may not change this lesson."))
    values = _clean(data, partial=True)
    _apply(lesson, values)
    if lesson.status == Lesson.Status.PUBLISHED:
        # Nobody reviewed the new text: it goes back to review (four eyes, §16).
        lesson.status = Lesson.Status.IN_REVIEW
        lesson.published_at = None
        lesson.reviewed_by = None
    lesson._history_user = user  # type: ignore[attr-defined]
    lesson._change_reason = None  # type: ignore[attr-defined]  # an edit, not a review step
    lesson.save()
    if "countries" in data:
        _set_countries(lesson, user, data["countries"] or [])
        _check_countries(user, lesson)
    _check(user, lesson, Do.CHANGE)
    return lesson


@transaction.atomic
def lesson_submit(*, user: Actor, lesson: Lesson) -> Lesson:
    """Send a draft for review."""
    if lesson.status != Lesson.Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    _check(user, lesson, Do.CHANGE)
    missing = [n for n in ("what_worked",) if not getattr(lesson, n).strip()]
    if missing or not lesson.themes:
        raise ValidationError(_("Before review, say what worked and give at least one theme."))
    lesson.status = Lesson.Status.IN_REVIEW
    lesson._change_reason = _("sent for review")  # type: ignore[attr-defined]
    lesson.save()
    return lesson


@transaction.atomic
def lesson_publish(*, user: Actor, lesson: Lesson) -> Lesson:
    """Publish a lesson in review: by a publisher who did not write it (four eyes)."""
    if lesson.status != Lesson.Status.IN_REVIEW:
        raise ValidationError(_("Only a lesson in review can be published."))
    if user is not None and lesson.written_by_id == user.pk:
        raise PermissionDenied(_("Someone other than its writer must review and publish it."))
    if not may_publish(user, lesson):
        raise PermissionDenied(_("Your role does not publish this lesson."))
    if user is not None and edited_since_published(user, lesson):
        raise PermissionDenied(_("Someone other than its writer must review and publish it."))
    lesson.status = Lesson.Status.PUBLISHED
    lesson.reviewed_by = user
    lesson.published_at = timezone.now()
    lesson._change_reason = _("published")  # type: ignore[attr-defined]
    lesson.save()
    return lesson


@transaction.atomic
def lesson_return(*, user: Actor, lesson: Lesson, reason: str) -> Lesson:
    """Return a lesson in review (or a published one) to draft, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the lesson goes back to its writer.")})
    if lesson.status == Lesson.Status.DRAFT:
        raise ValidationError(_("The lesson is already a draft."))
    if not may_publish(user, lesson):
        raise PermissionDenied(_("Your role does not review this lesson."))
    lesson.status = Lesson.Status.DRAFT
    lesson.published_at = None
    lesson.reviewed_by = user
    lesson._change_reason = reason[:100]  # type: ignore[attr-defined]
    lesson.save()
    return lesson


@transaction.atomic
def lesson_delete(*, user: Actor, lesson: Lesson) -> None:
    """Delete a draft (a lesson in review or published is returned, not deleted)."""
    if lesson.status != Lesson.Status.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    _check(user, lesson, Do.ADMINISTER)
    lesson.delete()
