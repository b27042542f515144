"""Every persona × Lesson: what each sees, changes and publishes, on pages and the API.

Expected sets are written from the facts of capdev.test.make_world() and the fixture of
test_lessons_services.lesson_fixture (published KE, FR and no-country lessons; drafts in KE,
FR and of no country; one in review about Thailand), never computed with scoped()."""

from __future__ import annotations

import pytest

from capdev.core.scoping import Action, scoped
from capdev.core.tests.test_scope_matrix import PERSONAS, api_client, page_client
from capdev.learn.models import Lesson
from capdev.learn.selectors.lessons import lessons_for_user
from capdev.learn.services import lessons as services
from capdev.learn.tests.test_lessons_services import lesson_fixture

pytestmark = pytest.mark.django_db

ALL = {"pub_ke", "pub_fr", "pub_none", "draft_ke", "draft_fr", "draft_none", "review_th"}
PUBLISHED = {"pub_ke", "pub_fr", "pub_none"}
# Published lessons are everyone's (with a grant); unpublished ones only their changers'.
SEES = {
    "hq": ALL,
    "evaluator": ALL,
    "admin": ALL,
    "workers": ALL,  # a specialist for a group worldwide: lessons carry no organisation
    "office_a": PUBLISHED | {"draft_ke"},
    "office_b": PUBLISHED | {"draft_fr"},
    "employers_af": PUBLISHED | {"draft_ke"},  # Africa
    "focal": PUBLISHED,  # focal points do not write lessons
    "viewer": PUBLISHED,
    "outsider": set(),
}
CHANGES = {
    "hq": ALL,
    "evaluator": ALL,
    "admin": ALL,
    "workers": ALL,
    "office_a": {"pub_ke", "draft_ke"},
    "office_b": {"pub_fr", "draft_fr"},
    "employers_af": {"pub_ke", "draft_ke"},
    "focal": set(),
    "viewer": set(),
    "outsider": set(),
}
# Publish or return (four eyes aside: none of these wrote the fixture's lessons).
REVIEWS = {
    "hq": ALL,
    "admin": ALL,
    "office_a": {"pub_ke", "draft_ke"},
    "office_b": {"pub_fr", "draft_fr"},
}


def _keys(lessons, rows) -> set[str]:
    names = {lesson.pk: key for key, lesson in lessons.items()}
    return {names[row.pk] for row in rows}


@pytest.mark.parametrize("persona", PERSONAS)
def test_lesson_scope(world, persona):
    lessons = lesson_fixture(world)
    user = world.users[persona]
    assert _keys(lessons, lessons_for_user(user)) == SEES[persona]
    assert _keys(lessons, scoped(user, Lesson.objects.all(), Action.CHANGE)) == CHANGES[persona]
    reviews = {key for key, lesson in lessons.items() if services.may_publish(user, lesson)}
    assert reviews == REVIEWS.get(persona, set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_lesson_pages_and_api_by_persona(world, persona):
    lessons = lesson_fixture(world)
    client = page_client(world, persona)
    listed = client.get("/learn/lessons/")
    assert listed.status_code == 200
    for key, lesson in lessons.items():
        shown = f"Lesson {key}<" in listed.content.decode()
        assert shown == (key in SEES[persona]), key
        detail = client.get(f"/learn/lessons/{lesson.pk}/")
        assert detail.status_code == (200 if key in SEES[persona] else 404), key
    if persona == "outsider":
        return
    api = api_client(persona)
    body = api.get("/api/lessons/?page_size=100").json()
    assert {row["title"].removeprefix("Lesson ") for row in body["results"]} == SEES[persona]


def _edits(persona: str, key: str) -> bool:
    """Drafts by those who change them; published lessons by their publishers; a lesson in
    review by its writer only (the fixture's has none)."""
    if key == "review_th":
        return False
    return key in CHANGES[persona] and (key not in PUBLISHED or key in REVIEWS.get(persona, set()))


@pytest.mark.parametrize("persona", PERSONAS)
def test_refused_edits_change_nothing(world, persona):
    lessons = lesson_fixture(world)
    client = page_client(world, persona)
    for key, lesson in lessons.items():
        response = client.post(
            f"/learn/lessons/{lesson.pk}/edit/",
            {
                "kind": "lesson",
                "title": "Hijacked",
                "context": "x",
                "countries": [c.pk for c in lesson.countries.all()],
            },
        )
        if key not in SEES[persona]:
            assert response.status_code == 404, key
        elif _edits(persona, key):
            assert response.status_code == 302, key
        else:
            assert response.status_code == 403, key
    changed = set(Lesson.objects.filter(title="Hijacked").values_list("pk", flat=True))
    expected = {lesson.pk for key, lesson in lessons.items() if _edits(persona, key)}
    assert changed == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_loop_partials_by_persona(world, persona):
    """The loop partials answer for the organisations and needs the persona sees."""
    from capdev.core.tests.test_scope_matrix import SEES_ORGANISATIONS
    from capdev.diagnose.models import Need

    lesson_fixture(world)
    client = page_client(world, persona)
    for key in ("KE-wrk", "FR-emp"):
        org = world.organisations[key]
        need = Need.objects.create(
            organisation=org, title=f"Need {key}", theme="osh", level="individual", type="technical"
        )
        expected = 200 if key in SEES_ORGANISATIONS[persona] else 404
        related = client.get(f"/learn/related/organisations/{org.pk}/", HTTP_HX_REQUEST="true")
        assert related.status_code == expected, key
        if expected == 200:  # the Kenyan published lesson on OSH is offered to everyone
            assert "Lesson pub_ke<" in related.content.decode()
            assert "Lesson draft_ke<" not in related.content.decode()
        assert client.get(f"/learn/related/needs/{need.pk}/").status_code == expected, key
