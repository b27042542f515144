"""Lesson services: validation, the review workflow and four eyes on publishing; and the
shared fixture of lessons the other lesson tests use (`lessons`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capdev.learn.models import Lesson
from capdev.learn.services import lessons as services

pytestmark = pytest.mark.django_db


def make_lesson(world, key: str, status: str, countries: list[str], **extra) -> Lesson:
    lesson = Lesson.objects.create(
        kind=extra.pop("kind", Lesson.Kind.LESSON),
        title=f"Lesson {key}",
        context="Context.",
        what_worked="Peer coaching.",
        themes=extra.pop("themes", ["osh"]),
        status=status,
        **extra,
    )
    lesson.countries.set([world.countries[c] for c in countries])
    return lesson


def lesson_fixture(world) -> dict[str, Lesson]:
    """pub_ke, pub_fr, pub_none: published; draft_ke, draft_fr, draft_none: drafts;
    review_th: in review, about Thailand."""
    P, D, R = Lesson.Status.PUBLISHED, Lesson.Status.DRAFT, Lesson.Status.IN_REVIEW
    specs = {
        "pub_ke": (P, ["KE"]),
        "pub_fr": (P, ["FR"]),
        "pub_none": (P, []),
        "draft_ke": (D, ["KE"]),
        "draft_fr": (D, ["FR"]),
        "draft_none": (D, []),
        "review_th": (R, ["TH"]),
    }
    return {key: make_lesson(world, key, status, cs) for key, (status, cs) in specs.items()}


VALID = {
    "kind": "good_practice",
    "title": "Peer coaching after training (test)",
    "context": "A union centre trained its organisers.",
    "what_worked": "Coaching by peers for six months.",
    "themes": ["osh", "social_dialogue"],
    "levels": ["individual"],
    "types": ["technical"],
    "groups": ["workers"],
}


def test_create_is_a_draft_written_by_the_user(world):
    lesson = services.lesson_create(
        user=world.users["office_a"], data={**VALID, "countries": [world.countries["KE"]]}
    )
    lesson.refresh_from_db()
    assert lesson.status == "draft"
    assert lesson.written_by == world.users["office_a"]
    assert lesson.themes == ["osh", "social_dialogue"]
    assert [c.iso_alpha2 for c in lesson.countries.all()] == ["KE"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("themes", ["osh", "astrology"], "Unknown value: astrology."),
        ("levels", ["galactic"], "Unknown value: galactic."),
        ("types", ["magic"], "Unknown value: magic."),
        ("groups", ["pirates"], "Unknown value: pirates."),
        ("themes", "osh", "Give a list of values."),
        ("title", "   ", "This field is required."),
        ("context", "", "This field is required."),
        ("kind", "anecdote", "Choose a lesson learned or a good practice."),
    ],
)
def test_create_refuses_bad_values_and_writes_nothing(world, field, value, message):
    with pytest.raises(ValidationError) as raised:
        services.lesson_create(user=world.users["hq"], data={**VALID, field: value})
    assert raised.value.message_dict[field] == [message]
    assert Lesson.objects.count() == 0


def test_create_outside_scope_is_refused_and_writes_nothing(world):
    with pytest.raises(PermissionDenied):
        services.lesson_create(
            user=world.users["office_b"], data={**VALID, "countries": [world.countries["KE"]]}
        )
    with pytest.raises(PermissionDenied):
        services.lesson_create(user=world.users["focal"], data=VALID)
    with pytest.raises(PermissionDenied):
        services.lesson_create(user=world.users["viewer"], data=VALID)
    assert Lesson.objects.count() == 0


def _in_review(world, writer: str, country: str = "KE") -> Lesson:
    lesson = services.lesson_create(
        user=world.users[writer], data={**VALID, "countries": [world.countries[country]]}
    )
    return services.lesson_submit(user=world.users[writer], lesson=lesson)


def test_four_eyes_the_writer_cannot_publish_their_own(world):
    lesson = _in_review(world, "hq")
    with pytest.raises(PermissionDenied):
        services.lesson_publish(user=world.users["hq"], lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.status == "in_review"
    assert lesson.published_at is None
    services.lesson_publish(user=world.users["admin"], lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.status == "published"
    assert lesson.reviewed_by == world.users["admin"]
    assert lesson.published_at is not None


@pytest.mark.parametrize(
    ("reviewer", "allowed"),
    [
        ("hq", True),
        ("admin", True),
        ("office_a", True),  # covers Kenya
        ("office_b", False),  # covers France and Germany
        ("workers", False),  # specialists write but do not publish
        ("employers_af", False),
        ("evaluator", False),
        ("focal", False),
        ("viewer", False),
    ],
)
def test_who_publishes_a_kenyan_lesson(world, reviewer, allowed):
    lesson = _in_review(world, "workers")
    if allowed:
        services.lesson_publish(user=world.users[reviewer], lesson=lesson)
        assert Lesson.objects.get().status == "published"
    else:
        with pytest.raises(PermissionDenied):
            services.lesson_publish(user=world.users[reviewer], lesson=lesson)
        assert Lesson.objects.get().status == "in_review"


def test_only_a_lesson_in_review_is_published(world):
    lesson = services.lesson_create(user=world.users["workers"], data=VALID)
    with pytest.raises(ValidationError, match="Only a lesson in review"):
        services.lesson_publish(user=world.users["hq"], lesson=lesson)
    assert Lesson.objects.get().status == "draft"


def test_submit_needs_what_worked_and_a_theme(world):
    lesson = services.lesson_create(
        user=world.users["hq"], data={**VALID, "what_worked": "", "themes": []}
    )
    with pytest.raises(ValidationError, match="say what worked"):
        services.lesson_submit(user=world.users["hq"], lesson=lesson)
    assert Lesson.objects.get().status == "draft"


def test_return_needs_a_reason_and_records_it(world):
    lesson = _in_review(world, "office_a")
    with pytest.raises(ValidationError) as raised:
        services.lesson_return(user=world.users["hq"], lesson=lesson, reason="  ")
    assert "reason" in raised.value.message_dict
    assert Lesson.objects.get().status == "in_review"
    services.lesson_return(user=world.users["hq"], lesson=lesson, reason="Name the country.")
    lesson.refresh_from_db()
    assert lesson.status == "draft"
    assert lesson.history.first().history_change_reason == "Name the country."


def test_return_refused_to_the_writer_and_to_other_offices(world):
    lesson = _in_review(world, "office_a")
    for persona in ("office_a", "office_b", "workers"):
        with pytest.raises(PermissionDenied):
            services.lesson_return(user=world.users[persona], lesson=lesson, reason="No.")
    assert Lesson.objects.get().status == "in_review"


def test_delete_only_drafts_in_scope(world):
    lesson = services.lesson_create(
        user=world.users["office_a"], data={**VALID, "countries": [world.countries["UG"]]}
    )
    with pytest.raises(PermissionDenied):
        services.lesson_delete(user=world.users["office_b"], lesson=lesson)
    services.lesson_submit(user=world.users["office_a"], lesson=lesson)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.lesson_delete(user=world.users["office_a"], lesson=lesson)
    assert Lesson.objects.count() == 1
    services.lesson_return(user=world.users["hq"], lesson=lesson, reason="Redo.")
    services.lesson_delete(user=world.users["office_a"], lesson=lesson)
    assert Lesson.objects.count() == 0


def test_update_keeps_countries_the_editor_cannot_see(world):
    lesson = services.lesson_create(
        user=world.users["hq"],
        data={**VALID, "countries": [world.countries["KE"], world.countries["FR"]]},
    )
    services.lesson_update(
        user=world.users["office_a"],
        lesson=lesson,
        data={"title": "Edited", "countries": [world.countries["UG"]]},
    )
    lesson.refresh_from_db()
    assert lesson.title == "Edited"
    assert sorted(c.iso_alpha2 for c in lesson.countries.all()) == ["FR", "UG"]


def test_published_lessons_are_edited_by_publishers_only(world):
    lessons = lesson_fixture(world)
    with pytest.raises(PermissionDenied):
        services.lesson_update(
            user=world.users["workers"], lesson=lessons["pub_ke"], data={"title": "X"}
        )
    with pytest.raises(PermissionDenied):
        services.lesson_update(
            user=world.users["office_b"], lesson=lessons["pub_ke"], data={"title": "X"}
        )
    assert Lesson.objects.get(pk=lessons["pub_ke"].pk).title == "Lesson pub_ke"
    services.lesson_update(
        user=world.users["office_a"], lesson=lessons["pub_ke"], data={"title": "Y"}
    )
    assert Lesson.objects.get(pk=lessons["pub_ke"].pk).title == "Y"
