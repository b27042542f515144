"""Review findings on lessons: four eyes cannot be bypassed by editing (in review, published,
or as a draft), countries stay in scope, the evaluation filter hides what the caller cannot
see, country-bound writers give a country, and huge ids are a 400."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capdev.core.models import Region
from capdev.core.tests.test_scope_matrix import api_client, page_client
from capdev.learn.models import Evaluation, Lesson
from capdev.learn.services import lessons as services
from capdev.learn.tests.test_lessons_services import VALID, make_lesson

pytestmark = pytest.mark.django_db


def _in_review(world, writer: str, countries: list[str]) -> Lesson:
    lesson = services.lesson_create(
        user=world.users[writer],
        data={**VALID, "countries": [world.countries[c] for c in countries]},
    )
    return services.lesson_submit(user=world.users[writer], lesson=lesson)


def test_in_review_only_its_writer_edits(world):
    lesson = _in_review(world, "workers", ["KE"])
    for persona in ("office_a", "hq", "admin"):
        with pytest.raises(PermissionDenied):
            services.lesson_update(user=world.users[persona], lesson=lesson, data={"title": "X"})
        assert not services.may_change(world.users[persona], lesson)
    assert Lesson.objects.get(pk=lesson.pk).title == VALID["title"]
    services.lesson_update(user=world.users["workers"], lesson=lesson, data={"title": "Mine"})
    lesson.refresh_from_db()
    assert (lesson.title, lesson.status) == ("Mine", "in_review")
    services.lesson_publish(user=world.users["office_a"], lesson=lesson)
    assert Lesson.objects.get(pk=lesson.pk).status == "published"


def test_api_rewrite_then_publish_is_refused(world):
    lesson = _in_review(world, "workers", ["KE"])
    api = api_client("office_a")
    response = api.patch(f"/api/lessons/{lesson.pk}/", {"title": "Rewritten"}, format="json")
    assert response.status_code == 403
    assert Lesson.objects.get(pk=lesson.pk).title == VALID["title"]


def test_editing_a_published_lesson_sends_it_back_to_review(world):
    lesson = _in_review(world, "hq", ["KE"])
    services.lesson_publish(user=world.users["admin"], lesson=lesson)
    # The global publisher who wrote it edits it: unpublished, back in review.
    services.lesson_update(user=world.users["hq"], lesson=lesson, data={"title": "New text"})
    lesson.refresh_from_db()
    assert (lesson.status, lesson.published_at, lesson.reviewed_by) == ("in_review", None, None)
    with pytest.raises(PermissionDenied):
        services.lesson_publish(user=world.users["hq"], lesson=lesson)
    services.lesson_publish(user=world.users["office_a"], lesson=lesson)
    assert Lesson.objects.get(pk=lesson.pk).status == "published"


def test_a_publisher_who_edited_a_published_lesson_may_not_publish_it(world):
    lesson = _in_review(world, "workers", ["KE"])
    services.lesson_publish(user=world.users["admin"], lesson=lesson)
    services.lesson_update(user=world.users["office_a"], lesson=lesson, data={"title": "Mine"})
    lesson.refresh_from_db()
    assert lesson.status == "in_review"
    with pytest.raises(PermissionDenied):
        services.lesson_publish(user=world.users["office_a"], lesson=lesson)
    assert Lesson.objects.get(pk=lesson.pk).status == "in_review"
    services.lesson_publish(user=world.users["hq"], lesson=lesson)
    assert Lesson.objects.get(pk=lesson.pk).status == "published"


def test_a_publisher_who_edited_the_draft_may_not_publish_it(world):
    lesson = services.lesson_create(
        user=world.users["workers"], data={**VALID, "countries": [world.countries["KE"]]}
    )
    services.lesson_update(user=world.users["office_a"], lesson=lesson, data={"title": "Edit"})
    services.lesson_submit(user=world.users["workers"], lesson=lesson)
    with pytest.raises(PermissionDenied):
        services.lesson_publish(user=world.users["office_a"], lesson=lesson)
    # Returning it is still possible, and after the writer's fix and a new review round the
    # earlier edit still counts (it was never published since).
    services.lesson_return(user=world.users["office_a"], lesson=lesson, reason="Too long.")
    assert Lesson.objects.get(pk=lesson.pk).status == "draft"


def test_edit_page_of_a_published_lesson_says_it_goes_back_to_review(world):
    lesson = make_lesson(world, "pub", Lesson.Status.PUBLISHED, ["KE"])
    client = page_client(world, "office_a")
    page = client.get(f"/learn/lessons/{lesson.pk}/edit/").content.decode()
    assert "Saving sends this published lesson back for review" in page
    response = client.post(
        f"/learn/lessons/{lesson.pk}/edit/",
        {"kind": "lesson", "title": "New", "context": "x", "countries": [world.countries["KE"].pk]},
        follow=True,
    )
    assert "Lesson sent for review." in response.content.decode()
    assert Lesson.objects.get(pk=lesson.pk).status == "in_review"


def test_countries_of_a_published_lesson_stay_in_scope(world):
    lesson = make_lesson(world, "pub", Lesson.Status.PUBLISHED, ["KE"])
    with pytest.raises(PermissionDenied):
        services.lesson_update(
            user=world.users["office_a"],
            lesson=lesson,
            data={"countries": [world.countries["FR"]]},
        )
    lesson = Lesson.objects.get(pk=lesson.pk)  # the refused write changed nothing saved
    assert lesson.status == "published"
    with pytest.raises(ValidationError) as error:
        services.lesson_update(user=world.users["office_a"], lesson=lesson, data={"countries": []})
    assert "countries" in error.value.message_dict
    lesson = Lesson.objects.get(pk=lesson.pk)
    assert (lesson.status, [c.iso_alpha2 for c in lesson.countries.all()]) == (
        "published",
        ["KE"],
    )
    # API: a country outside the caller's scope does not exist for it.
    response = api_client("office_a").patch(
        f"/api/lessons/{lesson.pk}/", {"countries": ["FR"]}, format="json"
    )
    assert response.status_code == 400
    kept = Lesson.objects.get(pk=lesson.pk).countries.values_list("iso_alpha2", flat=True)
    assert list(kept) == ["KE"]


def test_evaluation_filter_hides_evaluations_the_caller_cannot_see(world):
    evaluation = Evaluation.objects.create(
        title="French evaluation (test)",
        kind=Evaluation.Kind.PROJECT,
        evaluator="Someone",
        start=datetime.date(2024, 1, 1),
    )
    evaluation.countries.set([world.countries["FR"]])
    make_lesson(world, "from_fr", Lesson.Status.PUBLISHED, ["KE"], evaluation=evaluation)
    url = f"/api/lessons/?evaluation={evaluation.pk}"
    assert api_client("office_a").get(url).json()["results"] == []
    titles = [row["title"] for row in api_client("hq").get(url).json()["results"]]
    assert titles == ["Lesson from_fr"]
    # Without the filter the lesson itself is public.
    titles = [row["title"] for row in api_client("office_a").get("/api/lessons/").json()["results"]]
    assert titles == ["Lesson from_fr"]


@pytest.mark.parametrize(
    ("persona", "needs_country"),
    [
        ("office_a", True),
        ("employers_af", True),
        ("workers", False),
        ("hq", False),
        ("admin", False),
        ("evaluator", False),
    ],
)
def test_who_may_write_a_lesson_of_no_country(world, persona, needs_country):
    user = world.users[persona]
    assert services.country_bound(user) is needs_country
    if needs_country:
        with pytest.raises(ValidationError) as error:
            services.lesson_create(user=user, data=VALID)
        assert error.value.message_dict["countries"] == [
            "Choose at least one country of your scope."
        ]
        assert Lesson.objects.count() == 0
    else:
        lesson = services.lesson_create(user=user, data=VALID)
        assert list(lesson.countries.all()) == []


def test_office_form_asks_for_a_country(world):
    client = page_client(world, "office_a")
    page = client.get("/learn/lessons/new/").content.decode()
    assert "Leave empty for a lesson that concerns no country" not in page
    response = client.post("/learn/lessons/new/", {"kind": "lesson", "title": "T", "context": "x"})
    assert response.status_code == 400
    assert "Choose at least one country of your scope." in response.content.decode()
    assert Lesson.objects.count() == 0
    page = page_client(world, "hq").get("/learn/lessons/new/").content.decode()
    assert "Leave empty for a lesson that concerns no country" in page


@pytest.mark.parametrize("name", ["region", "evaluation"])
@pytest.mark.parametrize("value", ["99999999999999999999", "0", "-3", "2147483648"])
def test_huge_ids_are_a_400_naming_the_parameter(world, name, value):
    response = api_client("hq").get(f"/api/lessons/?{name}={value}")
    assert response.status_code == 400
    assert name in response.json()


def test_largest_id_is_accepted(world):
    region = Region.objects.get(code="AFRICA")
    make_lesson(world, "ke", Lesson.Status.PUBLISHED, ["KE"])
    api = api_client("hq")
    assert api.get("/api/lessons/?region=2147483647").json()["results"] == []
    titles = [r["title"] for r in api.get(f"/api/lessons/?region={region.pk}").json()["results"]]
    assert titles == ["Lesson ke"]
