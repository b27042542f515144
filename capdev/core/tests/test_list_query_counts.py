"""Every list page and list endpoint runs the same number of queries for N rows and for 3N.

Measured as office A's staff, whose scope is a filter (a subquery on the countries the office
covers), with N = the rows of the shared world in that scope and 3N after `triple()`.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from capdev.core.models import Contact, Country, Membership, Office, Organisation
from capdev.test import PASSWORD

# Pages: session, user, grants, the region filter's choices, the demo-dataset banner, count
# and one page of rows = 7. Endpoints: token with its user, grants, count and rows = 4, and
# the offices' covered countries in one prefetch = 5.
PAGES = {
    # url: (link to one row, rows for N, queries)
    "/countries/": (r'href="/countries/[A-Z]{2}/"', 2, 7),
    "/organisations/": (r'href="/organisations/\d+/"', 8, 7),
    "/offices/": (r'href="/offices/\d+/"', 2, 7),
}
ENDPOINTS = {
    # url: (rows for N, queries)
    "/api/regions/": (1, 4),
    "/api/countries/": (2, 4),
    "/api/organisations/": (8, 4),
    "/api/offices/": (2, 5),
}


def triple(world) -> None:
    """Three times office A's countries, regions, organisations and offices, with figures."""
    office = world.offices["a"]
    # KE, UG + four: 6 countries in 3 regions (Africa, Europe and Central Asia, Asia-Pacific).
    office.countries.add(*Country.objects.filter(iso_alpha2__in=["TZ", "RW", "IT", "VN"]))
    kenya, uganda = world.countries["KE"], world.countries["UG"]
    federation = world.organisations["KE-wrk"]
    for i in range(16):  # 8 organisations + 16 = 24
        organisation = Organisation.objects.create(
            name=f"Sectoral union {i}",
            acronym=f"SU{i}",
            country=kenya if i % 2 else uganda,
            group="workers",
            kind="sectoral_union",
            parent=federation,
        )
        Membership.objects.create(organisation=organisation, year=2024, members=100 + i)
        Contact.objects.create(organisation=organisation, name=f"Contact {i}")
    for i in range(4):  # office A and ACTRAV + 4 = 6
        extra = Office.objects.create(
            name=f"Project office {i}",
            kind=Office.Kind.DECENT_WORK_TEAM,
            region=kenya.region,
            parent=office,
        )
        extra.countries.set([kenya, uganda, world.countries["FR"]])


def measure(get, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("url", PAGES)
def test_a_list_page_runs_as_many_queries_for_3n_rows_as_for_n(client, world, url):
    link, rows, expected_queries = PAGES[url]
    client.force_login(world.users["office_a"])
    client.get(url)  # first request of the session warms caches (content types, translations)

    def listed(response) -> int:
        html = response.content.decode()
        return len(re.findall(link, html[html.index('id="results"') : html.index("</main>")]))

    before, response = measure(client.get, url)
    assert listed(response) == rows
    triple(world)
    after, response = measure(client.get, url)
    assert listed(response) == 3 * rows
    assert before == after == expected_queries


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_list_endpoint_runs_as_many_queries_for_3n_rows_as_for_n(world, url):
    rows, expected_queries = ENDPOINTS[url]
    client = APIClient()
    token = client.post("/api/token/", {"username": "office_a", "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    client.get(url)

    before, response = measure(client.get, url)
    assert response.json()["count"] == len(response.json()["results"]) == rows
    triple(world)
    after, response = measure(client.get, url)
    assert response.json()["count"] == len(response.json()["results"]) == 3 * rows
    assert before == after == expected_queries
