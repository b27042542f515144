import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher

from capdev.core.models import LoginFailure
from capdev.test import PASSWORD


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user(username="alice", password=PASSWORD)


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = get_user_model().objects.create_user(username="bob", password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)


def test_it_logs_in_and_goes_to_the_page_asked_for(client, alice):
    response = client.post(
        "/login/?next=/countries/",
        {"username": "alice", "password": PASSWORD, "next": "/countries/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/countries/"


def test_it_does_not_redirect_to_another_site_after_log_in(client, alice):
    response = client.post(
        "/login/", {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_wrong_password_is_recorded_and_refused(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username="alice").count() == 1


def test_it_blocks_a_user_name_after_the_limit_even_with_the_right_password(
    client, alice, settings
):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_blocks_an_address_that_tries_many_names(client, alice, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        client.post("/login/", {"username": f"guess{n}", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429


def test_failures_older_than_the_window_do_not_count(client, alice, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 0
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_pages_need_a_log_in(client, db):
    for url in ["/", "/countries/", "/organisations/", "/offices/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_health_check_answers_without_a_log_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
