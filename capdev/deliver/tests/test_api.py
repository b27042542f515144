"""The deliver API: activities and their participant lists, participants, partners; each
endpoint inside and outside the caller's scope, and the schema of every endpoint."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from capdev.core.models import Organisation, OrganisationKind
from capdev.deliver import services
from capdev.deliver.models import Activity, ParticipantImport, Participation, Person
from capdev.deliver.participants_import import person_key
from capdev.plan import services as plans
from capdev.plan.models import FundingSource
from capdev.test import PASSWORD

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def api(world):
    """`api("office_a")`: a client signed in as one of the shared personas."""

    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(world.users[username])
        return client

    return client_for


def token_client(username: str) -> APIClient:
    client = APIClient()
    token = client.post("/api/token/", {"username": username, "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def activity(world, title: str, country: str = "KE", beneficiary: str = "KE-wrk", **data):
    office = world.offices["a" if country in ("KE", "UG") else "b"]
    return services.activity_create(
        user=None,
        data={
            "title": title,
            "kind": Activity.Kind.COURSE,
            "start": DAY,
            "end": DAY + datetime.timedelta(days=4),
            "place": "Nairobi",
            "office": office,
            "countries": [world.countries[country]],
            "beneficiaries": [world.organisations[beneficiary]],
            **data,
        },
    )


def attend(world, target: Activity, name: str, sex: str, key: str, **evidence) -> Participation:
    organisation = world.organisations[key]
    person, _ = Person.objects.get_or_create(
        key=person_key(name=name, organisation_id=organisation.pk),
        defaults={
            "name": name,
            "sex": sex,
            "organisation": organisation,
            "country": organisation.country,
            "email": f"{name.split()[0].lower()}@example.org",
            "phone": "+254 700 000000",
        },
    )
    return Participation.objects.create(activity=target, person=person, **evidence)


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Activity, Person, Participation, ParticipantImport)
    )


@pytest.fixture
def activities(world):
    """A costed course for Kenya's trade-union centre with two of its people and a ministry
    inspector, a workshop for the Kenyan ministry, and a German course."""
    fund = FundingSource.objects.create(name="Regular budget", kind="regular_budget")
    union = activity(world, "Union course", cost=Decimal("4321.00"), currency="USD")
    attend(world, union, "Wanjiru Kamau", "female", "KE-wrk", attendance=100)
    attend(world, union, "Otieno Ouma", "male", "KE-wrk")
    attend(world, union, "Amina Said", "female", "KE-gov", satisfaction=4)
    ministry = activity(
        world,
        "Inspection workshop",
        beneficiary="KE-gov",
        kind=Activity.Kind.WORKSHOP,
        funding_source=fund,
    )
    german = activity(world, "German course", country="DE", beneficiary="DE-gov")
    attend(world, german, "Hans Weber", "male", "DE-gov")
    return {"union": union, "ministry": ministry, "german": german}


# --- activities ------------------------------------------------------------------------

SEES_ACTIVITIES = {
    "hq": {"union", "ministry", "german"},
    "evaluator": {"union", "ministry", "german"},
    "office_a": {"union", "ministry"},
    "office_b": {"german"},
    "workers": {"union"},  # activities for workers' organisations
    "focal": {"ministry"},
    "viewer": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(SEES_ACTIVITIES))
def test_the_activity_list_and_details_are_exactly_the_personas_scope(api, activities, persona):
    client = api(persona)
    body = client.get("/api/activities/?page_size=500").json()
    expected = {activities[key].title for key in SEES_ACTIVITIES[persona]}
    assert {row["title"] for row in body["results"]} == expected
    for key, target in activities.items():
        status = 200 if key in SEES_ACTIVITIES[persona] else 404
        assert client.get(f"/api/activities/{target.pk}/").status_code == status, key


def test_a_focal_point_sees_no_cost_of_another_organisations_activity(api, activities):
    client = api("focal")
    for url in ("/api/activities/", f"/api/activities/{activities['ministry'].pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "4321" not in response.content.decode()
    assert client.get(f"/api/activities/{activities['union'].pk}/").status_code == 404
    union = api("office_a").get(f"/api/activities/{activities['union'].pk}/").json()
    assert union["cost"] == "4321.00" and union["currency"] == "USD"


def test_each_activity_carries_its_participants_by_sex(api, activities):
    body = api("office_a").get("/api/activities/").json()
    union = next(row for row in body["results"] if row["title"] == "Union course")
    assert union["participants"] == {
        "female": 2,
        "male": 1,
        "other": 0,
        "total": 3,
        "female_share": pytest.approx(2 / 3),
    }
    assert union["countries"] == ["KE"] and union["kind"] == "course"
    ministry = next(row for row in body["results"] if row["title"] == "Inspection workshop")
    assert (
        ministry["participants"]["total"] == 0 and ministry["participants"]["female_share"] is None
    )
    assert ministry["funding_kind"] == "regular_budget"


def test_the_activity_list_filters(api, activities, world):
    client = api("hq")

    def titles(query: str) -> set[str]:
        response = client.get(f"/api/activities/?{query}")
        assert response.status_code == 200, response.json()
        return {row["title"] for row in response.json()["results"]}

    assert titles("country=de") == {"German course"}
    assert titles("kind=workshop") == {"Inspection workshop"}
    assert titles("funding_kind=regular_budget") == {"Inspection workshop"}
    assert titles(f"office={world.offices['b'].pk}") == {"German course"}
    assert titles("year=2026") == {"Union course", "Inspection workshop", "German course"}
    assert titles("year=2025") == set()
    assert titles("status=held") == set()
    assert titles("q=inspection") == {"Inspection workshop"}
    response = client.get("/api/activities/?kind=party&year=soon")
    assert response.status_code == 400 and set(response.json()) == {"kind", "year"}


def activity_body(world, **changes) -> dict:
    return {
        "title": "Negotiation skills",
        "kind": "course",
        "start": "2026-05-04",
        "end": "2026-05-08",
        "place": "Kampala",
        "countries": ["UG"],
        "office": world.offices["a"].pk,
        "beneficiaries": [world.organisations["UG-wrk"].pk],
        "target_groups": ["workers"],
        "drivers": ["social_dialogue"],
        "cost": "1500.00",
        "currency": "ugx",
        **changes,
    }


def test_the_office_records_an_activity_and_gets_it_back(api, world):
    response = api("office_a").post("/api/activities/", activity_body(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["countries"] == ["UG"] and body["currency"] == "UGX"
    assert body["participants"]["total"] == 0 and body["status"] == "planned"
    assert Activity.objects.get().history.first().history_user == world.users["office_a"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": "2026-05-01"}, "end"),
        ({"place": ""}, "place"),
        ({"advisory_area": "portfolio"}, "advisory_area"),
        ({"kind": "advisory"}, "advisory_area"),
        ({"currency": "XYZ"}, "currency"),
        ({"target_groups": ["pirates"]}, "target_groups"),
        ({"countries": ["FR"]}, "countries"),  # outside office A: no such country
        ({"countries": []}, "countries"),
        ({"office": 987654}, "office"),
    ],
)
def test_an_activity_that_does_not_hold_together_is_a_field_error(api, world, changes, field):
    before = counts()
    response = api("office_a").post(
        "/api/activities/", activity_body(world, **changes), format="json"
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert counts() == before


def test_a_focal_point_records_changes_and_deletes_no_activity(api, activities, world):
    client = api("focal")
    ministry = activities["ministry"]
    before = counts()
    body = activity_body(world, countries=["KE"], beneficiaries=[world.organisations["KE-gov"].pk])
    assert client.post("/api/activities/", body, format="json").status_code == 403
    url = f"/api/activities/{ministry.pk}/"
    assert client.patch(url, {"title": "Renamed"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert counts() == before
    ministry.refresh_from_db()
    assert ministry.title == "Inspection workshop"


def test_the_office_edits_and_deletes_only_an_activity_without_participants(api, activities):
    client = api("office_a")
    ministry, union, german = activities["ministry"], activities["union"], activities["german"]
    response = client.patch(
        f"/api/activities/{ministry.pk}/", {"online": True, "place": ""}, format="json"
    )
    assert response.status_code == 200 and response.json()["online"] is True
    response = client.delete(f"/api/activities/{union.pk}/")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert (
        client.patch(f"/api/activities/{german.pk}/", {"title": "X"}, format="json").status_code
        == 404
    )
    assert client.delete(f"/api/activities/{german.pk}/").status_code == 404
    assert client.delete(f"/api/activities/{ministry.pk}/").status_code == 204
    assert set(Activity.objects.values_list("title", flat=True)) == {
        "Union course",
        "German course",
    }


def test_an_activity_delivers_actions_of_agreed_plans_only(api, world):
    plan = plans.plan_create(
        user=None,
        data={
            "title": "Ugandan union plan",
            "country": world.countries["UG"],
            "start": DAY,
            "end": DAY,
            "organisations": [world.organisations["UG-wrk"]],
        },
    )
    action = plans.action_add(
        user=None, plan=plan, data={"title": "Course", "responsible_office": world.offices["a"]}
    )
    client = api("office_a")
    body = activity_body(world, actions=[action.pk])
    response = client.post("/api/activities/", body, format="json")
    assert response.status_code == 400 and "actions" in response.json()
    plans.plan_sign(user=None, plan=plan, side="constituents")
    plans.plan_sign(user=None, plan=plan, side="office")
    response = client.post("/api/activities/", body, format="json")
    assert response.status_code == 201 and response.json()["actions"] == [action.pk]


# --- participant lists ------------------------------------------------------------------


def listing(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Nom", "Sexe", "Organisation", "Courriel"])
    writer.writerows(rows)
    return SimpleUploadedFile("participants.csv", buffer.getvalue().encode(), "text/csv")


ROWS = [
    ["Mary Akinyi", "F", "Trade Union Centre KE", "mary@example.org"],
    ["Joseph Kip", "M", "Trade Union Centre KE", ""],
    ["Wanjiru Kamau", "F", "Trade Union Centre KE", ""],  # already in the union course
]


def test_a_participant_list_is_imported_and_importing_it_again_adds_no_one(api, activities):
    union = activities["union"]
    url = f"/api/activities/{union.pk}/participants/import/"
    client = api("office_a")
    response = client.post(url, {"file": listing(ROWS)}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "rows": 3,
        "participants_added": 2,
        "participants_updated": 0,  # the list has no evidence: the one already there stays
        "people_added": 2,
    }
    people = Person.objects.count()
    again = client.post(url, {"file": listing(ROWS)}, format="multipart").json()
    assert again["participants_added"] == 0 and again["people_added"] == 0
    assert Person.objects.count() == people


def test_a_list_with_a_bad_row_imports_nothing_and_names_the_row_and_column(api, activities):
    union = activities["union"]
    url = f"/api/activities/{union.pk}/participants/import/"
    before = counts()
    bad = [*ROWS[:1], ["Joseph Kip", "robot", "Trade Union Centre KE", ""]]
    response = api("office_a").post(url, {"file": listing(bad)}, format="multipart")
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(3, "Sexe")]
    assert len(response.json()["file"]) == 1
    assert counts() == before


def test_a_mapping_names_the_columns_and_must_be_json(api, activities):
    union = activities["union"]
    url = f"/api/activities/{union.pk}/participants/import/"
    client = api("office_a")
    response = client.post(
        url, {"file": listing(ROWS), "mapping": "{name: Nom}"}, format="multipart"
    )
    assert response.status_code == 400 and "mapping" in response.json()
    response = client.post(
        url, {"file": listing(ROWS), "mapping": json.dumps({"salary": "Nom"})}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["problems"][0]["row"] is None
    mapping = json.dumps({"name": "Nom", "sex": "Sexe", "email": "Courriel"})
    response = client.post(url, {"file": listing(ROWS), "mapping": mapping}, format="multipart")
    assert response.status_code == 201, response.json()
    assert client.post(url, {}, format="multipart").json().keys() == {"file"}


def test_only_writers_in_scope_import_participants(api, activities):
    before = counts()
    ministry, union = activities["ministry"], activities["union"]
    focal = api("focal").post(
        f"/api/activities/{ministry.pk}/participants/import/",
        {"file": listing(ROWS)},
        format="multipart",
    )
    assert focal.status_code == 403
    outside = api("office_b").post(
        f"/api/activities/{union.pk}/participants/import/",
        {"file": listing(ROWS)},
        format="multipart",
    )
    assert outside.status_code == 404
    assert counts() == before


# --- participants -----------------------------------------------------------------------

SEES_PARTICIPANTS = {
    "hq": {"Wanjiru Kamau", "Otieno Ouma", "Amina Said", "Hans Weber"},
    "office_a": {"Wanjiru Kamau", "Otieno Ouma", "Amina Said"},
    "office_b": {"Hans Weber"},
    "focal": {"Amina Said"},  # the ministry's own people, in another organisation's course
    "viewer": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(SEES_PARTICIPANTS))
def test_the_participant_list_and_details_are_exactly_the_personas_scope(api, activities, persona):
    client = api(persona)
    body = client.get("/api/participants/?page_size=500").json()
    assert {row["name"] for row in body["results"]} == SEES_PARTICIPANTS[persona]
    for participation in Participation.objects.select_related("person"):
        status = 200 if participation.person.name in SEES_PARTICIPANTS[persona] else 404
        assert client.get(f"/api/participants/{participation.pk}/").status_code == status


def test_contact_details_go_only_to_those_who_may_change_the_participation(api, activities):
    amina = Participation.objects.get(person__name="Amina Said")
    focal = api("focal").get(f"/api/participants/{amina.pk}/").json()
    assert focal["email"] is None and focal["phone"] is None
    assert focal["organisation_name"] == "Ministry of Labour KE" and focal["satisfaction"] == 4
    assert "amina@" not in api("focal").get("/api/participants/").content.decode()
    office = api("office_a").get(f"/api/participants/{amina.pk}/").json()
    assert office["email"] == "amina@example.org" and office["phone"] == "+254 700 000000"
    rows = api("office_a").get("/api/participants/").json()["results"]
    assert all(row["email"] for row in rows)


def test_the_participant_list_filters(api, activities, world):
    client = api("hq")

    def names(query: str) -> set[str]:
        response = client.get(f"/api/participants/?{query}")
        assert response.status_code == 200, response.json()
        return {row["name"] for row in response.json()["results"]}

    assert names(f"activity={activities['german'].pk}") == {"Hans Weber"}
    assert names(f"organisation={world.organisations['KE-gov'].pk}") == {"Amina Said"}
    assert names("sex=male") == {"Otieno Ouma", "Hans Weber"}
    assert names("country=de") == {"Hans Weber"}
    assert names("q=kamau") == {"Wanjiru Kamau"}
    assert client.get("/api/participants/?sex=robot").status_code == 400


def test_the_office_records_the_follow_up_and_a_focal_point_changes_nothing(api, activities):
    amina = Participation.objects.get(person__name="Amina Said")
    url = f"/api/participants/{amina.pk}/"
    assert api("focal").patch(url, {"applied_3_months": "fully"}, format="json").status_code == 403
    assert api("focal").delete(url).status_code == 403
    assert api("office_b").patch(url, {"satisfaction": 5}, format="json").status_code == 404
    response = api("office_a").patch(url, {"satisfaction": 9, "pre_test": "120"}, format="json")
    assert response.status_code == 400
    assert {"satisfaction", "pre_test"} <= set(response.json())
    amina.refresh_from_db()
    assert (amina.applied_3_months, amina.satisfaction, amina.pre_test) == ("", 4, None)
    response = api("office_a").patch(
        url, {"applied_3_months": "partly", "post_test": "75.5"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["applied_3_months"] == "partly"
    assert response.json()["post_test"] == "75.50"
    assert api("office_a").delete(url).status_code == 204
    assert not Participation.objects.filter(pk=amina.pk).exists()


# --- partners -----------------------------------------------------------------------------


@pytest.fixture
def institute(world, activities):
    """A Kenyan training institution that provided the union course, co-organised the
    German one and received an advisory service."""
    institute = Organisation.objects.create(
        name="Kenya School of Labour",
        country=world.countries["KE"],
        group="other",
        kind=OrganisationKind.TRAINING_INSTITUTION,
    )
    union = activities["union"]
    union.provider = institute
    union.save()
    activities["german"].co_organisers.set([institute])
    activity(
        world,
        "Portfolio review",
        beneficiary="KE-ngo",
        kind=Activity.Kind.ADVISORY,
        advisory_area="portfolio",
    ).beneficiaries.set([institute])
    return institute


def test_partners_are_the_scoped_partner_organisations_with_what_they_did(api, world, institute):
    body = api("office_a").get("/api/partners/").json()
    assert {row["name"] for row in body["results"]} == {
        "Kenya School of Labour",
        "Women's Rights Group KE",
        "Women's Rights Group UG",
    }
    school = api("hq").get(f"/api/partners/{institute.pk}/").json()
    assert school["kind"] == "training_institution"
    assert school["activities_provided"] == 1
    assert school["activities_co_organised"] == 1
    assert school["advisory_services_received"] == 1
    assert school["participants"]["total"] == 3 and school["participants"]["female"] == 2
    # Office A does not see the German course it co-organised.
    seen = api("office_a").get(f"/api/partners/{institute.pk}/").json()
    assert seen["activities_co_organised"] == 0
    assert api("office_b").get(f"/api/partners/{institute.pk}/").status_code == 404
    ministry = world.organisations["KE-gov"]
    assert api("hq").get(f"/api/partners/{ministry.pk}/").status_code == 404  # a constituent


def test_a_focal_point_and_an_outsider_see_no_partner(api, institute):
    for persona in ("focal", "outsider"):
        assert api(persona).get("/api/partners/").json()["count"] == 0
        assert api(persona).get(f"/api/partners/{institute.pk}/").status_code == 404


def test_the_partner_list_filters(api, institute):
    client = api("hq")

    def names(query: str) -> set[str]:
        response = client.get(f"/api/partners/?{query}")
        assert response.status_code == 200, response.json()
        return {row["name"] for row in response.json()["results"]}

    assert names("kind=training_institution") == {"Kenya School of Labour"}
    assert names("country=ug") == {"Women's Rights Group UG"}
    assert names("delivered=true") == {"Kenya School of Labour"}
    assert names("q=school") == {"Kenya School of Labour"}
    response = client.get("/api/partners/?kind=ministry_of_labour")
    assert response.status_code == 400 and "kind" in response.json()


# --- authentication, query counts, schema ---------------------------------------------------


def test_a_token_authenticates_and_an_anonymous_client_is_refused(world, activities):
    response = token_client("office_a").get("/api/activities/")
    assert response.status_code == 200 and response.json()["count"] == 2
    for url in ("/api/activities/", "/api/participants/", "/api/partners/"):
        assert APIClient().get(url).status_code in (401, 403)


def _activities(world, start: int, count: int) -> None:
    for i in range(count):
        made = activity(world, f"Course {start + i}", country=("KE", "UG")[i % 2],
                        beneficiary=("KE-wrk", "UG-emp")[i % 2])  # fmt: skip
        made.co_organisers.set([world.organisations[("KE-ngo", "UG-ngo")[i % 2]]])
        attend(world, made, f"Person {start + i}", "female", ("KE-wrk", "UG-emp")[i % 2])
    activity(world, f"Outside {start}", country="DE", beneficiary="DE-gov")


def _participants(world, start: int, count: int) -> None:
    made = activity(world, f"Course {start}")
    for i in range(count):
        attend(world, made, f"Person {start + i}", ("female", "male")[i % 2], "KE-wrk")
    attend(world, activity(world, f"Outside {start}", country="DE", beneficiary="DE-gov"),
           f"Outsider {start}", "male", "DE-gov")  # fmt: skip


def _partners(world, start: int, count: int) -> None:
    for i in range(count):
        partner = Organisation.objects.create(
            name=f"Institute {start + i}",
            country=world.countries[("KE", "UG")[i % 2]],
            group="other",
            kind=OrganisationKind.TRAINING_INSTITUTION,
        )
        activity(world, f"Course {start + i}", provider=partner)
    Organisation.objects.create(
        name=f"Outside {start}",
        country=world.countries["DE"],
        group="other",
        kind=OrganisationKind.ACADEMIC,
    )


# url: (make rows, rows for N, rows listed for N, queries). Token with its user, grants,
# count, one page; activities add their countries, co-organisers, beneficiaries and actions
# (4 prefetches); participants one query for who may be contacted.
LISTS = {
    "/api/activities/": (_activities, 2, 2, 8),
    "/api/participants/": (_participants, 2, 2, 5),
    "/api/partners/": (_partners, 2, 4, 4),  # and the two Women's Rights Groups
}


@pytest.mark.parametrize("url", LISTS)
def test_a_list_runs_as_many_queries_for_3n_rows_as_for_n(world, url):
    make, rows, listed, expected = LISTS[url]
    client = token_client("office_a")
    make(world, 0, rows)

    def measure() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.json()

    before, body = measure()
    assert body["count"] == len(body["results"]) == listed
    make(world, 100, 2 * rows)
    after, body = measure()
    assert body["count"] == len(body["results"]) == listed + 2 * rows
    assert before == after == expected


def test_the_schema_documents_every_plan_and_deliver_endpoint_without_warnings(tmp_path, world):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "/api/plans/:",
        "/api/plans/{id}/:",
        "/api/plans/{id}/sign/:",
        "/api/plans/{id}/advance/:",
        "/api/plans/{id}/results/:",
        "/api/plans/{id}/indicators/:",
        "/api/plans/{id}/actions/:",
        "/api/funding-sources/:",
        "/api/funding-sources/{id}/:",
        "/api/activities/:",
        "/api/activities/{id}/:",
        "/api/activities/{id}/participants/import/:",
        "/api/participants/:",
        "/api/participants/{id}/:",
        "/api/partners/:",
        "/api/partners/{id}/:",
    ):
        assert f"\n  {path}\n" in schema, path
    assert "PlanStatusEnum" in schema and "ActivityStatusEnum" in schema


# --- a plan's delivery -------------------------------------------------------------------


def test_a_plans_delivery_counts_actions_delivered_and_the_participants_the_caller_sees(api, world):
    plan = plans.plan_create(
        user=None,
        data={
            "title": "Kenya plan",
            "country": world.countries["KE"],
            "start": DAY,
            "end": DAY + datetime.timedelta(days=365),
            "organisations": [world.organisations["KE-gov"], world.organisations["KE-wrk"]],
        },
    )
    office = world.offices["a"]
    course, later = (
        plans.action_add(user=None, plan=plan, data={"title": t, "responsible_office": office})
        for t in ("Inspection course", "Coaching")
    )
    plans.plan_sign(user=None, plan=plan, side="constituents")
    plans.plan_sign(user=None, plan=plan, side="office")
    held = activity(world, "Inspection course", actions=[course])
    attend(world, held, "Amina Said", "female", "KE-gov", attendance=100)
    attend(world, held, "Brian Otieno", "male", "KE-wrk", attendance=100)
    services.record_delivery(held, None)

    url = f"/api/plans/{plan.pk}/delivery/"
    body = api("office_a").get(url).json()
    assert body["progress"] == {"actions": 2, "delivered": 1, "share": 0.5}
    assert {a["title"]: (a["delivered"], a["activities"]) for a in body["actions"]} == {
        "Inspection course": (True, [held.pk]),
        "Coaching": (False, []),
    }
    assert body["participants"] == {
        "female": 1,
        "male": 1,
        "other": 0,
        "total": 2,
        "female_share": 0.5,
    }
    # The ministry's focal point counts their own organisation's people only.
    focal = api("focal").get(url).json()
    assert focal["participants"]["total"] == 1 and focal["participants"]["female"] == 1
    assert api("office_b").get(url).status_code == 404
    assert later.activities.count() == 0
