"""REST API of the monitor stage's indicators: definitions serving plan results, P&B
outcomes and the strategy's deliverables; targets and measurements by period and
disaggregation; totals and the status, explained; approval by a second person (§19–20).

Thin like the plan and deliver APIs: the reads of selectors.py (scoped), the writes of
services.py (which check scope inside their transaction). Outside the caller's scope an
indicator or a measurement is 404; a write the caller's role does not allow is 403 (so is
approving one's own measurement); a figure that does not fit its indicator is a 400 keyed by
field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core.scoping import Action as Do
from capdev.core.scoping import may_administer_some, scoped
from capdev.diagnose.api.common import call_service, enum_field, query_filters
from capdev.diagnose.models import Level
from capdev.monitor import services
from capdev.monitor.forms import FRAMEWORK_CHOICES, SORT_CHOICES, IndicatorStatus
from capdev.monitor.models import Disaggregation, Indicator, Measurement, Target
from capdev.monitor.scopes import KEEPERS
from capdev.monitor.selectors import (
    IndicatorReport,
    indicator_for_user,
    indicator_list_for_user,
    indicator_report,
    indicator_rows,
    measurement_for_user,
)
from capdev.plan.api import in_scope, scoped_ids
from capdev.plan.models import Deliverable, PBOutcome, Result

MeasureField = enum_field(Indicator.Measure, "IndicatorMeasureEnum")
DirectionField = enum_field(Indicator.Direction, "IndicatorDirectionEnum")
FrequencyField = enum_field(Indicator.Frequency, "IndicatorFrequencyEnum")
DisaggregationField = enum_field(Disaggregation, "IndicatorDisaggregationEnum")
StatusFilterField = enum_field(IndicatorStatus, "IndicatorStatusFilterEnum")
STATUS_SCHEMA = {
    "type": "string",
    "enum": ["on_track", "at_risk", "off_track", None],
    "nullable": True,
    "description": "on_track, at_risk or off_track; null while there is nothing to compare",
}


def _figure_field(**kwargs: Any) -> serializers.DecimalField:
    """A figure as computed (a percentage from its numerator and denominator), 4 decimals."""
    return serializers.DecimalField(
        max_digits=20, decimal_places=4, read_only=True, allow_null=True, **kwargs
    )


def _amount_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, **kwargs
    )


@extend_schema_field(STATUS_SCHEMA, component_name="IndicatorStatusEnum")
class StatusField(serializers.Field):
    def to_representation(self, value: Any) -> str | None:
        return value.value if value is not None else None


# --- outputs ------------------------------------------------------------------------------


class LinkedResultOutput(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)

    class Meta:
        model = Result
        fields = ["id", "plan", "plan_title", "level", "kind", "statement"]
        read_only_fields = fields


class StandingOutput(serializers.Serializer):
    """The latest total measured, the target of that period, and the status, explained."""

    period = serializers.CharField(allow_null=True)
    actual = _figure_field(source="measurement.figure", default=None)
    actual_text = serializers.CharField(source="measurement.text", default=None, allow_null=True)
    target = _figure_field(source="target.figure", default=None)
    status = StatusField(source="assessment.status", read_only=True)
    explanation = serializers.CharField(source="assessment.explanation")


class MonitorIndicatorOutput(serializers.ModelSerializer):
    level = serializers.ChoiceField(Level.choices, allow_blank=True, read_only=True)
    measure = MeasureField(read_only=True)
    direction = DirectionField(read_only=True)
    frequency = FrequencyField(read_only=True)
    disaggregations = serializers.ListField(child=DisaggregationField(), read_only=True)
    responsible = serializers.SlugRelatedField(slug_field="username", read_only=True)
    baseline_value = _figure_field(help_text="the baseline (a percentage: computed)")
    results = serializers.SerializerMethodField(
        help_text="ids of the plan results it serves that the caller sees"
    )
    latest = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "level",
            "measure",
            "unit",
            "direction",
            "frequency",
            "disaggregations",
            "responsible",
            "baseline_period",
            "baseline",
            "baseline_numerator",
            "baseline_denominator",
            "baseline_value",
            "results",
            "pb_outcomes",
            "deliverables",
            "latest",
        ]
        read_only_fields = fields

    def get_results(self, indicator: Indicator) -> list[int]:
        return [r.pk for r in indicator.visible_results]  # type: ignore[attr-defined]

    @extend_schema_field(StandingOutput)
    def get_latest(self, indicator: Indicator) -> dict[str, Any]:
        return StandingOutput(indicator.standing).data  # type: ignore[attr-defined]


# What a target and a measurement both answer: the period, the disaggregation and the figure.
FIGURE_FIELDS = [
    "id",
    "indicator",
    "period",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "text",
    "figure",
]


class TargetOutput(serializers.ModelSerializer):
    figure = _figure_field()

    class Meta:
        model = Target
        fields = FIGURE_FIELDS
        read_only_fields = fields


class MeasurementOutput(serializers.ModelSerializer):
    figure = _figure_field()
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Measurement
        fields = [
            *FIGURE_FIELDS,
            "source",
            "evidence",
            "recorded_by",
            "recorded_at",
            "approved_by",
            "approved_at",
        ]
        read_only_fields = fields


class TotalOutput(serializers.Serializer):
    period = serializers.CharField(allow_null=True, help_text="null: all periods (cumulative)")
    value = _figure_field()
    numerator = _figure_field()
    denominator = _figure_field()


class TotalsOutput(serializers.Serializer):
    disaggregation = serializers.CharField(help_text='"" for the total, e.g. "sex:female"')
    per_period = TotalOutput(many=True)
    cumulative = TotalOutput(allow_null=True)


class PeriodOutput(serializers.Serializer):
    period = serializers.CharField()
    target = _figure_field(source="target.figure", default=None)
    actual = _figure_field(source="measurement.figure", default=None)
    status = StatusField(source="assessment.status", read_only=True)
    explanation = serializers.CharField(source="assessment.explanation")


class MonitorIndicatorDetailOutput(MonitorIndicatorOutput):
    linked_results = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()
    measurements = serializers.SerializerMethodField()
    periods = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    class Meta(MonitorIndicatorOutput.Meta):
        fields = [
            *MonitorIndicatorOutput.Meta.fields,
            "rationale",
            "verification",
            "linked_results",
            "targets",
            "measurements",
            "periods",
            "totals",
        ]
        read_only_fields = fields

    def _report(self) -> IndicatorReport:
        return self.context["report"]

    @extend_schema_field(LinkedResultOutput(many=True))
    def get_linked_results(self, indicator: Indicator) -> Any:
        return LinkedResultOutput(indicator.visible_results, many=True).data  # type: ignore[attr-defined]

    @extend_schema_field(TargetOutput(many=True))
    def get_targets(self, indicator: Indicator) -> Any:
        return TargetOutput(self._report().targets, many=True).data

    @extend_schema_field(MeasurementOutput(many=True))
    def get_measurements(self, indicator: Indicator) -> Any:
        return MeasurementOutput(self._report().measurements, many=True).data

    @extend_schema_field(PeriodOutput(many=True))
    def get_periods(self, indicator: Indicator) -> Any:
        return PeriodOutput(self._report().periods, many=True).data

    @extend_schema_field(TotalsOutput(many=True))
    def get_totals(self, indicator: Indicator) -> Any:
        return TotalsOutput(self._report().totals, many=True).data


def _detail(user: Any, pk: int) -> dict[str, Any]:
    indicator = indicator_rows(user, [indicator_for_user(user, pk)])[0]
    report = indicator_report(indicator)
    return MonitorIndicatorDetailOutput(indicator, context={"report": report}).data


# --- inputs -------------------------------------------------------------------------------


def _changeable_result(user: Any, pk: int) -> Result:
    """A result of a plan the caller works on (an indicator serves it only then)."""
    try:
        return scoped(user, Result.objects.select_related("plan"), Do.CHANGE).get(pk=pk)
    except Result.DoesNotExist:
        raise Http404 from None


@extend_schema_field(OpenApiTypes.INT)
class ResponsibleField(serializers.PrimaryKeyRelatedField):
    """One of the Office's staff who keep indicators (any user id is not offered)."""

    def get_queryset(self) -> QuerySet:
        return (
            get_user_model()
            .objects.filter(Q(grants__role__in=KEEPERS) | Q(pk=self.context["request"].user.pk))
            .distinct()
        )


class MonitorIndicatorInput(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=300)
    level = serializers.ChoiceField(Level.choices, required=False, allow_blank=True)
    measure = MeasureField()
    unit = serializers.CharField(max_length=50, required=False, allow_blank=True)
    direction = DirectionField(required=False)
    frequency = FrequencyField(required=False)
    rationale = serializers.CharField(required=False, allow_blank=True)
    verification = serializers.CharField(required=False, allow_blank=True)
    responsible = ResponsibleField(required=False, allow_null=True, help_text="a user id")
    disaggregations = serializers.ListField(child=DisaggregationField(), required=False)
    baseline_period = serializers.CharField(max_length=7, required=False, allow_blank=True)
    baseline = _amount_field(help_text="for a number")
    baseline_numerator = _amount_field(help_text="for a percentage")
    baseline_denominator = _amount_field(help_text="for a percentage")
    results = scoped_ids(
        lookup=_changeable_result,
        required=False,
        help_text="ids of results of plans the caller works on",
    )
    pb_outcomes = scoped_ids(lookup=in_scope(PBOutcome.objects.all()), required=False)
    deliverables = scoped_ids(
        lookup=in_scope(Deliverable.objects.all()),
        required=False,
        help_text="ids of the strategy's deliverables",
    )


class FigureInput(serializers.Serializer):
    period = serializers.CharField(max_length=7, help_text="a year (2025) or a biennium (2024-25)")
    disaggregation = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text='"" (the default) for the total, or e.g. "sex:female"',
    )
    value = _amount_field(help_text="for a number")
    numerator = _amount_field(help_text="for a percentage")
    denominator = _amount_field(help_text="for a percentage")
    text = serializers.CharField(
        required=False, allow_blank=True, help_text="for a qualitative indicator"
    )


class MeasurementInput(FigureInput):
    source = serializers.CharField(max_length=300)
    evidence = serializers.CharField(required=False, allow_blank=True)


class IndicatorFiltersInput(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="words, each in the code or the name")
    framework = serializers.ChoiceField(FRAMEWORK_CHOICES, required=False)
    level = serializers.ChoiceField(Level.choices, required=False)
    measure = serializers.ChoiceField(Indicator.Measure.choices, required=False)
    status = StatusFilterField(required=False, help_text="the status of the latest measured period")
    sort = serializers.ChoiceField(SORT_CHOICES, required=False)


INDICATOR_EXAMPLE = OpenApiExample(
    "Trained inspectors applying their skills",
    value={
        "code": "KE-OSH-2",
        "name": "Trained labour inspectors applying their skills after six months",
        "level": "individual",
        "measure": "percentage",
        "direction": "increase",
        "frequency": "annual",
        "disaggregations": ["sex"],
        "baseline_period": "2024-25",
        "baseline_numerator": "12",
        "baseline_denominator": "40",
        "results": [8],
        "pb_outcomes": [7],
    },
    request_only=True,
)
TARGET_EXAMPLE = OpenApiExample(
    "60% of the trained women",
    value={
        "period": "2026-27",
        "disaggregation": "sex:female",
        "numerator": "18",
        "denominator": "30",
    },
    request_only=True,
)
MEASUREMENT_EXAMPLE = OpenApiExample(
    "A tracer survey",
    value={
        "period": "2024-25",
        "numerator": "21",
        "denominator": "38",
        "source": "Six-month tracer survey of the 2024 course",
        "evidence": "Survey report, annex 2",
    },
    request_only=True,
)
FIELD_ERRORS = OpenApiResponse(description="Field messages, e.g. a figure that does not fit.")


# --- views --------------------------------------------------------------------------------


class IndicatorList(generics.ListAPIView):
    """Indicators in the caller's scope (those of the plans the caller sees, and the P&B's and
    the strategy's), each with its latest measurement against target and its status."""

    serializer_class = MonitorIndicatorOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> Any:
        filters = query_filters(IndicatorFiltersInput, self.request)
        return indicator_list_for_user(self.request.user, **filters)

    @extend_schema(parameters=[IndicatorFiltersInput])
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        rows = indicator_rows(request.user, list(page))
        return self.get_paginated_response(MonitorIndicatorOutput(rows, many=True).data)

    @extend_schema(
        request=MonitorIndicatorInput,
        responses={201: MonitorIndicatorDetailOutput, 400: FIELD_ERRORS},
        examples=[INDICATOR_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Define an indicator (the Office, HQ and specialists for their plans' results; HQ
        for the P&B's and the strategy's)."""
        if not may_administer_some(request.user, Indicator):
            raise PermissionDenied(_("Your role does not keep indicators."))
        data = MonitorIndicatorInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        indicator = call_service(
            services.indicator_create, user=request.user, data=dict(data.validated_data)
        )
        return Response(_detail(request.user, indicator.pk), status=status.HTTP_201_CREATED)


class IndicatorDetail(APIView):
    @extend_schema(responses={200: MonitorIndicatorDetailOutput})
    def get(self, request: Request, pk: int) -> Response:
        """The indicator with its targets, measurements, totals per disaggregation and its
        status period by period."""
        return Response(_detail(request.user, pk))

    @extend_schema(
        request=MonitorIndicatorInput,
        responses={200: MonitorIndicatorDetailOutput, 400: FIELD_ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change the definition (its type stays once it has figures). Results of plans the
        caller does not see stay linked."""
        indicator = indicator_for_user(request.user, pk)
        data = MonitorIndicatorInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        call_service(services.indicator_update, user=request.user, indicator=indicator, data=values)
        return Response(_detail(request.user, pk))


def _save_figure(
    request: Request,
    pk: int,
    *,
    read: type[serializers.Serializer],
    model: type[Target | Measurement],
    service: Callable[..., Target | Measurement],
    write: type[serializers.Serializer],
) -> Response:
    """Validate the figure sent for the indicator, save it through the service and answer
    201, or 200 when it replaced the indicator's figure for that period and disaggregation."""
    indicator = indicator_for_user(request.user, pk)
    data = read(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    existed = model.objects.filter(
        indicator=indicator,
        period=values["period"],
        disaggregation=values.get("disaggregation", ""),
    ).exists()
    saved = call_service(service, user=request.user, indicator=indicator, data=values)
    return Response(
        write(saved).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
    )


class IndicatorTargets(APIView):
    @extend_schema(
        request=FigureInput,
        responses={201: TargetOutput, 200: TargetOutput, 400: FIELD_ERRORS},
        examples=[TARGET_EXAMPLE],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Set the target of a period, in total or for one disaggregation (201; 200 when it
        replaces the one set before)."""
        return _save_figure(
            request,
            pk,
            read=FigureInput,
            model=Target,
            service=services.target_set,
            write=TargetOutput,
        )


class IndicatorMeasurements(generics.ListAPIView):
    """An indicator's measurements, by period and disaggregation."""

    serializer_class = MeasurementOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Measurement]:
        indicator = indicator_for_user(self.request.user, self.kwargs["pk"])
        return indicator.measurements.select_related(
            "indicator", "recorded_by", "approved_by"
        ).order_by("period", "disaggregation")

    @extend_schema(
        request=MeasurementInput,
        responses={201: MeasurementOutput, 200: MeasurementOutput, 400: FIELD_ERRORS},
        examples=[MEASUREMENT_EXAMPLE],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record a measurement with its source and evidence (201; 200 when it replaces the
        one recorded before, whose approval it withdraws)."""
        return _save_figure(
            request,
            pk,
            read=MeasurementInput,
            model=Measurement,
            service=services.measurement_record,
            write=MeasurementOutput,
        )


class MeasurementApprove(APIView):
    @extend_schema(
        request=None,
        responses={
            200: MeasurementOutput,
            403: OpenApiResponse(
                description="Your role does not approve it, or you recorded it yourself."
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Approve a measurement someone else recorded (the Office, HQ, administrators)."""
        measurement = measurement_for_user(request.user, pk)
        call_service(services.measurement_approve, user=request.user, measurement=measurement)
        measurement = Measurement.objects.select_related(
            "indicator", "recorded_by", "approved_by"
        ).get(pk=pk)
        return Response(MeasurementOutput(measurement).data)
