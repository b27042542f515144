"""Invalid input, on a page or through the API, is refused field by field and saves nothing."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from rest_framework.test import APIClient

from capdev.core.models import Contact, Membership, Organisation
from capdev.test import PASSWORD

VALID = {
    "name": "Kenya Federation of Labour",
    "country": "KE",
    "group": "workers",
    "kind": "national_trade_union_centre",
    "website": "https://kfl.example.org",
}
# (changes to VALID, the field that is wrong, the message shown next to it)
INVALID = {
    "empty-name": ({"name": ""}, "name", "This field"),
    "unknown-kind": ({"kind": "secret_society"}, "kind", "secret_society"),
    "ministry-in-workers-group": (
        {"kind": "ministry_of_labour"},
        "group",
        "A Ministry of labour belongs to the Government group.",
    ),
    "duplicate-name-in-country": (
        {"name": "Trade Union Centre KE"},
        "name",
        "Kenya already has an organisation of this name.",
    ),
    "invalid-url": ({"website": "not a web address"}, "website", "Enter a valid URL."),
}


def counts() -> tuple[int, ...]:
    """Rows and history rows of everything a form on these pages may write."""
    models = (Organisation, Membership, Contact)
    return tuple(n for m in models for n in (m.objects.count(), m.history.count()))


def assert_error_next_to(html: str, field: str, message: str) -> None:
    """The field's own group holds its error list, and the widget points to it for readers."""
    groups = [g for g in html.split('<div class="field">') if re.search(rf'name="{field}"', g)]
    assert len(groups) == 1, f"no single form group for {field}"
    group = groups[0]
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', group, re.S)
    assert errors, f"no error list next to {field}"
    assert message in unescape(errors.group(1))
    widget = re.search(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*>', group).group(0)
    assert f'aria-describedby="id_{field}_error"' in widget
    assert 'aria-invalid="true"' in widget


def page_data(world, changes: dict[str, Any]) -> dict[str, Any]:
    data = {**VALID, **changes}
    data["country"] = world.countries[data["country"]].pk
    return data


@pytest.fixture
def hq_api(world) -> APIClient:
    client = APIClient()
    token = client.post("/api/token/", {"username": "hq", "password": PASSWORD}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize("case", INVALID)
def test_the_create_page_shows_the_error_next_to_its_field_and_saves_nothing(client, world, case):
    changes, field, message = INVALID[case]
    client.force_login(world.users["hq"])
    before = counts()
    response = client.post("/organisations/new/", page_data(world, changes))
    assert response.status_code == 400
    assert_error_next_to(response.content.decode(), field, message)
    assert counts() == before


@pytest.mark.parametrize("case", INVALID)
def test_the_edit_page_shows_the_error_next_to_its_field_and_changes_nothing(client, world, case):
    changes, field, message = INVALID[case]
    organisation = world.organisations["KE-ngo"]
    client.force_login(world.users["office_a"])
    before = (counts(), list(Organisation.objects.filter(pk=organisation.pk).values()))
    data = page_data(world, {**changes, "notes": "Should not be saved"})
    response = client.post(f"/organisations/{organisation.pk}/edit/", data)
    assert response.status_code == 400
    assert_error_next_to(response.content.decode(), field, message)
    assert (counts(), list(Organisation.objects.filter(pk=organisation.pk).values())) == before


@pytest.mark.parametrize("case", INVALID)
def test_the_api_refuses_an_invalid_organisation_under_the_fields_name(hq_api, world, case):
    changes, field, message = INVALID[case]
    before = counts()
    response = hq_api.post("/api/organisations/", {**VALID, **changes}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert any(message in text for text in body[field])
    assert counts() == before


@pytest.mark.parametrize("case", INVALID)
def test_the_api_refuses_an_invalid_change_under_the_fields_name(hq_api, world, case):
    changes, field, message = INVALID[case]
    organisation = world.organisations["KE-ngo"]
    before = (counts(), list(Organisation.objects.filter(pk=organisation.pk).values()))
    url = f"/api/organisations/{organisation.pk}/"
    for send, body in ((hq_api.patch, changes), (hq_api.put, {**VALID, **changes})):
        response = send(url, body, format="json")
        assert response.status_code == 400, send
        assert field in response.json()
    assert (counts(), list(Organisation.objects.filter(pk=organisation.pk).values())) == before


def test_a_valid_organisation_is_saved_so_the_invalid_cases_fail_for_their_reason(
    client, hq_api, world
):
    client.force_login(world.users["hq"])
    assert client.post("/organisations/new/", page_data(world, {})).status_code == 302
    body = {**VALID, "name": "Another Federation"}
    assert hq_api.post("/api/organisations/", body, format="json").status_code == 201


# Membership figures and contacts, added on the organisation's page.
CHILD_INVALID = {
    "more-women-than-members": (
        "memberships",
        {"year": 2025, "members": 10, "women_members": 11},
        "women_members",
        "Women members cannot exceed members.",
    ),
    "negative-members": (
        "memberships",
        {"year": 2025, "members": -1},
        "members",
        "greater than or equal to 0",
    ),
    "year-before-1900": (
        "memberships",
        {"year": 1850, "members": 10},
        "year",
        "greater than or equal to 1900",
    ),
    "contact-without-name": ("contacts", {"name": "", "email": "a@example.org"}, "name", "This"),
    "invalid-email": (
        "contacts",
        {"name": "Ms Wanjiru", "email": "not-an-address"},
        "email",
        "Enter a valid email address.",
    ),
}


@pytest.mark.parametrize("case", CHILD_INVALID)
def test_an_invalid_figure_or_contact_is_shown_next_to_its_field_without_javascript(
    client, world, case
):
    part, data, field, message = CHILD_INVALID[case]
    organisation = world.organisations["KE-wrk"]
    client.force_login(world.users["office_a"])
    before = counts()
    response = client.post(f"/organisations/{organisation.pk}/{part}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index(f'<section id="{part}"') :]
    assert_error_next_to(section[: section.index("</section>")], field, message)
    assert counts() == before


@pytest.mark.parametrize("case", CHILD_INVALID)
def test_an_invalid_figure_or_contact_is_shown_next_to_its_field_in_the_htmx_partial(
    client, world, case
):
    part, data, field, message = CHILD_INVALID[case]
    organisation = world.organisations["KE-wrk"]
    client.force_login(world.users["office_a"])
    before = counts()
    response = client.post(
        f"/organisations/{organisation.pk}/{part}/", data, headers={"HX-Request": "true"}
    )
    # htmx swaps only 2xx answers, so the partial with its errors comes back as 200.
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="{part}"')
    assert_error_next_to(html, field, message)
    assert counts() == before
