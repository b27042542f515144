"""The plan API: plans with their theory of change and actions, sign-offs, the workflow, and
funding sources; each endpoint inside and outside the caller's scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from capdev.core.models import Organisation, OrganisationKind
from capdev.diagnose import services as diagnose
from capdev.diagnose.models import Need
from capdev.plan import services
from capdev.plan.models import Action, FundingSource, Plan, Result, ResultIndicator, SDGTarget
from capdev.test import PASSWORD

START, END = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)


@pytest.fixture
def api(world):
    """`api("office_a")`: a client signed in as one of the shared personas."""

    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(world.users[username])
        return client

    return client_for


def need(world, key: str, title: str) -> Need:
    return diagnose.need_create(
        user=None,
        data={
            "organisation": world.organisations[key],
            "title": title,
            "level": "organisational",
            "type": "functional",
            "theme": "strategic_planning",
        },
    )


def make_plan(world, title: str, *keys: str, country: str = "KE", **data) -> Plan:
    return services.plan_create(
        user=None,
        data={
            "title": title,
            "country": world.countries[country],
            "start": START,
            "end": END,
            "organisations": [world.organisations[key] for key in keys],
            **data,
        },
    )


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Plan, Result, ResultIndicator, Action, FundingSource)
    )


@pytest.fixture
def plans(world):
    """Kenya's tripartite plan, a plan of the Kenyan trade-union centre alone (with a
    budgeted action), and a German ministry's plan."""
    tripartite = make_plan(
        world,
        "Kenya tripartite plan",
        "KE-gov",
        "KE-wrk",
        "KE-emp",
        office=world.offices["a"],
        needs=[need(world, "KE-gov", "Labour inspection planning")],
    )
    union = make_plan(world, "Union plan", "KE-wrk")
    services.action_add(
        user=None,
        plan=union,
        data={
            "title": "Organising course",
            "responsible_office": world.offices["a"],
            "budget": Decimal("98765.43"),
            "currency": "USD",
        },
    )
    german = make_plan(world, "German ministry plan", "DE-gov", country="DE")
    return {"tripartite": tripartite, "union": union, "german": german}


# --- lists and details in and out of scope ----------------------------------------------

SEES_PLANS = {
    "hq": {"tripartite", "union", "german"},
    "admin": {"tripartite", "union", "german"},
    "evaluator": {"tripartite", "union", "german"},
    "office_a": {"tripartite", "union"},
    "office_b": {"german"},
    "workers": {"tripartite", "union"},
    "employers_af": {"tripartite"},
    "focal": {"tripartite"},
    "viewer": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(SEES_PLANS))
def test_the_plan_list_and_details_are_exactly_the_personas_scope(api, plans, persona):
    client = api(persona)
    body = client.get("/api/plans/?page_size=500").json()
    assert {row["title"] for row in body["results"]} == {
        plans[key].title for key in SEES_PLANS[persona]
    }
    assert body["count"] == len(SEES_PLANS[persona])
    for key, plan in plans.items():
        expected = 200 if key in SEES_PLANS[persona] else 404
        assert client.get(f"/api/plans/{plan.pk}/").status_code == expected, key


def test_a_focal_point_sees_neither_another_organisations_plan_nor_its_budget(api, plans):
    client = api("focal")
    union = plans["union"]
    assert client.get(f"/api/plans/{union.pk}/").status_code == 404
    for url in ("/api/plans/", f"/api/plans/{plans['tripartite'].pk}/", "/api/plans/?q=Union"):
        response = client.get(url)
        assert response.status_code == 200
        assert "98765" not in response.content.decode()
        assert "Union plan" not in response.content.decode()
    # The office that covers Kenya does see the budget.
    detail = api("office_a").get(f"/api/plans/{union.pk}/").json()
    assert detail["actions"][0]["budget"] == "98765.43"


def test_writes_to_a_plan_outside_the_scope_answer_404_and_change_nothing(api, plans, world):
    client = api("office_b")
    union = plans["union"]
    before = counts()
    base = f"/api/plans/{union.pk}/"
    assert client.patch(base, {"title": "Taken"}, format="json").status_code == 404
    assert client.delete(base).status_code == 404
    assert client.post(f"{base}sign/", {"side": "office"}, format="json").status_code == 404
    assert client.post(f"{base}advance/").status_code == 404
    result = {"level": "individual", "kind": "outcome", "statement": "X"}
    assert client.post(f"{base}results/", result, format="json").status_code == 404
    action = {"title": "X", "responsible_office": world.offices["b"].pk}
    assert client.post(f"{base}actions/", action, format="json").status_code == 404
    assert counts() == before
    union.refresh_from_db()
    assert union.title == "Union plan" and union.office_signed_at is None


def test_the_list_filters_by_country_status_organisation_and_words(api, plans, world):
    client = api("hq")

    def titles(query: str) -> set[str]:
        response = client.get(f"/api/plans/?{query}")
        assert response.status_code == 200, response.json()
        return {row["title"] for row in response.json()["results"]}

    assert titles("country=de") == {"German ministry plan"}
    assert titles("region=AFRICA") == {"Kenya tripartite plan", "Union plan"}
    assert titles(f"organisation={world.organisations['KE-wrk'].pk}") == {
        "Kenya tripartite plan",
        "Union plan",
    }
    assert titles("q=union") == {"Kenya tripartite plan", "Union plan"}  # its trade union
    assert titles("q=german+ministry") == {"German ministry plan"}
    assert titles("status=agreed") == set()
    assert titles("sort=title") == {"German ministry plan", "Kenya tripartite plan", "Union plan"}
    response = client.get("/api/plans/?status=signed&organisation=x")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "organisation"}


def test_the_detail_shows_the_theory_of_change_and_actions(api, plans, world):
    plan = plans["tripartite"]
    outcome = services.result_add(
        user=None,
        plan=plan,
        data={"level": "organisational", "kind": "outcome", "statement": "Inspection planned"},
    )
    output = services.result_add(
        user=None,
        plan=plan,
        data={
            "level": "individual",
            "kind": "output",
            "statement": "Inspectors trained",
            "contributes_to": [outcome],
        },
    )
    services.indicator_add(
        user=None,
        result=output,
        data={"name": "Inspectors trained", "unit": "people", "target": Decimal("40")},
    )
    services.action_add(
        user=None,
        plan=plan,
        data={
            "title": "Inspection course",
            "responsible_office": world.offices["a"],
            "results": [output],
            "needs": list(plan.needs.all()),
            "budget": Decimal("1200"),
            "currency": "eur",
        },
    )
    services.plan_sign(user=None, plan=plan, side="constituents")
    services.plan_sign(user=None, plan=plan, side="office")

    body = api("office_a").get(f"/api/plans/{plan.pk}/").json()
    assert body["status"] == "agreed" and body["country"] == "KE"
    assert {o["name"] for o in body["organisations"]} == {
        "Ministry of Labour KE",
        "Trade Union Centre KE",
        "Employers Federation KE",
    }
    results = {r["statement"]: r for r in body["results"]}
    assert results["Inspectors trained"]["contributes_to"] == [outcome.pk]
    assert results["Inspectors trained"]["indicators"][0]["target"] == "40.00"
    assert results["Inspection planned"]["kind"] == "outcome"
    [action] = body["actions"]
    assert action["results"] == [output.pk] and action["currency"] == "EUR"
    assert action["responsible_office_name"] == world.offices["a"].name


# --- writing plans -----------------------------------------------------------------------


def plan_body(world, **changes) -> dict:
    return {
        "title": "Employers' plan",
        "country": "KE",
        "organisations": [world.organisations["KE-emp"].pk],
        "office": world.offices["a"].pk,
        "start": "2026-01-01",
        "end": "2026-12-31",
        "sdg_targets": [SDGTarget.objects.get(code="8.5").pk],
        "drivers": ["social_dialogue"],
        **changes,
    }


def test_the_office_starts_a_plan_and_gets_its_detail(api, world):
    response = api("office_a").post("/api/plans/", plan_body(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["sdg_targets"] == ["8.5"]
    assert body["results"] == [] and body["actions"] == []
    plan = Plan.objects.get(pk=body["id"])
    assert plan.history.first().history_user == world.users["office_a"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": "2025-01-01"}, "end"),
        ({"drivers": ["austerity"]}, "drivers"),
        ({"country": "UG"}, "organisations"),  # a Kenyan organisation in a Ugandan plan
        ({"country": "FR"}, "country"),  # outside office A's scope: does not exist
        ({"organisations": []}, "organisations"),
        ({"title": ""}, "title"),
    ],
)
def test_a_plan_that_does_not_hold_together_is_a_field_error_and_nothing_is_saved(
    api, world, changes, field
):
    before = counts()
    response = api("office_a").post("/api/plans/", plan_body(world, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert counts() == before


def test_an_organisation_outside_the_scope_is_as_unknown_as_a_missing_one(api, world):
    outside = plan_body(world, organisations=[world.organisations["DE-gov"].pk])
    missing = plan_body(world, organisations=[987654])
    answers = [
        api("office_a").post("/api/plans/", body, format="json") for body in (outside, missing)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    messages = [a.json()["organisations"] for a in answers]
    assert messages[0] == [
        m.replace("987654", str(world.organisations["DE-gov"].pk)) for m in messages[1]
    ]
    assert not Plan.objects.exists()


def test_a_focal_point_starts_and_deletes_no_plan_but_edits_a_draft(api, plans, world):
    client = api("focal")
    before = counts()
    assert client.post("/api/plans/", plan_body(world), format="json").status_code == 403
    tripartite = plans["tripartite"]
    assert client.delete(f"/api/plans/{tripartite.pk}/").status_code == 403
    assert counts() == before
    response = client.patch(
        f"/api/plans/{tripartite.pk}/", {"notes": "Agreed in the board"}, format="json"
    )
    assert response.status_code == 200 and response.json()["notes"] == "Agreed in the board"


def test_only_a_draft_changes_and_the_office_deletes_it(api, plans, world):
    client = api("office_a")
    union = plans["union"]
    services.plan_sign(user=None, plan=union, side="constituents")
    services.plan_sign(user=None, plan=union, side="office")
    response = client.patch(f"/api/plans/{union.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert client.delete(f"/api/plans/{union.pk}/").status_code == 400
    union.refresh_from_db()
    assert union.title == "Union plan"
    tripartite = plans["tripartite"]
    assert client.delete(f"/api/plans/{tripartite.pk}/").status_code == 204
    assert not Plan.objects.filter(pk=tripartite.pk).exists()


def test_both_sides_sign_then_the_office_starts_and_closes_the_plan(api, plans):
    plan = plans["tripartite"]
    url = f"/api/plans/{plan.pk}/"
    office, focal = api("office_a"), api("focal")
    assert office.post(f"{url}sign/", {"side": "constituents"}, format="json").status_code == 403
    assert focal.post(f"{url}sign/", {"side": "office"}, format="json").status_code == 403
    response = focal.post(f"{url}sign/", {"side": "both"}, format="json")
    assert response.status_code == 400 and "side" in response.json()
    assert focal.post(f"{url}sign/", {"side": "constituents"}, format="json").status_code == 200
    assert office.post(f"{url}advance/").status_code == 400  # not agreed yet
    response = office.post(f"{url}sign/", {"side": "office"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "agreed"
    assert plan.needs.get().status == Need.Status.PLANNED
    assert focal.post(f"{url}advance/").status_code == 403
    assert office.post(f"{url}advance/").json()["status"] == "in_implementation"
    assert office.post(f"{url}advance/").json()["status"] == "closed"
    assert office.post(f"{url}advance/").status_code == 400
    assert plan.needs.get().status == Need.Status.ADDRESSED


# --- theory of change and actions ---------------------------------------------------------


def test_results_indicators_and_actions_are_added_to_a_draft(api, plans, world):
    plan = plans["tripartite"]
    client = api("focal")
    base = f"/api/plans/{plan.pk}/"
    outcome = client.post(
        f"{base}results/",
        {"level": "organisational", "kind": "outcome", "statement": "Inspection planned"},
        format="json",
    )
    assert outcome.status_code == 201, outcome.json()
    output = client.post(
        f"{base}results/",
        {
            "level": "individual",
            "kind": "output",
            "statement": "Inspectors trained",
            "contributes_to": [outcome.json()["id"]],
        },
        format="json",
    )
    assert output.status_code == 201, output.json()
    assert output.json()["contributes_to"] == [outcome.json()["id"]]
    indicator = client.post(
        f"{base}indicators/",
        {"result": output.json()["id"], "name": "Inspectors", "unit": "people", "target": 40},
        format="json",
    )
    assert indicator.status_code == 201 and indicator.json()["target"] == "40.00"
    action = client.post(
        f"{base}actions/",
        {
            "title": "Inspection course",
            "responsible_organisation": world.organisations["KE-gov"].pk,
            "results": [output.json()["id"]],
            "needs": [plan.needs.get().pk],
            "budget": "2500.00",
            "currency": "kes",
            "start": "2026-03-01",
            "end": "2026-03-05",
        },
        format="json",
    )
    assert action.status_code == 201, action.json()
    assert action.json()["currency"] == "KES" and action.json()["needs"] == [plan.needs.get().pk]
    detail = client.get(base).json()
    assert len(detail["results"]) == 2 and len(detail["actions"]) == 1


def test_nested_writes_that_break_a_rule_are_field_errors_and_save_nothing(api, plans, world):
    plan, union = plans["tripartite"], plans["union"]
    outcome = services.result_add(
        user=None, plan=plan, data={"level": "individual", "kind": "outcome", "statement": "A"}
    )
    elsewhere = services.result_add(
        user=None, plan=union, data={"level": "individual", "kind": "outcome", "statement": "B"}
    )
    client = api("office_a")
    base = f"/api/plans/{plan.pk}/"
    before = counts()
    cases = [
        # An outcome does not contribute to an outcome.
        ("results/", {"level": "individual", "kind": "outcome", "statement": "C",
                      "contributes_to": [outcome.pk]}, "contributes_to"),
        ("results/", {"level": "individual", "kind": "output", "statement": "C",
                      "contributes_to": [elsewhere.pk]}, "contributes_to"),
        ("results/", {"level": "planetary", "kind": "output", "statement": "C"}, "level"),
        ("indicators/", {"result": elsewhere.pk, "name": "N", "unit": "u"}, "result"),
        ("indicators/", {"result": outcome.pk, "name": "N"}, "unit"),
        ("actions/", {"title": "No one responsible"}, "responsible_organisation"),
        ("actions/", {"title": "T", "responsible_office": world.offices["a"].pk,
                      "budget": "10"}, "currency"),
        ("actions/", {"title": "T", "responsible_office": world.offices["a"].pk,
                      "currency": "XYZ"}, "currency"),
        ("actions/", {"title": "T", "responsible_office": world.offices["a"].pk,
                      "results": [elsewhere.pk]}, "results"),
        ("actions/", {"title": "T", "responsible_office": world.offices["b"].pk},
         "responsible_office"),
    ]  # fmt: skip
    for path, body, field in cases:
        response = client.post(base + path, body, format="json")
        assert response.status_code == 400, (path, body)
        assert field in response.json(), (path, body, response.json())
    assert counts() == before
    assert not outcome.contributions.exists()


def test_an_agreed_plans_theory_of_change_is_fixed(api, plans, world):
    plan = plans["union"]
    services.plan_sign(user=None, plan=plan, side="constituents")
    services.plan_sign(user=None, plan=plan, side="office")
    before = counts()
    response = api("office_a").post(
        f"/api/plans/{plan.pk}/results/",
        {"level": "individual", "kind": "output", "statement": "Late"},
        format="json",
    )
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert counts() == before


# --- funding sources -----------------------------------------------------------------------


@pytest.fixture
def donor(world):
    return Organisation.objects.create(
        name="Development agency",
        country=world.countries["DE"],
        group="other",
        kind=OrganisationKind.DEVELOPMENT_PARTNER,
    )


def test_every_grant_reads_the_funding_sources_and_an_account_without_one_none(api, world, donor):
    rb = FundingSource.objects.create(name="Regular budget", kind="regular_budget")
    FundingSource.objects.create(
        name="Skills fund", kind="voluntary_earmarked", earmarking="tightly", donor=donor
    )
    for persona in ("focal", "viewer", "office_b"):
        body = api(persona).get("/api/funding-sources/").json()
        assert [row["name"] for row in body["results"]] == ["Regular budget", "Skills fund"]
        assert api(persona).get(f"/api/funding-sources/{rb.pk}/").status_code == 200
    skills = api("focal").get("/api/funding-sources/?kind=voluntary_earmarked").json()["results"]
    assert skills[0]["donor_name"] == "Development agency" and skills[0]["earmarking"] == "tightly"
    assert api("focal").get("/api/funding-sources/?q=agency").json()["count"] == 1
    outsider = api("outsider")
    assert outsider.get("/api/funding-sources/").json()["count"] == 0
    assert outsider.get(f"/api/funding-sources/{rb.pk}/").status_code == 404


def test_hq_records_funding_sources_and_others_change_nothing(api, world, donor):
    body = {"name": "Skills fund", "kind": "voluntary_earmarked", "earmarking": "softly"}
    response = api("hq").post("/api/funding-sources/", body, format="json")
    assert response.status_code == 400 and "donor" in response.json()
    response = api("hq").post("/api/funding-sources/", {**body, "donor": donor.pk}, format="json")
    assert response.status_code == 201, response.json()
    source = FundingSource.objects.get()
    again = api("admin").post("/api/funding-sources/", {**body, "donor": donor.pk}, format="json")
    assert again.status_code == 400 and "name" in again.json()
    for persona in ("office_a", "focal", "workers"):
        client = api(persona)
        new = {"name": "Other", "kind": "rbsa"}
        assert client.post("/api/funding-sources/", new, format="json").status_code == 403
        url = f"/api/funding-sources/{source.pk}/"
        assert client.patch(url, {"name": "Renamed"}, format="json").status_code == 403
    assert FundingSource.objects.count() == 1
    source.refresh_from_db()
    assert source.name == "Skills fund"
    url = f"/api/funding-sources/{source.pk}/"
    response = api("hq").patch(url, {"donor": None}, format="json")
    assert response.status_code == 400 and "donor" in response.json()
    response = api("hq").patch(url, {"kind": "pooled", "donor": None}, format="json")
    assert response.status_code == 200 and response.json()["donor"] is None


# --- authentication and query counts --------------------------------------------------------


def token_client(username: str) -> APIClient:
    client = APIClient()
    token = client.post("/api/token/", {"username": username, "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def test_a_token_authenticates_and_an_anonymous_client_is_refused(world, plans):
    response = token_client("office_a").get("/api/plans/")
    assert response.status_code == 200 and response.json()["count"] == 2
    for url in ("/api/plans/", f"/api/plans/{plans['union'].pk}/", "/api/funding-sources/"):
        assert APIClient().get(url).status_code in (401, 403)


def _plans(world, start: int, count: int) -> None:
    for i in range(count):
        keys = (("KE-gov", "KE-wrk"), ("UG-emp",), ("KE-ngo", "KE-emp"))[i % 3]
        country = keys[0][:2]
        make_plan(world, f"Plan {start + i}", *keys, country=country)
    make_plan(world, f"Outside {start}", "DE-gov", country="DE")


def _sources(world, start: int, count: int) -> None:
    for i in range(count):
        FundingSource.objects.create(name=f"Source {start + i}", kind="pooled")


# url: (make rows, rows for N, queries): token with its user, grants, count, one page,
# plus the plans' organisations (one prefetch).
LISTS = {"/api/plans/": (_plans, 3, 5), "/api/funding-sources/": (_sources, 3, 4)}


@pytest.mark.parametrize("url", LISTS)
def test_a_list_runs_as_many_queries_for_3n_rows_as_for_n(world, url):
    make, rows, expected = LISTS[url]
    client = token_client("office_a")
    make(world, 0, rows)

    def measure() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.json()

    before, body = measure()
    assert body["count"] == len(body["results"]) == rows
    make(world, 100, 2 * rows)
    after, body = measure()
    assert body["count"] == len(body["results"]) == 3 * rows
    assert before == after == expected
