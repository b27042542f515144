"""The parity API: meetings with their counts, delegates, imports, the summary."""

from __future__ import annotations

import datetime
import io

import pytest

from capdev.core.tests.test_scope_matrix import api_client
from capdev.parity.models import DelegationMember, Meeting
from capdev.parity.tests.fixtures import FILE, ROWS, conference, imported, listing


def upload(data: bytes, name: str = "ilc.csv") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


@pytest.fixture
def hq(world):
    return api_client("hq")


def test_meetings_are_listed_with_their_figures_and_filtered_by_kind_and_year(world, hq):
    ilc = imported()
    conference(111, 2023)
    Meeting.objects.create(
        kind=Meeting.Kind.REGIONAL,
        name="Regional Meeting for Africa",
        year=2023,
        start=datetime.date(2023, 12, 5),
        region=world.countries["KE"].region,
    )
    body = hq.get("/api/meetings/").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first == {
        "id": ilc.pk,
        "kind": "ilc",
        "name": ilc.name,
        "session": 112,
        "year": 2024,
        "start": "2024-06-03",
        "place": "Geneva",
        "region": None,
        "notes": "",
        "women": 7,
        "people": 19,
        "share": 7 / 19,
    }
    regional = hq.get("/api/meetings/", {"kind": "regional"}).json()["results"]
    assert [(m["name"], m["region"], m["share"]) for m in regional] == [
        ("Regional Meeting for Africa", "AFRICA", None)
    ]
    # Newest first: the regional meeting (December) before the 111th session (June).
    assert [m["session"] for m in hq.get("/api/meetings/", {"year": 2023}).json()["results"]] == [
        None,
        111,
    ]
    assert hq.get("/api/meetings/", {"kind": "summit"}).status_code == 400


def test_a_meeting_counts_its_members_by_state_group_role_and_sex(world, hq):
    ilc = imported()
    counts = hq.get(f"/api/meetings/{ilc.pk}/").json()["counts"]
    kenya = [c for c in counts if c["country"] == "KEN"]
    assert kenya == [
        {"country": "KEN", "group": "employers", "role": "delegate", "sex": "male", "count": 1},
        {"country": "KEN", "group": "government", "role": "adviser", "sex": "female", "count": 1},
        {"country": "KEN", "group": "government", "role": "delegate", "sex": "female", "count": 1},
        {"country": "KEN", "group": "government", "role": "delegate", "sex": "male", "count": 1},
        {"country": "KEN", "group": "workers", "role": "delegate", "sex": "female", "count": 1},
        {"country": "KEN", "group": "workers", "role": "substitute", "sex": "male", "count": 1},
    ]
    uganda = [c for c in counts if c["country"] == "UGA"]
    assert {(c["group"], c["role"], c["sex"]): c["count"] for c in uganda} == {
        ("employers", "delegate", "male"): 1,
        ("government", "delegate", "male"): 2,
        ("workers", "delegate", "male"): 1,
    }
    assert hq.get("/api/meetings/99999/").status_code == 404


def test_the_delegates_are_listed_and_filtered(world, hq):
    ilc = imported()
    body = hq.get(f"/api/meetings/{ilc.pk}/delegates/").json()
    assert body["count"] == 19
    assert set(body["results"][0]) == {
        "id", "meeting", "country", "country_name", "group", "role", "sex", "name",
    }  # fmt: skip
    women = hq.get(f"/api/meetings/{ilc.pk}/delegates/", {"country": "KE", "sex": "female"})
    # By group, then role (the adviser before the delegate), then name.
    assert [d["name"] for d in women.json()["results"]] == [
        "Grace Example",
        "Amina Example",
        "Rosa Example",
    ]
    advisers = hq.get(f"/api/meetings/{ilc.pk}/delegates/", {"country": "KEN", "role": "adviser"})
    assert [d["name"] for d in advisers.json()["results"]] == ["Grace Example"]


def test_an_import_answers_what_it_did_and_twice_changes_nothing(world, hq):
    ilc = conference()
    url = f"/api/meetings/{ilc.pk}/delegates/import/"
    first = hq.post(url, {"file": upload(FILE.read_bytes())})
    assert first.status_code == 201
    assert first.json() == {
        "rows": 19,
        "added": 19,
        "removed": 0,
        "unchanged": 0,
        "notes": [],
        "message": "The meeting's delegation was replaced by the file's 19 rows: "
        "19 people added, 0 removed, 0 unchanged.",
    }
    second = hq.post(url, {"file": upload(FILE.read_bytes())}).json()
    assert (second["added"], second["removed"], second["unchanged"]) == (0, 0, 19)
    assert DelegationMember.objects.count() == 19


def test_a_refused_import_answers_400_with_every_problem_by_row_and_column(world, hq):
    ilc = conference()
    rows = [*ROWS[:2], ["KEN", "Government", "Delegate", "F", "Third"], ["XX", "G", "D", "F", ""]]
    response = hq.post(f"/api/meetings/{ilc.pk}/delegates/import/", {"file": upload(listing(rows))})
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {
            "row": 4,
            "column": "Capacity",
            "message": "Kenya has 3 government delegates: a Conference delegation has 2 (two "
            "government delegates, one employers' and one workers' delegate). List the "
            "others as substitute delegates or advisers.",
        },
        {
            "row": 5,
            "column": "Member State",
            "message": "“XX” is not a member State: use its ISO code (KEN, KE) or its name.",
        },
    ]
    assert not DelegationMember.objects.exists()
    no_file = hq.post(f"/api/meetings/{ilc.pk}/delegates/import/", {})
    assert no_file.status_code == 400 and "file" in no_file.json()


def test_hq_records_a_meeting_through_the_api(world, hq):
    response = hq.post(
        "/api/meetings/",
        {"kind": "regional", "name": "Regional Meeting for the Americas", "year": 2026,
         "start": "2026-10-05", "region": "AMERICAS"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["region"] == "AMERICAS"
    assert response.json()["counts"] == []
    wrong = hq.post(
        "/api/meetings/",
        {"kind": "ilc", "name": "X", "year": 2026, "start": "2026-10-05", "region": "AMERICAS"},
        format="json",
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"region": ["Only a regional meeting has a region."]}


def test_the_summary_gives_the_figures_the_reports_use(world, hq):
    imported()
    body = hq.get("/api/parity/summary/", {"first_year": 2024}).json()
    assert (body["minimum_percent"], body["goal_percent"]) == (30, 50)
    assert [(s["women"], s["total"]) for s in body["sessions"]] == [(7, 19)]
    assert {g["key"]: (g["women"], g["total"]) for g in body["groups"]} == {
        "government": (4, 10),
        "employers": (1, 4),
        "workers": (2, 5),
    }
    assert (
        body["delegations"],
        body["delegations_reaching_minimum"],
        body["delegations_reaching_goal"],
    ) == (4, 3, 2)
    assert len(body["groups_needing_help"]) == 6
    assert hq.get("/api/parity/summary/", {"first_year": 1800}).status_code == 400
