"""Lesson pages and API: the workflow end to end, filters, empty state, errors."""

from __future__ import annotations

import pytest

from capdev.core.models import Region
from capdev.core.tests.test_scope_matrix import api_client, page_client
from capdev.learn.models import Lesson
from capdev.learn.tests.test_lessons_services import lesson_fixture, make_lesson

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "good_practice",
    "title": "Coaching union organisers (test)",
    "context": "Organisers were trained in 2024.",
    "what_worked": "Peer coaching for six months.",
    "themes": ["osh"],
    "levels": ["individual"],
}


def test_write_submit_publish_on_pages(world):
    writer = page_client(world, "office_a")
    assert writer.get("/learn/lessons/new/").status_code == 200
    response = writer.post("/learn/lessons/new/", {**FORM, "countries": [world.countries["KE"].pk]})
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert response["Location"] == f"/learn/lessons/{lesson.pk}/"
    page = writer.get(f"/learn/lessons/{lesson.pk}/").content.decode()
    assert "Send for review" in page and "Change history" in page
    assert writer.post(f"/learn/lessons/{lesson.pk}/submit/").status_code == 302
    # the writer sees no publish button and a publish POST is refused
    assert "Publish</button>" not in writer.get(f"/learn/lessons/{lesson.pk}/").content.decode()
    assert writer.post(f"/learn/lessons/{lesson.pk}/publish/").status_code == 403
    assert Lesson.objects.get().status == "in_review"
    reviewer = page_client(world, "hq")
    assert "Publish</button>" in reviewer.get(f"/learn/lessons/{lesson.pk}/").content.decode()
    assert reviewer.post(f"/learn/lessons/{lesson.pk}/publish/").status_code == 302
    assert Lesson.objects.get().status == "published"
    # everyone with a grant now reads it
    assert page_client(world, "viewer").get(f"/learn/lessons/{lesson.pk}/").status_code == 200


def test_form_errors_save_nothing(world):
    client = page_client(world, "hq")
    response = client.post("/learn/lessons/new/", {**FORM, "title": "", "themes": ["nope"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert Lesson.objects.count() == 0
    assert page_client(world, "focal").get("/learn/lessons/new/").status_code == 403


def test_return_needs_a_reason_and_shows_it(world):
    lesson = make_lesson(world, "x", Lesson.Status.IN_REVIEW, ["KE"])
    client = page_client(world, "office_a")
    response = client.post(f"/learn/lessons/{lesson.pk}/return/", {"reason": ""}, follow=True)
    assert "Say why the lesson goes back" in response.content.decode()
    assert Lesson.objects.get().status == "in_review"
    client.post(f"/learn/lessons/{lesson.pk}/return/", {"reason": "Add the dates."})
    assert Lesson.objects.get().status == "draft"
    assert "Add the dates." in client.get(f"/learn/lessons/{lesson.pk}/").content.decode()
    assert client.get(f"/learn/lessons/{lesson.pk}/return/").status_code == 405


def test_delete_asks_first_and_only_drafts(world):
    lesson = make_lesson(world, "x", Lesson.Status.DRAFT, ["UG"])
    client = page_client(world, "office_a")
    page = client.get(f"/learn/lessons/{lesson.pk}/delete/").content.decode()
    assert "Yes, delete it" in page
    assert Lesson.objects.count() == 1
    published = make_lesson(world, "p", Lesson.Status.PUBLISHED, ["UG"])
    response = client.post(f"/learn/lessons/{published.pk}/delete/", follow=True)
    assert "Only a draft can be deleted." in response.content.decode()
    assert client.post(f"/learn/lessons/{lesson.pk}/delete/").status_code == 302
    assert list(Lesson.objects.values_list("title", flat=True)) == ["Lesson p"]


def _titles(response) -> list[str]:
    page = response.content.decode()
    return sorted(t for t in ("pub_ke", "pub_fr", "pub_none", "draft_ke") if f"Lesson {t}<" in page)


def test_list_filters_sort_and_empty_state(world):
    lessons = lesson_fixture(world)
    Lesson.objects.filter(pk=lessons["pub_fr"].pk).update(
        themes=["social_dialogue"],
        groups=["employers"],
        levels=["organisational"],
        kind="good_practice",
    )
    client = page_client(world, "office_a")
    assert _titles(client.get("/learn/lessons/?theme=osh")) == ["draft_ke", "pub_ke", "pub_none"]
    assert _titles(client.get("/learn/lessons/?theme=social_dialogue")) == ["pub_fr"]
    assert _titles(client.get("/learn/lessons/?group=employers")) == ["pub_fr"]
    assert _titles(client.get("/learn/lessons/?level=organisational")) == ["pub_fr"]
    assert _titles(client.get("/learn/lessons/?kind=good_practice")) == ["pub_fr"]
    assert _titles(client.get("/learn/lessons/?status=draft")) == ["draft_ke"]
    assert _titles(client.get("/learn/lessons/?country=ke")) == ["draft_ke", "pub_ke"]
    europe = Region.objects.get(code="EUROPE_CA").pk
    # office_a may choose only the regions it sees (Africa): Europe is ignored as invalid
    everything = ["draft_ke", "pub_fr", "pub_ke", "pub_none"]
    assert _titles(client.get(f"/learn/lessons/?region={europe}")) == everything
    hq = page_client(world, "hq")
    assert _titles(hq.get(f"/learn/lessons/?region={europe}")) == ["pub_fr"]
    assert _titles(client.get("/learn/lessons/?q=pub_fr")) == ["pub_fr"]
    page = client.get("/learn/lessons/?sort=title").content.decode()
    assert (
        page.index("Lesson draft_ke<") < page.index("Lesson pub_fr<") < page.index("Lesson pub_ke<")
    )
    empty = client.get("/learn/lessons/?q=nothingmatches").content.decode()
    assert "No lesson or good practice matches" in empty
    # a mistyped filter is shown, the others still apply
    bad = client.get("/learn/lessons/?theme=nope&kind=good_practice")
    assert bad.status_code == 200 and _titles(bad) == ["pub_fr"]
    partial = client.get("/learn/lessons/?theme=osh", HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in partial and "Lesson pub_ke<" in partial


def test_api_workflow_and_errors(world):
    writer = api_client("workers")
    bad = writer.post("/api/lessons/", {**FORM, "themes": ["nope"]}, format="json")
    assert bad.status_code == 400 and "themes" in bad.json()
    unknown_country = writer.post("/api/lessons/", {**FORM, "countries": ["XX"]}, format="json")
    assert unknown_country.status_code == 400 and "countries" in unknown_country.json()
    assert api_client("focal").post("/api/lessons/", FORM, format="json").status_code == 403
    assert Lesson.objects.count() == 0
    created = writer.post("/api/lessons/", {**FORM, "countries": ["KE"]}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["countries"] == ["KE"]
    assert api_client("office_b").get(f"/api/lessons/{pk}/").status_code == 404
    patched = writer.patch(f"/api/lessons/{pk}/", {"title": "Renamed"}, format="json")
    assert patched.status_code == 200 and patched.json()["title"] == "Renamed"
    assert writer.post(f"/api/lessons/{pk}/publish/").status_code == 400  # still a draft
    assert writer.post(f"/api/lessons/{pk}/submit/").json()["status"] == "in_review"
    assert writer.post(f"/api/lessons/{pk}/publish/").status_code == 403  # specialists do not
    office_a = api_client("office_a")
    assert office_a.post(f"/api/lessons/{pk}/return/", {}, format="json").status_code == 400
    published = office_a.post(f"/api/lessons/{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["reviewed_by"] == "office_a"
    assert api_client("viewer").get("/api/lessons/?theme=osh").json()["count"] == 1
    assert writer.get("/api/lessons/?theme=nope").status_code == 400
    assert writer.delete(f"/api/lessons/{pk}/").status_code == 400  # published: not deleted
    assert Lesson.objects.count() == 1


def test_source_evaluation_named_only_to_those_who_see_it(world):
    from datetime import date

    from capdev.learn.models import Evaluation

    evaluation = Evaluation.objects.create(
        title="Kenyan safety project evaluation",
        kind="project",
        evaluator="T",
        start=date(2024, 1, 1),
    )
    evaluation.countries.set([world.countries["KE"]])
    lesson = make_lesson(world, "x", Lesson.Status.PUBLISHED, ["KE"], evaluation=evaluation)
    seen = page_client(world, "office_a").get(f"/learn/lessons/{lesson.pk}/").content.decode()
    assert "Kenyan safety project evaluation" in seen
    assert f"/learn/evaluations/{evaluation.pk}/" in seen
    hidden = page_client(world, "office_b").get(f"/learn/lessons/{lesson.pk}/").content.decode()
    assert "Lesson x" in hidden and "Kenyan safety project evaluation" not in hidden
    assert "Kenya" in hidden  # the lesson's countries are part of what it teaches
