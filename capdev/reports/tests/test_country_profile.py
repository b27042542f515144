"""country_profile(): the plans' delivered actions count only the activities the reader
sees, and the delegations are parity's rows for the country."""

from __future__ import annotations

from capdev.deliver.models import Activity
from capdev.plan.models import Plan
from capdev.reports.selectors import country_profile


def plan_rows(world, persona: str) -> dict[str, tuple[int, int]]:
    profile = country_profile(world.users[persona], world.countries["KE"])
    return {row.plan.title: (row.actions, row.delivered) for row in profile.plans}


def test_an_action_is_delivered_only_by_an_activity_the_reader_sees(reported):
    # The Kenyan plan's one action, delivered by A2: held in Uganda for the Ugandan workers,
    # outside the Kenyan ministry's focal point's scope (they see A1 only).
    action = Plan.objects.get(title="Kenyan ministry plan").actions.get()
    Activity.objects.get(title="A2").actions.add(action)
    assert plan_rows(reported, "hq") == {"Kenyan ministry plan": (1, 1)}
    assert plan_rows(reported, "focal") == {"Kenyan ministry plan": (1, 0)}
    # An activity the focal point sees, but not held, delivers nothing either.
    Activity.objects.get(title="A4").actions.add(action)
    assert plan_rows(reported, "focal") == {"Kenyan ministry plan": (1, 0)}
    # Once A1 (theirs, held) is linked, they see the action delivered.
    Activity.objects.get(title="A1").actions.add(action)
    assert plan_rows(reported, "focal") == {"Kenyan ministry plan": (1, 1)}


def test_the_delegations_are_the_countrys_by_meeting_newest_first(reported):
    profile = country_profile(reported.users["hq"], reported.countries["KE"])
    rows = [
        (
            row.meeting.session,
            row.country.iso_alpha3,
            [(g.key, g.women, g.total) for g in row.groups],
            row.reaches(30),
            row.reaches(50),
        )
        for row in profile.delegations
    ]
    assert rows == [
        (111, "KEN", [("government", 1, 1), ("employers", 0, 0), ("workers", 0, 0)], True, True),
        (109, "KEN", [("government", 1, 2), ("employers", 0, 0), ("workers", 1, 1)], True, True),
    ]
    # The workers' specialist sees the workers' members only.
    profile = country_profile(reported.users["workers"], reported.countries["KE"])
    assert [(row.meeting.session, row.women, row.total) for row in profile.delegations] == [
        (109, 1, 1)
    ]
