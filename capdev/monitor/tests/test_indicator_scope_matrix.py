"""Every persona × indicators, targets and measurements × every page and endpoint: each
sees and changes exactly its scope.

The world is the plan world of capdev/plan/tests/test_scope_matrix.py (plans in Kenya over
KE-gov and KE-wrk, in Uganda for UG-emp, in France for FR-emp, in Thailand for TH-gov, each
with an output and an outcome), with seven indicators, each with a target and a measurement
for 2024-25 (recorded from the command line, so anyone allowed may approve it):

KE, UG, FR, TH  serving the outcome of that country's plan
KEFR            serving the outputs of both Kenya's and France's plans
PB              serving P&B 2020-21 outcome 1 only
ST              serving a strategy deliverable only

As docs/access.md says, an indicator of plan results is seen as one of those plans; one of
the P&B or the strategy only, by every grant. The Office, HQ and specialists keep those of
their plans (HQ and administrators the P&B's and the strategy's); the Office, HQ and
administrators approve measurements; the focal point, the evaluator and the viewer only read.
The expected sets are written down from these facts, never computed with `scoped()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import reverse

from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.core.tests.test_scope_matrix import PERSONAS, api_client, page_client
from capdev.monitor import services
from capdev.monitor.models import Indicator, Measurement, Target
from capdev.plan.models import Deliverable, PBOutcome, Result
from capdev.plan.tests.test_scope_matrix import (
    FAST_HASHER,
    SEES_PLANS,
    PlanWorld,
    attempt,
    build_plans,
)
from capdev.test import make_world

# Indicator key → the plan results it serves ("KE/outcome"), or its framework.
INDICATORS = {
    "KE": ("KE/outcome",),
    "UG": ("UG/outcome",),
    "FR": ("FR/outcome",),
    "TH": ("TH/outcome",),
    "KEFR": ("KE/output", "FR/output"),
    "PB": ("pb",),
    "ST": ("strategy",),
}
ALL = set(INDICATORS)
FRAMEWORKS = {"PB", "ST"}  # published to every grant
SEES = {
    **dict.fromkeys(("hq", "evaluator", "admin"), ALL),
    "office_a": {"KE", "UG", "KEFR"} | FRAMEWORKS,  # covers Kenya and Uganda
    "office_b": {"FR", "KEFR"} | FRAMEWORKS,  # covers France
    "workers": {"KE", "KEFR"} | FRAMEWORKS,  # KE-wrk is in Kenya's plan
    "employers_af": {"UG"} | FRAMEWORKS,  # UG-emp in Africa; FR-emp is not in Africa
    "focal": {"KE", "KEFR"} | FRAMEWORKS,  # KE-gov
    "viewer": {"TH"} | FRAMEWORKS,  # Asia and the Pacific
    "outsider": set(),
}
# Create, change, record, delete: the writers of the plans, but not the focal point; the
# P&B's and the strategy's by HQ and administrators only.
KEEPS = {
    "hq": ALL,
    "admin": ALL,
    "office_a": {"KE", "UG", "KEFR"},
    "office_b": {"FR", "KEFR"},
    "workers": {"KE", "KEFR"},
    "employers_af": {"UG"},
}
# Approve: the Office, HQ and administrators in scope; never a specialist.
APPROVES = {
    "hq": ALL,
    "admin": ALL,
    "office_a": {"KE", "UG", "KEFR"},
    "office_b": {"FR", "KEFR"},
}
PLAN_TITLES = {plan: f"Capacity plan {plan}" for plan in ("KE", "UG", "FR", "TH")}
# The plans whose results each persona may link an indicator to (as the plans' writers).
WORKS_ON = {
    **dict.fromkeys(("hq", "admin"), {"KE", "UG", "FR", "TH"}),
    "office_a": {"KE", "UG"},
    "office_b": {"FR"},
    "workers": {"KE"},
    "employers_af": {"UG"},
}


def expected(persona: str, action: Do) -> set[str]:
    if action is Do.VIEW:
        return SEES[persona]
    if action is Do.VALIDATE:
        return APPROVES.get(persona, set())
    return KEEPS.get(persona, set())  # change and administer


@dataclass
class IndicatorWorld:
    plans: PlanWorld
    indicators: dict[str, int]  # key → pk
    targets: dict[str, int]
    measurements: dict[str, int]

    @property
    def world(self) -> Any:
        return self.plans.world

    def key(self, row: Model) -> str:
        table = {
            Indicator: self.indicators,
            Target: self.targets,
            Measurement: self.measurements,
        }[type(row)]
        return {pk: key for key, pk in table.items()}[row.pk]


def build_indicators(plans: PlanWorld) -> IndicatorWorld:
    indicators, targets, measurements = {}, {}, {}
    deliverable = Deliverable.objects.get(title__en="Staff curriculum piloted")
    for key, serves in INDICATORS.items():
        links: dict[str, list[Any]] = {
            "results": [Result.objects.get(pk=plans.rows["Result"][r]) for r in serves if "/" in r],
            "pb_outcomes": list(PBOutcome.objects.filter(biennium="2020-21", code="1"))
            if serves == ("pb",)
            else [],
            "deliverables": [deliverable] if serves == ("strategy",) else [],
        }
        indicator = services.indicator_create(
            user=None,
            data={"code": f"IND-{key}", "name": f"Indicator {key}", "measure": "number", **links},
        )
        target = services.target_set(
            user=None, indicator=indicator, data={"period": "2024-25", "value": Decimal(10)}
        )
        measurement = services.measurement_record(
            user=None,
            indicator=indicator,
            data={"period": "2024-25", "value": Decimal(12), "source": f"Source {key}"},
        )
        indicators[key], targets[key], measurements[key] = indicator.pk, target.pk, measurement.pk
    return IndicatorWorld(plans, indicators, targets, measurements)


@pytest.fixture(scope="module")
def _matrix(django_db_setup, django_db_blocker) -> Iterator[IndicatorWorld]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield build_indicators(build_plans(make_world()))
        transaction.set_rollback(True)


@pytest.fixture
def m(_matrix: IndicatorWorld, db) -> IndicatorWorld:
    for user in _matrix.world.users.values():  # grants are cached on the user objects
        user.__dict__.pop("_capdev_grants", None)
    return _matrix


def snapshot() -> tuple:
    """Every monitor row, the frameworks indicators serve, and the number of history rows."""
    rows = []
    for model in (Indicator, Target, Measurement):
        rows += [list(model.objects.order_by("pk").values()), model.history.count()]
    for link in (Indicator.results, Indicator.pb_outcomes, Indicator.deliverables):
        rows.append(list(link.through.objects.order_by("pk").values()))
    return tuple(rows)


# --- scoped() -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Indicator, Target, Measurement], ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
def test_scoped_gives_each_persona_exactly_its_indicator_rows(m, persona, model):
    user = m.world.users[persona]
    for action in Do:
        rows = list(scoped(user, model.objects.all(), action))
        assert len(rows) == len({row.pk for row in rows}), f"{action}: a row comes twice"
        assert {m.key(row) for row in rows} == expected(persona, action), action


# --- reading: lists and details -------------------------------------------------------------


def _keys(m: IndicatorWorld, pks: list[Any]) -> list[str]:
    by_pk = {pk: key for key, pk in m.indicators.items()}
    return [by_pk[int(pk)] for pk in pks]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_page_shows_exactly_the_personas_indicators(m, persona):
    response = page_client(m.world, persona).get(reverse("monitor:indicator-list"))
    assert response.status_code == 200
    html = response.content.decode()
    results = html[html.index('id="results"') : html.index("</main>")]
    seen = _keys(m, re.findall(r'href="/monitor/indicators/(\d+)/"', results))
    assert len(seen) == len(set(seen))
    assert set(seen) == SEES[persona]
    # A plan is named on the list only to those who see it.
    named = {plan for plan, title in PLAN_TITLES.items() if title in results}
    assert named == SEES_PLANS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_list_gives_exactly_the_personas_indicators(m, persona):
    client = api_client(persona)
    response = client.get("/api/indicators/?page_size=100")
    assert response.status_code == 200
    body = response.json()
    seen = _keys(m, [row["id"] for row in body["results"]])
    assert body["count"] == len(seen) == len(set(seen))
    assert set(seen) == SEES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_detail_is_found_inside_the_scope_and_not_found_outside(m, persona):
    page, api = page_client(m.world, persona), api_client(persona)
    for key, pk in m.indicators.items():
        status = 200 if key in SEES[persona] else 404
        assert page.get(reverse("monitor:indicator-detail", args=[pk])).status_code == status
        assert api.get(f"/api/indicators/{pk}/").status_code == status, key
        assert api.get(f"/api/indicators/{pk}/measurements/").status_code == status, key


@pytest.mark.parametrize("persona", ["office_a", "office_b", "focal", "workers", "hq"])
def test_an_indicator_of_two_plans_names_only_the_plans_the_reader_sees(m, persona):
    pk = m.indicators["KEFR"]
    html = page_client(m.world, persona).get(reverse("monitor:indicator-detail", args=[pk]))
    html = html.content.decode()
    body = api_client(persona).get(f"/api/indicators/{pk}/").json()
    api_titles = {r["plan_title"] for r in body["linked_results"]}
    sees_plans = {
        "office_a": {"KE"},
        "office_b": {"FR"},
        "focal": {"KE"},
        "workers": {"KE"},
        "hq": {"KE", "FR"},
    }[persona]
    for plan in ("KE", "FR"):
        assert (PLAN_TITLES[plan] in html) == (plan in sees_plans), plan
    assert api_titles == {PLAN_TITLES[p] for p in sees_plans}
    assert len(body["results"]) == len(sees_plans)


# --- writes: refused outside the scope, nothing changed --------------------------------------


def _links(m: IndicatorWorld, key: str, persona: str) -> dict[str, list[int]]:
    """The frameworks of the indicator as the persona's edit form offers them."""
    serves = INDICATORS[key]
    results = [r for r in serves if r.split("/")[0] in WORKS_ON.get(persona, set())]
    pb = PBOutcome.objects.get(biennium="2020-21", code="1").pk
    strategy = Deliverable.objects.get(title__en="Staff curriculum piloted").pk
    return {
        "results": [m.plans.rows["Result"][r] for r in results if "/" in r],
        "pb_outcomes": [pb] if serves == ("pb",) else [],
        "deliverables": [strategy] if serves == ("strategy",) else [],
    }


def _page_writes(
    m: IndicatorWorld, key: str, persona: str
) -> dict[str, tuple[str, str, dict, dict]]:
    pk, measurement = m.indicators[key], m.measurements[key]
    edit = reverse("monitor:indicator-edit", args=[pk])
    delete = reverse("monitor:indicator-measurement-delete", args=[measurement])
    return {
        "edit form": ("get", edit, {}, KEEPS),
        "edit": (
            "post",
            edit,
            {
                "code": f"IND-{key}",
                "name": "Changed",
                "measure": "number",
                "direction": "increase",
                "frequency": "annual",
                **_links(m, key, persona),
            },
            KEEPS,
        ),
        "set a target": (
            "post",
            reverse("monitor:indicator-target-set", args=[pk]),
            {"target-period": "2026", "target-value": "5"},
            KEEPS,
        ),
        "record a measurement": (
            "post",
            reverse("monitor:indicator-measurement-record", args=[pk]),
            {"measurement-period": "2026", "measurement-value": "5", "measurement-source": "S"},
            KEEPS,
        ),
        "approve": (
            "post",
            reverse("monitor:indicator-measurement-approve", args=[measurement]),
            {},
            APPROVES,
        ),
        "delete form": ("get", delete, {}, KEEPS),
        "delete": ("post", delete, {}, KEEPS),
    }


def _api_writes(m: IndicatorWorld, key: str) -> dict[str, tuple[str, str, dict, dict]]:
    url = f"/api/indicators/{m.indicators[key]}/"
    return {
        "patch": ("patch", url, {"name": "Changed"}, KEEPS),
        "set a target": ("post", f"{url}targets/", {"period": "2026", "value": "5"}, KEEPS),
        "record a measurement": (
            "post",
            f"{url}measurements/",
            {"period": "2026", "value": "5", "source": "S"},
            KEEPS,
        ),
        "approve": (
            "post",
            f"/api/measurements/{m.measurements[key]}/approve/",
            {},
            APPROVES,
        ),
    }


def _refusal(persona: str, key: str, allowed: dict[str, set[str]]) -> int | None:
    """404 outside the persona's view, 403 where it sees but may not; None where allowed."""
    if key not in SEES[persona]:
        return 404
    return None if key in allowed.get(persona, set()) else 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_writes_are_refused_outside_the_scope_and_change_nothing(m, persona):
    client = page_client(m.world, persona)
    for key in INDICATORS:
        for name, (method, url, body, allowed) in _page_writes(m, key, persona).items():
            send = getattr(client, method)
            status, unchanged = attempt(lambda: send(url, body), snapshot)  # noqa: B023
            refusal = _refusal(persona, key, allowed)
            if refusal is None:
                assert status not in (403, 404), (key, name)
                if method == "post":
                    assert status == 302, (key, name)
            else:
                assert (status, unchanged) == (refusal, True), (key, name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_writes_are_refused_outside_the_scope_and_change_nothing(m, persona):
    client = api_client(persona)
    for key in INDICATORS:
        for name, (method, url, body, allowed) in _api_writes(m, key).items():
            send = getattr(client, method)
            status, unchanged = attempt(lambda: send(url, body, format="json"), snapshot)  # noqa: B023
            refusal = _refusal(persona, key, allowed)
            if refusal is None:
                assert status in (200, 201), (key, name, status)
            else:
                assert (status, unchanged) == (refusal, True), (key, name)


# Defining an indicator of Kenya's plan: those who keep Kenya's indicators may; office B and
# the employers' specialist are not offered Kenya's results (400); the roles that keep no
# indicator are refused the form (403). A P&B indicator is HQ's: an office or a specialist
# is refused after the check of the scope (the page: 400 with the reason; the API: 403).
KE_CREATORS = {"hq", "admin", "office_a", "workers"}
PB_CREATORS = {"hq", "admin"}
KEEPERS = set(KEEPS)


def _new_indicator(m: IndicatorWorld, persona: str, framework: str) -> dict[str, Any]:
    links = (
        {"results": [m.plans.rows["Result"]["KE/outcome"]]}
        if framework == "KE"
        else {"pb_outcomes": [PBOutcome.objects.get(biennium="2020-21", code="2").pk]}
    )
    return {
        "code": f"NEW-{framework}-{persona}",
        "name": f"New indicator by {persona}",
        "measure": "number",
        "direction": "increase",
        "frequency": "annual",
        **links,
    }


def _expected_create(persona: str, framework: str, created: int) -> int:
    creators = KE_CREATORS if framework == "KE" else PB_CREATORS
    if persona in creators:
        return created
    if persona not in KEEPERS:
        return 403
    return 400 if (framework == "KE" or created == 302) else 403


@pytest.mark.parametrize("framework", ["KE", "PB"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_an_indicator_is_defined_only_inside_the_personas_scope(m, persona, framework):
    page, api = page_client(m.world, persona), api_client(persona)
    for client, url, created, kwargs in (
        (page, reverse("monitor:indicator-create"), 302, {}),
        (api, "/api/indicators/", 201, {"format": "json"}),
    ):
        body = _new_indicator(m, persona, framework)
        status, unchanged = attempt(lambda: client.post(url, body, **kwargs), snapshot)  # noqa: B023
        assert status == _expected_create(persona, framework, created), (url, status)
        assert unchanged == (status != created), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_definition_form_is_offered_to_those_who_keep_indicators(m, persona):
    status = page_client(m.world, persona).get(reverse("monitor:indicator-create")).status_code
    assert status == (200 if persona in KEEPERS else 403)


def test_an_anonymous_visitor_is_sent_to_log_in_and_an_anonymous_api_client_refused(m):
    client = Client()
    pk, measurement = m.indicators["KE"], m.measurements["KE"]
    before = snapshot()
    for url in (
        reverse("monitor:indicator-list"),
        reverse("monitor:indicator-create"),
        reverse("monitor:indicator-detail", args=[pk]),
        reverse("monitor:indicator-edit", args=[pk]),
        reverse("monitor:indicator-measurement-delete", args=[measurement]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url in (
        reverse("monitor:indicator-target-set", args=[pk]),
        reverse("monitor:indicator-measurement-record", args=[pk]),
        reverse("monitor:indicator-measurement-approve", args=[measurement]),
    ):
        assert client.post(url, {}).status_code == 302, url
    for url in (
        "/api/indicators/",
        f"/api/indicators/{pk}/",
        f"/api/indicators/{pk}/measurements/",
    ):
        assert client.get(url).status_code == 401, url
    assert client.post(f"/api/measurements/{measurement}/approve/").status_code == 401
    assert snapshot() == before
