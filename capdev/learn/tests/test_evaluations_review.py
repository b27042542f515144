"""Review fixes: specialists see the evaluations of their constituent group only; a unit's
staff see and update the actions assigned to their unit outside their countries; huge
integers in filters are a 400 naming the parameter, not a 500."""

from __future__ import annotations

import datetime

import pytest

from capdev.core.models import Country
from capdev.core.scoping import scoped
from capdev.core.tests.test_scope_matrix import api_client, page_client
from capdev.learn.models import Evaluation, FollowUpAction, Recommendation
from capdev.learn.selectors import evaluations as selectors
from capdev.learn.tests.evaluations_data import TODAY, make_evaluations

HUGE = "99999999999999999999"


@pytest.fixture
def ev(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_evaluations(world)


def _evaluation_of(world, title: str, organisation: str) -> Evaluation:
    evaluation = Evaluation.objects.create(
        title=title, kind=Evaluation.Kind.PROJECT, evaluator="E", start=datetime.date(2025, 1, 1)
    )
    org = world.organisations[organisation]
    evaluation.organisations.set([org])
    evaluation.countries.set([org.country])
    return evaluation


def test_specialists_see_the_evaluations_of_their_group_only(world, ev):
    ke_union = _evaluation_of(world, "Kenyan union (test)", "KE-wrk")
    ke_employers = _evaluation_of(world, "Kenyan employers (test)", "KE-emp")
    fr_employers = _evaluation_of(world, "French employers (test)", "FR-emp")
    strat = ev.evaluations["strat"]

    def seen(persona: str) -> set[int]:
        return set(
            scoped(world.users[persona], Evaluation.objects.all()).values_list("pk", flat=True)
        )

    # workers worldwide: the union's evaluation and the strategic one (of no country)
    assert seen("workers") == {ke_union.pk, strat.pk}
    # employers in Africa: the Kenyan employers, not the French ones (Europe), nor "ke"
    # (the ministry: government), nor "fr"/"th" (of no organisation)
    assert seen("employers_af") == {ke_employers.pk, strat.pk}
    html = page_client(world, "workers").get(f"/learn/evaluations/{ke_employers.pk}/")
    assert html.status_code == 404
    fr_rec = Recommendation.objects.create(evaluation=fr_employers, number=1, text="R (test)")
    assert api_client("employers_af").get(f"/api/recommendations/{fr_rec.pk}/").status_code == 404


@pytest.fixture
def liberia(world, ev):
    """An evaluation in Liberia (outside every office's countries) with an overdue action of
    office A and one of office B."""
    evaluation = Evaluation.objects.create(
        title="Liberia project evaluation (test)",
        kind=Evaluation.Kind.PROJECT,
        evaluator="Evaluator L",
        start=datetime.date(2025, 1, 1),
    )
    evaluation.countries.set([Country.objects.get(iso_alpha2="LR")])
    recommendation = Recommendation.objects.create(
        evaluation=evaluation, number=1, text="Train the Liberian trainers (test)"
    )
    actions = {
        unit: FollowUpAction.objects.create(
            recommendation=recommendation,
            description=f"Liberia action of office {unit} (test)",
            unit=world.offices[unit],
            due=datetime.date(2026, 1, 5),
        )
        for unit in ("a", "b")
    }
    return evaluation, actions


def test_the_units_action_outside_its_countries_reaches_its_dashboard(world, liberia):
    evaluation, actions = liberia
    rows = selectors.unit_overdue_actions(world.users["office_a"], today=TODAY)
    assert actions["a"] in rows and actions["b"] not in rows
    html = page_client(world, "office_a").get("/learn/").content.decode()
    table = html[html.index('id="unit-overdue"') :]
    table = table[: table.index("</table>")]
    assert actions["a"].description in table and evaluation.title in table
    assert actions["b"].description not in html
    tracker = page_client(world, "office_a").get("/learn/tracker/").content.decode()
    assert f'data-action="{actions["a"].pk}"' in tracker
    assert f'data-action="{actions["b"].pk}"' not in tracker
    # the evaluation itself stays out of office A's scope
    client = page_client(world, "office_a")
    assert client.get(f"/learn/evaluations/{evaluation.pk}/").status_code == 404


def test_the_unit_updates_its_action_outside_its_countries_and_no_other(world, liberia):
    evaluation, actions = liberia
    client = page_client(world, "office_a")
    form = client.get(f"/learn/actions/{actions['a'].pk}/edit/")
    assert form.status_code == 200
    assert "Train the Liberian trainers (test)" in form.content.decode()
    response = client.post(
        f"/learn/actions/{actions['a'].pk}/edit/", {"status": "in_progress", "note": "Begun."}
    )
    assert response.status_code == 302
    assert response["Location"] == "/learn/"
    actions["a"].refresh_from_db()
    assert (actions["a"].status, actions["a"].note) == ("in_progress", "Begun.")
    assert client.get(f"/learn/actions/{actions['b'].pk}/edit/").status_code == 404
    refused = client.post(f"/learn/actions/{actions['b'].pk}/edit/", {"status": "done"})
    assert refused.status_code == 404
    assert FollowUpAction.objects.get(pk=actions["b"].pk).status == "planned"
    api = api_client("office_a")
    ok = api.patch(f"/api/follow-up-actions/{actions['a'].pk}/", {"note": "API."}, format="json")
    assert ok.status_code == 200
    due = api.patch(
        f"/api/follow-up-actions/{actions['a'].pk}/", {"due": "2030-01-01"}, format="json"
    )
    assert due.status_code == 403
    assert str(FollowUpAction.objects.get(pk=actions["a"].pk).due) == "2026-01-05"
    other = api.patch(f"/api/follow-up-actions/{actions['b'].pk}/", {"note": "X"}, format="json")
    assert other.status_code == 404
    # office B (Liberia is not its country either) updates its own, not office A's
    b = page_client(world, "office_b")
    assert b.get(f"/learn/actions/{actions['a'].pk}/edit/").status_code == 404
    assert b.get(f"/learn/actions/{actions['b'].pk}/edit/").status_code == 200


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (f"/api/recommendations/?unit={HUGE}", "unit"),
        (f"/api/recommendations/?evaluation={HUGE}", "evaluation"),
        ("/api/recommendations/?unit=0", "unit"),
        (f"/api/evaluations/?year={HUGE}", "year"),
        ("/api/evaluations/?year=1899", "year"),
        ("/api/evaluations/?year=2101", "year"),
    ],
)
def test_out_of_range_filters_are_a_400_naming_the_parameter(world, ev, url, parameter):
    response = api_client("hq").get(url)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_bounds_themselves_are_accepted(world, ev):
    client = api_client("hq")
    assert client.get("/api/evaluations/?year=1900").json()["count"] == 0
    assert client.get("/api/evaluations/?year=2018").json()["count"] == 1  # the strategic one
    assert client.get(f"/api/recommendations/?unit={2**31 - 1}").json()["count"] == 0


@pytest.mark.parametrize(
    ("url", "field"),
    [(f"/learn/evaluations/?year={HUGE}", "year"), (f"/learn/tracker/?unit={HUGE}", "unit")],
)
def test_pages_answer_huge_integers_with_a_field_error(world, ev, url, field):
    response = page_client(world, "hq").get(url)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
