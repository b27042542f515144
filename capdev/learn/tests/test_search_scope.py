"""Search is scoped: every persona finds exactly the records it may see, on the page, in the
API and in the CLI; a title out of scope never shows (expected sets written by hand)."""

import datetime

import pytest
from django.core.management.base import CommandError

from capdev.core.tests.test_scope_matrix import api_client, page_client
from capdev.deliver.models import Activity
from capdev.diagnose.models import Need
from capdev.learn.models import Evaluation, Lesson
from capdev.learn.selectors.search import search
from capdev.test import run_command

D = datetime.date

KE_NEED = "Zebra need of the Kenyan ministry"
FR_NEED = "Zebra need of the French employers"
PUBLISHED = "Zebra published lesson"
DRAFT = "Zebra draft lesson in France"
STRATEGIC = "Zebra strategic evaluation"
THAI = "Zebra evaluation in Thailand"
ACTIVITY = "Zebra course in Uganda"
EVERYTHING = {KE_NEED, FR_NEED, PUBLISHED, DRAFT, STRATEGIC, THAI, ACTIVITY}

SEES = {
    "admin": EVERYTHING,
    "hq": EVERYTHING,
    "evaluator": EVERYTHING,
    "office_a": {KE_NEED, PUBLISHED, STRATEGIC, ACTIVITY},
    "office_b": {FR_NEED, PUBLISHED, DRAFT, STRATEGIC},
    "focal": {KE_NEED, PUBLISHED, STRATEGIC},
    "viewer": {PUBLISHED, STRATEGIC, THAI},
    "outsider": set(),
}


@pytest.fixture
def records(world):
    grid = {"level": "organisational", "type": "technical", "theme": "employment"}
    Need.objects.create(organisation=world.organisations["KE-gov"], title=KE_NEED, **grid)
    Need.objects.create(organisation=world.organisations["FR-emp"], title=FR_NEED, **grid)
    Lesson.objects.create(kind="lesson", title=PUBLISHED, context="c", status="published")
    draft = Lesson.objects.create(kind="lesson", title=DRAFT, context="c")
    draft.countries.add(world.countries["FR"])
    Evaluation.objects.create(title=STRATEGIC, kind="strategic", evaluator="E", start=D(2020, 1, 1))
    thai = Evaluation.objects.create(title=THAI, kind="project", evaluator="E", start=D(2020, 1, 1))
    thai.countries.add(world.countries["TH"])
    activity = Activity.objects.create(
        title=ACTIVITY,
        kind="course",
        start=D(2024, 1, 1),
        end=D(2024, 1, 2),
        office=world.offices["a"],
    )
    activity.countries.add(world.countries["UG"])
    return world


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_persona_finds_exactly_what_it_may_see(records, persona):
    hits = search(records.users[persona], "zebra")
    assert {h.title for h in hits} == SEES[persona]


@pytest.mark.parametrize("persona", ["focal", "office_a", "viewer", "outsider"])
def test_the_page_shows_no_title_out_of_scope(records, persona):
    response = page_client(records, persona).get("/learn/search/", {"q": "zebra"})
    assert response.status_code == 200
    html = response.content.decode()
    for title in EVERYTHING:  # shown as "<mark>Zebra</mark> need of …"
        assert (title.removeprefix("Zebra") in html) == (title in SEES[persona]), title


@pytest.mark.parametrize("persona", ["focal", "office_b", "viewer", "outsider"])
def test_the_api_gives_no_title_out_of_scope(records, persona):
    response = api_client(persona).get("/api/search/", {"q": "zebra", "page_size": 50})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(SEES[persona])
    assert {row["title"] for row in body["results"]} == SEES[persona]
    assert FR_NEED not in response.content.decode() or persona == "office_b"


def test_the_api_result_rows_and_filters(records):
    client = api_client("admin")
    body = client.get("/api/search/", {"q": "zebra kenyan"}).json()
    assert body["count"] == 1
    (row,) = body["results"]
    need = Need.objects.get(title=KE_NEED)
    assert row["kind"] == "need" and row["id"] == need.pk and row["title"] == KE_NEED
    assert row["url"] == f"http://testserver/diagnose/needs/{need.pk}/"
    assert row["snippet"] == "Ministry of Labour KE"  # no match in the body: its start
    assert row["rank"] > 0
    kinds = client.get("/api/search/", {"q": "zebra", "kind": "evaluation"}).json()
    assert {r["title"] for r in kinds["results"]} == {STRATEGIC, THAI}
    thai = client.get("/api/search/", {"q": "zebra", "country": records.countries["TH"].pk})
    assert [r["title"] for r in thai.json()["results"]] == [THAI]
    paged = client.get("/api/search/", {"q": "zebra", "page_size": 3}).json()
    assert paged["count"] == 7 and len(paged["results"]) == 3 and paged["next"]


def test_the_api_refuses_bad_input(records):
    client = api_client("admin")
    assert client.get("/api/search/").status_code == 400
    response = client.get("/api/search/", {"q": "zebra", "year": "soon"})
    assert response.status_code == 400 and "year" in response.json()
    assert client.get("/api/search/", {"q": "zebra", "kind": "poem"}).status_code == 400
    assert api_client("outsider").get("/api/search/", {"q": "zebra"}).json()["count"] == 0
    assert APIAnon().get("/api/search/", {"q": "zebra"}).status_code in (401, 403)


def APIAnon():
    from rest_framework.test import APIClient

    return APIClient()


def test_the_page_states_filters_and_live_results(records):
    client = page_client(records, "admin")
    empty = client.get("/learn/search/").content.decode()
    assert "Type a word or two" in empty and 'name="q"' in empty and "<h1>" in empty
    none = client.get("/learn/search/", {"q": "<b>nothingatall</b>"}).content.decode()
    assert "Nothing found for" in none and "&lt;b&gt;nothingatall&lt;/b&gt;" in none
    assert "<b>nothingatall" not in none
    found = client.get("/learn/search/", {"q": "zebra", "kind": "lesson"}).content.decode()
    assert "<mark>Zebra</mark> published lesson" in found and "Lesson learned" in found
    assert STRATEGIC not in found
    live = client.get("/learn/search/", {"q": "thailand"}, HTTP_HX_REQUEST="true")
    html = live.content.decode()
    assert "<h1>" not in html and "<mark>Thailand</mark>" in html
    assert client.get("/learn/search/", {"q": "zebra", "year": "x"}).status_code == 200


def test_the_page_needs_a_login(records):
    from django.test import Client

    response = Client().get("/learn/search/", {"q": "zebra"})
    assert response.status_code == 302 and KE_NEED not in response.content.decode()


def test_the_cli_prints_ranked_results_as_an_administrator_or_a_user(records):
    out, _ = run_command("search", "zebra", "kenyan")
    assert out.splitlines()[0].startswith(f"  1. [need] {KE_NEED}")
    out, _ = run_command("search", "zebra", "--user", "focal", "--limit", "10")
    listed = [line for line in out.splitlines() if line[:4].strip().rstrip(".").isdigit()]
    assert len(listed) == 3 and not any(FR_NEED in line for line in listed)
    out, _ = run_command("search", "zebra", "--kind", "evaluation", "--limit", "1")
    assert len([line for line in out.splitlines() if "[evaluation]" in line]) == 1
    out, _ = run_command("search", "nothingatall")
    assert "Nothing found" in out
    with pytest.raises(CommandError):
        run_command("search", "zebra", "--user", "nobody")
    with pytest.raises(CommandError):
        run_command("search")
    out, _ = run_command("search", "--rebuild")
    assert "Search index rebuilt: 7 entries" in out
