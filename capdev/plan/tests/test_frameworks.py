"""The framework reference data plans link to: loaded by a migration, complete, scoped."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from capdev.core.scoping import Action, scoped
from capdev.plan import selectors
from capdev.plan.frameworks import load_frameworks
from capdev.plan.models import PBOutcome, SDGGoal, SDGTarget
from capdev.test import shared_data

pytestmark = pytest.mark.django_db


def test_the_migration_loads_17_goals_169_targets_and_11_pb_outcomes():
    assert SDGGoal.objects.count() == 17
    assert SDGTarget.objects.count() == 169
    assert sorted(PBOutcome.objects.values_list("code", flat=True)) == [
        *"12345678",
        *"ABC",
    ]
    assert PBOutcome.objects.filter(kind=PBOutcome.Kind.POLICY).count() == 8


def test_every_goal_and_target_is_there_in_the_four_languages():
    for target in SDGTarget.objects.all():
        assert set(target.title) == {"en", "fr", "es", "zh"}, target.code
        assert all(target.title.values()), target.code
    decent_work = SDGTarget.objects.get(code="8.5")
    assert decent_work.goal.number == 8
    assert "decent work" in decent_work.title["en"]
    assert "体面工作" in decent_work.title["zh"]
    # Means of implementation (lettered targets) follow the numbered ones of their goal.
    goal_8 = list(SDGTarget.objects.filter(goal__number=8).values_list("code", flat=True))
    assert goal_8[:2] == ["8.1", "8.2"] and goal_8[-2:] == ["8.a", "8.b"]


def test_the_shipped_targets_match_the_source_files():
    import yaml  # the source format; the product ships the CSV made from it

    source = yaml.safe_load((shared_data() / "sdg" / "global_targets.fr.yml").read_text())
    for target in SDGTarget.objects.all():
        key = target.code.replace(".", "-") + "-title"
        expected = unicodedata.normalize("NFC", " ".join(str(source[key]).split()))
        assert target.title["fr"] == expected, target.code


def test_loading_again_changes_nothing():
    before = list(SDGTarget.objects.values_list("code", "position", "title"))
    load_frameworks(SDGGoal, SDGTarget, PBOutcome)
    assert list(SDGTarget.objects.values_list("code", "position", "title")) == before
    assert SDGGoal.objects.count() == 17 and PBOutcome.objects.count() == 11


def test_everyone_with_a_grant_reads_the_frameworks_and_only_administrators_change_them(world):
    for persona in ("hq", "office_a", "focal", "viewer", "evaluator"):
        user = world.users[persona]
        assert scoped(user, SDGTarget.objects.all()).count() == 169, persona
        assert not scoped(user, SDGTarget.objects.all(), Action.CHANGE).exists(), persona
    assert scoped(world.users["admin"], PBOutcome.objects.all(), Action.CHANGE).count() == 11
    assert not selectors.sdg_targets_for_user(world.users["outsider"]).exists()


def test_targets_are_found_by_code_or_by_words_in_any_language(world):
    office = world.users["office_a"]
    assert [t.code for t in selectors.sdg_targets_for_user(office, q="8.5")] == ["8.5"]
    found = {t.code for t in selectors.sdg_targets_for_user(office, q="travail décent")}
    assert "8.5" in found
    assert {t.goal.number for t in selectors.sdg_targets_for_user(office, goal=5)} == {5}


@pytest.mark.django_db
@pytest.mark.parametrize("biennium", ["2020-22", "2021-22", "2020", "20-21"])
def test_a_pb_outcome_belongs_to_a_programme_and_budget_biennium(biennium):
    outcome = PBOutcome(biennium=biennium, code="9", kind=PBOutcome.Kind.POLICY, title="Demo")
    with pytest.raises(ValidationError) as refused:
        outcome.full_clean()
    assert set(refused.value.message_dict) == {"biennium"}
    PBOutcome(biennium="2024-25", code="9", kind=PBOutcome.Kind.POLICY, title="Demo").full_clean()
