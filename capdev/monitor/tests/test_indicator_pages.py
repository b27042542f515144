"""The indicator pages, through the test client: the list and its filters, one indicator's
figures, the forms (bad input changes nothing), approval by a second person, deletion.

The indicators of `board` and what they show, worked out by hand:

TRN  people trained, number, increase from 10, by sex, serving Kenya's plan (individual)
     2022-23 target 30, measured 28; 2024-25 target 50, measured 52 (women: 20, 21)
     → 2024-25: (52 − 10) / (50 − 10) = 105 % of the way: on track
APP  share applying their skills, percentage, from 20 of 100, Kenya's plan (individual)
     2022-23: 10 of 20 (50 %); 2024-25 target 60 of 100, measured 12 of 80 (15 %)
     → 2024-25: (15 − 20) / (60 − 20) < 0: off track; cumulative 22 of 100 = 22 %,
       not the 32.5 % an average of the periods would give
NEG  complaints, number, decrease from 40 to 20, measured 22, Kenya's plan (organisational)
     → (40 − 22) / (40 − 20) = 90 % of the way: at risk
PB1  P&B outcome 1, number, target 2024-25 of 5, nothing measured → not assessed
LAW  a strategy deliverable, words, measured in words → a qualitative indicator, no status
"""

from __future__ import annotations

import datetime
import json
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capdev.core.models import Grant, Role
from capdev.monitor import demo, services
from capdev.monitor.models import Indicator, Measurement, Target
from capdev.monitor.selectors import with_standings
from capdev.plan import services as plans
from capdev.plan.models import Deliverable, PBOutcome, Plan, Result, StrategyOutcome
from capdev.plan.tests.test_scope_matrix import FAST_HASHER
from capdev.test import World, make_world

D = Decimal
CODES = ["APP", "LAW", "NEG", "PB1", "TRN"]


def _measure(indicator: Indicator, period: str, **figure) -> Measurement:
    return services.measurement_record(
        user=None, indicator=indicator, data={"period": period, "source": "Register", **figure}
    )


def _target(indicator: Indicator, period: str, **figure) -> Target:
    return services.target_set(user=None, indicator=indicator, data={"period": period, **figure})


@dataclass
class Board:
    world: World
    kenya: tuple[Plan, Result, Result]
    indicators: dict[str, Indicator]


@contextmanager
def built_once(django_db_blocker) -> Iterator[Board]:
    """The world, Kenya's plan and the board, built once for a module inside an outer
    transaction; each test runs in a savepoint rolled back after it (as the scope matrices)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        world = make_world()
        kenya = make_kenya(world)
        yield Board(world, kenya, make_board(world, kenya))
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker) -> Iterator[Board]:
    with built_once(django_db_blocker) as built:
        yield built


@pytest.fixture
def world(_built: Board, db) -> World:
    for user in _built.world.users.values():  # grants are cached on the user objects
        user.__dict__.pop("_capdev_grants", None)
    return _built.world


@pytest.fixture
def kenya(_built: Board, world):
    return _built.kenya


@pytest.fixture
def board(_built: Board, world) -> dict[str, Indicator]:
    return _built.indicators


def make_kenya(world):
    """Kenya's plan for its ministry and its trade-union centre: an output and an outcome."""
    plan = plans.plan_create(
        user=None,
        data={
            "title": "Kenyan capacity plan",
            "country": world.countries["KE"],
            "start": datetime.date(2022, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "organisations": [world.organisations["KE-gov"], world.organisations["KE-wrk"]],
        },
    )
    output = plans.result_add(
        user=None,
        plan=plan,
        data={"level": "individual", "kind": "output", "statement": "Inspectors trained"},
    )
    outcome = plans.result_add(
        user=None,
        plan=plan,
        data={"level": "organisational", "kind": "outcome", "statement": "Complaints handled"},
    )
    return plan, output, outcome


def make_board(world, kenya) -> dict[str, Indicator]:
    """The indicators of the module's docstring."""
    _plan, output, outcome = kenya
    make = services.indicator_create
    trn = make(
        user=None,
        data={
            "code": "TRN",
            "name": "Labour inspectors trained",
            "level": "individual",
            "measure": "number",
            "unit": "people",
            "baseline": D(10),
            "baseline_period": "2020-21",
            "disaggregations": ["sex"],
            "results": [output],
        },
    )
    _target(trn, "2022-23", value=D(30))
    _target(trn, "2024-25", value=D(50))
    _target(trn, "2024-25", disaggregation="sex:female", value=D(20))
    _measure(trn, "2022-23", value=D(28))
    _measure(trn, "2024-25", value=D(52))
    _measure(trn, "2024-25", disaggregation="sex:female", value=D(21))
    app = make(
        user=None,
        data={
            "code": "APP",
            "name": "Trained inspectors applying their skills",
            "level": "individual",
            "measure": "percentage",
            "baseline_numerator": D(20),
            "baseline_denominator": D(100),
            "results": [output],
        },
    )
    _target(app, "2024-25", numerator=D(60), denominator=D(100))
    _measure(app, "2022-23", numerator=D(10), denominator=D(20))
    _measure(app, "2024-25", numerator=D(12), denominator=D(80))
    neg = make(
        user=None,
        data={
            "code": "NEG",
            "name": "Complaints pending after a year",
            "level": "organisational",
            "measure": "number",
            "direction": "decrease",
            "baseline": D(40),
            "results": [outcome],
        },
    )
    _target(neg, "2024-25", value=D(20))
    _measure(neg, "2024-25", value=D(22))
    pb1 = make(
        user=None,
        data={
            "code": "PB1",
            "name": "Member States with stronger tripartite constituents",
            "measure": "number",
            "pb_outcomes": [PBOutcome.objects.get(biennium="2020-21", code="1")],
        },
    )
    _target(pb1, "2024-25", value=D(5))
    area = StrategyOutcome.objects.create(code="1(c)", title={"en": "Staff capacity"})
    deliverable = Deliverable.objects.create(
        outcome=area,
        title={"en": "Staff curriculum piloted"},
        phase=1,
        biennium="2020-21",
        responsible_unit=world.offices["actrav"],
    )
    law = make(
        user=None,
        data={
            "code": "LAW",
            "name": "How the curriculum pilot went",
            "level": "enabling_environment",
            "measure": "text",
            "deliverables": [deliverable],
        },
    )
    _measure(law, "2022-23", text="Piloted in one region; rolled out after.")
    return {i.code: i for i in (trn, app, neg, pb1, law)}


def _login(client, world, name: str = "hq"):
    client.force_login(world.users[name])
    return client


def _results(html: str) -> str:
    return html[html.index('id="results"') : html.index("</main>")]


def _codes(client, query: str = "") -> list[str]:
    response = client.get(f"{reverse('monitor:indicator-list')}?{query}")
    assert response.status_code == 200
    return re.findall(
        r'href="/monitor/indicators/\d+/">([A-Z0-9-]+)</a>', _results(response.content.decode())
    )


# --- the list -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", CODES),
        ("q=trn", ["TRN"]),
        ("q=inspectors+trained", ["APP", "TRN"]),
        ("framework=plan", ["APP", "NEG", "TRN"]),
        ("framework=pb", ["PB1"]),
        ("framework=strategy", ["LAW"]),
        ("level=individual", ["APP", "TRN"]),
        ("measure=percentage", ["APP"]),
        ("status=on_track", ["TRN"]),
        ("status=at_risk", ["NEG"]),
        ("status=off_track", ["APP"]),
        ("status=none", ["LAW", "PB1"]),
        ("framework=plan&status=on_track&level=individual", ["TRN"]),
        ("sort=status", ["APP", "NEG", "TRN", "LAW", "PB1"]),
        ("sort=name", ["NEG", "LAW", "TRN", "PB1", "APP"]),
        ("level=nonsense&q=neg", ["NEG"]),  # a mistyped filter is ignored, not all of them
    ],
)
def test_the_list_filters_and_sorts_indicators(client, world, board, query, codes):
    assert _codes(_login(client, world), query) == codes


def test_each_row_shows_the_latest_value_against_its_target_and_the_status_in_words(
    client, world, board
):
    html = _results(_login(client, world).get(reverse("monitor:indicator-list")).content.decode())
    row = html[html.index(">TRN</a>") : html.index("</tr>", html.index(">TRN</a>"))]
    assert "2024-25" in row
    assert "52 people" in row and "50 people" in row
    assert "On track" in row
    assert "from a baseline of 10: 105 % of the way: on track." in row
    assert "Kenyan capacity plan" in row  # the framework it serves
    app = html[html.index(">APP</a>") : html.index("</tr>", html.index(">APP</a>"))]
    assert "15 %" in app and "(12 / 80)" in app and "60 %" in app and "Off track" in app
    law = html[html.index(">LAW</a>") : html.index("</tr>", html.index(">LAW</a>"))]
    assert "A qualitative indicator has no computed status." in law
    pb1 = html[html.index(">PB1</a>") : html.index("</tr>", html.index(">PB1</a>"))]
    assert "Nothing is measured for 2024-25 yet." in pb1 and "P&B 2020-21 outcome 1" in pb1


def test_an_empty_list_says_so_and_a_long_one_is_paged(client, world, board):
    client = _login(client, world)
    html = client.get(reverse("monitor:indicator-list"), {"q": "nothing-like-this"})
    assert "No indicator matches." in html.content.decode()
    for n in range(25):
        services.indicator_create(
            user=None, data={"code": f"X{n:02}", "name": f"Extra {n}", "measure": "number"}
        )
    first = client.get(reverse("monitor:indicator-list")).content.decode()
    assert "30 indicators" in first and 'rel="next"' in first
    assert _codes(client, "page=2") == ["X20", "X21", "X22", "X23", "X24"]


def test_live_search_answers_with_the_results_partial(client, world, board):
    response = _login(client, world).get(
        reverse("monitor:indicator-list"), {"q": "NEG"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and ">NEG</a>" in html and ">TRN</a>" not in html


def _list_queries(client, query: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{reverse('monitor:indicator-list')}?{query}")
    assert response.status_code == 200
    rows = len(re.findall(r'href="/monitor/indicators/\d+/"', _results(response.content.decode())))
    return len(queries), rows


@pytest.mark.parametrize("query", ["", "sort=status", "status=on_track"])
def test_the_list_runs_as_many_queries_for_three_times_the_indicators(
    client, world, kenya, board, query, django_assert_max_num_queries
):
    """Office A (a scope filter) lists its plan's indicators, each with figures and links."""
    _plan, output, outcome = kenya
    client = _login(client, world, "office_a")

    def add(n: int) -> None:
        start = Indicator.objects.count()
        for i in range(n):
            indicator = services.indicator_create(
                user=None,
                data={
                    "code": f"I{start + i:03}",
                    "name": "Indicator",
                    "measure": "number",
                    "results": [output, outcome],
                    "pb_outcomes": list(PBOutcome.objects.all()[:2]),
                },
            )
            _target(indicator, "2024-25", value=D(10))
            _measure(indicator, "2024-25", value=D(12))

    # Office A sees the board's five (one on track) and these, each on track: 12 of 10.
    listed = {"": 5, "sort=status": 5, "status=on_track": 1}[query]
    add(4)
    client.get(reverse("monitor:indicator-list"))  # warms caches (content types, translations)
    before, rows = _list_queries(client, query)
    assert rows == listed + 4
    add(8)
    with django_assert_max_num_queries(before):
        after, rows = _list_queries(client, query)
    assert rows == listed + 12
    # Session, user, grants, the demo banner, the count (a list computed by status has
    # none), the page of indicators, their targets, measurements, P&B outcomes, strategy
    # deliverables and plan results: 11 at most, whatever the number of indicators.
    assert after == before <= 11, before


# --- one indicator ------------------------------------------------------------------------


def test_the_detail_page_adds_percentages_from_counts_and_explains_the_status(client, world, board):
    response = _login(client, world).get(
        reverse("monitor:indicator-detail", args=[board["APP"].pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    totals = html[html.index('id="totals-heading"') : html.index('id="targets-heading"')]
    cells = re.findall(r'<td class="number">([^<]*)</td>', totals)
    # 2022-23: 10 of 20; 2024-25: 12 of 80; cumulative: 22 of 100 = 22 %, not (50 + 15) / 2.
    assert cells == ["10", "20", "50 %", "12", "80", "15 %", "22", "100", "22 %"]
    assert "32.5" not in totals
    assert "Measured 15 against a target of 60 for 2024-25, from a baseline of 20" in html
    assert "Off track" in html
    spec = json.loads(re.search(r'id="indicator-progress"[^>]*>(.*?)</script>', html, re.S)[1])
    values = {(v["period"], v["series"]): v["value"] for v in spec["data"]["values"]}
    assert values == {
        ("2022-23", "Actual"): 50.0,
        ("2024-25", "Target"): 60.0,
        ("2024-25", "Actual"): 15.0,
    }
    table = html[html.index('id="progress-heading"') : html.index('id="totals-heading"')]
    assert '<th scope="row">2022-23</th>' in table and "No target is set for 2022-23." in table


def test_the_detail_page_shows_definition_frameworks_targets_measurements_and_history(
    client, world, board
):
    trn = board["TRN"]
    html = _login(client, world).get(reverse("monitor:indicator-detail", args=[trn.pk]))
    html = html.content.decode()
    assert "<h1>TRN — Labour inspectors trained</h1>" in html
    assert (
        "Sex" in html[html.index('id="definition-heading"') : html.index('id="frameworks-heading"')]
    )
    plan = trn.results.get().plan
    assert f'href="/plan/{plan.pk}/"' in html
    targets = html[html.index('id="targets-heading"') : html.index('id="measurements-heading"')]
    assert "Sex: Female" in targets and "20 people" in targets
    totals = html[html.index('id="totals-heading"') : html.index('id="targets-heading"')]
    assert "Totals per period and cumulative: Sex: Female" in totals
    assert re.findall(r'<td class="number">([^<]*)</td>', totals) == ["28", "52", "80", "21", "21"]
    measurements = html[
        html.index('id="measurements-heading"') : html.index('id="history-heading"')
    ]
    assert measurements.count("Awaiting approval") == 3
    assert "Register" in measurements and "system" in measurements
    changes = html[html.index('id="figure-history-heading"') :]
    assert "Measurement 2024-25 · Sex: Female — created" in changes
    # HQ keeps every indicator: the forms are offered, each with its own ids.
    assert 'id="id_target-period"' in html and 'id="id_measurement-period"' in html


def test_a_reader_outside_the_plans_gets_404_and_a_viewer_no_form(client, world, board):
    assert (
        _login(client, world, "office_b")
        .get(reverse("monitor:indicator-detail", args=[board["TRN"].pk]))
        .status_code
        == 404
    )
    viewer = _login(client, world, "viewer")
    html = viewer.get(reverse("monitor:indicator-detail", args=[board["PB1"].pk])).content.decode()
    assert "Set a target" not in html and "Record a measurement" not in html


# --- forms: bad input changes nothing -----------------------------------------------------


def _figures() -> tuple[list[dict], list[dict], int, int]:
    return (
        list(Target.objects.order_by("pk").values()),
        list(Measurement.objects.order_by("pk").values()),
        Target.history.count(),
        Measurement.history.count(),
    )


@pytest.mark.parametrize(
    ("code", "url", "data", "field", "message"),
    [
        (
            "TRN",
            "target-set",
            {"period": "2026-27"},
            "value",
            "A numeric indicator is measured by a number.",
        ),
        ("TRN", "target-set", {"period": "2026-27", "value": "many"}, "value", "Enter a number."),
        (
            "TRN",
            "target-set",
            {"period": "26", "value": "5"},
            "period",
            "Write a period as 2025 or 2024-25.",
        ),
        (
            "TRN",
            "measurement-record",
            {"period": "2026-27", "value": "5"},
            "source",
            "This field is required.",
        ),
        (
            "TRN",
            "measurement-record",
            {"period": "2026-27", "disaggregation": "group:workers", "value": "5", "source": "S"},
            "disaggregation",
            "Select a valid choice.",
        ),
        (
            "APP",
            "measurement-record",
            {"period": "2026-27", "numerator": "3", "source": "S"},
            "numerator",
            "A percentage is given as its numerator and its denominator.",
        ),
        (
            "APP",
            "target-set",
            {"period": "2026-27", "numerator": "3", "denominator": "0"},
            "denominator",
            "The denominator is more than zero.",
        ),
        (
            "LAW",
            "measurement-record",
            {"period": "2026-27", "source": "S"},
            "text",
            "A qualitative indicator is measured in words.",
        ),
    ],
)
def test_a_figure_that_does_not_fit_is_refused_next_to_its_field(
    client, world, board, code, url, data, field, message
):
    before = _figures()
    prefix = "target" if url == "target-set" else "measurement"
    response = _login(client, world).post(
        reverse(f"monitor:indicator-{url}", args=[board[code].pk]),
        {f"{prefix}-{name}": value for name, value in data.items()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index(f'id="{prefix}-form"') :]
    after_error = form[form.index(message) :]
    assert re.search(r' id="(id_[\w-]+)"', after_error)[1] == f"id_{prefix}-{field}"
    assert _figures() == before


def test_an_htmx_measurement_form_comes_back_with_its_errors_or_sends_the_page_again(
    client, world, board
):
    client = _login(client, world)
    url = reverse("monitor:indicator-measurement-record", args=[board["TRN"].pk])
    before = _figures()
    refused = client.post(
        url,
        {"measurement-period": "2026", "measurement-source": "S"},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200
    assert refused.content.decode().lstrip().startswith('<form method="post"')
    assert "A numeric indicator is measured by a number." in refused.content.decode()
    assert _figures() == before
    saved = client.post(
        url,
        {"measurement-period": "2026", "measurement-value": "7", "measurement-source": "S"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 204
    assert saved["HX-Redirect"] == reverse("monitor:indicator-detail", args=[board["TRN"].pk])
    assert Measurement.objects.get(indicator=board["TRN"], period="2026").value == D(7)


def test_a_target_is_set_and_set_again_from_the_page(client, world, board):
    client = _login(client, world, "office_a")
    url = reverse("monitor:indicator-target-set", args=[board["TRN"].pk])
    for value in ("60", "65"):
        response = client.post(url, {"target-period": "2026-27", "target-value": value})
        assert response.status_code == 302
    target = Target.objects.get(indicator=board["TRN"], period="2026-27", disaggregation="")
    assert target.value == D(65)
    assert target.history.first().history_user == world.users["office_a"]


def test_an_indicator_is_defined_and_edited_through_its_form(client, world, kenya, board):
    _plan, output, _outcome = kenya
    client = _login(client, world, "office_a")
    form = client.get(reverse("monitor:indicator-create"))
    assert form.status_code == 200
    assert "Kenyan capacity plan — Inspectors trained" in form.content.decode()
    data = {
        "code": "KE-3",
        "name": "Shop stewards trained",
        "level": "individual",
        "measure": "percentage",
        "direction": "increase",
        "frequency": "annual",
        "disaggregations": ["sex", "group"],
        "baseline_numerator": "3",
        "baseline_denominator": "12",
        "baseline_period": "2024",
        "results": [output.pk],
        "responsible": world.users["office_a"].pk,
    }
    response = client.post(reverse("monitor:indicator-create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Indicator.objects.get(code="KE-3")
    assert created.disaggregations == ["sex", "group"] and created.baseline_value == D(25)
    assert list(created.results.all()) == [output]
    edit = reverse("monitor:indicator-edit", args=[created.pk])
    response = client.post(edit, {**data, "name": "Shop stewards trained (both sexes)"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name == "Shop stewards trained (both sexes)"
    assert created.history.first().history_user == world.users["office_a"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "TRN"}, "code", "Indicator with this Code already exists."),
        (
            {"baseline_numerator": "3", "baseline_denominator": ""},
            "baseline_numerator",
            "A percentage is given as its numerator and its denominator.",
        ),
        ({"baseline_period": "2025/26"}, "baseline_period", "Write a period as 2025 or 2024-25."),
        (
            {"measure": "number"},
            "measure",
            "This indicator has targets or measurements: its type stays.",
        ),
    ],
)
def test_a_bad_definition_is_refused_next_to_its_field_and_changes_nothing(
    client, world, board, change, field, message
):
    app = board["APP"]
    data = {
        "code": "APP",
        "name": app.name,
        "level": app.level,
        "measure": "percentage",
        "direction": "increase",
        "frequency": "annual",
        "baseline_numerator": "20",
        "baseline_denominator": "100",
        "results": [r.pk for r in app.results.all()],
        **change,
    }
    url = reverse("monitor:indicator-edit", args=[app.pk])
    before = list(Indicator.objects.order_by("pk").values()), Indicator.history.count()
    response = _login(client, world).post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved." in html
    after_error = html[html.index(message) :]
    assert re.search(r' id="(id_[\w-]+)"', after_error)[1] == f"id_{field}"
    assert (list(Indicator.objects.order_by("pk").values()), Indicator.history.count()) == before


def test_an_office_that_sees_one_of_two_plans_keeps_the_other_link_when_it_saves(
    client, world, kenya
):
    _plan, output, _outcome = kenya
    french = plans.plan_create(
        user=None,
        data={
            "title": "French plan",
            "country": world.countries["FR"],
            "start": datetime.date(2024, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "organisations": [world.organisations["FR-emp"]],
        },
    )
    theirs = plans.result_add(
        user=None, plan=french, data={"level": "individual", "kind": "output", "statement": "FR"}
    )
    shared = services.indicator_create(
        user=None,
        data={"code": "BOTH", "name": "Both", "measure": "number", "results": [output, theirs]},
    )
    client = _login(client, world, "office_b")
    form = client.get(reverse("monitor:indicator-edit", args=[shared.pk])).content.decode()
    assert "Kenyan capacity plan" not in form
    response = client.post(
        reverse("monitor:indicator-edit", args=[shared.pk]),
        {
            "code": "BOTH",
            "name": "Both, renamed",
            "measure": "number",
            "direction": "increase",
            "frequency": "annual",
            "results": [theirs.pk],
        },
    )
    assert response.status_code == 302
    assert set(shared.results.all()) == {output, theirs}


def test_a_focal_point_and_a_viewer_are_not_offered_the_indicator_form(client, world, board):
    for name in ("focal", "viewer", "evaluator"):
        assert (
            _login(client, world, name).get(reverse("monitor:indicator-create")).status_code == 403
        )
        edit = reverse("monitor:indicator-edit", args=[board["PB1"].pk])
        assert client.get(edit).status_code == 403


# --- approval: four eyes, through the page ------------------------------------------------


def test_a_measurement_is_approved_on_the_page_by_someone_other_than_its_recorder(
    client, world, board
):
    trn = board["TRN"]
    office = _login(client, world, "office_a")
    response = office.post(
        reverse("monitor:indicator-measurement-record", args=[trn.pk]),
        {
            "measurement-period": "2026",
            "measurement-value": "9",
            "measurement-source": "Ministry list",
        },
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=trn, period="2026")
    assert measurement.recorded_by == world.users["office_a"]
    approve = reverse("monitor:indicator-measurement-approve", args=[measurement.pk])

    refused = office.post(approve, follow=True)
    assert (
        "A measurement is approved by someone other than its recorder." in refused.content.decode()
    )
    measurement.refresh_from_db()
    assert measurement.approved_by is None

    assert (
        _login(client, world, "workers").post(approve).status_code == 403
    )  # records, never approves
    assert _login(client, world, "office_b").post(approve).status_code == 404  # does not see it
    measurement.refresh_from_db()
    assert measurement.approved_at is None

    colleague = get_user_model().objects.create_user("colleague")
    Grant.objects.create(user=colleague, role=Role.OFFICE, office=world.offices["a"])
    client.force_login(colleague)
    approved = client.post(approve, follow=True).content.decode()
    assert "Measurement of 2026 approved." in approved
    measurement.refresh_from_db()
    assert measurement.approved_by == colleague and measurement.approved_at is not None
    row = approved[approved.index(">2026</td>") :]
    assert "colleague" in row[: row.index("</tr>")]


def test_the_approve_button_is_offered_to_approvers_only(client, world, board):
    url = reverse("monitor:indicator-detail", args=[board["TRN"].pk])
    assert ">Approve<" in _login(client, world, "office_a").get(url).content.decode()
    assert ">Approve<" not in _login(client, world, "workers").get(url).content.decode()
    assert ">Approve<" not in _login(client, world, "focal").get(url).content.decode()


# --- deletion -----------------------------------------------------------------------------


def test_a_measurement_is_deleted_after_confirmation_and_its_history_stays(client, world, board):
    measurement = Measurement.objects.get(indicator=board["NEG"], period="2024-25")
    url = reverse("monitor:indicator-measurement-delete", args=[measurement.pk])
    assert _login(client, world, "office_b").get(url).status_code == 404
    assert _login(client, world, "focal").post(url).status_code == 403
    assert _login(client, world, "viewer").get(url).status_code == 404
    client = _login(client, world, "office_a")
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete the measurement of 2024-25 of NEG?" in confirm.content.decode()
    assert Measurement.objects.filter(pk=measurement.pk).exists()
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    assert "Measurement of 2024-25 (Total) deleted." in html
    assert "Nothing is measured for 2024-25 yet." in html
    deleted = Measurement.history.filter(id=measurement.pk, history_type="-").get()
    assert deleted.history_user == world.users["office_a"]
    assert "Measurement 2024-25 · Total — deleted" in html


# --- the demo data ------------------------------------------------------------------------


def test_the_demo_seed_gives_every_status_and_is_marked_synthetic(client, world, kenya, board):
    """The monitor demo on this world: Kenya's plan (2022–25) with a plan indicator on its
    output (people) and outcome (%), the P&B 2020–21 outcomes the migrations load, the staff
    curriculum deliverable of the board (outcome area 1(c)), and the demo users "office"
    (covering Kenya) and "hq" (the world's)."""
    _plan, output, outcome = kenya
    plans.indicator_add(
        user=None,
        result=output,
        data={"name": "Officers trained", "unit": "people", "baseline": D(0), "target": D(40)},
    )
    plans.indicator_add(
        user=None,
        result=outcome,
        data={"name": "Users satisfied", "unit": "%", "baseline": D(35), "target": D(65)},
    )
    office, hq = get_user_model().objects.create_user("office"), world.users["hq"]
    Grant.objects.create(user=office, role=Role.OFFICE, office=world.offices["a"])
    started = time.perf_counter()
    made = demo.seed(rng=random.Random(5), organisations=[], offices=[])
    assert time.perf_counter() - started < 3
    outcomes = PBOutcome.objects.filter(biennium="2020-21")
    assert made == outcomes.count() + 1 + 2  # the P&B's, one deliverable's, Kenya's two
    seeded = with_standings(list(Indicator.objects.exclude(code__in=CODES)))
    assert {i.standing.status for i in seeded} >= {"on_track", "at_risk", "off_track"}
    assert {i.code for i in seeded} >= {f"PB20-{o.code}" for o in outcomes}
    assert all(i.name.endswith("(demo)") and "Synthetic" in i.rationale for i in seeded)
    demo_rows = Indicator.objects.exclude(code__in=CODES)
    officers = demo_rows.get(results=output)
    assert officers.name == "Officers trained (demo)" and officers.disaggregations == ["sex"]
    assert demo_rows.get(results=outcome).measure == "percentage"
    assert Target.objects.filter(indicator=officers, disaggregation="sex:female").exists()
    # Kenya's figures are recorded by the office, the P&B's by the command line; HQ approves.
    kenyan = Measurement.objects.filter(indicator__in=demo_rows, indicator__results__plan=kenya[0])
    assert {(m.recorded_by, m.approved_by) for m in kenyan} <= {(office, hq), (office, None)}
    assert (office, hq) in {(m.recorded_by, m.approved_by) for m in kenyan}
    framework = Measurement.objects.filter(indicator__code__startswith="PB20-")
    pairs = [(m.recorded_by, m.approved_by) for m in framework]
    assert set(pairs) <= {(None, hq), (None, None)} and pairs.count((None, hq)) > len(pairs) / 2
    assert all(
        m.recorded_at.year < 2026 for m in Measurement.objects.filter(source__contains="demo")
    )
    page = _login(client, world).get(reverse("monitor:indicator-list"), {"status": "at_risk"})
    assert ">PB20-" in page.content.decode() or ">KEN-" in page.content.decode()
    demo.reset()
    assert not Indicator.objects.exists() and not Indicator.history.exists()
    assert not Measurement.history.exists() and not Target.history.exists()
