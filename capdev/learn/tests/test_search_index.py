"""The search index: ranking, filters, folding (accents, Chinese), upkeep on writes.

Runs on SQLite (FTS5) and PostgreSQL (tsvector); expected hits are written by hand."""

import datetime

import pytest
from django.core.management import call_command

from capdev.deliver.models import Activity
from capdev.diagnose.models import Need
from capdev.learn import search as index
from capdev.learn.models import Evaluation, EvaluationDocument, Lesson, Recommendation
from capdev.learn.selectors.search import highlight, search
from capdev.plan.models import Plan, Result

D = datetime.date


def need(world, org="KE-gov", title="A need", description="", **grid):
    grid = {"level": "organisational", "type": "technical", "theme": "employment", **grid}
    return Need.objects.create(
        organisation=world.organisations[org], title=title, description=description, **grid
    )


def titles(hits):
    return [h.title for h in hits]


@pytest.fixture
def admin(world):
    return world.users["admin"]


def test_a_title_match_ranks_above_a_body_match(world, admin):
    need(world, title="Payroll software upgrade", description="Mentions apprenticeship once.")
    need(world, title="Apprenticeship system review", description="Nothing else here.")
    assert titles(search(admin, "apprenticeship")) == [
        "Apprenticeship system review",
        "Payroll software upgrade",
    ]


def test_terms_match_as_prefixes_and_all_terms_are_needed_when_some_record_has_them(world, admin):
    need(world, title="Training of labour inspectors")
    need(world, title="Training of trainers")
    assert titles(search(admin, "train inspect")) == ["Training of labour inspectors"]
    # No record has both words: the records with either are given, best first.
    assert set(titles(search(admin, "inspectors zzzunknown"))) == {"Training of labour inspectors"}
    assert search(admin, "zzzunknown") == []
    assert search(admin, "   ") == []


def test_accents_and_case_do_not_matter(world, admin):
    need(world, title="Sécurité sociale des travailleurs")
    need(world, title="Negociación COLECTIVA")
    assert titles(search(admin, "securite")) == ["Sécurité sociale des travailleurs"]
    assert titles(search(admin, "SÉCURITÉ")) == ["Sécurité sociale des travailleurs"]
    assert titles(search(admin, "negociacion colectiva")) == ["Negociación COLECTIVA"]


def test_a_two_character_chinese_query_finds_a_chinese_word_inside_a_sentence(world, admin):
    need(world, title="加强劳动监察能力建设")
    need(world, title="社会保障制度改革")
    assert titles(search(admin, "监察")) == ["加强劳动监察能力建设"]
    assert titles(search(admin, "能力建设")) == ["加强劳动监察能力建设"]
    assert titles(search(admin, "保障")) == ["社会保障制度改革"]
    assert search(admin, "监保") == []
    # One character matches as the start of a word.
    assert titles(search(admin, "社")) == ["社会保障制度改革"]


def test_a_word_from_a_documents_extracted_text_finds_its_evaluation(world, admin):
    evaluation = Evaluation.objects.create(
        title="Review of the decent work programme",
        kind="thematic",
        evaluator="Team",
        start=D(2023, 1, 1),
    )
    assert search(admin, "quixotically") == []
    document = EvaluationDocument.objects.create(
        evaluation=evaluation,
        title="Final report",
        file="evaluations/2023/report.pdf",
        media_type="application/pdf",
        text="Page 1. The project quixotically trained 40 mediators.",
    )
    hits = search(admin, "quixotically")
    assert [(h.kind, h.id) for h in hits] == [("evaluation", evaluation.pk)]
    assert "<mark>quixotically</mark>" in hits[0].snippet
    document.delete()
    assert search(admin, "quixotically") == []


def test_the_index_follows_saves_deletes_and_links(world, admin):
    item = need(world, title="Statistics unit")
    assert titles(search(admin, "statistics")) == ["Statistics unit"]
    item.title = "Data unit"
    item.save()
    assert search(admin, "statistics") == []
    assert titles(search(admin, "data")) == ["Data unit"]
    item.delete()
    assert search(admin, "data") == []

    plan = Plan.objects.create(
        title="Joint plan", country=world.countries["KE"], start=D(2025, 1, 1), end=D(2026, 1, 1)
    )
    Result.objects.create(
        plan=plan, level="organisational", kind="outcome", statement="Mediation service works"
    )
    assert titles(search(admin, "mediation")) == ["Joint plan"]
    assert search(admin, "plan", country=world.countries["UG"].pk) == []
    plan.country = world.countries["UG"]
    plan.save()
    assert titles(search(admin, "plan", country=world.countries["UG"].pk)) == ["Joint plan"]

    lesson = Lesson.objects.create(
        kind="good_practice", title="Peer review circles", context="c", status="published"
    )
    assert search(admin, "circles", country=world.countries["FR"].pk) == []
    lesson.countries.add(world.countries["FR"])
    assert titles(search(admin, "circles", country=world.countries["FR"].pk)) == [
        "Peer review circles"
    ]
    lesson.countries.clear()
    assert search(admin, "circles", country=world.countries["FR"].pk) == []


def test_filters(world, admin):
    need(world, "KE-wrk", "Union organising skills", level="individual", theme="social_dialogue")
    need(world, "FR-emp", "Employer organising services", type="functional", theme="employment")
    activity = Activity.objects.create(
        title="Organising academy",
        kind="course",
        start=D(2024, 3, 1),
        end=D(2024, 3, 5),
        office=world.offices["a"],
    )
    activity.countries.add(world.countries["UG"])
    Evaluation.objects.create(
        title="Organising evaluation", kind="strategic", evaluator="E", start=D(2022, 5, 1)
    )
    every = set(titles(search(admin, "organising")))
    assert every == {
        "Union organising skills",
        "Employer organising services",
        "Organising academy",
        "Organising evaluation",
    }
    ke, fr, ug = (world.countries[c].pk for c in ("KE", "FR", "UG"))
    assert titles(search(admin, "organising", country=ke)) == ["Union organising skills"]
    assert titles(search(admin, "organising", country=ug)) == ["Organising academy"]
    africa = world.countries["KE"].region_id
    assert set(titles(search(admin, "organising", region=africa))) == {
        "Union organising skills",
        "Organising academy",
    }
    assert titles(search(admin, "organising", group="employers")) == [
        "Employer organising services"
    ]
    assert titles(search(admin, "organising", level="individual")) == ["Union organising skills"]
    assert titles(search(admin, "organising", type="functional")) == [
        "Employer organising services"
    ]
    assert titles(search(admin, "organising", theme="social_dialogue")) == [
        "Union organising skills"
    ]
    assert titles(search(admin, "organising", year=2024)) == ["Organising academy"]
    assert titles(search(admin, "organising", kinds=["evaluation"])) == ["Organising evaluation"]
    assert set(titles(search(admin, "organising", kinds=["need", "activity"]))) == every - {
        "Organising evaluation"
    }


def test_recommendations_are_indexed_with_their_evaluations_scope(world, admin):
    evaluation = Evaluation.objects.create(
        title="Country review", kind="country_programme", evaluator="E", start=D(2021, 1, 1)
    )
    evaluation.countries.add(world.countries["TH"])
    Recommendation.objects.create(
        evaluation=evaluation, number=1, text="Strengthen tripartite consultation.\nDetails follow."
    )
    hits = search(admin, "tripartite", country=world.countries["TH"].pk)
    assert [(h.kind, h.title) for h in hits] == [
        ("recommendation", "Strengthen tripartite consultation.")
    ]


def test_highlight_escapes_everything_but_its_marks():
    html = highlight('<script>alert("x")</script> Labour & läbour', ["labour"])
    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Labour</mark> &amp; "
        "<mark>läbour</mark>"
    )
    long = "word " * 100 + "needle " + "word " * 100
    excerpt = highlight(long, ["needle"], window=60)
    assert excerpt.startswith("…") and excerpt.endswith("…") and "<mark>needle</mark>" in excerpt
    assert len(excerpt) < 120


def test_rebuild_restores_an_emptied_index(world, admin):
    need(world, title="Occupational safety committee")
    with index.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index.TABLE}")
    assert search(admin, "committee") == []
    call_command("search", "--rebuild", stdout=__import__("io").StringIO())
    assert titles(search(admin, "committee")) == ["Occupational safety committee"]


def test_theme_labels_and_country_names_match_in_every_language_but_are_not_shown(world, admin):
    need(world, "TH-gov", title="Inspection checklists", theme="osh")
    (hit,) = search(admin, "santé au travail Thaïlande")
    assert hit.title == "Inspection checklists"
    assert "Thaïlande" not in hit.snippet and "santé" not in hit.snippet
    assert titles(search(admin, "泰国")) == ["Inspection checklists"]


def test_a_plans_grid_filters_follow_its_needs(world, admin):
    item = need(world, title="Skills", theme="employment")
    plan = Plan.objects.create(
        title="Skills plan", country=world.countries["KE"], start=D(2025, 1, 1), end=D(2026, 1, 1)
    )
    plan.needs.add(item)
    assert titles(search(admin, "plan", theme="employment")) == ["Skills plan"]
    item.theme = "osh"
    item.save()
    assert search(admin, "plan", theme="employment") == []
    assert titles(search(admin, "plan", theme="osh")) == ["Skills plan"]
