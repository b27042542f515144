"""The diagnose part of the demo dataset (seeded once for the module: it takes seconds)."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from capdev.core import demo as core_demo
from capdev.core.models import ConstituentGroup, Organisation
from capdev.diagnose import demo
from capdev.diagnose.models import (
    AreaScore,
    Assessment,
    CellScore,
    Instrument,
    InstrumentVersion,
    Item,
    ItemScore,
    Need,
    Participant,
    Sex,
    ThemeScore,
)
from capdev.diagnose.summaries import tally

TRIPARTITE = [ConstituentGroup.GOVERNMENT, ConstituentGroup.WORKERS, ConstituentGroup.EMPLOYERS]


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
def assessments(seeded, db):
    return list(Assessment.objects.select_related("version__instrument", "organisation"))


def test_it_loads_and_publishes_every_builtin_instrument_workbook(seeded, db):
    files = sorted(path.name for path in demo.INSTRUMENTS_DIR.glob("*.xlsx"))
    versions = InstrumentVersion.objects.select_related("instrument")
    assert sorted(v.source_name for v in versions) == files
    assert all(v.is_published and v.instrument.builtin for v in versions)
    assert Instrument.objects.count() == len(files)
    assert set(Instrument.objects.values_list("code", flat=True)) == {
        "institutional_capacity",
        "workers_organisations",
        "employers_organisations",
        "labour_administration_audit",
    }


def _assessable(organisation: Organisation, groups_of: dict[str, list[str]]) -> bool:
    return any(
        code in groups_of and organisation.group in (groups_of[code] or TRIPARTITE)
        for code in demo.instrument_codes_for(organisation)
    )


def test_about_four_in_ten_constituents_have_a_baseline_and_half_of_them_a_follow_up(
    seeded, assessments
):
    groups_of = dict(Instrument.objects.values_list("code", "groups"))
    assessable = sum(
        _assessable(organisation, groups_of)
        for organisation in Organisation.objects.filter(group__in=TRIPARTITE)
    )
    by_organisation: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in sorted(assessments, key=lambda a: a.date):
        by_organisation[assessment.organisation_id].append(assessment)
    assert 0.3 * assessable <= len(by_organisation) <= 0.5 * assessable
    follow_ups = [pair for pair in by_organisation.values() if len(pair) == 2]
    assert 0.35 * len(by_organisation) <= len(follow_ups) <= 0.65 * len(by_organisation)
    assert all(len(pair) <= 2 for pair in by_organisation.values())
    assert f", {len(assessments)} assessments and " in seeded
    for baseline, follow_up in follow_ups:
        assert baseline.version.instrument == follow_up.version.instrument
        assert 2019 <= baseline.date.year <= 2022
        assert 700 <= (follow_up.date - baseline.date).days <= 3 * 366
    improved = sum(b.score_percent < f.score_percent for b, f in follow_ups if f.score_percent)
    declined = sum(b.score_percent > f.score_percent for b, f in follow_ups if f.score_percent)
    assert improved >= 0.6 * len(follow_ups)
    assert declined > 0 or not follow_ups
    for assessment in assessments:
        assert assessment.organisation.group in TRIPARTITE
        codes = demo.instrument_codes_for(assessment.organisation)
        assert assessment.version.instrument.code in codes


def test_every_assessment_is_labelled_synthetic_with_participants(seeded, assessments):
    assert {(a.source, a.notes) for a in assessments} <= {(Assessment.Source.DEMO, demo.NOTES)}
    counts = defaultdict(int)
    for assessment_id in Participant.objects.values_list("assessment", flat=True):
        counts[assessment_id] += 1
    assert all(2 <= counts[a.pk] <= 6 for a in assessments)
    if assessments:
        sexes = set(Participant.objects.values_list("sex", flat=True))
        assert {Sex.FEMALE, Sex.MALE} <= sexes
        assert {a.status for a in assessments} == set(Assessment.Status)
        assert {a.mode for a in assessments} == set(Assessment.Mode)


def test_summaries_match_a_recomputation_and_only_drafts_miss_required_items(seeded, assessments):
    items_of = defaultdict(list)
    for item in Item.objects.all():
        items_of[item.version_id].append(item)
    scores_of: dict[int, dict[int, int | None]] = defaultdict(dict)
    for assessment_id, item_id, score in ItemScore.objects.values_list(
        "assessment", "item", "score"
    ):
        scores_of[assessment_id][item_id] = score
    areas = defaultdict(dict)
    for row in AreaScore.objects.all():
        areas[row.assessment_id][row.area_id] = (row.answered, row.total, row.mean, row.percent)
    themes = defaultdict(dict)
    for row in ThemeScore.objects.all():
        themes[row.assessment_id][row.theme] = (row.answered, row.total, row.mean, row.percent)
    cells = defaultdict(dict)
    for row in CellScore.objects.all():
        cells[row.assessment_id][(row.level, row.type)] = (
            row.answered,
            row.total,
            row.mean,
            row.percent,
        )
    for assessment in assessments:
        items = items_of[assessment.version_id]
        scores = scores_of[assessment.pk]
        for item in items:
            score = scores.get(item.pk)
            assert score is None or item.scale_min <= score <= item.scale_max
        tallies = tally(items, scores, assessment.organisation.group)
        overall, by_area, by_cell = tallies.overall, tallies.areas, tallies.cells
        if assessment.status != Assessment.Status.DRAFT:
            assert overall.required_missing == 0
        assert (
            assessment.item_count,
            assessment.answered,
            assessment.required_missing,
            assessment.score_mean,
            assessment.score_percent,
        ) == (
            overall.total,
            overall.answered,
            overall.required_missing,
            overall.mean,
            overall.percent,
        )
        assert areas[assessment.pk] == {
            k: (t.answered, t.total, t.mean, t.percent) for k, t in by_area.items()
        }
        assert cells[assessment.pk] == {
            k: (t.answered, t.total, t.mean, t.percent) for k, t in by_cell.items()
        }
        assert themes[assessment.pk] == {
            k: (t.answered, t.total, t.mean, t.percent) for k, t in tallies.themes.items()
        }


def test_validated_assessments_yield_needs_from_their_lowest_scored_items(seeded, assessments):
    needs = list(Need.objects.select_related("item"))
    assert f" assessments and {len(needs)} needs (scale small" in seeded
    items_of = defaultdict(list)
    for item in Item.objects.all():
        items_of[item.version_id].append(item)
    scores_of: dict[int, dict[int, int | None]] = defaultdict(dict)
    for assessment_id, item_id, score in ItemScore.objects.values_list(
        "assessment", "item", "score"
    ):
        scores_of[assessment_id][item_id] = score
    marked_of = defaultdict(list)
    for need in needs:
        if need.assessment_id:
            marked_of[need.assessment_id].append(need)
    for assessment in assessments:
        marked = marked_of[assessment.pk]
        if assessment.status != Assessment.Status.VALIDATED:
            assert marked == []
            continue
        assert 2 <= len(marked) <= 4
        scores = scores_of[assessment.pk]

        def position(item, scores=scores):
            return (scores[item.pk] - item.scale_min) / (item.scale_max - item.scale_min)

        audit = assessment.version.instrument.code == demo.AUDIT
        for need in marked:
            item = need.item
            assert item.version_id == assessment.version_id
            assert (need.organisation_id, need.title, need.area_id) == (
                assessment.organisation_id,
                item.label["en"][:200],
                item.area_id,
            )
            assert (need.level, need.type, need.theme) == (item.level, item.type, item.theme)
            assert need.source == (
                Need.Source.LABOUR_ADMIN_AUDIT if audit else Need.Source.ASSESSMENT
            )
            assert need.priority in (Need.Priority.HIGH, Need.Priority.MEDIUM)
        lowest = sorted(position(i) for i in items_of[assessment.version_id] if i.pk in scores)
        assert max(position(n.item) for n in marked) <= lowest[len(marked) - 1]
    assert {n.status for n in needs} == set(Need.Status)
    assert {Need.Source.PRIORITY_SETTING, Need.Source.REQUEST} <= {n.source for n in needs}
    assert sum(n.status == Need.Status.OPEN for n in needs) > len(needs) / 2


def test_the_demo_reset_removes_assessments_needs_and_builtin_instruments(seeded, db):
    core_demo.reset()
    for model in (Assessment, ItemScore, AreaScore, CellScore, Participant, Need):
        assert not model.objects.exists(), model
        history = getattr(model, "history", None)
        assert history is None or not history.exists(), model
    assert not Instrument.objects.filter(builtin=True).exists()
    assert not Instrument.history.exists()
    assert not Item.history.exists()
    assert not Organisation.objects.exists()
