"""The reports' test world (see facts.py), built once per test module and rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from capdev.monitor.models import Indicator, Measurement, Target
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


BULK_INDICATORS = 25


@pytest.fixture
def many_indicators(reported):
    """The world and 25 more strategy indicators, each with a target and a measurement for
    2020-21 (on track): reading them one by one would take 50 more queries."""
    indicators = Indicator.objects.bulk_create(
        Indicator(code=f"BULK-{n:02d}", name=f"Bulk {n}", measure=Indicator.Measure.NUMBER)
        for n in range(BULK_INDICATORS)
    )
    Target.objects.bulk_create(Target(indicator=i, period="2020-21", value=10) for i in indicators)
    Measurement.objects.bulk_create(
        Measurement(indicator=i, period="2020-21", value=10, source="Test fixture")
        for i in indicators
    )
    return reported
