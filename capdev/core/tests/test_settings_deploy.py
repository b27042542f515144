import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#p2!production-like-secret-key-of-sufficient-length-and-variety-91",
    "ALLOWED_HOSTS": "capdev.example.org",
    "DATABASE_URL": "",
}


def _capdev(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    environment.pop("SECURE_SSL_REDIRECT", None)
    environment.pop("CAPDEV_STATIC_MANIFEST", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "capdev", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_reports_no_warning_with_production_settings(tmp_path):
    result = _capdev(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, CAPDEV_HOME=str(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_fails_on_a_weak_secret(tmp_path):
    weak = {**PRODUCTION, "SECRET_KEY": "short"}
    result = _capdev(
        "check", "--deploy", "--fail-level", "WARNING", **weak, CAPDEV_HOME=str(tmp_path)
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_it_refuses_to_start_without_a_secret_when_debug_is_off(tmp_path):
    result = _capdev("check", DEBUG="0", CAPDEV_HOME=str(tmp_path), SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION["SECRET_KEY"])
    env = {**PRODUCTION, "SECRET_KEY": "", "SECRET_KEY_FILE": str(secret_file)}
    result = _capdev(
        "check", "--deploy", "--fail-level", "WARNING", **env, CAPDEV_HOME=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_refused_with_its_name(tmp_path, value):
    result = _capdev("check", DEBUG=value, CAPDEV_HOME=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_the_default_database_is_an_sqlite_file_in_wal_mode_under_capdev_home(tmp_path):
    result = _capdev(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(connection.settings_dict['NAME']); "
        "print(c.fetchone()[0])",
        DEBUG="1",
        CAPDEV_HOME=str(tmp_path),
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    name, mode = result.stdout.split()[-2:]
    assert name == str(tmp_path / "capdev.sqlite3")
    assert mode == "wal"
