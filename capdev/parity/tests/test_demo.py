"""The synthetic demo data of gender parity: quick, labelled, and shaped as the brief says."""

from __future__ import annotations

import random
import time

import pytest

from capdev.core.models import ConstituentGroup, Country, Office, Organisation, OrganisationKind
from capdev.deliver import demo as deliver_demo
from capdev.deliver.models import Activity
from capdev.parity import demo
from capdev.parity.models import DelegationMember, Meeting, ParityTarget
from capdev.parity.selectors import groups_needing_help, share_by_group, share_by_session
from capdev.plan.models import FundingSource


@pytest.fixture
def countrywide(db):
    """One ministry per member State and a regional office per region, as the demo has."""
    countries = list(Country.objects.filter(status=Country.Status.MEMBER).select_related("region"))
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Ministry {c.iso_alpha2}",
            country=c,
            group=ConstituentGroup.GOVERNMENT,
            kind=OrganisationKind.MINISTRY_OF_LABOUR,
        )
        for c in countries
    )
    offices = []
    for region in {c.region for c in countries}:
        office = Office.objects.create(
            name=f"Regional office {region.code}", kind=Office.Kind.REGIONAL_OFFICE, region=region
        )
        office.countries.set([c for c in countries if c.region_id == region.pk])
        offices.append(office)
    return organisations, offices, countries


def test_the_demo_seeds_nine_sessions_and_two_regional_meetings_quickly(
    countrywide, django_user_model
):
    organisations, offices, countries = countrywide
    started = time.monotonic()
    FundingSource.objects.create(name="Thematic fund (test)", kind=FundingSource.Kind.POOLED)
    workshops_written = demo.seed(
        rng=random.Random(1), organisations=organisations, offices=offices
    )
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"the parity demo took {elapsed:.1f} s"

    years = sorted(Meeting.objects.filter(kind="ilc").values_list("year", flat=True))
    assert years == [2016, 2017, 2018, 2019, 2021, 2022, 2023, 2024, 2025]
    assert Meeting.objects.filter(kind="regional").count() == 2
    assert all("(demo)" in name for name in Meeting.objects.values_list("name", flat=True))
    written = DelegationMember.objects.count()
    assert written > 9 * len(countries) * 7
    assert not DelegationMember.objects.exclude(name__endswith="(synthetic)").exists()
    assert DelegationMember.history.count() == written
    # Every Conference delegation has its two government, one employers' and one workers'
    # delegate.
    first = Meeting.objects.filter(kind="ilc").order_by("year").first()
    delegates = DelegationMember.objects.filter(meeting=first, role="delegate")
    assert delegates.count() == 4 * len(countries)

    hq = django_user_model.objects.create_superuser("root", password="x")
    sessions = [s for s in share_by_session(hq) if s.kind == "ilc"]
    assert 0.2 < sessions[0].share < 0.3 < sessions[-1].share < 0.4
    groups = {s.key: s.share for s in share_by_group(hq)}
    assert groups["government"] > groups["workers"] > groups["employers"]
    assert ParityTarget.objects.get().minimum_percent == 30
    # Parity workshops: activities as the deliver demo writes them (labelled, costed, funded),
    # planned after the demo's "today", each offered to a group that needs help.
    workshops = list(Activity.objects.prefetch_related("countries"))
    assert 1 <= len(workshops) == workshops_written <= demo.WORKSHOPS
    assert all(w.drivers == ["gender_equality"] and w.title.endswith("(demo)") for w in workshops)
    assert all(w.description == deliver_demo.NOTES for w in workshops)
    assert all(w.cost > 0 and w.currency == "USD" and w.funding_source for w in workshops)
    assert all(w.status == "planned" and w.start > deliver_demo.LAST_DAY for w in workshops)
    needing = groups_needing_help(hq)
    offered = [g for g in needing if g.workshops]
    assert len(offered) == len(workshops)

    demo.reset()
    assert not Meeting.objects.exists() and not DelegationMember.history.exists()
    assert not Activity.objects.exists() and not Activity.history.exists()
