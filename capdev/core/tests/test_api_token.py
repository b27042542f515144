"""POST /api/token/, its rate limit, and the API's OpenAPI schema and documentation page."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from capdev.core.models import LoginFailure
from capdev.test import PASSWORD


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_it_exchanges_a_user_name_and_password_for_a_token_that_authenticates(api, world):
    response = api.post("/api/token/", {"username": "office_a", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=world.users["office_a"]).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/organisations/").json()["count"] == 8  # office A's scope


def test_asking_twice_gives_the_same_token(api, world):
    body = {"username": "hq", "password": PASSWORD}
    first = api.post("/api/token/", body, format="json").json()["token"]
    assert api.post("/api/token/", body, format="json").json()["token"] == first


def test_a_wrong_password_is_refused_with_400_and_says_no_more_than_an_unknown_name(api, world):
    wrong = api.post("/api/token/", {"username": "hq", "password": "not the password"})
    unknown = api.post("/api/token/", {"username": "nobody", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 400
    assert (
        wrong.json()
        == unknown.json()
        == {"non_field_errors": ["Unable to log in with these credentials."]}
    )
    assert "not the password" not in wrong.content.decode()
    assert not Token.objects.exists()
    assert LoginFailure.objects.filter(username="hq").count() == 1


def test_a_request_without_name_or_password_names_the_missing_fields(api, world):
    response = api.post("/api/token/", {})
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}
    assert not LoginFailure.objects.exists()


def test_after_the_limit_of_failures_it_answers_429_even_to_the_right_password(
    api, world, settings
):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = api.post("/api/token/", {"username": "hq", "password": "guess"})
        assert response.status_code == 400
    response = api.post("/api/token/", {"username": "hq", "password": PASSWORD})
    assert response.status_code == 429
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_one_failure_short_of_the_limit_the_right_password_still_works(api, world, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        api.post("/api/token/", {"username": "hq", "password": "guess"})
    response = api.post("/api/token/", {"username": "hq", "password": PASSWORD})
    assert response.status_code == 200
    assert not LoginFailure.objects.filter(username="hq").exists()  # a success clears them


def test_failures_on_the_log_in_page_count_towards_the_api_limit(api, client, world, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "hq", "password": "guess"})
    response = api.post("/api/token/", {"username": "hq", "password": PASSWORD})
    assert response.status_code == 429


def test_an_unknown_token_is_refused(api, world):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert api.get("/api/organisations/").status_code == 401


def test_the_schema_is_an_openapi_document_listing_the_organisation_endpoints(client, world):
    client.force_login(world.users["viewer"])
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/organisations/", "/api/organisations/{id}/", "/api/token/"} <= set(
        schema["paths"]
    )
    create = schema["paths"]["/api/organisations/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_api_documentation_page_loads_only_files_served_by_capdev(client, world):
    client.force_login(world.users["viewer"])
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    assets = scripts + re.findall(r'<link[^>]*\shref="([^"]+)"', html)
    assert scripts, "the page loads Swagger UI from somewhere"
    for url in assets:
        assert url.startswith("/static/") and not url.startswith("//"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    assert not re.search(r'<script[^>]*\ssrc="(?:https?:)?//', html)
    assert '"/api/schema/"' in html  # the schema it shows is this server's
