"""The learn demo data: the illustrative strategic evaluation and its nine recommendations,
project evaluations with a PDF each, lessons; all labelled synthetic; reset removes it."""

from __future__ import annotations

import random
import time

import pytest

from capdev.core.models import Office
from capdev.learn import demo
from capdev.learn.models import (
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    Lesson,
    ManagementResponse,
    Recommendation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offices = list(world.offices.values())
    for acronym in ("ACT/EMP", "PARDEV", "PROGRAM", "EVAL"):
        offices.append(
            Office.objects.create(
                name=f"Unit {acronym}", acronym=acronym, kind=Office.Kind.HQ_DEPARTMENT
            )
        )
    started = time.perf_counter()
    count = demo.seed(
        rng=random.Random(1), organisations=list(world.organisations.values()), offices=offices
    )
    return count, time.perf_counter() - started, tmp_path


def test_strategic_evaluation_with_nine_illustrative_recommendations(seeded):
    strategic = Evaluation.objects.get(title=demo.STRATEGIC_TITLE)
    assert strategic.title == "High-level evaluation of capacity development (illustrative, demo)"
    assert strategic.kind == "strategic"
    assert strategic.start.year == 2018 and strategic.end.year == 2018
    assert not strategic.countries.exists()  # strategic: seen by every grant
    assert "illustrative placeholders" in strategic.summary
    recs = list(strategic.recommendations.order_by("number"))
    assert [r.number for r in recs] == list(range(1, 10))
    for r in recs:
        assert r.text.startswith(f"Illustrative recommendation {r.number} (demo): ")
        assert "not the wording of the 2018 evaluation" in r.text
    units = {o.acronym for r in recs for o in r.addressed_to.all()}
    assert units == {"ACTRAV", "ACT/EMP", "PARDEV", "PROGRAM", "EVAL"}
    assert ManagementResponse.objects.filter(recommendation__evaluation=strategic).count() == 8
    actions = FollowUpAction.objects.filter(recommendation__evaluation=strategic)
    assert actions.filter(status="done").count() == 5
    from django.utils import timezone

    overdue = actions.exclude(status__in=["done", "dropped"]).filter(due__lt=timezone.localdate())
    assert overdue.count() == 3
    assert all(a.description.endswith("(demo).") for a in actions)


def test_project_evaluations_ratings_and_pdfs(seeded):
    _count, _seconds, media = seeded
    projects = Evaluation.objects.exclude(kind="strategic")
    assert projects.count() == 6
    for evaluation in projects:
        assert evaluation.title.endswith("(demo)")
        assert evaluation.countries.count() == 1
        org_countries = {o.country_id for o in evaluation.organisations.all()}
        assert org_countries <= set(evaluation.countries.values_list("pk", flat=True))
        assert CriterionRating.objects.filter(evaluation=evaluation).count() == 9
        document = EvaluationDocument.objects.get(evaluation=evaluation)
        assert document.file.read(5) == b"%PDF-"
        assert document.size > 1000 and "Synthetic demo record." in document.text
    assert Recommendation.objects.exclude(evaluation__kind="strategic").count() == 12
    assert len(list(media.rglob("*.pdf"))) == 6


def test_lessons_published_and_drafts_labelled(seeded):
    published = Lesson.objects.filter(status="published")
    assert published.count() == 40
    assert Lesson.objects.exclude(status="published").count() == 4
    assert set(Lesson.objects.values_list("status", flat=True)) == {
        "published",
        "draft",
        "in_review",
    }
    assert all(lesson.title.endswith("(demo)") for lesson in Lesson.objects.all())
    assert all(
        lesson.context.startswith("Synthetic demo record.") for lesson in Lesson.objects.all()
    )
    assert len({t for lesson in published for t in lesson.themes}) >= 8
    assert len({g for lesson in published for g in lesson.groups}) >= 3
    assert Lesson.objects.filter(kind="good_practice").count() == 15
    assert published.filter(evaluation__isnull=False).exists()


def test_fast_and_reset_removes_everything(seeded, django_capture_on_commit_callbacks):
    count, seconds, media = seeded
    assert count == 1 + 6 + 44
    assert seconds < 5
    with django_capture_on_commit_callbacks(execute=True):
        demo.reset()
    for model in (Evaluation, Recommendation, Lesson, EvaluationDocument, FollowUpAction):
        assert not model.objects.exists()
        assert not model.history.model.objects.exists()
    assert list(media.rglob("*.pdf")) == []
