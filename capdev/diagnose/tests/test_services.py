"""Services and selectors of the diagnose stage: instruments, assessments, summaries, needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capdev.diagnose import selectors, services
from capdev.diagnose.models import (
    Area,
    AreaScore,
    Assessment,
    CellScore,
    Instrument,
    InstrumentVersion,
    Item,
    ItemScore,
    Need,
)
from capdev.diagnose.tests import workbooks
from capdev.diagnose.tests.workbooks import DEFAULT_AREAS, published_version, workbook
from capdev.diagnose.xlsform import parse_xlsform

DAY = date(2024, 3, 1)
ALL_NAMES = ["lead_vision", "lead_skills", "sd_bargaining", "sd_osh"]


def items_of(version: InstrumentVersion) -> dict[str, Item]:
    return {item.name: item for item in version.items.all()}


def assess(version, organisation, *, user=None, mode="self", day=DAY, office=None) -> Assessment:
    return services.assessment_create(
        user=user,
        data={
            "organisation": organisation,
            "version": version,
            "date": day,
            "mode": mode,
            "office": office,
        },
    )


def score(assessment: Assessment, user=None, **scores: int | None) -> None:
    items = items_of(assessment.version)
    for name, value in scores.items():
        services.score_save(user=user, assessment=assessment, item=items[name], score=value)


def history_count() -> int:
    return sum(model.history.count() for model in (Instrument, InstrumentVersion, Area, Item))


def areas_with(n_areas: int, items_per_area: int = 2) -> list:
    return [
        (
            f"area{a}",
            [
                (f"item{a}_{i}", "", "organisational", "functional", "leadership", "1")
                for i in range(items_per_area)
            ],
        )
        for a in range(n_areas)
    ]


@pytest.fixture
def version(db) -> InstrumentVersion:
    return published_version()


# --- instrument import ------------------------------------------------------------------


def test_a_new_form_id_creates_an_instrument_with_a_first_draft(db):
    result = services.instrument_import(user=None, data=workbook(), source_name="test.xlsx")
    assert result.outcome == "created"
    version = result.version
    assert (version.number, version.status, version.source_name) == (1, "draft", "test.xlsx")
    assert version.instrument.code == "test_instrument"
    assert version.instrument.title == {"en": "Test instrument"}
    assert [a.name for a in version.areas.order_by("position")] == ["leadership", "dialogue"]
    assert list(version.items.values_list("name", flat=True)) == ALL_NAMES
    lead_vision = items_of(version)["lead_vision"]
    assert lead_vision.label == {"en": "Item lead_vision", "fr": "Élément lead_vision"}
    assert lead_vision.weight == 2
    assert lead_vision.required
    assert [p["value"] for p in lead_vision.scale] == [1, 2, 3, 4]
    assert lead_vision.scale[3]["label"] == {"en": "lead_vision level 4", "fr": "niveau 4"}


def test_importing_the_same_workbook_again_changes_nothing(db):
    first = services.instrument_import(user=None, data=workbook()).version
    items_before = list(first.items.values_list("pk", flat=True))
    history_before = history_count()
    again = services.instrument_import(user=None, data=workbook())
    assert again.outcome == "unchanged"
    assert again.version == first
    assert list(first.items.values_list("pk", flat=True)) == items_before
    assert history_count() == history_before
    assert InstrumentVersion.objects.count() == 1


def test_a_changed_workbook_replaces_the_draft(db):
    draft = services.instrument_import(user=None, data=workbook()).version
    old_items = set(draft.items.values_list("pk", flat=True))
    changed = [DEFAULT_AREAS[0]]  # the dialogue area is dropped
    result = services.instrument_import(user=None, data=workbook(areas=changed, title="New"))
    assert result.outcome == "replaced"
    assert result.version.pk == draft.pk
    assert result.version.number == 1
    assert list(draft.items.values_list("name", flat=True)) == ["lead_vision", "lead_skills"]
    assert not old_items & set(Item.objects.values_list("pk", flat=True))
    assert Instrument.objects.get().title == {"en": "New"}


def test_a_changed_workbook_after_publishing_starts_a_new_version(db):
    published = services.instrument_import(user=None, data=workbook(), publish=True).version
    result = services.instrument_import(user=None, data=workbook(areas=[DEFAULT_AREAS[1]]))
    assert result.outcome == "new version"
    assert (result.version.number, result.version.status) == (2, "draft")
    assert list(result.version.items.values_list("name", flat=True)) == [
        "sd_bargaining",
        "sd_osh",
    ]
    published.refresh_from_db()
    assert published.is_published
    assert list(published.items.values_list("name", flat=True)) == ALL_NAMES


def test_reimporting_a_draft_with_publish_publishes_it(db):
    draft = services.instrument_import(user=None, data=workbook()).version
    result = services.instrument_import(user=None, data=workbook(), publish=True)
    assert result.outcome == "unchanged"
    draft.refresh_from_db()
    assert draft.is_published


def test_a_focal_point_does_not_import_instruments(world):
    with pytest.raises(PermissionDenied):
        services.instrument_import(user=world.users["focal"], data=workbook())
    assert not Instrument.objects.exists()
    result = services.instrument_import(user=world.users["hq"], data=workbook())
    assert result.outcome == "created"


def test_a_published_version_never_changes(version):
    item = items_of(version)["lead_vision"]
    with pytest.raises(ValidationError) as refused:
        services.item_update(user=None, item=item, data={"label": {"en": "Changed"}})
    assert refused.value.messages == [
        "Version 1 is published and cannot change; start a new draft to edit it."
    ]
    item.refresh_from_db()
    assert item.label["en"] == "Item lead_vision"


def test_an_item_of_a_draft_can_change(db):
    draft = services.instrument_import(user=None, data=workbook()).version
    item = items_of(draft)["lead_vision"]
    services.item_update(user=None, item=item, data={"label": {"en": "Changed"}, "weight": 3})
    item.refresh_from_db()
    assert (item.label, item.weight) == ({"en": "Changed"}, 3)


def test_a_new_draft_copies_the_published_content(version):
    draft = services.version_new_draft(user=None, instrument=version.instrument)
    assert (draft.number, draft.status, draft.source_name) == (2, "draft", "copy of version 1")
    assert services.spec_of(draft) == services.spec_of(version)
    assert not set(draft.items.values_list("pk", flat=True)) & set(
        version.items.values_list("pk", flat=True)
    )
    assert services.version_new_draft(user=None, instrument=version.instrument) == draft


# --- assessments ------------------------------------------------------------------------


def test_an_assessment_goes_from_draft_to_submitted_to_validated(world, version):
    focal, office = world.users["focal"], world.users["office_a"]
    assessment = assess(version, world.organisations["KE-gov"], user=focal)
    assert assessment.status == "draft"
    score(assessment, focal, lead_vision=3, sd_bargaining=2)
    services.assessment_submit(user=focal, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert assessment.submitted_at is not None
    services.assessment_validate(user=office, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "validated"
    assert assessment.validated_by == office
    assert assessment.validated_at is not None
    with pytest.raises(ValidationError, match="only a draft can change"):
        score(assessment, office, lead_skills=1)


def test_it_refuses_to_submit_while_a_required_item_has_no_score(world, version):
    assessment = assess(version, world.organisations["KE-gov"])
    focal = world.users["focal"]
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(user=focal, assessment=assessment)
    assert refused.value.messages == ["2 required items have no score yet."]
    score(assessment, lead_vision=3, lead_skills=4, sd_osh=1)  # sd_bargaining is required
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(user=focal, assessment=assessment)
    assert refused.value.messages == ["1 required item has no score yet."]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_at) == ("draft", None)


def test_the_office_sends_a_submitted_assessment_back_to_draft(world, version):
    assessment = assess(version, world.organisations["KE-gov"])
    score(assessment, lead_vision=3, sd_bargaining=2)
    services.assessment_submit(user=None, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.assessment_reopen(user=world.users["focal"], assessment=assessment)
    services.assessment_reopen(user=world.users["office_a"], assessment=assessment)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_at) == ("draft", None)
    score(assessment, world.users["focal"], lead_skills=2)
    assert ItemScore.objects.get(item__name="lead_skills").score == 2
    with pytest.raises(ValidationError, match="Only a submitted assessment can be validated"):
        services.assessment_validate(user=world.users["office_a"], assessment=assessment)


@pytest.mark.parametrize("value", [0, 5, -1])
def test_a_score_outside_the_scale_is_refused(world, version, value):
    assessment = assess(version, world.organisations["KE-gov"])
    with pytest.raises(ValidationError) as refused:
        score(assessment, lead_vision=value)
    assert refused.value.message_dict == {"score": ["The score must be between 1 and 4."]}
    assert not ItemScore.objects.exists()


def test_an_item_of_another_instrument_is_refused(world, version):
    other = published_version(code="other_instrument")
    assessment = assess(version, world.organisations["KE-gov"])
    with pytest.raises(ValidationError, match="another instrument version"):
        services.score_save(user=None, assessment=assessment, item=other.items.first(), score=2)


def test_an_assessment_needs_a_published_version(world):
    draft = services.instrument_import(user=None, data=workbook()).version
    with pytest.raises(ValidationError) as refused:
        assess(draft, world.organisations["KE-gov"])
    assert "Only published instrument versions" in refused.value.message_dict["version"][0]
    assert not Assessment.objects.exists()


# --- summaries --------------------------------------------------------------------------


def test_summaries_are_weighted_means_of_the_scored_items(world, version):
    # Scales run 1–4, so a score s is at 100·(s − 1)/3 % of its scale.
    # leadership: lead_vision (organisational/functional, weight 2) = 4 → 100 %
    #             lead_skills (individual/functional, weight 1)     = 2 → 33.33… %
    # dialogue:   sd_bargaining (enabling_environment/technical, 1) = 1 → 0 %
    #             sd_osh (organisational/technical, 1)              = not scored
    assessment = assess(version, world.organisations["KE-gov"])
    score(assessment, lead_vision=4, lead_skills=2, sd_bargaining=1)
    assessment.refresh_from_db()
    # overall: (2·4 + 2 + 1) / 4 = 2.75; (2·100 + 33.33… + 0) / 4 = 58.33…
    assert (assessment.item_count, assessment.answered, assessment.required_missing) == (4, 3, 0)
    assert assessment.score_mean == Decimal("2.750")
    assert assessment.score_percent == Decimal("58.33")
    assert assessment.progress_percent == 75
    areas = {s.area.name: s for s in AreaScore.objects.filter(assessment=assessment)}
    # leadership: (2·4 + 2) / 3 = 3.333…; (2·100 + 33.33…) / 3 = 77.77…
    leadership = areas["leadership"]
    assert (leadership.answered, leadership.total) == (2, 2)
    assert (leadership.mean, leadership.percent) == (Decimal("3.333"), Decimal("77.78"))
    dialogue = areas["dialogue"]
    assert (dialogue.answered, dialogue.total) == (1, 2)
    assert (dialogue.mean, dialogue.percent) == (Decimal("1.000"), Decimal("0.00"))
    cells = {
        (c.level, c.type): (c.answered, c.total, c.mean, c.percent)
        for c in CellScore.objects.filter(assessment=assessment)
    }
    assert cells == {
        ("organisational", "functional"): (1, 1, Decimal("4.000"), Decimal("100.00")),
        ("individual", "functional"): (1, 1, Decimal("2.000"), Decimal("33.33")),
        ("enabling_environment", "technical"): (1, 1, Decimal("1.000"), Decimal("0.00")),
        ("organisational", "technical"): (0, 1, None, None),
    }


def test_clearing_a_score_rewrites_the_summaries(world, version):
    assessment = assess(version, world.organisations["KE-gov"])
    score(assessment, lead_vision=4, lead_skills=2, sd_bargaining=1)
    score(assessment, lead_vision=None)
    assessment.refresh_from_db()
    assert (assessment.answered, assessment.required_missing) == (2, 1)
    # lead_skills 33.33… and sd_bargaining 0, weight 1 each
    assert assessment.score_percent == Decimal("16.67")
    leadership = AreaScore.objects.get(assessment=assessment, area__name="leadership")
    assert (leadership.answered, leadership.percent) == (1, Decimal("33.33"))
    assert AreaScore.objects.filter(assessment=assessment).count() == 2
    assert CellScore.objects.filter(assessment=assessment).count() == 4


# --- who may do what --------------------------------------------------------------------


def test_a_focal_point_runs_a_self_assessment_of_their_organisation(world, version):
    assessment = assess(version, world.organisations["KE-gov"], user=world.users["focal"])
    assert (assessment.organisation, assessment.mode) == (world.organisations["KE-gov"], "self")


@pytest.mark.parametrize("mode", ["joint", "external"])
def test_a_focal_point_does_not_run_joint_or_external_assessments(world, version, mode):
    with pytest.raises(ValidationError) as refused:
        assess(version, world.organisations["KE-gov"], user=world.users["focal"], mode=mode)
    assert (
        "joint and external assessments are arranged with the Office"
        in (refused.value.message_dict["mode"][0])
    )
    assert not Assessment.objects.exists()


def test_a_focal_point_does_not_assess_another_organisation(world, version):
    with pytest.raises(PermissionDenied):
        assess(version, world.organisations["UG-gov"], user=world.users["focal"])
    assert not Assessment.objects.exists()


def test_a_focal_point_does_not_validate(world, version):
    assessment = assess(version, world.organisations["KE-gov"], user=world.users["focal"])
    score(assessment, lead_vision=3, sd_bargaining=2)
    services.assessment_submit(user=world.users["focal"], assessment=assessment)
    with pytest.raises(PermissionDenied, match="The Office validates assessments"):
        services.assessment_validate(user=world.users["focal"], assessment=assessment)
    with pytest.raises(PermissionDenied):  # another office's country
        services.assessment_validate(user=world.users["office_b"], assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "submitted"


@pytest.mark.parametrize("user", ["office_a", "hq"])
def test_the_office_creates_a_joint_assessment(world, version, user):
    assessment = assess(
        version,
        world.organisations["KE-gov"],
        user=world.users[user],
        mode="joint",
        office=world.offices["a"],
    )
    assert assessment.mode == "joint"


def test_an_instrument_for_workers_is_refused_for_a_government(world):
    version = published_version(groups="workers")
    with pytest.raises(ValidationError) as refused:
        assess(version, world.organisations["KE-gov"])
    assert refused.value.message_dict["version"] == [
        "This instrument is for these constituent groups only: Workers."
    ]
    assert not Assessment.objects.exists()
    assert assess(version, world.organisations["KE-wrk"]).pk


# --- needs ------------------------------------------------------------------------------


def test_an_item_of_an_assessment_becomes_a_need_once(world, version):
    focal = world.users["focal"]
    assessment = assess(version, world.organisations["KE-gov"], user=focal)
    score(assessment, focal, lead_skills=2)
    item = items_of(version)["lead_skills"]
    need = services.need_from_assessment(user=focal, assessment=assessment, item=item)
    assert (need.level, need.type, need.theme) == ("individual", "functional", "leadership")
    assert (need.item, need.area, need.assessment) == (item, item.area, assessment)
    assert need.organisation == world.organisations["KE-gov"]
    assert need.title == "Item lead_skills"
    assert need.description == "Scored 2 of 4: lead_skills level 2"
    assert (need.source, need.priority, need.status) == ("assessment", 1, "open")
    again = services.need_from_assessment(user=focal, assessment=assessment, item=item)
    assert again.pk == need.pk
    assert Need.objects.count() == 1


def test_an_area_becomes_a_need_placed_where_most_of_its_weight_is(world):
    # The first item is lighter: the grid position comes from the weights, not the order.
    version = published_version(
        areas=[
            (
                "inspection",
                [
                    ("insp_staff", "", "individual", "technical", "osh", "1"),
                    ("insp_law", "", "organisational", "technical", "labour_law", "2"),
                    ("insp_plan", "", "organisational", "functional", "strategic_planning", "1"),
                ],
            )
        ]
    )
    assessment = assess(version, world.organisations["KE-gov"])
    area = version.areas.get()
    need = services.need_from_assessment(user=None, assessment=assessment, area=area)
    assert (need.level, need.type, need.theme) == ("organisational", "technical", "labour_law")
    assert (need.area, need.item, need.title) == (area, None, "Area inspection")
    assert services.need_from_assessment(user=None, assessment=assessment, area=area) == need
    item_need = services.need_from_assessment(
        user=None, assessment=assessment, item=version.items.get(name="insp_staff")
    )
    assert item_need != need
    assert Need.objects.count() == 2


def test_a_need_from_another_instrument_or_nothing_is_refused(world, version):
    other = published_version(code="other_instrument")
    assessment = assess(version, world.organisations["KE-gov"])
    for target in ({"item": other.items.first()}, {"area": other.areas.first()}, {}):
        with pytest.raises(ValidationError, match="Choose an item or an area"):
            services.need_from_assessment(user=None, assessment=assessment, **target)
    assert not Need.objects.exists()


def test_needs_from_a_labour_administration_audit_say_so(world):
    version = published_version(code="labour_administration_audit")
    assessment = assess(version, world.organisations["KE-gov"])
    need = services.need_from_assessment(
        user=None, assessment=assessment, item=version.items.first()
    )
    assert need.source == "labour_admin_audit"


def make_need(organisation, title, **fields) -> Need:
    data = {"level": "organisational", "type": "functional", "theme": "leadership"} | fields
    data |= {"organisation": organisation, "title": title}
    return services.need_create(user=None, data=data)


def test_needs_are_found_by_every_word_and_filtered(world):
    orgs = world.organisations
    vision = make_need(orgs["KE-gov"], "A shared vision for inspection", priority=1)
    budget = make_need(
        orgs["KE-wrk"],
        "Budget planning",
        description="The union needs a multi-year vision",
        theme="financial_management",
        priority=2,
    )
    osh = make_need(
        orgs["UG-gov"],
        "Inspectors trained in OSH",
        level="individual",
        type="technical",
        theme="osh",
        status="planned",
        priority=3,
    )
    make_need(orgs["FR-gov"], "A vision for France", priority=3)
    office = world.users["office_a"]

    def found(**filters) -> list[Need]:
        return list(selectors.needs_for_user(office, **filters))

    assert found() == [vision, budget, osh]  # France is office B's; by priority
    assert found(q="vision") == [vision, budget]
    assert found(q="VISION kenya") == [vision, budget]  # a country name matches
    assert found(q="inspection vision") == [vision]  # every word, in any order
    assert found(q="vision uganda") == []
    assert found(q="  union   budget ") == [budget]
    assert found(theme="osh") == [osh]
    assert found(level="individual", type="technical") == [osh]
    assert found(status="planned") == [osh]
    assert found(priority="2") == [budget]
    assert found(country="ke") == [vision, budget]
    assert found(group="workers") == [budget]
    assert found(organisation=orgs["UG-gov"].pk) == [osh]
    assert found(q="vision", group="government") == [vision]
    assert found(sort="organisation") == [vision, osh, budget]
    assert list(selectors.needs_for_user(world.users["office_b"], q="vision")) == [
        Need.objects.get(organisation=orgs["FR-gov"])
    ]
    assert list(selectors.needs_for_user(world.users["focal"])) == [vision]


# --- profiles ---------------------------------------------------------------------------


def test_a_profile_shows_the_change_since_the_previous_assessment(world, version):
    kenya = world.organisations["KE-gov"]
    oldest = assess(version, kenya, day=date(2022, 5, 1))
    score(oldest, lead_vision=1, lead_skills=1, sd_bargaining=1, sd_osh=1)
    services.assessment_submit(user=None, assessment=oldest)
    previous = assess(version, kenya, day=date(2023, 5, 1))
    score(previous, lead_vision=2, lead_skills=1, sd_bargaining=4)
    services.assessment_submit(user=None, assessment=previous)
    assess(version, world.organisations["UG-gov"], day=date(2023, 12, 1))  # another organisation
    current = assess(version, kenya, day=date(2024, 5, 1))
    score(current, lead_vision=4, lead_skills=1, sd_bargaining=1, sd_osh=3)

    profile = selectors.assessment_profile(current)
    assert profile.previous == previous
    areas = {result.area.name: result for result in profile.areas}
    # leadership before: (2·33.33… + 0) / 3 = 22.22; now (2·100 + 0) / 3 = 66.67
    assert (areas["leadership"].previous, areas["leadership"].percent) == (
        Decimal("22.22"),
        Decimal("66.67"),
    )
    assert areas["leadership"].change == Decimal("44.45")
    # dialogue before: sd_bargaining 100 only; now (0 + 66.67) / 2 = 33.33
    assert areas["dialogue"].change == Decimal("-66.67")
    items = {r.item.name: r for results in profile.items.values() for r in results}
    assert {name: (r.previous, r.score, r.change) for name, r in items.items()} == {
        "lead_vision": (2, 4, 2),
        "lead_skills": (1, 1, 0),
        "sd_bargaining": (4, 1, -3),
        "sd_osh": (None, 3, None),
    }
    assert items["sd_osh"].descriptor == "sd_osh level 3"
    cells = {(c.level, c.type): c for c in profile.cells}
    assert len(cells) == 6  # every cell of the grid, scored or not
    assert cells[("organisational", "technical")].percent == Decimal("66.67")
    assert cells[("individual", "technical")].percent is None
    assert selectors.assessment_profile(oldest).previous is None


def test_a_profile_compares_across_versions_by_name(world, version):
    kenya = world.organisations["KE-gov"]
    before = assess(version, kenya, day=date(2023, 1, 1))
    score(before, lead_vision=2, sd_bargaining=2)
    services.assessment_submit(user=None, assessment=before)
    second = services.instrument_import(
        user=None, data=workbook(areas=[DEFAULT_AREAS[0]]), publish=True
    ).version
    assert second.number == 2
    after = assess(second, kenya, day=date(2024, 1, 1))
    score(after, lead_vision=3)
    profile = selectors.assessment_profile(after)
    assert profile.previous == before
    [leadership] = profile.areas
    assert (leadership.previous, leadership.percent) == (Decimal("33.33"), Decimal("66.67"))
    [vision, _skills] = next(iter(profile.items.values()))
    assert (vision.previous, vision.score, vision.change) == (2, 3, 1)


def test_country_profiles_give_each_constituent_its_latest_assessment(world, version):
    orgs = world.organisations
    old = assess(version, orgs["KE-gov"], day=date(2022, 1, 1))
    score(old, lead_vision=1, sd_bargaining=1)
    latest = assess(version, orgs["KE-gov"], day=date(2024, 1, 1))
    score(latest, lead_vision=4, lead_skills=1, sd_bargaining=1)
    workers = assess(version, orgs["KE-wrk"], day=date(2023, 1, 1))
    score(workers, lead_vision=1, sd_bargaining=1, sd_osh=2)
    for done in (old, latest, workers):
        services.assessment_submit(user=None, assessment=done)
    assess(version, orgs["KE-gov"], day=date(2025, 1, 1))  # a draft in progress: not shown
    assess(version, orgs["KE-ngo"], day=date(2024, 6, 1))  # not a constituent
    assess(version, orgs["UG-gov"], day=date(2024, 6, 1))  # another country

    profiles = selectors.country_profiles(world.users["office_a"], world.countries["KE"])
    assert [(p.organisation, p.assessment) for p in profiles] == [
        (orgs["KE-gov"], latest),
        (orgs["KE-emp"], None),
        (orgs["KE-wrk"], workers),
    ]
    assert profiles[0].cells[("organisational", "functional")] == Decimal("100.00")
    assert profiles[0].cells[("individual", "functional")] == Decimal("0.00")
    assert profiles[1].cells == {}
    assert profiles[2].cells[("organisational", "technical")] == Decimal("33.33")
    assert selectors.country_profiles(world.users["office_b"], world.countries["KE"]) == []
    focal_view = selectors.country_profiles(world.users["focal"], world.countries["KE"])
    assert [(p.organisation, p.assessment) for p in focal_view] == [(orgs["KE-gov"], latest)]


# --- query counts -----------------------------------------------------------------------


def profile_queries(world, n_areas: int) -> int:
    version = published_version(code=f"sized_{n_areas}", areas=areas_with(n_areas))
    kenya = world.organisations["KE-gov"]
    names = list(version.items.values_list("name", flat=True))
    for day, value in ((date(2023, 1, 1), 1), (date(2024, 1, 1), 3)):
        assessment = assess(version, kenya, day=day)
        score(assessment, **dict.fromkeys(names, value))
    current = Assessment.objects.get(pk=assessment.pk)
    with CaptureQueriesContext(connection) as queries:
        profile = selectors.assessment_profile(current)
        shown = [
            (
                r.area.label,
                r.percent,
                r.change,
                [(i.item.label, i.change, i.descriptor) for i in profile.items[r.area.pk]],
            )
            for r in profile.areas
        ]
        shown += [(c.level, c.percent) for c in profile.cells]
    assert len(profile.areas) == n_areas
    assert sum(len(results) for results in profile.items.values()) == 2 * n_areas
    return len(queries)


def test_a_profile_runs_as_many_queries_for_3n_items_as_for_n(world):
    n_queries = profile_queries(world, 2)
    assert profile_queries(world, 6) == n_queries
    assert n_queries <= 10


def needs_listing_queries(world, per_organisation: int) -> int:
    Need.objects.all().delete()
    # A fresh user object: its grants are read again, as on every request.
    office = get_user_model().objects.get(username="office_a")
    version = Instrument.objects.get(code="test_instrument").versions.get()
    for key in ("KE-gov", "KE-wrk", "UG-gov"):
        assessment = assess(version, world.organisations[key])
        for n in range(per_organisation):
            make_need(world.organisations[key], f"Need {n}", assessment=assessment)
    with CaptureQueriesContext(connection) as queries:
        rows = [  # what the needs registry page shows of each need
            (
                need.title,
                str(need.organisation),
                str(need.organisation.country),
                need.get_level_display(),
                need.get_type_display(),
                need.get_theme_display(),
                need.get_priority_display(),
                need.get_source_display(),
                need.get_status_display(),
                need.assessment.date,
            )
            for need in selectors.needs_for_user(office, q="need", sort="theme")
        ]
    assert len(rows) == 3 * per_organisation
    return len(queries)


def test_the_needs_listing_runs_as_many_queries_for_3n_needs_as_for_n(world, version):
    n_queries = needs_listing_queries(world, 2)
    assert needs_listing_queries(world, 6) == n_queries
    assert n_queries <= 3


def test_workbooks_helper_builds_the_default_instrument(db):
    # The fixtures above lean on this shape: two areas of two items, weights 2 and 1.
    spec = parse_xlsform(workbooks.workbook())
    assert [(i.name, i.weight, i.required) for i in spec.items] == [
        ("lead_vision", 2, True),
        ("lead_skills", 1, False),
        ("sd_bargaining", 1, True),
        ("sd_osh", 1, False),
    ]


def test_a_participant_comes_from_an_organisation_the_writer_can_see(world, version):
    target = assess(version, world.organisations["KE-gov"], day=date(2024, 5, 1))
    with pytest.raises(ValidationError) as refused:
        services.participant_add(
            user=world.users["office_a"],
            assessment=target,
            data={"name": "A", "sex": "female", "organisation": world.organisations["FR-wrk"]},
        )
    assert "organisation" in refused.value.message_dict
    assert not target.participants.exists()
    services.participant_add(
        user=world.users["office_a"],
        assessment=target,
        data={"name": "B", "sex": "male", "organisation": world.organisations["KE-wrk"]},
    )
    assert target.participants.get().name == "B"


def test_the_database_keeps_an_item_marked_as_a_need_once(world, version):
    from django.db import IntegrityError, transaction

    target = assess(version, world.organisations["KE-gov"], day=date(2024, 5, 1))
    item = version.items.get(name="sd_osh")
    need = services.need_from_assessment(user=None, assessment=target, item=item)
    twin = Need(
        organisation=need.organisation,
        title="Twin",
        level=need.level,
        type=need.type,
        theme=need.theme,
        assessment=target,
        item=item,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()  # what a second, simultaneous mark would try
    assert services.need_from_assessment(user=None, assessment=target, item=item) == need
    assert Need.objects.filter(assessment=target).count() == 1
