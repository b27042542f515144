"""The plan part of the demo dataset (seeded once for the module: it takes seconds)."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from capdev.core import demo as core_demo
from capdev.core.models import Office, OrganisationKind
from capdev.diagnose.models import Level
from capdev.plan import demo
from capdev.plan.models import (
    Action,
    CrossCuttingDriver,
    Deliverable,
    FundingSource,
    Plan,
    Result,
    SteeringDecision,
    SteeringMeeting,
    StrategyOutcome,
)

LANGUAGES = ("en", "fr", "es", "zh")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """`capdev seed` with the demo users; the data stays for the module, reset after it."""
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as conftest.py sets
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, PASSWORD_HASHERS=fast_hashing),
    ):
        out = io.StringIO()
        try:
            call_command("seed", "--scale", "small", stdout=out)
            yield out.getvalue()
        finally:
            core_demo.reset()


@pytest.fixture
def plans(seeded, db):
    return list(Plan.objects.prefetch_related("organisations", "needs"))


def test_the_seed_command_reports_the_plans(seeded, plans):
    assert f"Plans and delivery: {len(plans)} plans, " in seeded


def test_there_is_a_funding_source_of_every_kind_and_earmarked_ones_name_a_synthetic_donor(
    seeded, db
):
    sources = list(FundingSource.objects.select_related("donor"))
    assert {s.kind for s in sources} == set(FundingSource.Kind)
    earmarked = [s for s in sources if s.kind == FundingSource.Kind.VOLUNTARY_EARMARKED]
    assert len(earmarked) == 2
    for source in earmarked:
        assert source.donor.kind == OrganisationKind.DEVELOPMENT_PARTNER
        assert source.donor.name.startswith("Demo Development Partner")
    assert all("demo" in s.name for s in sources)


def test_plans_are_in_every_status_and_labelled_synthetic(plans):
    assert set(Counter(p.status for p in plans)) == set(Plan.Status)
    assert all(p.title.endswith("(demo)") and p.notes == demo.NOTES for p in plans)
    assert any(p.organisations.count() == 3 for p in plans)  # a country's tripartite plan
    assert any(p.organisations.count() == 1 for p in plans)


def test_every_plan_has_a_theory_of_change_at_the_three_levels_chained_and_measured(plans):
    results = Result.objects.prefetch_related("contributes_to", "indicators")
    for plan in plans:
        mine = [r for r in results if r.plan_id == plan.pk]
        for level in Level.values:
            at_level = {r.kind: r for r in mine if r.level == level}
            assert set(at_level) == {Result.Kind.OUTPUT, Result.Kind.OUTCOME}, (plan, level)
            output, outcome = at_level[Result.Kind.OUTPUT], at_level[Result.Kind.OUTCOME]
            assert outcome in output.contributes_to.all()
        assert all(r.indicators.count() >= 1 for r in mine)


def test_actions_serve_the_plans_needs_and_results_with_a_budget_and_a_funding_source(plans):
    for plan in plans:
        actions = list(Action.objects.filter(plan=plan).prefetch_related("needs", "results"))
        assert actions, plan
        served = {n.pk for a in actions for n in a.needs.all()}
        assert served == {n.pk for n in plan.needs.all()}
        for action in actions:
            assert {r.plan_id for r in action.results.all()} == {plan.pk}
            assert action.budget > 0 and action.currency == "USD"
            assert action.funding_source is not None
            assert plan.start <= action.start <= plan.end


def test_plans_link_the_frameworks_and_the_cross_cutting_drivers(plans):
    for plan in plans:
        assert plan.sdg_targets.filter(code="8.5").exists()
        assert plan.pb_outcomes.filter(biennium="2020-21", code="1").exists()
        assert plan.programme_outcomes.filter(programme__country=plan.country).count() == 2
        assert plan.unsdcf_outcome
        assert CrossCuttingDriver.SOCIAL_DIALOGUE in plan.drivers


def test_every_plan_beyond_a_draft_carries_both_sign_offs_before_it_starts(plans):
    for plan in plans:
        if plan.status == Plan.Status.DRAFT:
            continue
        assert plan.constituent_signed_at and plan.office_signed_at, plan
        assert plan.constituent_signed_at.date() < plan.start
        assert plan.office_signed_at.date() < plan.start
    assert any(p.status == Plan.Status.DRAFT and not p.office_signed_at for p in plans)


def test_the_demo_users_sign_their_own_plans_and_one_waits_for_the_focal_point(plans):
    focal_plans = [p for p in plans if p.constituent_signed_by is not None]
    assert focal_plans, "the focal point signed the tripartite plan of their country"
    assert {p.constituent_signed_by.username for p in focal_plans} == {"focal"}
    assert all(p.office_signed_by.username == "office" for p in focal_plans)
    waiting = [p for p in plans if p.office_signed_at and not p.constituent_signed_at]
    assert len(waiting) == 1 and waiting[0].status == Plan.Status.DRAFT
    assert waiting[0].office_signed_by.username == "office"


def test_plan_needs_are_no_longer_open_once_the_plan_is_agreed(plans):
    for plan in plans:
        statuses = {n.status for n in plan.needs.all()}
        if plan.status == Plan.Status.DRAFT:
            continue
        assert "open" not in statuses, plan
        if plan.status == Plan.Status.CLOSED:
            assert statuses == {"addressed"}


# --- the strategy's implementation plan -------------------------------------------------


def test_the_strategy_holds_every_deliverable_of_the_paper_in_four_languages(seeded, db):
    rows = demo.read_data("strategy_deliverables.csv")
    deliverables = list(Deliverable.objects.select_related("outcome", "responsible_unit"))
    assert len(deliverables) == len(rows) >= 30
    assert {d.title["en"] for d in deliverables} == {row["en"] for row in rows}
    for deliverable in deliverables:
        assert set(deliverable.title) == set(LANGUAGES)
        assert all(deliverable.title[lang].strip() for lang in LANGUAGES)
        assert CJK.search(deliverable.title["zh"]) and not CJK.search(deliverable.title["fr"])
        assert deliverable.phase in (1, 2)
    assert {o.code for o in StrategyOutcome.objects.all()} == {
        "1(a)", "1(b)", "1(c)", "2(a)", "2(b)", "2(c)", "3(a)", "3(b)", "IV"
    }  # fmt: skip
    assert all(set(o.title) == set(LANGUAGES) for o in StrategyOutcome.objects.all())


@pytest.mark.parametrize(
    ("paragraph", "words", "biennium", "phase"),
    [
        ("§27", "投资建立一个学习实验室", "2018-19", 1),  # the learning lab, set up in 2019
        ("§20", "于2019年开发机构监测更新系统", "2018-19", 1),  # monitoring, 2019
        ("§22", "在一个区域进行试点", "2020-21", 1),  # the staff curriculum's pilot region
        ("§30", "内部指导委员会", "2018-19", 1),  # the steering committee
        ("§32", "《2020-21年计划落实报告》", "2020-21", 1),
        ("§33", "对本战略进行审查", "2022-23", 2),
    ],
)
def test_the_papers_named_deliverables_are_in_their_phase_and_biennium(
    seeded, db, paragraph, words, biennium, phase
):
    found = [d for d in Deliverable.objects.all() if words in d.title["zh"]]
    assert found, paragraph
    assert {(d.biennium, d.phase) for d in found} == {(biennium, phase)}


def test_deliverables_are_owned_by_units_of_the_demo_and_done_on_synthetic_evidence(seeded, db):
    deliverables = list(Deliverable.objects.select_related("responsible_unit"))
    units = {d.responsible_unit.acronym for d in deliverables}
    assert {"PROGRAM", "ACTRAV", "ACT/EMP", "EVAL", "PARDEV", "ITCILO"} <= units
    assert any(d.responsible_unit.kind == Office.Kind.REGIONAL_OFFICE for d in deliverables)
    statuses = Counter(d.status for d in deliverables)
    assert statuses[Deliverable.Status.DONE] > len(deliverables) / 2
    assert statuses[Deliverable.Status.DELAYED] and statuses[Deliverable.Status.IN_PROGRESS]
    for deliverable in deliverables:
        if deliverable.status != Deliverable.Status.NOT_STARTED:
            assert deliverable.evidence.startswith("Synthetic demo evidence")


def test_the_steering_committee_met_and_decided_on_deliverables(seeded, db):
    meetings = list(SteeringMeeting.objects.prefetch_related("decisions"))
    assert len(meetings) == len(demo.MEETINGS)
    assert all("Synthetic demo record" in m.summary for m in meetings)
    assert all(m.decisions.count() >= 2 for m in meetings)
    decisions = SteeringDecision.objects.all()
    assert all(d.deliverable_id and d.responsible_unit_id and d.due for d in decisions)
    assert {d.status for d in decisions} == set(SteeringDecision.Status)


def test_seeding_again_is_refused_and_changes_nothing(seeded, db):
    before = (Plan.objects.count(), Action.objects.count(), Deliverable.objects.count())
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed", "--scale", "small", verbosity=0)
    assert (Plan.objects.count(), Action.objects.count(), Deliverable.objects.count()) == before


def test_the_demo_reset_removes_plans_funding_and_the_strategy_with_their_history(seeded, db):
    core_demo.reset()
    for model in (
        Plan,
        Result,
        Action,
        FundingSource,
        StrategyOutcome,
        Deliverable,
        SteeringMeeting,
        SteeringDecision,
    ):
        assert not model.objects.exists(), model
        assert not model.history.exists(), model
