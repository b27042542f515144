"""The plan pages, through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from capdev.diagnose import services as diagnose
from capdev.plan.models import Plan
from capdev.test import PASSWORD


def _client(client, world, name):
    client.login(username=world.users[name].username, password=PASSWORD)
    return client


@pytest.fixture
def need(world):
    return diagnose.need_create(
        user=None,
        data={
            "organisation": world.organisations["KE-wrk"],
            "title": "Shop stewards trained in bargaining",
            "level": "individual",
            "type": "technical",
            "theme": "social_dialogue",
        },
    )


def test_an_office_starts_a_plan_from_an_organisations_needs_and_both_sides_sign(
    client, world, need
):
    office = _client(client, world, "office_a")
    organisation = world.organisations["KE-wrk"]
    form = office.get(reverse("plan:plan-create"), {"organisation": organisation.pk})
    assert form.status_code == 200
    assert need.title in form.content.decode()  # the open needs are shown while planning
    response = office.post(
        f"{reverse('plan:plan-create')}?organisation={organisation.pk}",
        {
            "title": "Trade union centre plan",
            "country": world.countries["KE"].pk,
            "organisations": [organisation.pk],
            "start": "2026-01-01",
            "end": "2027-12-31",
            "needs": [need.pk],
            "drivers": ["social_dialogue"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get()
    assert list(plan.needs.all()) == [need]
    detail = office.get(reverse("plan:plan-detail", args=[plan.pk]))
    assert "Trade union centre plan" in detail.content.decode()
    office.post(reverse("plan:plan-sign", args=[plan.pk, "office"]))
    plan.refresh_from_db()
    assert plan.office_signed_by == world.users["office_a"]
    assert (
        _client(client, world, "office_b")
        .get(reverse("plan:plan-detail", args=[plan.pk]))
        .status_code
        == 404
    )


def test_a_result_without_statement_is_refused_next_to_the_field(client, world, need):
    from capdev.plan import services

    plan = services.plan_create(
        user=None,
        data={
            "title": "P",
            "country": world.countries["KE"],
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "organisations": [world.organisations["KE-wrk"]],
        },
    )
    office = _client(client, world, "office_a")
    response = office.post(
        reverse("plan:result-add", args=[plan.pk]), {"level": "individual", "kind": "output"}
    )
    assert response.status_code == 400
    assert plan.results.count() == 0
    assert office.get(reverse("plan:plan-list")).status_code == 200


def test_each_side_is_offered_only_its_own_sign_off(client, world):
    from capdev.plan import services

    plan = services.plan_create(
        user=None,
        data={
            "title": "Ministry plan",
            "country": world.countries["KE"],
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "organisations": [world.organisations["KE-gov"]],
        },
    )
    url = reverse("plan:plan-detail", args=[plan.pk])
    office_page = _client(client, world, "office_a").get(url).content.decode()
    assert "Sign for the Office" in office_page
    assert "Sign for the constituents" not in office_page
    client.logout()
    focal_page = _client(client, world, "focal").get(url).content.decode()
    assert "Sign for the constituents" in focal_page
    assert "Sign for the Office" not in focal_page


def test_the_action_form_offers_only_partners_and_offices_in_scope(client, world):
    from capdev.plan import services

    plan = services.plan_create(
        user=None,
        data={
            "title": "P",
            "country": world.countries["KE"],
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "organisations": [world.organisations["KE-wrk"]],
        },
    )
    page = _client(client, world, "office_a").get(reverse("plan:plan-detail", args=[plan.pk]))
    html = page.content.decode()
    assert world.organisations["UG-emp"].name in html  # office A covers Uganda too
    assert world.organisations["FR-wrk"].name not in html
    assert world.offices["b"].name not in html


def test_the_theory_of_change_is_built_on_the_page_chained_with_indicators_and_actions(
    client, world, need
):
    """An outcome, an output contributing to it, an indicator, and an action serving both the
    need and the output — each refused when it points outside the plan."""
    from capdev.plan import services

    plan = services.plan_create(
        user=None,
        data={
            "title": "P",
            "country": world.countries["KE"],
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "organisations": [world.organisations["KE-wrk"]],
            "needs": [need],
        },
    )
    other = services.plan_create(
        user=None,
        data={
            "title": "Other",
            "country": world.countries["KE"],
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "organisations": [world.organisations["KE-gov"]],
        },
    )
    foreign = services.result_add(
        user=None, plan=other, data={"level": "individual", "kind": "outcome", "statement": "X"}
    )
    office = _client(client, world, "office_a")
    office.post(
        reverse("plan:result-add", args=[plan.pk]),
        {"level": "organisational", "kind": "outcome", "statement": "Bargaining improves"},
    )
    outcome = plan.results.get()
    refused = office.post(
        reverse("plan:result-add", args=[plan.pk]),
        {"level": "individual", "kind": "output", "statement": "S", "contributes_to": foreign.pk},
    )
    assert refused.status_code == 400 and plan.results.count() == 1
    office.post(
        reverse("plan:result-add", args=[plan.pk]),
        {
            "level": "individual",
            "kind": "output",
            "statement": "Stewards trained",
            "contributes_to": outcome.pk,
        },
    )
    output = plan.results.get(kind="output")
    assert list(output.contributes_to.all()) == [outcome]

    response = office.post(
        reverse("plan:indicator-add", args=[plan.pk]),
        {"result": output.pk, "name": "Stewards trained", "unit": "people", "target": "40"},
    )
    assert response.status_code == 302
    assert output.indicators.get().target == 40
    assert (
        office.post(
            reverse("plan:indicator-add", args=[plan.pk]),
            {"result": foreign.pk, "name": "N", "unit": "u"},
        ).status_code
        == 400
    )

    response = office.post(
        reverse("plan:action-add", args=[plan.pk]),
        {
            "title": "Bargaining course",
            "responsible_office": world.offices["a"].pk,
            "needs": [need.pk],
            "results": [output.pk],
        },
    )
    assert response.status_code == 302
    action = plan.actions.get()
    assert list(action.needs.all()) == [need] and list(action.results.all()) == [output]
    page = office.get(reverse("plan:plan-detail", args=[plan.pk])).content.decode()
    assert "Stewards trained" in page and "→ Bargaining improves" in page


def test_the_organisation_page_offers_a_plan_from_its_needs_to_planners_only(client, world):
    organisation = world.organisations["KE-wrk"]
    url = reverse("organisation-detail", args=[organisation.pk])
    plan_link = f"{reverse('plan:plan-create')}?organisation={organisation.pk}"
    assert plan_link in _client(client, world, "office_a").get(url).content.decode()
    client.logout()
    assert plan_link not in _client(client, world, "evaluator").get(url).content.decode()
