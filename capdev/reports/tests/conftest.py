"""The reports' test world (see facts.py), built once per test module and rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from capdev.reports.tests import facts
from capdev.test import make_world

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _reported(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield facts.build(make_world())
        transaction.set_rollback(True)


@pytest.fixture
def reported(_reported, db):
    """The world with the report facts (files under a temporary MEDIA_ROOT); each test's
    changes are rolled back after it."""
    return _reported
