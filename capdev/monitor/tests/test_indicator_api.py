"""The indicator API: lists with filters, one indicator with its figures, defining and
changing indicators, setting targets, recording and approving measurements, and the errors.

The indicators are those of test_indicator_pages.py (`board`; its docstring works out their
figures and statuses by hand).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from capdev.core.models import Grant, Role
from capdev.monitor import services
from capdev.monitor.models import Indicator, Measurement, Target
from capdev.monitor.tests.test_indicator_pages import CODES, Board, built_once
from capdev.plan import services as plans
from capdev.plan.models import PBOutcome
from capdev.test import World

D = Decimal


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker) -> Iterator[Board]:
    with built_once(django_db_blocker) as built:
        yield built


@pytest.fixture
def world(_built: Board, db) -> World:
    for user in _built.world.users.values():  # grants are cached on the user objects
        user.__dict__.pop("_capdev_grants", None)
    return _built.world


@pytest.fixture
def kenya(_built: Board, world):
    return _built.kenya


@pytest.fixture
def board(_built: Board, world) -> dict[str, Indicator]:
    return _built.indicators


def _client(world, name: str = "hq") -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users[name])
    return client


def _codes(client: APIClient, query: str = "") -> list[str]:
    response = client.get(f"/api/indicators/?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return [row["code"] for row in body["results"]]


def _state() -> tuple:
    """Every indicator, target and measurement row, their links and their history counts."""
    return (
        list(Indicator.objects.order_by("pk").values()),
        list(Indicator.results.through.objects.order_by("pk").values()),
        list(Target.objects.order_by("pk").values()),
        list(Measurement.objects.order_by("pk").values()),
        Indicator.history.count(),
        Target.history.count(),
        Measurement.history.count(),
    )


# --- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", CODES),
        ("q=complaints", ["NEG"]),
        ("framework=plan", ["APP", "NEG", "TRN"]),
        ("framework=pb", ["PB1"]),
        ("framework=strategy", ["LAW"]),
        ("level=organisational", ["NEG"]),
        ("measure=text", ["LAW"]),
        ("status=on_track", ["TRN"]),
        ("status=at_risk", ["NEG"]),
        ("status=off_track", ["APP"]),
        ("status=none", ["LAW", "PB1"]),
        ("sort=status", ["APP", "NEG", "TRN", "LAW", "PB1"]),
    ],
)
def test_the_list_filters_like_the_page(world, board, query, codes):
    assert _codes(_client(world), query) == codes


def test_a_bad_filter_is_a_400_naming_it(world, board):
    response = _client(world).get("/api/indicators/?status=sideways")
    assert response.status_code == 400
    assert set(response.json()) == {"status"}


def test_each_listed_indicator_carries_its_latest_standing(world, board):
    rows = {r["code"]: r for r in _client(world).get("/api/indicators/").json()["results"]}
    assert rows["TRN"]["latest"] == {
        "period": "2024-25",
        "actual": "52.0000",
        "actual_text": "",
        "target": "50.0000",
        "status": "on_track",
        "explanation": "Measured 52 against a target of 50 for 2024-25, from a baseline of 10: "
        "105 % of the way: on track.",
    }
    assert rows["APP"]["latest"]["actual"] == "15.0000"
    assert rows["APP"]["baseline_value"] == "20.0000"
    assert rows["PB1"]["latest"]["status"] is None
    assert rows["PB1"]["pb_outcomes"] == [PBOutcome.objects.get(biennium="2020-21", code="1").pk]
    assert rows["TRN"]["results"] == [board["TRN"].results.get().pk]
    assert rows["TRN"]["disaggregations"] == ["sex"]


def test_the_detail_adds_percentages_from_counts_never_averaging(world, board):
    body = _client(world).get(f"/api/indicators/{board['APP'].pk}/").json()
    [totals] = body["totals"]
    assert totals["disaggregation"] == ""
    assert [(t["period"], t["value"]) for t in totals["per_period"]] == [
        ("2022-23", "50.0000"),
        ("2024-25", "15.0000"),
    ]
    assert totals["cumulative"] == {
        "period": None,
        "value": "22.0000",  # 22 of 100; the average of the periods would be 32.5
        "numerator": "22.0000",
        "denominator": "100.0000",
    }
    assert [(p["period"], p["status"]) for p in body["periods"]] == [
        ("2022-23", None),
        ("2024-25", "off_track"),
    ]
    assert body["periods"][0]["explanation"] == "No target is set for 2022-23."
    assert [(m["period"], m["numerator"], m["denominator"]) for m in body["measurements"]] == [
        ("2022-23", "10.00", "20.00"),
        ("2024-25", "12.00", "80.00"),
    ]
    assert [(t["period"], t["figure"]) for t in body["targets"]] == [("2024-25", "60.0000")]
    assert body["linked_results"][0]["plan_title"] == "Kenyan capacity plan"


def test_the_detail_gives_totals_per_disaggregation(world, board):
    body = _client(world).get(f"/api/indicators/{board['TRN'].pk}/").json()
    cumulative = {t["disaggregation"]: t["cumulative"]["value"] for t in body["totals"]}
    assert cumulative == {"": "80.0000", "sex:female": "21.0000"}


def test_the_measurements_of_an_indicator_are_listed_and_paged(world, board):
    body = _client(world).get(f"/api/indicators/{board['TRN'].pk}/measurements/").json()
    assert body["count"] == 3
    assert [(m["period"], m["disaggregation"], m["value"]) for m in body["results"]] == [
        ("2022-23", "", "28.00"),
        ("2024-25", "", "52.00"),
        ("2024-25", "sex:female", "21.00"),
    ]
    assert body["results"][0]["recorded_by"] is None and body["results"][0]["source"] == "Register"


def test_an_anonymous_client_is_refused(db, board):
    client = APIClient()
    indicator = board["TRN"]
    for url in ("/api/indicators/", f"/api/indicators/{indicator.pk}/"):
        assert client.get(url).status_code == 401
    assert client.post(f"/api/indicators/{indicator.pk}/targets/", {}).status_code == 401


def test_the_list_runs_as_many_queries_for_three_times_the_indicators(world, kenya, board):
    _plan, output, _outcome = kenya
    client = _client(world, "office_a")

    def add(n: int) -> None:
        start = Indicator.objects.count()
        for i in range(n):
            indicator = services.indicator_create(
                user=None,
                data={
                    "code": f"Q{start + i:03}",
                    "name": "Queried",
                    "measure": "percentage",
                    "results": [output],
                    "pb_outcomes": list(PBOutcome.objects.all()[:2]),
                },
            )
            services.target_set(
                user=None,
                indicator=indicator,
                data={"period": "2025", "numerator": D(1), "denominator": D(2)},
            )

    def measure(query: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/indicators/?{query}").json()
        return len(queries), len(body["results"])

    # Office A sees the board's five, two of them not assessed; these are not measured.
    add(3)
    client.get("/api/indicators/")
    before = {query: measure(query) for query in ("", "status=none")}
    add(6)
    after = {query: measure(query) for query in ("", "status=none")}
    assert {q: n for q, (n, _rows) in before.items()} == {q: n for q, (n, _rows) in after.items()}
    assert [rows for _n, rows in before.values()] == [5 + 3, 2 + 3]
    assert [rows for _n, rows in after.values()] == [5 + 9, 2 + 9]
    # Grants, the count, the page, its targets, measurements, P&B outcomes, deliverables and
    # plan results.
    assert before[""][0] <= 8


# --- writing ------------------------------------------------------------------------------


def test_an_office_defines_an_indicator_of_its_plan_and_changes_it(world, kenya):
    _plan, output, _outcome = kenya
    client = _client(world, "office_a")
    response = client.post(
        "/api/indicators/",
        {
            "code": "KE-OSH-2",
            "name": "Trained inspectors applying their skills",
            "level": "individual",
            "measure": "percentage",
            "disaggregations": ["sex"],
            "baseline_period": "2024-25",
            "baseline_numerator": "12",
            "baseline_denominator": "40",
            "results": [output.pk],
            "responsible": world.users["office_a"].pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["baseline_value"] == "30.0000" and body["results"] == [output.pk]
    assert body["responsible"] == "office_a"
    created = Indicator.objects.get(code="KE-OSH-2")
    assert created.history.first().history_user == world.users["office_a"]
    changed = client.patch(
        f"/api/indicators/{created.pk}/", {"name": "Inspectors applying"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Inspectors applying"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "TRN"}, "code"),
        ({"baseline_numerator": "3"}, "baseline_numerator"),
        ({"baseline_period": "2025/26"}, "baseline_period"),
        ({"disaggregations": ["age"]}, "disaggregations"),
        ({"measure": "money"}, "measure"),
        ({"results": [999999]}, "results"),
    ],
)
def test_a_bad_definition_is_a_400_keyed_by_field_and_changes_nothing(
    world, board, kenya, body, field
):
    _plan, output, _outcome = kenya
    before = _state()
    data = {"code": "NEW", "name": "New", "measure": "percentage", "results": [output.pk]}
    response = _client(world, "office_a").post("/api/indicators/", {**data, **body}, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {field}
    assert _state() == before


def test_a_result_of_a_plan_one_does_not_work_on_cannot_be_served(world, board):
    french = plans.plan_create(
        user=None,
        data={
            "title": "French plan",
            "country": world.countries["FR"],
            "start": datetime.date(2024, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "organisations": [world.organisations["FR-emp"]],
        },
    )
    theirs = plans.result_add(
        user=None, plan=french, data={"level": "individual", "kind": "output", "statement": "FR"}
    )
    before = _state()
    data = {"code": "NEW", "name": "New", "measure": "number", "results": [theirs.pk]}
    response = _client(world, "office_a").post("/api/indicators/", data, format="json")
    assert response.status_code == 400 and set(response.json()) == {"results"}
    patch = _client(world, "office_a").patch(
        f"/api/indicators/{board['TRN'].pk}/", {"results": [theirs.pk]}, format="json"
    )
    assert patch.status_code == 400 and set(patch.json()) == {"results"}
    assert _state() == before


def test_roles_that_keep_no_indicator_or_not_this_one_are_refused(world, board):
    before = _state()
    data = {"code": "NEW", "name": "New", "measure": "number"}
    for name in ("focal", "viewer", "evaluator"):
        assert _client(world, name).post("/api/indicators/", data, format="json").status_code == 403
    # An office keeps its plans' indicators; the P&B's are HQ's.
    refused = _client(world, "office_a").post(
        "/api/indicators/", {**data, "pb_outcomes": [PBOutcome.objects.first().pk]}, format="json"
    )
    assert refused.status_code == 403
    patch = _client(world, "office_a").patch(
        f"/api/indicators/{board['PB1'].pk}/", {"name": "Renamed"}, format="json"
    )
    assert patch.status_code == 403
    assert _state() == before


def test_the_type_stays_once_there_are_figures(world, board):
    before = _state()
    response = _client(world).patch(
        f"/api/indicators/{board['TRN'].pk}/", {"measure": "percentage"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "measure": ["This indicator has targets or measurements: its type stays."]
    }
    assert _state() == before


def test_a_target_is_set_then_replaced(world, board):
    client = _client(world, "office_a")
    url = f"/api/indicators/{board['TRN'].pk}/targets/"
    first = client.post(url, {"period": "2026-27", "value": "70"}, format="json")
    assert first.status_code == 201 and first.json()["figure"] == "70.0000"
    again = client.post(url, {"period": "2026-27", "value": "75"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    women = client.post(
        url, {"period": "2026-27", "disaggregation": "sex:female", "value": "30"}, format="json"
    )
    assert women.status_code == 201 and women.json()["disaggregation"] == "sex:female"


@pytest.mark.parametrize(
    ("code", "body", "errors"),
    [
        ("TRN", {"period": "2026"}, {"value": ["A numeric indicator is measured by a number."]}),
        ("TRN", {"period": "2026", "value": "many"}, {"value": ["A valid number is required."]}),
        ("TRN", {"period": "26", "value": "4"}, {"period": ["Write a period as 2025 or 2024-25."]}),
        (
            "TRN",
            {"period": "2026", "disaggregation": "group:workers", "value": "4"},
            {"disaggregation": ["“group:workers” is not a disaggregation of this indicator."]},
        ),
        (
            "APP",
            {"period": "2026", "numerator": "4", "denominator": "0"},
            {"denominator": ["The denominator is more than zero."]},
        ),
        ("LAW", {"period": "2026"}, {"text": ["A qualitative indicator is measured in words."]}),
    ],
)
def test_a_target_that_does_not_fit_is_a_400_naming_the_field(world, board, code, body, errors):
    before = _state()
    response = _client(world).post(
        f"/api/indicators/{board[code].pk}/targets/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json() == errors
    assert _state() == before


def test_a_measurement_is_recorded_with_its_source_and_approved_by_someone_else(world, board):
    office = _client(world, "office_a")
    url = f"/api/indicators/{board['APP'].pk}/measurements/"
    missing = office.post(url, {"period": "2026", "numerator": "4"}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {
        "source": ["This field is required."],
    }
    half = office.post(url, {"period": "2026", "numerator": "4", "source": "S"}, format="json")
    assert half.json() == {
        "numerator": ["A percentage is given as its numerator and its denominator."]
    }
    recorded = office.post(
        url,
        {"period": "2026", "numerator": "30", "denominator": "40", "source": "Tracer survey"},
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert (body["figure"], body["recorded_by"], body["approved_by"]) == (
        "75.0000",
        "office_a",
        None,
    )
    approve = f"/api/measurements/{body['id']}/approve/"

    own = office.post(approve)
    assert own.status_code == 403
    assert own.json() == {"detail": "A measurement is approved by someone other than its recorder."}
    assert _client(world, "workers").post(approve).status_code == 403  # records, never approves
    assert _client(world, "office_b").post(approve).status_code == 404  # does not see it
    assert _client(world, "focal").post(approve).status_code == 403
    assert Measurement.objects.get(pk=body["id"]).approved_at is None

    colleague = get_user_model().objects.create_user("colleague")
    Grant.objects.create(user=colleague, role=Role.OFFICE, office=world.offices["a"])
    client = APIClient()
    client.force_authenticate(colleague)
    approved = client.post(approve)
    assert approved.status_code == 200
    assert approved.json()["approved_by"] == "colleague" and approved.json()["approved_at"]

    again = office.post(
        url,
        {"period": "2026", "numerator": "31", "denominator": "40", "source": "Tracer survey"},
        format="json",
    )
    assert again.status_code == 200  # replaced: the approval is withdrawn
    assert (again.json()["approved_by"], again.json()["approved_at"]) == (None, None)


def test_unknown_and_unseen_rows_are_404(world, board):
    office_b = _client(world, "office_b")
    trn = board["TRN"].pk
    assert office_b.get(f"/api/indicators/{trn}/").status_code == 404
    assert office_b.get(f"/api/indicators/{trn}/measurements/").status_code == 404
    assert (
        office_b.post(
            f"/api/indicators/{trn}/targets/", {"period": "2026", "value": "1"}
        ).status_code
        == 404
    )
    assert _client(world).get("/api/indicators/999999/").status_code == 404
    assert _client(world).post("/api/measurements/999999/approve/").status_code == 404
