"""Plans through their services: scope, the theory of change, actions, both sign-offs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capdev.core.scoping import scoped
from capdev.diagnose import services as diagnose
from capdev.diagnose.models import Need
from capdev.plan import services
from capdev.plan.models import Plan, Result, SDGTarget

START, END = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)


def need(world, key: str, title: str) -> Need:
    return diagnose.need_create(
        user=None,
        data={
            "organisation": world.organisations[key],
            "title": title,
            "level": "organisational",
            "type": "functional",
            "theme": "strategic_planning",
        },
    )


def plan_data(world, title: str, *keys: str) -> dict:
    """A plan of Kenyan organisations (by world key) over 2026–27."""
    return {
        "title": title,
        "country": world.countries["KE"],
        "start": START,
        "end": END,
        "organisations": [world.organisations[key] for key in keys],
    }


@pytest.fixture
def tripartite(world):
    """Kenya's tripartite plan, started by its office, addressing one need of each member."""
    needs = [need(world, key, f"Need of {key}") for key in ("KE-gov", "KE-wrk", "KE-emp")]
    plan = services.plan_create(
        user=world.users["office_a"],
        data={
            "title": "Kenya tripartite capacity plan 2026–27",
            "country": world.countries["KE"],
            "office": world.offices["a"],
            "start": START,
            "end": END,
            "organisations": [world.organisations[k] for k in ("KE-gov", "KE-wrk", "KE-emp")],
            "needs": needs,
            "sdg_targets": [SDGTarget.objects.get(code="8.5")],
            "drivers": ["social_dialogue", "gender_equality"],
        },
    )
    return plan


def test_the_office_starts_a_tripartite_plan_from_its_constituents_needs(world, tripartite):
    assert tripartite.status == Plan.Status.DRAFT
    assert tripartite.organisations.count() == 3 and tripartite.needs.count() == 3
    assert tripartite.history.count() >= 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organisations": "UG-gov"}, "organisations"),
        ({"needs": "UG-gov"}, "needs"),
        ({"end": datetime.date(2025, 1, 1)}, "end"),
        ({"drivers": ["austerity"]}, "drivers"),
    ],
)
def test_a_plan_that_does_not_hold_together_is_refused_and_nothing_is_saved(world, change, field):
    data = plan_data(world, "Plan", "KE-gov")
    if change.get("organisations"):
        data["organisations"].append(world.organisations[change.pop("organisations")])
    if change.get("needs"):
        data["needs"] = [need(world, change.pop("needs"), "Elsewhere")]
    data.update(change)
    with pytest.raises(ValidationError) as refused:
        services.plan_create(user=world.users["office_a"], data=data)
    assert field in refused.value.message_dict
    assert not Plan.objects.exists()


def test_each_role_sees_and_starts_plans_only_in_its_scope(world, tripartite):
    def sees(persona: str) -> bool:
        return scoped(world.users[persona], Plan.objects.all()).filter(pk=tripartite.pk).exists()

    assert {p for p in ("hq", "office_a", "office_b", "focal", "workers", "viewer") if sees(p)} == {
        "hq",
        "office_a",
        "focal",  # a focal point sees the plans of their organisation
        "workers",  # the plan includes a workers' organisation
    }
    for persona in ("focal", "office_b"):  # no plans of their own; not in their scope
        with pytest.raises(PermissionDenied):
            services.plan_create(user=world.users[persona], data=plan_data(world, "P", "KE-gov"))
    assert Plan.objects.count() == 1


def test_both_sign_offs_make_the_plan_agreed_and_its_needs_planned(world, tripartite):
    with pytest.raises(PermissionDenied):
        services.plan_sign(user=world.users["office_a"], plan=tripartite, side="constituents")
    with pytest.raises(PermissionDenied):
        services.plan_sign(user=world.users["focal"], plan=tripartite, side="office")
    services.plan_sign(user=world.users["focal"], plan=tripartite, side="constituents")
    assert tripartite.status == Plan.Status.DRAFT  # the Office has not signed yet
    services.plan_sign(user=world.users["office_a"], plan=tripartite, side="office")
    tripartite.refresh_from_db()
    assert tripartite.status == Plan.Status.AGREED
    assert tripartite.constituent_signed_by == world.users["focal"]
    assert tripartite.office_signed_by == world.users["office_a"]
    assert set(tripartite.needs.values_list("status", flat=True)) == {Need.Status.PLANNED}
    with pytest.raises(ValidationError):  # agreed terms do not change
        services.plan_update(user=world.users["office_a"], plan=tripartite, data={"title": "X"})
    services.plan_advance(user=world.users["office_a"], plan=tripartite)
    services.plan_advance(user=world.users["office_a"], plan=tripartite)
    assert tripartite.status == Plan.Status.CLOSED
    assert set(tripartite.needs.values_list("status", flat=True)) == {Need.Status.ADDRESSED}


def test_a_theory_of_change_chains_outputs_to_outcomes_per_level(world, tripartite):
    office = world.users["office_a"]
    outcome = services.result_add(
        user=office,
        plan=tripartite,
        data={"level": "organisational", "kind": "outcome", "statement": "Bargaining renewed"},
    )
    output = services.result_add(
        user=office,
        plan=tripartite,
        data={"level": "individual", "kind": "output", "statement": "Negotiators trained"},
    )
    services.result_link(user=office, output=output, outcome=outcome)
    assert list(output.contributes_to.all()) == [outcome]
    with pytest.raises(ValidationError):
        services.result_link(user=office, output=outcome, outcome=output)
    indicator = services.indicator_add(
        user=office,
        result=output,
        data={"name": "Negotiators trained", "unit": "people", "baseline": 0, "target": 40},
    )
    assert indicator.target == Decimal(40)
    assert Result.objects.filter(plan=tripartite).count() == 2


def test_an_action_names_one_responsible_party_a_real_currency_and_the_plans_links(
    world, tripartite
):
    office = world.users["office_a"]
    base = {
        "title": "Bargaining course",
        "responsible_office": world.offices["a"],
        "budget": Decimal("12000"),
        "currency": "usd",
        "needs": list(tripartite.needs.all()[:1]),
    }
    action = services.action_add(user=office, plan=tripartite, data=base)
    assert (action.currency, action.needs.count()) == ("USD", 1)
    for wrong, field in (
        ({"responsible_organisation": world.organisations["KE-wrk"]}, "responsible_organisation"),
        ({"currency": "XYZ"}, "currency"),
        ({"needs": [need(world, "KE-gov", "Not in the plan")]}, "needs"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.action_add(user=office, plan=tripartite, data=base | wrong)
        assert field in refused.value.message_dict
    assert tripartite.actions.count() == 1
    with pytest.raises(PermissionDenied):
        services.action_add(user=world.users["office_b"], plan=tripartite, data=base)


def test_a_focal_point_does_not_see_another_organisations_plan(world, tripartite):
    workers_plan = services.plan_create(
        user=world.users["office_a"], data=plan_data(world, "Trade union centre plan", "KE-wrk")
    )
    seen = set(scoped(world.users["focal"], Plan.objects.all()).values_list("pk", flat=True))
    assert seen == {tripartite.pk}  # their ministry is in the tripartite plan, not in this one
    assert workers_plan.pk not in seen


def test_the_theory_of_change_diagram_has_a_node_per_result_and_a_line_per_link(world, tripartite):
    from capdev.plan import charts, selectors

    office = world.users["office_a"]
    outcome = services.result_add(
        user=office,
        plan=tripartite,
        data={
            "level": "enabling_environment",
            "kind": "outcome",
            "statement": "Labour law revised",
        },
    )
    for statement in ("Drafting committee trained", "Tripartite consultation held"):
        output = services.result_add(
            user=office,
            plan=tripartite,
            data={"level": "individual", "kind": "output", "statement": statement},
        )
        services.result_link(user=office, output=output, outcome=outcome)
    spec = charts.theory_of_change(selectors.theory_of_change(tripartite))
    links, nodes = spec["layer"][0]["data"]["values"], spec["layer"][1]["data"]["values"]
    assert sorted(n["statement"] for n in nodes) == [
        "Drafting committee trained",
        "Labour law revised",
        "Tripartite consultation held",
    ]
    outcome_x = next(n["x"] for n in nodes if n["statement"] == "Labour law revised")
    assert len(links) == 2 and {link["x2"] for link in links} == {outcome_x}
    assert 2 <= outcome_x < 3  # the enabling-environment band


def test_a_plan_without_results_has_no_diagram_to_draw(world, tripartite):
    from capdev.plan import charts, selectors

    assert charts.theory_of_change(selectors.theory_of_change(tripartite)) is None
