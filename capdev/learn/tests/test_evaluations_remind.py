"""`capdev remind-overdue`: overdue open actions by unit, e-mailed to the unit's staff."""

from __future__ import annotations

import pytest
from django.core import mail

from capdev.core.models import Grant, Role
from capdev.learn.models import FollowUpAction
from capdev.learn.tests.evaluations_data import make_evaluations
from capdev.test import failing_command, run_command


@pytest.fixture
def ev(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.users["office_a"].email = "a@example.org"
    world.users["office_a"].save()
    return make_evaluations(world)


def test_dry_run_prints_by_unit_and_sends_nothing(world, ev):
    out, _ = run_command("remind-overdue", "--dry-run", "--date", "2026-06-01")
    assert mail.outbox == []
    assert not FollowUpAction.objects.filter(reminded_at__isnull=False).exists()
    assert "== Bureau for Workers' Activities (1 overdue)" in out
    assert "== Country Office for France and Germany (1 overdue)" in out
    assert "== Country Office for Kenya and Uganda (2 overdue)" in out
    assert "To: a@example.org" in out
    assert "would remind 3 units of 4 overdue actions." in out


def test_reminders_are_mailed_to_unit_staff_with_an_address_and_marked(world, ev):
    out, _ = run_command("remind-overdue", "--date", "2026-06-01")
    assert len(mail.outbox) == 1  # only office A's staff have an e-mail address
    message = mail.outbox[0]
    assert message.to == ["a@example.org"]
    assert "Action ke-late (test)" in message.body
    assert "Action strat-a (test)" in message.body
    assert "ke-done" not in message.body and "th-open" not in message.body
    reminded = set(
        FollowUpAction.objects.filter(reminded_at__isnull=False).values_list(
            "description", flat=True
        )
    )
    assert reminded == {
        "Action ke-late (test)",
        "Action fr-late (test)",
        "Action strat-actrav (test)",
        "Action strat-a (test)",
    }
    assert "reminded 3 units of 4 overdue actions." in out


def test_staff_of_the_unit_are_those_with_its_office_grant(world, ev):
    world.users["office_b"].email = "b@example.org"
    world.users["office_b"].save()
    world.users["viewer"].email = "v@example.org"
    world.users["viewer"].save()
    Grant.objects.create(user=world.users["hq"], role=Role.HQ)  # no office: not unit staff
    run_command("remind-overdue", "--date", "2026-06-01")
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


def test_nothing_overdue(world, ev):
    out, _ = run_command("remind-overdue", "--date", "2025-01-01")
    assert out.strip() == "No overdue follow-up action."
    assert mail.outbox == []


def test_a_bad_date_is_an_error(world):
    error, _ = failing_command("remind-overdue", "--date", "June")
    assert "is not a date" in error
