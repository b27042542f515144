"""Every persona × every scoped model × every page and endpoint: each sees and changes its scope.

The expected scopes below are written down from the facts of `capdev.test.make_world()` (which
office covers which countries, which grant names which group, region or organisation) and
never computed with `scoped()`, so a mistake in the scoping rules cannot hide itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from capdev.core.models import Contact, Country, Membership, Office, Organisation, Region
from capdev.core.scoping import Action, scoped
from capdev.test import PASSWORD

PERSONAS = [
    "hq",
    "office_a",
    "office_b",
    "workers",
    "employers_af",
    "focal",
    "evaluator",
    "viewer",
    "admin",
    "outsider",
]
GLOBAL = {"hq", "evaluator", "admin"}
WRITERS = {"hq", "admin", "office_a", "office_b", "workers", "employers_af", "focal"}
# A focal point's scope is its one organisation: a new organisation always lies outside it.
CREATORS = WRITERS - {"focal"}
ALL_REGIONS = {"AFRICA", "AMERICAS", "ARAB_STATES", "ASIA_PACIFIC", "EUROPE_CA"}


def orgs(countries: str = "KE UG FR DE TH", kinds: str = "gov wrk emp ngo") -> set[str]:
    """World keys of organisations, e.g. orgs("KE UG", "emp") == {"KE-emp", "UG-emp"}."""
    return {f"{c}-{k}" for c in countries.split() for k in kinds.split()}


SEES_ORGANISATIONS = {
    **{persona: orgs() for persona in GLOBAL},
    "office_a": orgs("KE UG"),
    "office_b": orgs("FR DE"),
    "workers": orgs(kinds="wrk"),
    "employers_af": orgs("KE UG", "emp"),
    "focal": {"KE-gov"},
    "viewer": orgs("TH"),
    "outsider": set(),
}
# ACTRAV is an HQ department (it covers no country): every persona with a grant sees it.
SEES_OFFICES = {
    **{persona: {"a", "b", "actrav"} for persona in (*GLOBAL, "workers")},
    "office_a": {"a", "actrav"},
    "office_b": {"b", "actrav"},
    "employers_af": {"a", "actrav"},
    "focal": {"a", "actrav"},
    "viewer": {"actrav"},
    "outsider": set(),
}
SEES_REGIONS = {
    **dict.fromkeys((*GLOBAL, "workers"), ALL_REGIONS),
    "office_a": {"AFRICA"},
    "office_b": {"EUROPE_CA"},
    "employers_af": {"AFRICA"},
    "focal": {"AFRICA"},
    "viewer": {"ASIA_PACIFIC"},
    "outsider": set(),
}


def sees_countries(persona: str) -> set[str]:
    """ISO codes from the reference data (188 countries), read without scoping."""
    region_of = dict(Country.objects.values_list("iso_alpha2", "region__code"))
    in_region = {code: {iso for iso, r in region_of.items() if r == code} for code in ALL_REGIONS}
    return {
        **{persona: set(region_of) for persona in (*GLOBAL, "workers")},
        "office_a": {"KE", "UG"},
        "office_b": {"FR", "DE"},
        "employers_af": in_region["AFRICA"],
        "focal": {"KE"},
        "viewer": in_region["ASIA_PACIFIC"],
        "outsider": set(),
    }[persona]


def may_create(persona: str, country: str, group: str) -> bool:
    """Whether a new organisation of this group in this country lies in the persona's scope."""
    return {
        "hq": True,
        "admin": True,
        "office_a": country in {"KE", "UG"},
        "office_b": country in {"FR", "DE"},
        "workers": group == "workers",
        "employers_af": group == "employers" and country in {"KE", "UG", "NG"},
    }.get(persona, False)


def expected(persona: str, model: str, action: Action) -> set[str]:
    """The keys (see `key_of`) of the rows of `model` the persona may see or change."""
    if model in {"Region", "Country", "Office"}:
        if action is not Action.VIEW:  # reference data and offices: administrators only
            return expected(persona, model, Action.VIEW) if persona == "admin" else set()
        return {
            "Region": lambda: SEES_REGIONS[persona],
            "Country": lambda: sees_countries(persona),
            "Office": lambda: SEES_OFFICES[persona],
        }[model]()
    if action is not Action.VIEW and persona not in WRITERS:
        return set()
    if model == "Organisation" and action is Action.ADMINISTER and persona not in CREATORS:
        return set()  # a focal point edits their organisation, creates and deletes none
    return SEES_ORGANISATIONS[persona]  # organisations, and their memberships and contacts


# Countries outside the world's five, one per other region, to check detail pages.
DETAIL_COUNTRIES = ["KE", "UG", "FR", "DE", "TH", "NG", "CN", "BR", "SA"]
# Organisations to write to: in and out of every writer's scope. KE-gov comes last, because a
# focal point who deletes it loses the grant that names it.
WRITE_TARGETS = ["KE-wrk", "KE-emp", "UG-emp", "FR-wrk", "FR-gov", "TH-ngo", "KE-gov"]
# (country, group, kind) of organisations to create.
CREATE_TARGETS = [
    ("KE", "workers", "national_trade_union_centre"),
    ("KE", "government", "labour_inspectorate"),
    ("UG", "employers", "employers_organisation"),
    ("FR", "workers", "sectoral_union"),
    ("DE", "employers", "employers_organisation"),
    ("TH", "other", "civil_society"),
    ("NG", "employers", "employers_organisation"),
]


@pytest.fixture
def world(world):
    """The shared world, with one membership figure and one contact for every organisation,
    and the Ugandan trade-union centre affiliated to the Kenyan one."""
    for key, organisation in world.organisations.items():
        Membership.objects.create(organisation=organisation, year=2023, members=100)
        Contact.objects.create(organisation=organisation, name=f"Contact of {key}")
    affiliate = world.organisations["UG-wrk"]
    affiliate.parent = world.organisations["KE-wrk"]
    affiliate.save()
    return world


def key_of(world, row: Any) -> str:
    """A row as the test's expectations name it."""
    names = {o.pk: key for key, o in world.organisations.items()}
    offices = {o.pk: key for key, o in world.offices.items()}
    if isinstance(row, Region):
        return row.code
    if isinstance(row, Country):
        return row.iso_alpha2
    if isinstance(row, Organisation):
        return names[row.pk]
    if isinstance(row, Membership | Contact):
        return names[row.organisation_id]
    return offices[row.pk]


def snapshot() -> dict[str, tuple[list[dict], int]]:
    """Every row and the number of history rows of the models a write may touch."""
    return {
        model.__name__: (list(model.objects.order_by("pk").values()), model.history.count())
        for model in (Organisation, Membership, Contact)
    }


def page_client(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def api_client(persona: str) -> APIClient:
    """A client that authenticates with a token obtained with the persona's password."""
    client = APIClient()
    response = client.post("/api/token/", {"username": persona, "password": PASSWORD})
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


# --- scoped() ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Region, Country, Organisation, Membership, Contact, Office])
@pytest.mark.parametrize("persona", PERSONAS)
def test_scoped_gives_each_persona_exactly_its_rows_to_see_and_to_change(world, persona, model):
    user = world.users[persona]
    for action in Action:
        rows = scoped(user, model.objects.all(), action)
        assert len(rows) == len({row.pk for row in rows}), f"{action}: a row comes twice"
        assert {key_of(world, row) for row in rows} == expected(persona, model.__name__, action)


# --- lists --------------------------------------------------------------------------------

LIST_PAGES = {
    "countries": ("/countries/", r'href="/countries/([A-Z]{2})/"', "Country"),
    "organisations": ("/organisations/", r'href="/organisations/(\d+)/"', "Organisation"),
    "offices": ("/offices/", r'href="/offices/(\d+)/"', "Office"),
}


def _page_keys(world, model: str, found: list[str]) -> list[str]:
    if model == "Country":
        return found
    rows = {"Organisation": world.organisations, "Office": world.offices}[model]
    names = {str(row.pk): key for key, row in rows.items()}
    return [names[pk] for pk in found]


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_list_page_shows_exactly_the_personas_scope_on_all_its_pages(world, persona, page):
    url, link, model = LIST_PAGES[page]
    client = page_client(world, persona)
    seen: list[str] = []
    query = ""
    while True:  # follow the "Next" links, 25 rows a page
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        html = response.content.decode()
        results = html[html.index('id="results"') : html.index("</main>")]
        seen += _page_keys(world, model, re.findall(link, results))
        following = re.search(r'href="\?([^"]*)" rel="next"', results)
        if not following:
            break
        query = following.group(1).replace("&amp;", "&")
    assert len(seen) == len(set(seen)), "a row is listed on two pages"
    assert set(seen) == expected(persona, model, Action.VIEW)


API_LISTS = {
    "regions": ("/api/regions/", "code", "Region"),
    "countries": ("/api/countries/", "iso_alpha2", "Country"),
    "organisations": ("/api/organisations/", "id", "Organisation"),
    "offices": ("/api/offices/", "id", "Office"),
}


@pytest.mark.parametrize("endpoint", API_LISTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_api_list_returns_exactly_the_personas_scope_on_all_its_pages(
    world, persona, endpoint
):
    url, field, model = API_LISTS[endpoint]
    client = api_client(persona)
    seen: list[str] = []
    count = None
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        count = body["count"] if count is None else count
        seen += [str(item[field]) for item in body["results"]]
        url = body["next"]
    if model in {"Organisation", "Office"}:
        seen = _page_keys(world, model, seen)
    assert len(seen) == len(set(seen)) == count
    assert set(seen) == expected(persona, model, Action.VIEW)


# --- details ------------------------------------------------------------------------------


def _detail_targets(world, kind: str) -> list[tuple[str, str]]:
    """(key, url path part) of every candidate row of a kind."""
    if kind == "country":
        return [(iso, iso) for iso in DETAIL_COUNTRIES]
    rows = world.organisations if kind == "organisation" else world.offices
    return [(key, str(row.pk)) for key, row in rows.items()]


DETAILS = {
    "country": ("/countries/{}/", "/api/countries/{}/", "Country"),
    "organisation": ("/organisations/{}/", "/api/organisations/{}/", "Organisation"),
    "office": ("/offices/{}/", "/api/offices/{}/", "Office"),
}


@pytest.mark.parametrize("kind", DETAILS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_detail_page_is_found_inside_the_scope_and_not_found_outside(world, persona, kind):
    page, _api, model = DETAILS[kind]
    client = page_client(world, persona)
    visible = expected(persona, model, Action.VIEW)
    for key, part in _detail_targets(world, kind):
        response = client.get(page.format(part))
        assert response.status_code == (200 if key in visible else 404), key
        if response.status_code == 200:
            _assert_links_stay_in_scope(world, persona, kind, key, response.content.decode())


OFFICE_COVERS = {"a": {"KE", "UG"}, "b": {"FR", "DE"}, "actrav": set()}


def _assert_links_stay_in_scope(world, persona: str, kind: str, key: str, html: str) -> None:
    """A detail page links only to rows in scope, and lists all of its own that are."""
    main = html[html.index("<main") : html.index("</main>")]
    organisations = set(
        _page_keys(world, "Organisation", re.findall(LIST_PAGES["organisations"][1], main))
    )
    countries = set(re.findall(LIST_PAGES["countries"][1], main))
    offices = set(_page_keys(world, "Office", re.findall(LIST_PAGES["offices"][1], main)))
    visible = SEES_ORGANISATIONS[persona]
    assert organisations <= visible, key
    assert countries <= sees_countries(persona), key
    assert offices <= SEES_OFFICES[persona], key
    if kind == "country":  # the tripartite columns and the other organisations of the country
        assert organisations == {k for k in visible if k.startswith(f"{key}-")}, key
        covering = {k for k, covers in OFFICE_COVERS.items() if key in covers}
        assert offices == covering & SEES_OFFICES[persona], key
    if kind == "office":
        assert countries == OFFICE_COVERS[key] & sees_countries(persona), key
    if key == "KE-wrk":  # its affiliate, UG-wrk, is listed to whoever sees it
        assert ("UG-wrk" in organisations) == ("UG-wrk" in visible), key


@pytest.mark.parametrize("kind", DETAILS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_an_api_detail_is_found_inside_the_scope_and_not_found_outside(world, persona, kind):
    _page, api, model = DETAILS[kind]
    client = api_client(persona)
    visible = expected(persona, model, Action.VIEW)
    for key, part in _detail_targets(world, kind):
        status = client.get(api.format(part)).status_code
        assert status == (200 if key in visible else 404), key


ANONYMOUS_PAGES = ["/countries/", "/countries/KE/", "/organisations/", "/offices/"]
ANONYMOUS_API = ["/api/regions/", "/api/countries/", "/api/organisations/", "/api/offices/"]


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_log_in_page(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("url", ANONYMOUS_API)
def test_an_anonymous_api_client_is_refused(client, world, url):
    assert client.get(url).status_code == 401


# --- writes through pages -----------------------------------------------------------------


def _status_for(persona: str, key: str, success: int, action: Action = Action.CHANGE) -> int:
    """What a write to organisation `key` (or its figures and contacts) must answer."""
    if key not in expected(persona, "Organisation", Action.VIEW):
        return 404
    if key not in expected(persona, "Organisation", action):
        return 403
    return success


# Deleting an organisation needs more than editing it (see Action.ADMINISTER).
WRITE_ACTIONS = {"delete": Action.ADMINISTER}


def _form_data(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data = {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "country": organisation.country_id,
        "group": organisation.group,
        "kind": organisation.kind,
        "parent": organisation.parent_id or "",
        "website": organisation.website,
        "notes": organisation.notes,
    }
    return {**data, **changes}


# Each write returns the statuses it got, the statuses that mean success, and a check that the
# write took effect.
Outcome = tuple[list[int], list[int], Callable[[], bool]]


def _page_edit(client: Client, organisation: Organisation) -> Outcome:
    url = f"/organisations/{organisation.pk}/edit/"
    shown = client.get(url).status_code
    saved = client.post(url, _form_data(organisation, notes="Edited")).status_code
    return [shown, saved], [200, 302], lambda: organisation.history.first().notes == "Edited"


def _page_delete(client: Client, organisation: Organisation) -> Outcome:
    url = f"/organisations/{organisation.pk}/delete/"
    shown = client.get(url).status_code
    deleted = client.post(url).status_code
    return (
        [shown, deleted],
        [200, 302],
        lambda: not Organisation.objects.filter(pk=organisation.pk).exists(),
    )


def _page_membership_add(client: Client, organisation: Organisation) -> Outcome:
    url = f"/organisations/{organisation.pk}/memberships/"
    response = client.post(url, {"year": 2025, "members": 50, "women_members": 20})
    saved = organisation.memberships.filter(year=2025, members=50, women_members=20).exists
    return [response.status_code], [302], saved


def _page_contact_add(client: Client, organisation: Organisation) -> Outcome:
    url = f"/organisations/{organisation.pk}/contacts/"
    response = client.post(url, {"name": "Ms New Contact", "email": "new@example.org"})
    return [response.status_code], [302], organisation.contacts.filter(name="Ms New Contact").exists


def _page_child_delete(kind: str) -> Callable[[Client, Organisation], Outcome]:
    model = Membership if kind == "membership" else Contact

    def delete(client: Client, organisation: Organisation) -> Outcome:
        record = model.objects.filter(organisation=organisation).first()
        url = f"/organisations/{organisation.pk}/{kind}/{record.pk}/delete/"
        response = client.post(url)
        return (
            [response.status_code],
            [302],
            lambda: not model.objects.filter(pk=record.pk).exists(),
        )

    return delete


PAGE_WRITES = {
    "edit": _page_edit,
    "delete": _page_delete,
    "membership-add": _page_membership_add,
    "membership-delete": _page_child_delete("membership"),
    "contact-add": _page_contact_add,
    "contact-delete": _page_child_delete("contact"),
}


@pytest.mark.parametrize("write", PAGE_WRITES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_page_write_succeeds_inside_the_scope_and_changes_nothing_outside(world, persona, write):
    client = page_client(world, persona)
    for key in WRITE_TARGETS:
        before = snapshot()
        got, success, done = PAGE_WRITES[write](client, world.organisations[key])
        action = WRITE_ACTIONS.get(write, Action.CHANGE)
        assert got == [_status_for(persona, key, status, action) for status in success], key
        if got == success:
            assert done(), key
        else:
            assert snapshot() == before, key


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_create_page_saves_only_organisations_inside_the_personas_scope(world, persona):
    client = page_client(world, persona)
    creator = persona in CREATORS
    assert client.get("/organisations/new/").status_code == (200 if creator else 403)
    for iso, group, kind in CREATE_TARGETS:
        before = snapshot()
        name = f"New {group} organisation in {iso}"
        country = Country.objects.get(iso_alpha2=iso)
        response = client.post(
            "/organisations/new/",
            {"name": name, "country": country.pk, "group": group, "kind": kind},
        )
        if may_create(persona, iso, group):
            assert response.status_code == 302, (iso, group)
            created = Organisation.objects.get(name=name, country=country)
            assert created.history.get().history_user == world.users[persona]
        else:
            assert response.status_code == (400 if creator else 403), (iso, group)
            assert snapshot() == before, (iso, group)


# --- writes through the API ---------------------------------------------------------------


def _api_body(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    body = {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "country": organisation.country.iso_alpha2,
        "group": organisation.group,
        "kind": organisation.kind,
        "parent": organisation.parent_id,
        "website": organisation.website,
        "notes": organisation.notes,
    }
    return {**body, **changes}


def _api_patch(client: APIClient, organisation: Organisation) -> tuple[int, Callable]:
    url = f"/api/organisations/{organisation.pk}/"
    response = client.patch(url, {"notes": "Patched"}, format="json")
    return response.status_code, lambda: organisation.history.first().notes == "Patched"


def _api_put(client: APIClient, organisation: Organisation) -> tuple[int, Callable]:
    url = f"/api/organisations/{organisation.pk}/"
    response = client.put(url, _api_body(organisation, acronym="PUT"), format="json")
    return response.status_code, lambda: organisation.history.first().acronym == "PUT"


def _api_delete(client: APIClient, organisation: Organisation) -> tuple[int, Callable]:
    response = client.delete(f"/api/organisations/{organisation.pk}/")
    return (
        response.status_code,
        lambda: not Organisation.objects.filter(pk=organisation.pk).exists(),
    )


API_WRITES = {
    "patch": (_api_patch, 200),
    "put": (_api_put, 200),
    "delete": (_api_delete, 204),
}


@pytest.mark.parametrize("write", API_WRITES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_an_api_write_succeeds_inside_the_scope_and_changes_nothing_outside(world, persona, write):
    client = api_client(persona)
    send, success = API_WRITES[write]
    for key in WRITE_TARGETS:
        before = snapshot()
        status, done = send(client, world.organisations[key])
        action = WRITE_ACTIONS.get(write, Action.CHANGE)
        assert status == _status_for(persona, key, success, action), key
        if status == success:
            assert done(), key
        else:
            assert snapshot() == before, key


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_creates_only_organisations_inside_the_personas_scope(world, persona):
    client = api_client(persona)
    for iso, group, kind in CREATE_TARGETS:
        before = snapshot()
        name = f"New {group} organisation in {iso}"
        body = {"name": name, "country": iso, "group": group, "kind": kind}
        response = client.post("/api/organisations/", body, format="json")
        if may_create(persona, iso, group):
            assert response.status_code == 201, (iso, group)
            created = Organisation.objects.get(pk=response.json()["id"])
            assert (created.name, created.country.iso_alpha2) == (name, iso)
            continue
        if persona not in CREATORS:
            refusal = 403
        elif iso not in sees_countries(persona):
            refusal = 400  # a country outside the caller's view does not exist for them
        else:
            refusal = 403
        assert response.status_code == refusal, (iso, group, response.content)
        assert snapshot() == before, (iso, group)


# --- the cases the issue names ------------------------------------------------------------


def test_office_staff_cannot_move_a_kenyan_organisation_to_france_on_the_page(world):
    organisation = world.organisations["KE-wrk"]
    client = page_client(world, "office_a")
    before = snapshot()
    france = world.countries["FR"]
    response = client.post(
        f"/organisations/{organisation.pk}/edit/", _form_data(organisation, country=france.pk)
    )
    assert response.status_code == 400
    assert 'id="id_country_error"' in response.content.decode()
    assert snapshot() == before


def test_office_staff_cannot_move_a_kenyan_organisation_to_france_through_the_api(world):
    organisation = world.organisations["KE-wrk"]
    client = api_client("office_a")
    before = snapshot()
    for send in (client.patch, client.put):
        body = _api_body(organisation, country="FR")
        response = send(f"/api/organisations/{organisation.pk}/", body, format="json")
        assert response.status_code == 400
        assert "country" in response.json()
    assert snapshot() == before


def test_office_staff_cannot_create_an_organisation_in_france(world):
    body = {"name": "Union FR", "group": "workers", "kind": "sectoral_union"}
    before = snapshot()
    page = page_client(world, "office_a").post(
        "/organisations/new/", {**body, "country": world.countries["FR"].pk}
    )
    api = api_client("office_a").post("/api/organisations/", {**body, "country": "FR"})
    assert (page.status_code, api.status_code) == (400, 400)
    assert "country" in api.json()
    assert snapshot() == before


def test_a_focal_point_cannot_create_another_organisation_in_their_country(world):
    body = {"name": "Labour Inspectorate KE", "group": "government", "kind": "labour_inspectorate"}
    before = snapshot()
    client = page_client(world, "focal")
    assert client.get("/organisations/new/").status_code == 403
    assert "/organisations/new/" not in client.get("/organisations/").content.decode()
    page = client.post("/organisations/new/", {**body, "country": world.countries["KE"].pk})
    api = api_client("focal").post("/api/organisations/", {**body, "country": "KE"})
    assert (page.status_code, api.status_code) == (403, 403)
    assert snapshot() == before


def test_a_focal_point_changes_their_own_organisation(world):
    organisation = world.organisations["KE-gov"]
    response = api_client("focal").patch(
        f"/api/organisations/{organisation.pk}/", {"acronym": "MoL"}, format="json"
    )
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.acronym == "MoL"


def test_a_workers_specialist_cannot_turn_a_union_into_an_employers_organisation(world):
    organisation = world.organisations["KE-wrk"]
    change = {"group": "employers", "kind": "employers_organisation"}
    before = snapshot()
    page = page_client(world, "workers").post(
        f"/organisations/{organisation.pk}/edit/", _form_data(organisation, **change)
    )
    api = api_client("workers").patch(
        f"/api/organisations/{organisation.pk}/", change, format="json"
    )
    assert (page.status_code, api.status_code) == (400, 403)
    assert "inside your own scope" in page.content.decode()
    assert snapshot() == before


def test_office_staff_cannot_attach_an_organisation_to_a_parent_they_cannot_see(world):
    organisation = world.organisations["KE-wrk"]
    hidden = world.organisations["FR-wrk"]
    before = snapshot()
    page = page_client(world, "office_a").post(
        f"/organisations/{organisation.pk}/edit/", _form_data(organisation, parent=hidden.pk)
    )
    api = api_client("office_a").patch(
        f"/api/organisations/{organisation.pk}/", {"parent": hidden.pk}, format="json"
    )
    assert (page.status_code, api.status_code) == (400, 400)
    assert "parent" in api.json()
    assert snapshot() == before


def test_office_staff_editing_an_organisation_keep_a_parent_they_cannot_see(world):
    organisation = world.organisations["KE-wrk"]
    parent = world.organisations["FR-wrk"]  # outside office A's view
    organisation.parent = parent
    organisation.save()
    client = page_client(world, "office_a")
    url = f"/organisations/{organisation.pk}/edit/"
    assert f'<option value="{parent.pk}" selected>' in client.get(url).content.decode()
    response = client.post(url, _form_data(organisation, notes="Edited"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.parent, organisation.notes) == (parent, "Edited")


def test_an_api_client_may_send_back_a_parent_it_cannot_see(world):
    organisation = world.organisations["KE-wrk"]
    parent = world.organisations["FR-wrk"]  # outside office A's view
    organisation.parent = parent
    organisation.save()
    client = api_client("office_a")
    url = f"/api/organisations/{organisation.pk}/"
    body = client.get(url).json()
    assert body["parent"] == parent.pk
    response = client.put(url, {**body, "notes": "Edited"}, format="json")
    assert response.status_code == 200, response.content
    organisation.refresh_from_db()
    assert (organisation.parent, organisation.notes) == (parent, "Edited")
