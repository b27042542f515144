"""Indicators through their services: figures checked by type, totals that never average
percentages, a status computed and explained, approvals by a second pair of eyes, scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from capdev.core.models import Grant, Role
from capdev.core.scoping import scoped
from capdev.monitor import selectors, services
from capdev.monitor.models import Indicator, Measurement, Target
from capdev.monitor.selectors import Status
from capdev.plan import services as plans
from capdev.plan.models import PBOutcome

D = Decimal


def indicator(**data) -> Indicator:
    return services.indicator_create(
        user=None,
        data={"code": "IND1", "name": "Inspectors trained", "measure": "number", **data},
    )


@pytest.fixture
def kenyan_result(world):
    plan = plans.plan_create(
        user=None,
        data={
            "title": "Ministry plan",
            "country": world.countries["KE"],
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2027, 12, 31),
            "organisations": [world.organisations["KE-gov"]],
        },
    )
    return plans.result_add(
        user=None,
        plan=plan,
        data={"level": "individual", "kind": "output", "statement": "Inspectors trained"},
    )


@pytest.mark.parametrize(
    ("measure", "figure", "field"),
    [
        ("number", {"text": "many"}, "value"),
        ("percentage", {"numerator": D(3)}, "numerator"),
        ("percentage", {"numerator": D(3), "denominator": D(0)}, "denominator"),
        ("percentage", {"numerator": D(-1), "denominator": D(4)}, "numerator"),
        ("text", {"value": D(3)}, "text"),
    ],
)
def test_a_figure_must_fit_its_indicators_type(db, measure, figure, field):
    subject = indicator(measure=measure)
    with pytest.raises(ValidationError) as refused:
        services.measurement_record(
            user=None, indicator=subject, data={"period": "2025", "source": "Survey", **figure}
        )
    assert field in refused.value.message_dict
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period": "25"}, "period"),
        ({"period": "0000"}, "period"),
        ({"period": "2020-22"}, "period"),
        ({"period": "2021-22"}, "period"),
        ({"disaggregation": "sex:female"}, "disaggregation"),
    ],
)
def test_a_period_is_a_year_or_a_biennium_and_a_disaggregation_one_of_the_indicators(
    db, change, field
):
    subject = indicator()
    data = {"period": "2025", "value": D(4), "source": "Register", **change}
    with pytest.raises(ValidationError) as refused:
        services.target_set(user=None, indicator=subject, data=data)
    assert field in refused.value.message_dict
    by_sex = indicator(code="IND2", disaggregations=["sex"])
    data = {**data, "period": "2024-25", "disaggregation": "sex:female"}
    target = services.target_set(user=None, indicator=by_sex, data=data)
    assert (target.period, target.disaggregation) == ("2024-25", "sex:female")


def test_percentages_add_up_from_numerators_and_denominators_never_by_averaging(db):
    share = indicator(measure="percentage", unit="%")
    for period, numerator, denominator in (("2024", 10, 20), ("2025", 30, 40)):
        services.measurement_record(
            user=None,
            indicator=share,
            data={
                "period": period,
                "numerator": D(numerator),
                "denominator": D(denominator),
                "source": "Tracer survey",
            },
        )
    per_period, cumulative = selectors.totals(share)
    assert [(t.period, t.value) for t in per_period] == [("2024", D(50)), ("2025", D(75))]
    assert (cumulative.numerator, cumulative.denominator) == (D(40), D(60))
    assert cumulative.value == pytest.approx(D("66.67"), abs=D("0.01"))  # the average: 62.5


def test_numbers_add_up_per_disaggregation(db):
    trained = indicator(disaggregations=["sex"])
    for period, key, value in (
        ("2024", "sex:female", 4),
        ("2025", "sex:female", 6),
        ("2025", "", 9),
    ):
        services.measurement_record(
            user=None,
            indicator=trained,
            data={"period": period, "disaggregation": key, "value": D(value), "source": "Lists"},
        )
    assert selectors.totals(trained, "sex:female")[1].value == D(10)
    assert selectors.totals(trained)[1].value == D(9)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "actual", "expected", "words"),
    [
        ("increase", 10, 50, 50, Status.ON_TRACK, "100 % of the way: on track"),
        ("increase", 10, 50, 42, Status.AT_RISK, "80 % of the way: at risk"),
        ("increase", 10, 50, 20, Status.OFF_TRACK, "25 % of the way: off track"),
        ("decrease", 40, 20, 22, Status.AT_RISK, "90 % of the way: at risk"),
        ("maintain", None, 100, 97, Status.ON_TRACK, "to maintain in 2025: on track"),
        ("maintain", None, 100, 90, Status.OFF_TRACK, "to maintain in 2025: off track"),
    ],
)
def test_the_status_is_computed_against_the_target_and_explained(
    db, direction, baseline, target, actual, expected, words
):
    subject = indicator(direction=direction, baseline=None if baseline is None else D(baseline))
    services.target_set(user=None, indicator=subject, data={"period": "2025", "value": D(target)})
    assert selectors.status(subject, "2025").status is None  # not measured yet
    services.measurement_record(
        user=None, indicator=subject, data={"period": "2025", "value": D(actual), "source": "S"}
    )
    assessment = selectors.status(subject, "2025")
    assert assessment.status is expected
    assert words in assessment.explanation
    assert selectors.status(subject, "2026").explanation == "No target is set for 2026."


def test_a_measurement_is_approved_by_someone_else_and_recording_again_withdraws_it(
    world, kenyan_result
):
    subject = indicator(results=[kenyan_result])
    office = world.users["office_a"]
    measurement = services.measurement_record(
        user=office, indicator=subject, data={"period": "2025", "value": D(12), "source": "MoL"}
    )
    assert measurement.recorded_by == office
    with pytest.raises(PermissionDenied):
        services.measurement_approve(user=office, measurement=measurement)
    colleague = get_user_model().objects.create_user("colleague")
    Grant.objects.create(user=colleague, role=Role.OFFICE, office=world.offices["a"])
    with pytest.raises(PermissionDenied):  # a specialist records, the Office approves
        services.measurement_approve(user=world.users["workers"], measurement=measurement)
    services.measurement_approve(user=colleague, measurement=measurement)
    measurement.refresh_from_db()
    assert measurement.approved_by == colleague and measurement.approved_at is not None
    assert measurement.history.first().history_user == colleague
    services.measurement_record(
        user=office, indicator=subject, data={"period": "2025", "value": D(13), "source": "MoL"}
    )
    measurement.refresh_from_db()
    assert (measurement.value, measurement.approved_by, measurement.approved_at) == (
        D(13),
        None,
        None,
    )


def test_a_plans_indicator_is_seen_and_kept_as_its_plan_is(world, kenyan_result):
    subject = indicator(results=[kenyan_result])
    framework = indicator(code="PB1", pb_outcomes=[PBOutcome.objects.first()])
    seen = {
        name: set(scoped(world.users[name], Indicator.objects.all()).values_list("code", flat=True))
        for name in ("hq", "office_a", "office_b", "focal", "viewer", "outsider")
    }
    assert seen == {
        "hq": {"IND1", "PB1"},
        "office_a": {"IND1", "PB1"},
        "office_b": {"PB1"},  # the P&B's indicators are published to every grant
        "focal": {"IND1", "PB1"},
        "viewer": {"PB1"},
        "outsider": set(),
    }
    data = {"period": "2025", "value": D(1), "source": "S"}
    for name, refused in (("office_b", subject), ("focal", subject), ("office_a", framework)):
        with pytest.raises(PermissionDenied):
            services.measurement_record(user=world.users[name], indicator=refused, data=data)
    assert not Measurement.objects.exists()
    with pytest.raises(PermissionDenied):  # an office cannot take an indicator out of its scope
        services.indicator_update(
            user=world.users["office_a"], indicator=subject, data={"results": []}
        )
    assert list(subject.results.all()) == [kenyan_result]


def test_an_indicator_with_figures_keeps_its_type(db):
    subject = indicator()
    services.target_set(user=None, indicator=subject, data={"period": "2025", "value": D(5)})
    with pytest.raises(ValidationError) as refused:
        services.indicator_update(user=None, indicator=subject, data={"measure": "percentage"})
    assert "measure" in refused.value.message_dict


def record(subject: Indicator, period: str, key: str = "", **figure) -> Measurement:
    data = {"period": period, "disaggregation": key, "source": "Register", **figure}
    return services.measurement_record(user=None, indicator=subject, data=data)


def test_a_year_is_refused_where_the_indicator_is_measured_by_biennium(db):
    subject = indicator(disaggregations=["sex"])
    record(subject, "2020-21", value=D(40))
    record(subject, "2022", value=D(12))  # no year of 2020-21: accepted
    for period, key in (("2021", ""), ("2020", "sex:female")):
        with pytest.raises(ValidationError) as refused:
            record(subject, period, key, value=D(5))
        assert refused.value.message_dict == {
            "period": [
                "This indicator is measured by biennium (2020-21): record 2020-21, "
                "not a single year."
            ]
        }
    assert sorted(Measurement.objects.values_list("period", flat=True)) == ["2020-21", "2022"]
    record(subject, "2020-21", value=D(41))  # the biennium itself is recorded again
    assert Measurement.objects.get(period="2020-21").value == D(41)


def test_a_biennium_is_refused_where_the_indicator_is_measured_by_year(db):
    subject = indicator(disaggregations=["sex"])
    record(subject, "2020", value=D(10))
    record(subject, "2021", "sex:female", value=D(3))
    with pytest.raises(ValidationError) as refused:
        record(subject, "2020-21", value=D(40))
    assert refused.value.message_dict == {
        "period": [
            "This indicator is measured by year (2020, 2021): record each year of 2020-21, "
            "not the biennium."
        ]
    }
    assert Measurement.objects.count() == 2
    assert not Measurement.history.filter(period="2020-21").exists()


def test_targets_too_are_by_year_or_by_biennium_apart_from_measurements(db):
    subject = indicator()
    services.target_set(user=None, indicator=subject, data={"period": "2024-25", "value": D(50)})
    with pytest.raises(ValidationError) as refused:
        services.target_set(user=None, indicator=subject, data={"period": "2025", "value": D(30)})
    assert refused.value.message_dict == {
        "period": [
            "This indicator’s targets are set by biennium (2024-25): set 2024-25, "
            "not a single year."
        ]
    }
    services.target_set(user=None, indicator=subject, data={"period": "2026", "value": D(60)})
    with pytest.raises(ValidationError) as refused:
        services.target_set(user=None, indicator=subject, data={"period": "2026-27", "value": D(9)})
    assert refused.value.message_dict == {
        "period": [
            "This indicator’s targets are set by year (2026): set each year of 2026-27, "
            "not the biennium."
        ]
    }
    assert sorted(Target.objects.values_list("period", "value")) == [
        ("2024-25", D(50)),
        ("2026", D(60)),
    ]
    record(subject, "2025", value=D(31))  # measurements are checked against measurements


def test_an_overlap_is_reported_with_the_figures_other_errors(db):
    subject = indicator()
    record(subject, "2024-25", value=D(1))
    with pytest.raises(ValidationError) as refused:
        record(subject, "2025", source="")
    assert set(refused.value.message_dict) == {"period", "value", "source"}
    assert Measurement.objects.count() == 1


def test_the_cumulative_total_counts_each_year_once(db):
    share = indicator(measure="percentage", unit="%")
    record(share, "2021", numerator=D(30), denominator=D(100))
    record(share, "2020", numerator=D(10), denominator=D(100))
    record(share, "2022-23", numerator=D(50), denominator=D(100))
    per_period, cumulative = selectors.totals(share)
    assert [t.period for t in per_period] == ["2020", "2021", "2022-23"]
    assert (cumulative.numerator, cumulative.denominator) == (D(90), D(300))
    # A biennium over years already measured, kept from before the services refused it:
    # the biennium is the figure of both years, and counts instead of them (not 130 / 400).
    Measurement.objects.create(
        indicator=share, period="2020-21", numerator=D(40), denominator=D(100), source="Old"
    )
    per_period, cumulative = selectors.totals(share)
    assert [(t.period, t.numerator) for t in per_period] == [
        ("2020", D(10)),
        ("2020-21", D(40)),
        ("2021", D(30)),
        ("2022-23", D(50)),
    ]
    assert (cumulative.numerator, cumulative.denominator) == (D(90), D(200))
    assert cumulative.value == D(45)
