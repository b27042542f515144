"""Every figure of the capacity dashboards, recomputed here from the raw rows.

The world's fifteen tripartite constituents (capdev.test) are assessed through the diagnose
services, with a seeded random generator, one to three times over 2018–2025, on an
instrument whose items have different weights and scales and one item asked of workers'
organisations only; a few assessments stay drafts and must not count. The expected figures
are computed from ItemScore, Item and Assessment rows by the plain rule written below, never
from CapacityFact or the diagnose summaries the dashboards read.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from capdev.core.models import TRIPARTITE_GROUPS, Membership, Organisation
from capdev.diagnose import services
from capdev.diagnose.models import Assessment, Item, ItemScore
from capdev.diagnose.services import ScoreEntry
from capdev.diagnose.tests.workbooks import published_version
from capdev.monitor import capacity
from capdev.monitor.dashboards import CapacityFilters, capacity_dashboard, country_dashboard
from capdev.monitor.models import CapacityFact
from capdev.test import make_world

CENT = Decimal("0.01")
TODAY = date.today()


@pytest.fixture(scope="module")
def _assessed(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield _assess(make_world())
        transaction.set_rollback(True)


@pytest.fixture
def assessed(_assessed, db):
    """The world with assessments; each test's changes are rolled back after it."""
    return _assessed


def _assess(world):
    """Assess the world's organisations through the services; add membership figures."""
    version = published_version()
    items = {item.name: item for item in version.items.all()}
    # Another scale (0–5) and an item asked of workers' organisations only.
    osh = items["sd_osh"]
    osh.scale = [{"value": v, "label": {"en": str(v)}} for v in range(6)]
    osh.save()
    skills = items["lead_skills"]
    skills.groups = ["workers"]
    skills.save()
    rng = random.Random(51006)
    for _key, organisation in sorted(world.organisations.items()):
        if rng.random() < 0.15:
            continue  # never assessed
        years = sorted(rng.sample(range(2018, 2026), rng.randint(1, 3)))
        for n, year in enumerate(years):
            assessment = services.assessment_create(
                user=None,
                data={
                    "organisation": organisation,
                    "version": version,
                    "date": date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    "mode": "self",
                    "office": None,
                },
            )
            entries = []
            for item in items.values():
                if not item.applies_to(organisation.group):
                    continue
                if not item.required and rng.random() < 0.25:
                    continue
                entries.append(ScoreEntry(item.name, rng.randint(item.scale_min, item.scale_max)))
            services.scores_save(user=None, assessment=assessment, entries=entries)
            if n == len(years) - 1 and rng.random() < 0.2:
                continue  # a draft: not counted
            services.assessment_submit(user=None, assessment=assessment)
        if organisation.group != "government":
            for year in (2023, 2024, 2025):
                women = rng.randint(100, 900) if rng.random() < 0.7 else None
                Membership.objects.update_or_create(
                    organisation=organisation,
                    year=year,
                    defaults={"members": rng.randint(1000, 5000), "women_members": women},
                )
    return world


# --- the plain rule, from raw rows ---------------------------------------------------------


def raw_percents(dimension: str = "") -> dict[int, Decimal]:
    """Assessment id → weighted position on the scale (%) of its scored items in
    `dimension`, rounded to cents as recorded, for submitted and validated assessments."""
    items = {item.pk: item for item in Item.objects.all()}
    scores = defaultdict(dict)
    for assessment, item, score in ItemScore.objects.values_list("assessment", "item", "score"):
        scores[assessment][item] = score
    result = {}
    for assessment in Assessment.objects.exclude(status="draft").select_related("organisation"):
        weighted, weights = Decimal(0), Decimal(0)
        for item_id, score in scores[assessment.pk].items():
            item = items[item_id]
            if score is None or (item.groups and assessment.organisation.group not in item.groups):
                continue
            if dimension.startswith("cell:") and dimension != f"cell:{item.level}:{item.type}":
                continue
            if dimension.startswith("theme:") and dimension != f"theme:{item.theme}":
                continue
            low, high = item.scale[0]["value"], item.scale[-1]["value"]
            weighted += item.weight * Decimal(100 * (score - low)) / (high - low)
            weights += item.weight
        if weights:
            result[assessment.pk] = (weighted / weights).quantize(CENT, ROUND_HALF_UP)
    return result


def raw_histories(organisations, dimension: str = "", as_of: int | None = None):
    """Organisation → its counted (date, percent) in date order."""
    percents = raw_percents(dimension)
    histories = defaultdict(list)
    for assessment in Assessment.objects.filter(pk__in=percents, organisation__in=organisations):
        if as_of and assessment.date.year > as_of:
            continue
        histories[assessment.organisation_id].append(
            (assessment.date, assessment.pk, percents[assessment.pk])
        )
    return {o: sorted(h) for o, h in histories.items()}


def avg(values) -> Decimal | None:
    values = list(values)
    return (sum(values) / len(values)).quantize(CENT, ROUND_HALF_UP) if values else None


def expected_comparison(histories: dict) -> dict:
    cohort = {o: h for o, h in histories.items() if len(h) > 1}
    return {
        "assessed": len(histories),
        "cohort": len(cohort),
        "latest_mean": avg(h[-1][2] for h in histories.values()),
        "cohort_baseline_mean": avg(h[0][2] for h in cohort.values()),
        "cohort_latest_mean": avg(h[-1][2] for h in cohort.values()),
        "improved": sum(1 for h in cohort.values() if h[-1][2] > h[0][2]),
        "declined": sum(1 for h in cohort.values() if h[-1][2] < h[0][2]),
    }


def actual_comparison(row) -> dict:
    return {name: getattr(row, name) for name in expected_comparison({})}


def visible(world, persona: str, **place) -> list[Organisation]:
    """The organisations a persona's grant reaches, written down from the world's facts."""
    orgs = world.organisations
    reach = {
        "hq": set(orgs),
        "office_a": {k for k in orgs if k[:2] in ("KE", "UG")},
        "office_b": {k for k in orgs if k[:2] in ("FR", "DE")},
        "focal": {"KE-gov"},
        "workers": {k for k in orgs if k.endswith("-wrk")},
        "viewer": {k for k in orgs if k.startswith("TH")},
        "evaluator": set(orgs),
    }[persona]
    chosen = [orgs[k] for k in sorted(reach)]
    if "group" in place:
        chosen = [o for o in chosen if o.group == place["group"]]
    if "region" in place:
        chosen = [o for o in chosen if o.country.region.code == place["region"]]
    return chosen


CASES = [
    ("hq", {}, ""),
    ("hq", {"region": "AFRICA"}, ""),
    ("hq", {"group": "workers"}, "cell:organisational:technical"),
    ("hq", {"region": "EUROPE_CENTRAL_ASIA", "group": "employers"}, "theme:leadership"),
    ("office_a", {}, ""),
    ("office_a", {"group": "government"}, "cell:individual:functional"),
    ("office_b", {}, "cell:organisational:functional"),
    ("focal", {}, ""),
    ("workers", {}, "theme:osh"),
    ("viewer", {}, ""),
    ("evaluator", {"group": "employers"}, ""),
]


@pytest.mark.parametrize("persona,place,dimension", CASES)
def test_baseline_latest_cohort_and_change_match_the_raw_scores(
    assessed, persona, place, dimension
):
    world = assessed
    histories = raw_histories(visible(world, persona, **place), dimension)
    dashboard = capacity_dashboard(
        world.users[persona], CapacityFilters(dimension=dimension, **place)
    )
    assert actual_comparison(dashboard.overall) == expected_comparison(histories)
    groups = {o.pk: o.group for o in Organisation.objects.all()}
    by_group = {
        g: {o: h for o, h in histories.items() if groups[o] == g}
        for g in [*TRIPARTITE_GROUPS, "other"]
    }
    assert {row.key: actual_comparison(row) for row in dashboard.by_group} == {
        g: expected_comparison(h) for g, h in by_group.items() if h
    }
    if persona == "hq" and not place:
        assert dashboard.overall.cohort > 3  # the fixture does exercise change


@pytest.mark.parametrize("persona,place,dimension", CASES)
def test_places_trend_and_distribution_match_the_raw_scores(assessed, persona, place, dimension):
    world = assessed
    organisations = visible(world, persona, **place)
    histories = raw_histories(organisations, dimension)
    dashboard = capacity_dashboard(
        world.users[persona], CapacityFilters(dimension=dimension, **place)
    )
    place_of = {
        o.pk: (o.country.iso_alpha3 if place.get("region") else o.country.region.code)
        for o in organisations
    }
    by_place = defaultdict(dict)
    for organisation, history in histories.items():
        by_place[place_of[organisation]][organisation] = history
    assert {row.key: actual_comparison(row) for row in dashboard.by_place} == {
        key: expected_comparison(h) for key, h in by_place.items()
    }
    per_year = defaultdict(list)
    for organisation, history in histories.items():
        for day, _pk, percent in history:
            per_year[day.year].append((organisation, percent))
    assert [(p.year, p.assessments, p.organisations, p.mean) for p in dashboard.trend] == [
        (year, len(rows), len({o for o, _ in rows}), avg(p for _, p in rows))
        for year, rows in sorted(per_year.items())
    ]
    changes = [h[-1][2] - h[0][2] for h in histories.values() if len(h) > 1]
    bins = defaultdict(int)
    for change in changes:
        bins[math.floor(float(change) / 5) * 5] += 1  # −7 is in the bar from −10 to −5
    expected_bins = (
        [(low, bins.get(low, 0)) for low in range(min(bins), max(bins) + 1, 5)] if bins else []
    )
    assert [(b.low, b.organisations) for b in dashboard.distribution] == expected_bins
    assert sum(b.organisations for b in dashboard.distribution) == len(changes)


@pytest.mark.parametrize("persona,place,dimension", CASES)
def test_data_quality_flags_match_the_raw_rows(assessed, persona, place, dimension):
    world = assessed
    organisations = visible(world, persona, **place)
    histories = raw_histories(organisations, dimension)
    dashboard = capacity_dashboard(
        world.users[persona], CapacityFilters(dimension=dimension, **place)
    )
    quality = dashboard.quality
    tripartite = {o.pk for o in organisations if o.group in TRIPARTITE_GROUPS}
    assert quality.organisations == len(tripartite)
    assert quality.missing == len(tripartite - set(histories))
    # the flags count tripartite organisations only
    histories = {o: h for o, h in histories.items() if o in tripartite}
    limit = TODAY.replace(year=TODAY.year - 3) if (TODAY.month, TODAY.day) != (2, 29) else None
    assert quality.stale == sum(1 for h in histories.values() if h[-1][0] < limit)
    # incomplete: under 80% of the latest assessment's items (in the dimension) scored
    answered_share = {}
    items = list(Item.objects.all())
    for organisation, history in histories.items():
        latest = Assessment.objects.select_related("organisation").get(pk=history[-1][1])
        asked = [i for i in items if i.applies_to(latest.organisation.group) and _in(dimension, i)]
        scored = ItemScore.objects.filter(
            assessment=latest, item__in=asked, score__isnull=False
        ).count()
        answered_share[organisation] = scored >= 0.8 * len(asked)
    assert quality.incomplete == sum(1 for ok in answered_share.values() if not ok)
    changes = [float(h[-1][2] - h[0][2]) for h in histories.values() if len(h) > 1]
    assert quality.outliers == len(modified_z_outliers(changes))


def modified_z_outliers(changes: list[float]) -> list[float]:
    """Iglewicz and Hoaglin's rule, written out: |x − median| / (MAD / 0.6745) > 3.5, with
    1.253314 × the mean absolute deviation in place of MAD / 0.6745 when MAD is 0."""
    if len(changes) < 3:
        return []
    ordered = sorted(changes)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    deviations = sorted(abs(c - median) for c in changes)
    mad = (
        deviations[middle]
        if len(deviations) % 2
        else (deviations[middle - 1] + deviations[middle]) / 2
    )
    scale = mad / 0.6745 if mad else 1.253314 * sum(deviations) / len(deviations)
    return [c for c in changes if scale and abs(c - median) / scale > 3.5]


def test_one_leap_among_ten_organisations_is_an_outlier():
    """A rule on the mean and standard deviation could never flag it (z ≤ √(n − 1) = 3)."""
    from capdev.monitor.dashboards import Pair, outliers

    def pair(n: int, change: int) -> Pair:
        day = date(2020, 1, 1)
        return Pair(n, "workers", 1, 1, Decimal(40), day, Decimal(40 + change), day, 2, True)

    cohort = [pair(n, change) for n, change in enumerate([2, 3, 4, 5, 5, 6, 7, 8, 9, 100])]
    assert [p.organisation_id for p in outliers(cohort)] == [9]
    assert modified_z_outliers([2, 3, 4, 5, 5, 6, 7, 8, 9, 100]) == [100]
    assert outliers([pair(n, 5) for n in range(9)] + [pair(9, 30)])[0].organisation_id == 9
    assert outliers([pair(n, 5) for n in range(10)]) == []


def _in(dimension: str, item: Item) -> bool:
    if dimension.startswith("cell:"):
        return dimension == f"cell:{item.level}:{item.type}"
    if dimension.startswith("theme:"):
        return dimension == f"theme:{item.theme}"
    return True


@pytest.mark.parametrize("persona", ["hq", "office_a", "workers", "focal"])
def test_membership_trend_adds_members_and_shares_women_from_counts(assessed, persona):
    world = assessed
    organisations = [o for o in visible(world, persona) if o.group in ("workers", "employers")]
    dashboard = capacity_dashboard(world.users[persona], CapacityFilters())
    expected = defaultdict(lambda: [0, 0, 0, 0])
    for figure in Membership.objects.filter(organisation__in=organisations):
        row = expected[(figure.year, figure.organisation.group)]
        row[0] += 1
        row[1] += figure.members
        if figure.women_members is not None:
            row[2] += figure.women_members
            row[3] += figure.members
    assert {
        (p.year, p.group): [p.organisations, p.members, p.women_members, p.members_reporting_women]
        for p in dashboard.membership
    } == dict(expected)
    for point in dashboard.membership:
        if point.members_reporting_women:
            share = Decimal(100 * point.women_members) / point.members_reporting_women
            assert point.women_share == share.quantize(CENT, ROUND_HALF_UP)


def test_as_of_a_year_leaves_later_assessments_out(assessed):
    world = assessed
    organisations = visible(world, "hq")
    histories = raw_histories(organisations, as_of=2022)
    dashboard = capacity_dashboard(world.users["hq"], CapacityFilters(as_of=2022))
    assert actual_comparison(dashboard.overall) == expected_comparison(histories)
    assert max(p.year for p in dashboard.trend) <= 2022


def test_the_country_dashboard_shows_each_constituent_by_grid_cell(assessed):
    world = assessed
    kenya = world.countries["KE"]
    dashboard = country_dashboard(world.users["hq"], kenya, CapacityFilters())
    assert [row.organisation.pk for row in dashboard.constituents] == [
        world.organisations[k].pk for k in ("KE-gov", "KE-emp", "KE-wrk")
    ]
    for row in dashboard.constituents:
        overall = raw_histories([row.organisation]).get(row.organisation.pk)
        if overall is None:
            assert row.overall is None
        else:
            assert (row.overall.baseline, row.overall.latest, row.overall.assessments) == (
                overall[0][2],
                overall[-1][2],
                len(overall),
            )
        for cell, move in zip(
            [
                "cell:individual:technical",
                "cell:individual:functional",
                "cell:organisational:technical",
                "cell:organisational:functional",
                "cell:enabling_environment:technical",
                "cell:enabling_environment:functional",
            ],
            row.cells,
            strict=True,
        ):
            history = raw_histories([row.organisation], cell).get(row.organisation.pk)
            assert (move and (move.baseline, move.latest)) == (
                history and (history[0][2], history[-1][2])
            )
    focal = country_dashboard(world.users["focal"], kenya, CapacityFilters())
    assert [row.organisation.pk for row in focal.constituents] == [world.organisations["KE-gov"].pk]


# --- the facts stay in step with what is written -------------------------------------------


def _facts() -> set[tuple]:
    return set(
        CapacityFact.objects.values_list(
            "assessment_id", "dimension", "percent", "sequence", "latest", "complete", "group"
        )
    )


def assert_facts_equal_a_rebuild() -> None:
    facts = _facts()
    capacity.rebuild_all()
    assert _facts() == facts


def test_incremental_facts_equal_a_full_rebuild(assessed):
    incremental = _facts()
    assert incremental
    capacity.rebuild_all()
    assert _facts() == incremental


def test_scoring_reopening_deleting_and_moving_update_the_dashboard(assessed):
    world = assessed
    hq = world.users["hq"]
    before = capacity_dashboard(hq, CapacityFilters())
    latest = (
        Assessment.objects.exclude(status="draft")
        .filter(organisation__group="employers")
        .order_by("-date")
        .first()
    )
    services.assessment_reopen(user=world.users["hq"], assessment=latest)
    reopened = capacity_dashboard(hq, CapacityFilters())
    assert reopened.trend != before.trend  # a draft again: no longer counted
    assert_facts_equal_a_rebuild()
    item = latest.version.items.get(name="sd_bargaining")
    services.score_save(user=None, assessment=latest, item=item, score=1)
    services.assessment_submit(user=None, assessment=latest)
    assert_facts_equal_a_rebuild()
    organisation = latest.organisation
    organisation.group = "workers"
    organisation.save()
    assert set(
        CapacityFact.objects.filter(organisation=organisation).values_list("group", flat=True)
    ) == {"workers"}
    Assessment.objects.get(pk=latest.pk).delete()  # as the admin site would
    assert not CapacityFact.objects.filter(assessment_id=latest.pk).exists()
    assert_facts_equal_a_rebuild()


# --- pages and API show the same figures ---------------------------------------------------


def test_the_page_and_the_api_show_the_selectors_figures(assessed):
    world = assessed
    client = Client()
    client.force_login(world.users["office_a"])
    dashboard = capacity_dashboard(world.users["office_a"], CapacityFilters(group="workers"))
    page = client.get("/monitor/?group=workers")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-figure="assessed">{dashboard.overall.assessed}<' in html
    assert f'data-figure="cohort">{dashboard.overall.cohort}<' in html
    api = client.get("/api/dashboards/global/?group=workers").json()
    assert api["overall"]["assessed"] == dashboard.overall.assessed
    assert api["overall"]["cohort_latest_mean"] == (
        None
        if dashboard.overall.cohort_latest_mean is None
        else str(dashboard.overall.cohort_latest_mean)
    )
    assert [row["year"] for row in api["trend"]] == [p.year for p in dashboard.trend]
    country = client.get("/api/dashboards/countries/KEN/").json()
    assert [c["name"] for c in country["constituents"]] == [
        world.organisations[k].name for k in ("KE-gov", "KE-emp", "KE-wrk")
    ]
    assert client.get("/api/dashboards/countries/XXX/").status_code == 404
    refused = client.get("/api/dashboards/global/?group=nobody&dimension=cell:x")
    assert refused.status_code == 400
    assert set(refused.json()) == {"group", "dimension"}
    assert client.get("/monitor/?region=NOWHERE").status_code == 400


def test_every_figure_links_to_the_organisations_behind_it(assessed):
    world = assessed
    client = Client()
    client.force_login(world.users["hq"])
    dashboard = capacity_dashboard(world.users["hq"], CapacityFilters(region="AFRICA"))
    expected = {
        "assessed": dashboard.overall.assessed,
        "cohort": dashboard.overall.cohort,
        "improved": dashboard.overall.improved,
        "declined": dashboard.overall.declined,
        "missing": dashboard.quality.missing,
        "stale": dashboard.quality.stale,
        "incomplete": dashboard.quality.incomplete,
        "outliers": dashboard.quality.outliers,
    }
    for subset, count in expected.items():
        page = client.get(f"/monitor/capacity/organisations/?region=AFRICA&subset={subset}")
        assert page.status_code == 200
        assert page.context["total"] == count, subset
        names = {o.name for o, _pair in page.context["page"].object_list}
        assert all(Organisation.objects.get(name=n).country.region.code == "AFRICA" for n in names)
    assert client.get("/monitor/capacity/organisations/?subset=everyone").status_code == 400


def test_the_dashboard_reads_a_fixed_number_of_queries(assessed, django_assert_max_num_queries):
    world = assessed
    with django_assert_max_num_queries(12):
        capacity_dashboard(world.users["office_a"], CapacityFilters())


def test_a_country_outside_the_readers_scope_has_no_dashboard(assessed):
    world = assessed
    client = Client()
    client.force_login(world.users["office_a"])  # Kenya and Uganda
    assert client.get("/monitor/countries/KEN/").status_code == 200
    assert client.get("/monitor/countries/FRA/").status_code == 404
    assert client.get("/api/dashboards/countries/FRA/").status_code == 404
    client.force_login(world.users["focal"])  # the Kenyan ministry
    assert client.get("/api/dashboards/countries/KEN/").status_code == 200
    assert client.get("/api/dashboards/countries/UGA/").status_code == 404


def test_the_country_dashboard_stops_at_its_as_of_year(assessed):
    world = assessed
    for iso in ("KE", "UG", "FR", "DE"):
        country = world.countries[iso]
        organisations = [o for o in world.organisations.values() if o.country_id == country.pk]
        histories = raw_histories(organisations, as_of=2021)
        dashboard = country_dashboard(world.users["hq"], country, CapacityFilters(as_of=2021))
        assert actual_comparison(dashboard.capacity.overall) == expected_comparison(histories)
        assert all(p.year <= 2021 for p in dashboard.capacity.trend)
        for row in dashboard.constituents:
            history = histories.get(row.organisation.pk)
            assert (row.overall and (row.overall.baseline, row.overall.latest)) == (
                history and (history[0][2], history[-1][2])
            )


def test_moving_a_country_to_another_region_moves_its_facts(assessed):
    from capdev.core.models import Region

    world = assessed
    kenya = world.countries["KE"]
    assert CapacityFact.objects.filter(country=kenya).exists()
    kenya.region = Region.objects.get(code="ARAB_STATES")
    kenya.save()
    assert set(
        CapacityFact.objects.filter(country=kenya).values_list("region__code", flat=True)
    ) == {"ARAB_STATES"}
    assert_facts_equal_a_rebuild()


def test_an_assessment_moved_to_another_organisation_takes_its_facts(assessed):
    world = assessed
    moved = Assessment.objects.exclude(status="draft").order_by("pk").first()
    before, after = moved.organisation, world.organisations["TH-gov"]
    moved.organisation = after
    moved.save()
    assert not CapacityFact.objects.filter(organisation=before, assessment=moved).exists()
    assert CapacityFact.objects.filter(organisation=after, assessment=moved).exists()
    assert_facts_equal_a_rebuild()


def test_scoring_a_draft_rewrites_no_fact(assessed):
    world = assessed
    version = Assessment.objects.first().version
    draft = services.assessment_create(
        user=None,
        data={
            "organisation": world.organisations["TH-emp"],
            "version": version,
            "date": date(2025, 5, 5),
            "mode": "self",
            "office": None,
        },
    )
    item = version.items.get(name="sd_bargaining")
    with CaptureQueriesContext(connection) as queries:
        services.score_save(user=None, assessment=draft, item=item, score=3)
    table = CapacityFact._meta.db_table
    assert not [q["sql"] for q in queries if table in q["sql"] and "DELETE" in q["sql"]]
    assert not CapacityFact.objects.filter(assessment=draft).exists()
