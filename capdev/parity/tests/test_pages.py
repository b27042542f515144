"""The parity pages: they render, say when there is nothing, and write through the services."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capdev.core.tests.test_scope_matrix import page_client
from capdev.parity.models import DelegationImport, DelegationMember, Meeting, ParityTarget
from capdev.parity.tests.fixtures import FILE, ROWS, conference, imported, listing

PAGES = ["/parity/", "/parity/meetings/", "/parity/help/", "/parity/target/"]


def upload(data: bytes, name: str = "ilc.csv") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


@pytest.fixture
def hq(world):
    return page_client(world, "hq")


@pytest.mark.parametrize("url", PAGES)
def test_each_page_says_so_when_there_is_nothing_yet(world, hq, url):
    response = hq.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<h1") == 1
    if url == "/parity/target/":  # the target page states it in its own words
        assert "measured against at least 30% women now and 50% as the goal" in text
    else:
        assert "The Governing Body's target is at least 30% women now and 50% (parity)" in text
    if url == "/parity/":
        assert "No delegation member is counted for these filters in your scope" in text
    if url == "/parity/meetings/":
        assert "No meeting matches" in text
    if url == "/parity/help/":
        assert "No meeting matches these filters." in text
        assert "No participant of an activity in your scope" in text


def test_the_overview_draws_the_threshold_on_every_chart_next_to_its_table(world, hq):
    imported()
    response = hq.get("/parity/")
    text = response.content.decode()
    for chart in ("chart-groups", "chart-regions", "chart-sessions", "chart-trend"):
        assert f'data-chart="{chart}"' in text
        spec = response.context["charts"][chart.removeprefix("chart-")]
        rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
        assert [[row["value"] for row in rule["data"]["values"]] for rule in rules] == [
            [0.3, 0.5]
        ], chart
    # The table next to the group chart has the same figures.
    assert "<caption>Share of women by group</caption>" in text
    assert (
        '<th scope="row">Government</th><td class="number">4</td><td class="number">10</td>' in text
    )
    assert "40.0 %" in text


def test_the_overview_filters_by_kind_year_region_and_group(world, hq):
    imported()
    response = hq.get("/parity/", {"region": "AFRICA", "group": "workers", "first_year": 2024})
    assert [(g.key, g.women, g.total) for g in response.context["groups"]] == [
        ("government", 0, 0),
        ("employers", 0, 0),
        ("workers", 1, 3),
    ]
    wrong = hq.get("/parity/", {"first_year": 2025, "last_year": 2020})
    assert "The last year comes before the first." in wrong.content.decode()


def test_the_meeting_list_searches_sorts_pages_and_counts_its_queries(world, hq):
    for session in range(100, 130):
        conference(session, 1990 + session - 100)
    imported(Meeting.objects.get(session=129))
    with CaptureQueriesContext(connection) as queries:
        response = hq.get("/parity/meetings/", {"sort": "-share"})
    assert response.status_code == 200
    # session, user, grants, target, count, page of meetings with their counts
    assert len(queries) <= 7, [q["sql"] for q in queries]
    page = response.context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    assert page.object_list[0].session == 129
    searched = hq.get("/parity/meetings/", {"q": "129th"}, HTTP_HX_REQUEST="true")
    assert [m.session for m in searched.context["page"]] == [129]
    assert "<h1" not in searched.content.decode()  # the results partial only
    oldest = hq.get("/parity/meetings/", {"sort": "start", "kind": "ilc", "year": 1990})
    assert [m.session for m in oldest.context["page"]] == [100]


def test_hq_records_a_meeting_and_a_mistake_is_shown_next_to_its_field(world, hq):
    response = hq.post(
        "/parity/meetings/new/",
        {"kind": "ilc", "name": "113th Session", "session": 113, "year": 2025,
         "start": "2024-06-02", "region": ""},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The meeting starts in 2024, not in 2025." in response.content.decode()
    assert not Meeting.objects.exists()
    response = hq.post(
        "/parity/meetings/new/",
        {"kind": "ilc", "name": "113th Session", "session": 113, "year": 2025,
         "start": "2025-06-02", "place": "Geneva"},
    )  # fmt: skip
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == f"/parity/meetings/{meeting.pk}/"
    assert meeting.history.get().history_user.username == "hq"
    detail = hq.get(response.url).content.decode()
    assert "No delegation member is recorded in your scope for this meeting yet" in detail
    assert f'href="/parity/meetings/{meeting.pk}/import/"' in detail


def test_the_import_page_lists_every_problem_by_row_and_column(world, hq):
    meeting = conference()
    rows = [list(row) for row in ROWS]
    rows[0][2] = "Chief"
    response = hq.post(f"/parity/meetings/{meeting.pk}/import/", {"file": upload(listing(rows))})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported." in text
    assert '<td class="number">2</td><td>Capacity</td><td>“Chief” is not a role' in text
    assert not DelegationMember.objects.exists()


def test_the_import_page_replaces_the_delegation_and_says_so(world, hq):
    meeting = conference()
    url = f"/parity/meetings/{meeting.pk}/import/"
    response = hq.post(url, {"file": upload(FILE.read_bytes())}, follow=True)
    text = response.content.decode()
    assert "The meeting&#x27;s delegation was replaced by the file&#x27;s 19 rows" in text
    assert "19 people added, 0 removed, 0 unchanged." in text
    assert '<span class="status status-validated">parity</span>' in text
    assert '<span class="status status-submitted">reaches 30%</span>' in text
    assert '<span class="status status-below">below 30%</span>' in text
    again = hq.post(url, {"file": upload(FILE.read_bytes())}, follow=True).content.decode()
    assert "0 people added, 0 removed, 19 unchanged." in again
    assert DelegationMember.objects.count() == 19
    assert DelegationImport.objects.count() == 2
    refused = hq.post(url, {"file": upload(b"x", "list.pdf")})
    assert refused.status_code == 400
    assert "Send a .csv file or an .xlsx workbook." in refused.content.decode()


def test_the_meeting_page_searches_its_delegations_and_shows_its_history(world, hq):
    meeting = imported()
    response = hq.get(f"/parity/meetings/{meeting.pk}/", {"q": "ken"})
    assert [r.country.iso_alpha2 for r in response.context["rows"]] == ["KE"]
    by_group = hq.get(f"/parity/meetings/{meeting.pk}/", {"group": "employers"})
    assert {(r.country.iso_alpha2, r.women, r.total) for r in by_group.context["rows"]} == {
        ("KE", 0, 1),
        ("UG", 0, 1),
        ("FR", 1, 1),
        ("TH", 0, 1),
    }
    assert [(r.key, r.women, r.total) for r in response.context["roles"]] == [
        ("delegate", 6, 16),
        ("substitute", 0, 1),
        ("adviser", 1, 1),
        ("observer", 0, 1),
    ]
    assert "Change history" in response.content.decode()


def test_deleting_a_meeting_asks_first_and_keeps_the_history(world, hq):
    meeting = imported()
    confirm = hq.get(f"/parity/meetings/{meeting.pk}/delete/").content.decode()
    assert "Its delegation list of 19 people is deleted with it." in confirm
    response = hq.post(f"/parity/meetings/{meeting.pk}/delete/")
    assert response.status_code == 302 and response.url == "/parity/meetings/"
    assert not Meeting.objects.exists() and not DelegationMember.objects.exists()
    assert Meeting.history.filter(history_type="-").count() == 1
    assert DelegationMember.history.filter(history_type="-").count() == 19


def test_hq_changes_the_target_and_every_page_follows(world, hq):
    imported()
    form = hq.get("/parity/target/").content.decode()
    assert 'name="minimum_percent"' in form
    bad = hq.post("/parity/target/", {"minimum_percent": 60, "goal_percent": 50})
    assert bad.status_code == 400
    assert "The minimum cannot be above the goal." in bad.content.decode()
    assert not ParityTarget.objects.exists()
    saved = hq.post(
        "/parity/target/",
        {"minimum_percent": 40, "goal_percent": 50, "decided_by": "GB.999 (test)"},
    )
    assert saved.status_code == 302
    overview = hq.get("/parity/").content.decode()
    assert "The Governing Body's target is at least 40% women now" in overview
    assert overview.count("Reaching 40% women") == 1
    assert hq.get("/parity/").context["counts"].reaching_minimum == 3  # 50%, 40%, 50%
    history = hq.get("/parity/target/").content.decode()
    assert "GB.999 (test)" in history


def test_a_reader_sees_the_target_without_a_form(world):
    client = page_client(world, "office_a")
    text = client.get("/parity/target/").content.decode()
    assert 'name="minimum_percent"' not in text
    assert "HQ and administrators change the target." in text


def test_the_help_page_lists_groups_with_their_workshops_and_participation(world, hq):
    imported()
    response = hq.get("/parity/help/")
    text = response.content.decode()
    assert "6 groups below the minimum, lowest share first" in text
    assert "none yet" in text
    assert "No participant of an activity in your scope" in text
    assert response.context["recent"][0].session == 112


def test_meetings_are_dated_by_their_year(world):
    meeting = Meeting(kind=Meeting.Kind.OTHER, name="X", year=2024, start=datetime.date(2024, 3, 1))
    meeting.full_clean()
