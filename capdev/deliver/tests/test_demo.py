"""The deliver part of the demo dataset (seeded once for the module: it takes seconds)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from capdev.core import demo as core_demo
from capdev.core.models import Office, Organisation, OrganisationKind
from capdev.deliver import demo
from capdev.deliver.models import (
    Activity,
    Participation,
    Person,
    RolloutWave,
    Sex,
    StaffCompletion,
    StaffCourse,
    TargetGroup,
)
from capdev.deliver.selectors import sex_counts
from capdev.deliver.services import action_delivered
from capdev.diagnose.models import Need
from capdev.plan.models import FundingSource, Plan

K = OrganisationKind


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The output of `capdev seed`; the data stays for the module and is reset after it."""
    with django_db_blocker.unblock():
        out = io.StringIO()
        try:
            call_command("seed", "--scale", "small", stdout=out)
            yield out.getvalue()
        finally:
            core_demo.reset()


@pytest.fixture
def activities(seeded, db):
    return list(
        Activity.objects.prefetch_related("co_organisers", "beneficiaries", "actions__plan")
        .select_related("provider", "office", "funding_source")
        .annotate(attended=Count("participations", filter=Q(participations__attendance__gt=0)))
    )


def test_the_seed_command_reports_activities_and_participants(seeded, activities):
    participants = Participation.objects.count()
    assert f" {len(activities)} activities with {participants} participants." in seeded


def test_there_is_an_activity_of_every_kind_held_and_each_is_labelled_synthetic(activities):
    held = {a.kind for a in activities if a.status == Activity.Status.HELD}
    assert held == set(Activity.Kind)
    assert {a.status for a in activities} == set(Activity.Status)
    assert all(a.description == demo.NOTES for a in activities)
    assert all(a.countries.exists() and a.target_groups for a in activities)
    assert all(a.cost > 0 and a.currency == "USD" and a.funding_source for a in activities)


def test_held_activities_had_attendees_and_the_others_have_no_participants(activities):
    for activity in activities:
        if activity.status == Activity.Status.HELD:
            assert activity.attended > 0, activity
            assert activity.end <= demo.LAST_DAY
        else:
            assert not activity.participations.exists(), activity


def test_advisory_services_reach_training_institutions_in_every_advisory_area(activities):
    """§26: portfolio, management, product development, training techniques, application."""
    advisory = [a for a in activities if a.kind == Activity.Kind.ADVISORY]
    assert all(a.advisory_area for a in advisory)
    to_institutions = {
        a.advisory_area
        for a in advisory
        if any(o.kind == K.TRAINING_INSTITUTION for o in a.beneficiaries.all())
    }
    assert to_institutions == set(Activity.AdvisoryArea)


def test_partners_co_organise_and_provide_activities(activities):
    """§23–24: UN agencies of the country team, women's-rights groups, South-South and
    triangular cooperation with a development partner, peer exchanges."""
    co_organisers = {o.kind for a in activities for o in a.co_organisers.all()}
    assert {K.UN_AGENCY, K.CIVIL_SOCIETY, K.DEVELOPMENT_PARTNER} <= co_organisers
    assert any(a.south_south and not a.triangular for a in activities)
    triangular = [a for a in activities if a.triangular]
    assert triangular and all(a.south_south for a in triangular)
    assert any(a.funding_source.kind == FundingSource.Kind.VOLUNTARY_EARMARKED for a in triangular)
    assert any(a.peer_exchange for a in activities)
    providers = {a.provider.kind for a in activities if a.provider}
    assert {K.TRAINING_INSTITUTION, K.ACADEMIC} <= providers
    assert any(TargetGroup.OFFICE_STAFF in a.target_groups for a in activities)


def test_partner_organisations_added_by_the_demo_are_labelled(seeded, db):
    added = Organisation.objects.filter(name__endswith="(demo)")
    assert added.exists()
    assert set(added.values_list("notes", flat=True)) == {"Synthetic demo record."}


def test_activities_deliver_actions_of_agreed_plans_only(activities):
    linked = [a for a in activities if a.actions.exists()]
    assert len(linked) > len(activities) / 2
    for activity in linked:
        assert all(action.plan.status != Plan.Status.DRAFT for action in activity.actions.all())


def test_plan_status_follows_delivery(seeded, db):
    for plan in Plan.objects.prefetch_related("actions"):
        delivered = [action_delivered(a) for a in plan.actions.all()]
        if plan.status in (Plan.Status.DRAFT, Plan.Status.AGREED):
            assert not any(delivered), plan
        elif plan.status == Plan.Status.IN_IMPLEMENTATION:
            assert any(delivered), plan
        else:
            assert all(delivered), plan
    statuses = set(Plan.objects.values_list("status", flat=True))
    assert statuses == set(Plan.Status)


def test_needs_are_addressed_where_every_action_serving_them_was_delivered(seeded, db):
    served = Need.objects.filter(actions__isnull=False).distinct().prefetch_related("actions")
    addressed = 0
    for need in served:
        if all(action_delivered(a) for a in need.actions.all()):
            assert need.status == Need.Status.ADDRESSED, need
            addressed += 1
        elif need.plans.exclude(status=Plan.Status.DRAFT).exists():
            assert need.status == Need.Status.PLANNED, need
        else:
            assert need.status == Need.Status.OPEN, need
    assert 0 < addressed < served.count()


def test_a_few_hundred_invented_people_of_both_sexes_some_at_several_activities(seeded, db):
    people = Person.objects.annotate(n=Count("participations"))
    assert 300 <= people.count() <= 1_000
    assert people.filter(n__gt=1).count() > 50
    assert all(p.email.endswith("@example.org") and p.key == p.email for p in people)
    counts = sex_counts(Participation.objects.all())
    assert counts.other > 0 and 0.35 < counts.female_share < 0.6


def test_participations_carry_learning_satisfaction_and_follow_up_when_due(seeded, db):
    rows = list(Participation.objects.select_related("activity"))
    attended = [p for p in rows if p.attendance]
    assert len(attended) < len(rows)  # a few registered and did not come
    assert all(1 <= p.satisfaction <= 5 for p in attended)
    tested = [p for p in attended if p.pre_test is not None]
    assert tested and all(p.post_test >= p.pre_test for p in tested)
    for row in attended:
        after_3 = row.activity.end + timedelta(days=90) <= demo.LAST_DAY
        after_6 = row.activity.end + timedelta(days=180) <= demo.LAST_DAY
        assert bool(row.applied_3_months) == after_3
        assert bool(row.applied_6_months) == after_6
    assert {p.applied_6_months for p in attended} >= set(Participation.Application)


def test_the_staff_curriculum_is_piloted_in_africa_then_rolled_out_to_every_region(seeded, db):
    """§22: piloted in one region (the paper does not name it; the demo takes Africa)."""
    waves = list(RolloutWave.objects.prefetch_related("regions", "courses"))
    assert [w.number for w in waves] == [1, 2, 3]
    assert [w.pilot for w in waves] == [True, False, False]
    assert [r.code for r in waves[0].regions.all()] == ["AFRICA"]
    covered = {r.code for w in waves for r in w.regions.all()}
    assert covered == {"AFRICA", "AMERICAS", "ARAB_STATES", "ASIA_PACIFIC", "EUROPE_CA"}
    assert StaffCourse.objects.filter(mandatory=True).count() >= 2
    completions = list(StaffCompletion.objects.select_related("office__region", "course"))
    assert len(completions) > 100
    assert {c.sex for c in completions} >= {Sex.FEMALE, Sex.MALE}
    wave_of = {r.code: w for w in waves for r in w.regions.all()}
    for completion in completions:
        if completion.office.kind == Office.Kind.HQ_DEPARTMENT:
            continue
        wave = wave_of[completion.office.region.code]
        assert wave.start <= completion.completed_on <= wave.end
        assert completion.course in wave.courses.all()
    offices = {c.office.kind for c in completions}
    assert {Office.Kind.COUNTRY_OFFICE, Office.Kind.REGIONAL_OFFICE} <= offices


def test_the_demo_reset_removes_activities_people_and_the_curriculum(seeded, db):
    core_demo.reset()
    for model in (Activity, Participation, Person, StaffCourse, RolloutWave, StaffCompletion):
        assert not model.objects.exists(), model
        assert not model.history.exists(), model
