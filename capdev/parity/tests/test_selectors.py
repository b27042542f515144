"""Shares of women, counted from the rows (expected figures by hand, see fixtures.py)."""

from __future__ import annotations

import datetime

import pytest

from capdev.core.models import Country
from capdev.deliver.models import Activity, Participation, Person
from capdev.parity import services
from capdev.parity.models import DelegationMember, Meeting, ParityTarget
from capdev.parity.selectors import (
    DelegationCounts,
    Filters,
    Target,
    delegation_counts,
    delegations,
    groups_needing_help,
    parity_summary,
    participation_by_sex,
    reaches,
    share_by_group,
    share_by_region,
    share_by_session,
    share_by_state,
    trend,
)
from capdev.parity.tests.fixtures import ROWS, conference, imported, listing


def figures(shares) -> dict[str, tuple[int, int]]:
    return {s.key: (s.women, s.total) for s in shares}


@pytest.fixture
def hq(world):
    return world.users["hq"]


def test_shares_by_group_region_and_state_are_counted_from_the_rows(world, hq):
    imported()
    assert figures(share_by_group(hq)) == {
        "government": (4, 10),
        "employers": (1, 4),
        "workers": (2, 5),
    }
    assert [s.label for s in share_by_group(hq)] == ["Government", "Employers", "Workers"]
    assert share_by_group(hq)[0].share == 0.4
    assert figures(share_by_region(hq)) == {
        "AFRICA": (3, 10),
        "EUROPE_CA": (2, 5),
        "ASIA_PACIFIC": (2, 4),
    }
    assert figures(share_by_state(hq)) == {
        "KEN": (3, 6),
        "UGA": (0, 4),
        "FRA": (2, 5),
        "THA": (2, 4),
    }


def test_a_pooled_share_is_women_over_people_not_the_mean_of_percentages(world, hq):
    """Two sessions: 3 of 6 women at one (50%), 1 of 10 at the other (10%). The share over
    both is 4 of 16 = 25%, not the mean of 50% and 10% (30%)."""
    first = conference(111, 2023)
    rows = [row for row in ROWS if row[0] == "KEN"]
    imported(first, listing(rows))
    second = conference(112, 2024)
    men = [["FR", "Government", "Adviser", "M", f"Adviser {n}"] for n in range(9)]
    imported(second, listing([["FR", "Government", "Delegate", "F", "Chloé"], *men]))
    sessions = share_by_session(hq)
    assert [(s.name, s.women, s.total) for s in sessions] == [
        (first.name, 3, 6),
        (second.name, 1, 10),
    ]
    assert sum(s.women for s in sessions) / sum(s.total for s in sessions) == 0.25
    summary = parity_summary(hq)
    assert (summary.women, summary.total, summary.share) == (4, 16, 0.25)


def test_the_trend_gives_each_group_and_all_groups_by_year(world, hq):
    imported(conference(111, 2023), listing([row for row in ROWS if row[0] == "KEN"]))
    imported(conference(112, 2024))
    points = [(p.year, p.group, p.women, p.total) for p in trend(hq)]
    assert points == [
        (2023, "all", 3, 6),
        (2023, "employers", 0, 1),
        (2023, "government", 2, 3),
        (2023, "workers", 1, 2),
        (2024, "all", 7, 19),
        (2024, "employers", 1, 4),
        (2024, "government", 4, 10),
        (2024, "workers", 2, 5),
    ]


def test_delegations_reaching_the_minimum_and_parity(world, hq):
    meeting = imported()
    rows = {r.country.iso_alpha2: r for r in delegations(hq, Filters(meeting=meeting.pk))}
    assert {code: (r.women, r.total) for code, r in rows.items()} == {
        "KE": (3, 6),
        "UG": (0, 4),
        "FR": (2, 5),
        "TH": (2, 4),
    }
    assert {(g.key, g.women, g.total) for g in rows["KE"].groups} == {
        ("government", 2, 3),
        ("employers", 0, 1),
        ("workers", 1, 2),
    }
    # By State name: France, Kenya, Thailand (Uganda, 0%, does not reach it).
    assert [code for code, r in rows.items() if r.reaches(30)] == ["FR", "KE", "TH"]
    assert delegation_counts(hq) == DelegationCounts(4, 3, 2)


def test_reaching_a_threshold_is_decided_in_whole_numbers():
    assert reaches(3, 10, 30)  # exactly 30%: reached
    assert not reaches(2999, 10000, 30)
    assert reaches(1, 2, 50) and not reaches(0, 0, 0)


def test_the_threshold_setting_changes_which_delegations_pass(world, hq):
    imported()
    assert Target.current() == Target(30, 50)
    assert delegation_counts(hq) == DelegationCounts(4, 3, 2)
    # Africa is at exactly 30% (3 of 10): it reaches the minimum now...
    assert share_by_region(hq)[0].reaches(Target.current().minimum_percent)

    services.target_update(user=hq, data={"minimum_percent": 45, "goal_percent": 60})
    assert Target.current() == Target(45, 60)
    # Kenya and Thailand (50%) reach 45%; France (40%) no longer does; nobody reaches 60%.
    assert delegation_counts(hq) == DelegationCounts(4, 2, 0)
    services.target_update(user=hq, data={"minimum_percent": 20, "goal_percent": 40})
    assert delegation_counts(hq) == DelegationCounts(4, 3, 3)
    assert ParityTarget.objects.count() == 1
    assert ParityTarget.history.count() == 2


def test_the_groups_under_the_minimum_over_the_recent_sessions_need_help(world, hq):
    imported()
    needing = groups_needing_help(hq)
    # Under 30%: Kenya's employers (0/1), Uganda's three groups (0/2, 0/1, 0/1), France's
    # workers (0/1), Thailand's employers (0/1); lowest share first, then by State.
    assert [(g.country.iso_alpha2, g.group, g.women, g.total) for g in needing] == [
        ("FR", "workers", 0, 1),
        ("KE", "employers", 0, 1),
        ("TH", "employers", 0, 1),
        ("UG", "employers", 0, 1),
        ("UG", "government", 0, 2),
        ("UG", "workers", 0, 1),
    ]
    assert {g.sessions for g in needing} == {1}
    # The counts are pooled over the latest three Conference sessions: with an earlier one
    # where Uganda's government sent a woman, it has 1 of 3 (33%) and no longer needs help...
    imported(conference(100, 2011), listing([["UG", "Government", "Delegate", "F", "A"]]))
    pooled = {(g.country.iso_alpha2, g.group): g for g in groups_needing_help(hq)}
    assert ("UG", "government") not in pooled
    assert (pooled["UG", "workers"].sessions, pooled["UG", "workers"].total) == (1, 1)
    # ... but over the latest session alone it does.
    latest = {(g.country.iso_alpha2, g.group) for g in groups_needing_help(hq, sessions=1)}
    assert ("UG", "government") in latest


def workshop(world, title: str, country: str, groups: list[str], drivers: list[str], **extra):
    activity = Activity.objects.create(
        title=title,
        kind=Activity.Kind.WORKSHOP,
        start=datetime.date(2024, 9, 2),
        end=datetime.date(2024, 9, 3),
        place="Kampala",
        office=world.offices["a"],
        target_groups=groups,
        drivers=drivers,
        **extra,
    )
    activity.countries.set([world.countries[country]])
    return activity


def test_the_parity_workshops_offered_to_a_group_are_its_countrys_gender_equality_activities(
    world, hq
):
    imported()
    for_government = workshop(
        world, "Parity, government", "UG", ["government"], ["gender_equality"]
    )
    for_everyone = workshop(world, "Parity, all", "UG", [], ["gender_equality"])
    workshop(world, "Standards", "UG", ["government"], ["standards"])
    workshop(world, "Parity in Kenya", "KE", ["workers"], ["gender_equality"])
    workshop(
        world,
        "Cancelled",
        "UG",
        ["government"],
        ["gender_equality"],
        status=Activity.Status.CANCELLED,
    )
    offered = {
        (g.country.iso_alpha2, g.group): [a.title for a in g.workshops]
        for g in groups_needing_help(hq)
    }
    assert offered[("UG", "government")] == [for_government.title, for_everyone.title]
    assert offered[("UG", "workers")] == [for_everyone.title]
    assert offered[("KE", "employers")] == []  # the Kenyan workshop is for the workers


def test_participation_in_activities_is_counted_by_sex_year_region_and_group(world, hq):
    kenya, france = world.countries["KE"], world.countries["FR"]
    in_2023 = workshop(world, "A", "KE", [], [])
    in_2023.start, in_2023.end = datetime.date(2023, 3, 1), datetime.date(2023, 3, 2)
    in_2023.save()
    in_2024 = workshop(world, "B", "KE", [], [])
    in_2024.countries.add(france)  # held in two countries: still one participation each
    people = [
        Person.objects.create(key="a", name="A", sex="female", country=kenya,
                              organisation=world.organisations["KE-gov"]),
        Person.objects.create(key="b", name="B", sex="male", country=kenya,
                              organisation=world.organisations["KE-wrk"]),
        Person.objects.create(key="c", name="C", sex="female", country=france),
        Person.objects.create(key="d", name="D", sex="other", country=france),
    ]  # fmt: skip
    for person in people:
        Participation.objects.create(activity=in_2024, person=person)
    Participation.objects.create(activity=in_2023, person=people[0])

    def table(rows):
        return {r.key: (r.female, r.male, r.other) for r in rows}

    assert table(participation_by_sex(hq, "year")) == {"2023": (1, 0, 0), "2024": (2, 1, 1)}
    assert table(participation_by_sex(hq, "region")) == {
        "AFRICA": (2, 1, 0),
        "EUROPE_CA": (1, 0, 1),
    }
    assert table(participation_by_sex(hq, "group")) == {
        "government": (2, 0, 0),
        "workers": (0, 1, 0),
        "none": (1, 0, 1),
    }
    # The Kenya office sees both activities (held in Kenya) and everyone in them, once each,
    # even though the second is also held in France, which it does not cover.
    office = world.users["office_a"]
    assert table(participation_by_sex(office, "year")) == {"2023": (1, 0, 0), "2024": (2, 1, 1)}
    assert table(participation_by_sex(world.users["office_b"], "year")) == {"2024": (2, 1, 1)}
    assert participation_by_sex(hq, "year", first_year=2024)[0].female_share == 0.5


def test_the_summary_the_reports_read(world, hq):
    meeting = imported()
    old = conference(111, 2023)
    imported(old, listing([row for row in ROWS if row[0] == "KEN"]))
    summary = parity_summary(hq, first_year=2024, last_year=2024)
    assert summary.target == Target(30, 50)
    assert [(s.meeting_id, s.women, s.total) for s in summary.sessions] == [(meeting.pk, 7, 19)]
    assert figures(summary.groups) == {
        "government": (4, 10),
        "employers": (1, 4),
        "workers": (2, 5),
    }
    assert figures(summary.regions)["AFRICA"] == (3, 10)
    assert summary.delegations == DelegationCounts(4, 3, 2)
    assert len(summary.groups_needing_help) == 6
    assert summary.participation.total == 0
    whole = parity_summary(hq)
    assert [s.year for s in whole.sessions] == [2023, 2024]
    assert whole.delegations == DelegationCounts(5, 4, 3)
    # A reader sees only their scope: the Kenya office, Kenya and Uganda.
    office = parity_summary(world.users["office_a"], first_year=2024)
    assert [(s.women, s.total) for s in office.sessions] == [(3, 10)]
    assert office.delegations == DelegationCounts(2, 1, 1)
    assert parity_summary(world.users["outsider"]).sessions == []


def test_filters_narrow_by_kind_year_region_and_group(world, hq):
    imported()
    regional = Meeting.objects.create(
        kind=Meeting.Kind.REGIONAL, name="Regional", year=2023, start=datetime.date(2023, 12, 1)
    )
    imported(regional, listing([["KE", "Government", "Delegate", "F", "X"]]))
    assert figures(share_by_group(hq, Filters(kind="regional")))["government"] == (1, 1)
    assert figures(share_by_group(hq, Filters(last_year=2023)))["government"] == (1, 1)
    assert figures(share_by_group(hq, Filters(kind="ilc", region="AFRICA"))) == {
        "government": (2, 5),
        "employers": (0, 2),
        "workers": (1, 3),
    }
    assert figures(share_by_state(hq, Filters(group="workers", kind="ilc"))) == {
        "KEN": (1, 2),
        "UGA": (0, 1),
        "FRA": (0, 1),
        "THA": (1, 1),
    }
    assert DelegationMember.objects.count() == 20
    assert Country.objects.get(iso_alpha2="KE").region.code == "AFRICA"
