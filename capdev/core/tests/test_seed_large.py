"""The ten-year generator of `capdev seed --scale large`, run at a small volume on the
shared test world (15 tripartite constituents and 5 others in five countries)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from capdev.core import demo_large
from capdev.core.models import ConstituentGroup, Country, Membership, Office, Organisation
from capdev.deliver.models import Activity, Participation, Person
from capdev.diagnose.demo import load_instruments
from capdev.diagnose.models import (
    AreaScore,
    Assessment,
    CellScore,
    Item,
    ItemScore,
    Need,
    ThemeScore,
)
from capdev.diagnose.summaries import summary_rows
from capdev.monitor.models import CapacityFact
from capdev.plan.models import FundingSource
from capdev.test import make_world

pytestmark = pytest.mark.django_db

SMALL = demo_large.Volume(assessed_share=1.0, assessments=150, activities=40, participations=1_000)
G = ConstituentGroup


@pytest.fixture(scope="module")
def ten_years(django_db_setup, django_db_blocker):
    """Generated once for the module, inside a transaction rolled back after it (each test
    runs in a savepoint of its own)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        load_instruments()
        FundingSource.objects.create(name="Regular budget (test)", kind="regular_budget")
        unions, employers = world.organisations["KE-wrk"], world.organisations["KE-emp"]
        Membership.objects.create(
            organisation=unions, year=2019, members=10_000, women_members=4_000
        )
        Membership.objects.create(organisation=employers, year=2019, members=500)
        Membership.objects.create(organisation=employers, year=2018, members=480)
        # every country of the world has its country office, as in the demo
        office = Office.objects.create(name="Country Office for TH (test)", kind="country_office")
        office.countries.set([world.countries["TH"]])
        steps: list[tuple[int, int]] = []
        result = demo_large.add_ten_years(
            random.Random(5),
            list(Organisation.objects.order_by("pk")),
            list(Office.objects.order_by("pk")),
            progress=lambda done, total: steps.append((done, total)),
            volume=SMALL,
        )
        yield world, result, steps
        transaction.set_rollback(True)


def test_every_tripartite_constituent_is_assessed_over_the_ten_years(ten_years):
    world, result, _ = ten_years
    assessed = set(Assessment.objects.values_list("organisation__name", flat=True))
    tripartite = {o.name for o in world.organisations.values() if o.group != G.OTHER}
    assert assessed == tripartite  # 15: no women's-rights group (group "other")
    assert result.assessments == Assessment.objects.count() >= 150 - 15
    days = Assessment.objects.values_list("date", flat=True)
    assert min(days) >= date(2016, 1, 1)
    assert max(days) <= date(2025, 6, 30)
    years = {d.year for d in days}
    assert years == set(range(2016, 2026))


def test_only_an_organisations_latest_recent_assessment_may_be_a_draft(ten_years):
    _, result, _ = ten_years
    latest = {}
    for pk, organisation, day in Assessment.objects.order_by("date").values_list(
        "pk", "organisation", "date"
    ):
        latest[organisation] = (pk, day)
    drafts = Assessment.objects.filter(status=Assessment.Status.DRAFT)
    assert drafts.count() == result.drafts
    for draft in drafts:
        assert latest[draft.organisation_id][0] == draft.pk
        assert draft.date >= date(2024, 7, 1)
        assert draft.submitted_at is None and draft.validated_at is None


def test_item_scores_and_summaries_are_those_the_app_would_write(ten_years):
    _, result, _ = ten_years
    assert ItemScore.objects.count() == result.item_scores
    assert (
        AreaScore.objects.count() + CellScore.objects.count() + ThemeScore.objects.count()
        == result.summaries
    )
    items: dict[int, list[Item]] = defaultdict(list)
    for item in Item.objects.order_by("position"):
        items[item.version_id].append(item)
    scores: dict[int, dict[int, int | None]] = defaultdict(dict)
    for assessment, item, score in ItemScore.objects.values_list("assessment", "item", "score"):
        scores[assessment][item] = score
    for assessment in Assessment.objects.select_related("organisation"):
        fresh = Assessment(pk=assessment.pk)
        rows = summary_rows(
            fresh,
            items[assessment.version_id],
            scores[assessment.pk],
            assessment.organisation.group,
        )
        assert (fresh.answered, fresh.item_count, fresh.score_percent, fresh.score_mean) == (
            assessment.answered,
            assessment.item_count,
            assessment.score_percent,
            assessment.score_mean,
        )
        assert fresh.answered == len(scores[assessment.pk]) > 0
        assert {(r.area_id, r.answered, r.total, r.percent, r.mean) for r in rows.areas} == set(
            AreaScore.objects.filter(assessment=assessment).values_list(
                "area", "answered", "total", "percent", "mean"
            )
        )
        assert {(r.level, r.type, r.percent) for r in rows.cells} == set(
            CellScore.objects.filter(assessment=assessment).values_list("level", "type", "percent")
        )
        assert {(r.theme, r.percent) for r in rows.themes} == set(
            ThemeScore.objects.filter(assessment=assessment).values_list("theme", "percent")
        )


def test_scores_drift_upward_over_the_years(ten_years):
    def mean_percent(first: int, last: int) -> Decimal:
        percents = Assessment.objects.filter(
            date__year__gte=first, date__year__lte=last, score_percent__isnull=False
        ).values_list("score_percent", flat=True)
        return sum(percents) / len(percents)

    # the latent capacity drifts about 3.5 points a year: eight years apart, well over 10
    assert mean_percent(2024, 2025) - mean_percent(2016, 2017) > 10


def test_needs_come_from_the_lowest_items_of_validated_joint_or_external_assessments(
    ten_years,
):
    _, result, _ = ten_years
    needs = Need.objects.select_related("assessment", "item")
    assert needs.count() == result.needs > 0
    by_assessment: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        assert need.assessment.status == Assessment.Status.VALIDATED
        assert need.assessment.mode != Assessment.Mode.SELF
        assert need.organisation_id == need.assessment.organisation_id
        by_assessment[need.assessment_id].append(need)

    def position(item: Item, score: int) -> float:
        return (score - item.scale_min) / (item.scale_max - item.scale_min)

    for assessment, marked in by_assessment.items():
        assert 2 <= len(marked) <= 3
        scored = {
            s.item_id: position(s.item, s.score)
            for s in ItemScore.objects.filter(assessment=assessment).select_related("item")
        }
        highest_need = max(scored[n.item_id] for n in marked)
        others = [p for pk, p in scored.items() if pk not in {n.item_id for n in marked}]
        assert min(others) >= highest_need


def test_membership_goes_back_to_2016_without_duplicating_a_year(ten_years):
    world, result, _ = ten_years
    unions, employers = world.organisations["KE-wrk"], world.organisations["KE-emp"]
    assert sorted(
        Membership.objects.filter(organisation=unions).values_list("year", flat=True)
    ) == [
        2016,
        2017,
        2018,
        2019,
        2024,
    ]
    employer_years = dict(
        Membership.objects.filter(organisation=employers).values_list("year", "members")
    )
    assert employer_years[2018] == 480  # the figure already there is kept
    assert sorted(employer_years) == [2016, 2017, 2018, 2019]
    assert result.memberships == 5  # 3 for the unions, 2 for the employers
    figure = Membership.objects.get(organisation=unions, year=2018)
    assert 10_000 / 1.08 <= figure.members <= 10_000 / 0.95 + 1
    assert figure.women_members < figure.members


def test_activities_have_participants_from_their_beneficiaries(ten_years):
    _, result, _ = ten_years
    assert Activity.objects.count() == result.activities == 40
    assert Participation.objects.count() == result.participations
    assert Person.objects.count() == result.people
    assert 500 <= result.participations <= 2_000
    assert result.people < result.participations  # some people come back
    for activity in Activity.objects.prefetch_related("beneficiaries", "countries"):
        assert activity.start >= date(2016, 1, 1) and activity.end <= date(2026, 3, 31)
        (country,) = activity.countries.all()
        beneficiaries = set(activity.beneficiaries.all())
        assert beneficiaries and all(o.country_id == country.pk for o in beneficiaries)
        people = Person.objects.filter(participations__activity=activity)
        if activity.status != Activity.Status.HELD:
            assert not people.exists()
            continue
        assert activity.end <= date(2025, 6, 30)
        assert {p.organisation for p in people} <= beneficiaries
        assert activity.target_groups == sorted({o.group for o in beneficiaries})


def test_bulk_rows_carry_no_history_and_ids_continue_after_them(ten_years):
    world, _, _ = ten_years
    for model in (Assessment, ItemScore, Need, Activity, Person, Participation, Membership):
        history = model.history.all()
        # make_world's one membership figure and the fixture's three were saved normally
        assert history.count() == (4 if model is Membership else 0), model
    # the database's own id sequences were moved past the ids the generator gave
    version = Assessment.objects.values_list("version", flat=True).first()
    later = Assessment.objects.create(
        organisation=world.organisations["KE-gov"],
        version_id=version,
        date=date(2025, 7, 1),
        mode=Assessment.Mode.SELF,
    )
    assert later.pk > Assessment.objects.exclude(pk=later.pk).order_by("-pk")[0].pk
    person = Person.objects.create(
        key="new.person@example.org",
        name="New Person",
        sex="female",
        country=Country.objects.first(),
    )
    assert person.pk == Person.objects.order_by("-pk")[0].pk


def test_dashboard_facts_are_rebuilt_and_progress_reaches_the_end(ten_years):
    _, result, steps = ten_years
    counted = Assessment.objects.exclude(status=Assessment.Status.DRAFT)
    facts = CapacityFact.objects.filter(dimension=CapacityFact.OVERALL)
    assert result.capacity_facts == CapacityFact.objects.count()
    assert set(facts.values_list("assessment", flat=True)) == set(
        counted.values_list("pk", flat=True)
    )
    assert steps[-1][0] == steps[-1][1]
    assert all(a[0] <= b[0] for a, b in zip(steps, steps[1:], strict=False))
    assert set(result.seconds) == {
        "assessments",
        "activities",
        "memberships",
        "dashboards",
        "foreign keys",
        "statistics",
    }


def test_reset_deletes_the_bulk_rows_and_keeps_the_rest(ten_years):
    world, _, _ = ten_years
    other = Activity.objects.create(
        title="Workshop entered by hand",
        kind=Activity.Kind.WORKSHOP,
        start=date(2024, 5, 1),
        end=date(2024, 5, 2),
        place="Nairobi",
        office=world.offices["a"],
    )
    other.countries.set([world.countries["KE"]])
    demo_large.reset()
    assert list(Activity.objects.all()) == [other]
    assert other.countries.count() == 1
    assert not Participation.objects.exists() and not Person.objects.exists()
    assert not CapacityFact.objects.exists()
    assert sorted(Membership.objects.values_list("year", flat=True)) == [2019, 2019, 2024]
