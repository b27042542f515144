"""REST API of the plan stage: plans with their theory of change and actions, the two
sign-offs and the workflow, and the funding sources (§25).

Thin like the diagnose API it copies (capdev/diagnose/api/): each view parses its input, calls
a selector (reads, scoped) or a service (writes, which check scope inside their transaction),
and serialises the answer. Outside the caller's scope a plan is 404; a write the caller's
role does not allow is 403; a rule of the plan broken is a 400 keyed by field.

How far a plan's delivery has come is the deliver stage's to say, at
/api/plans/{id}/delivery/ (capdev/deliver/api.py): this floor does not import the one above.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core import selectors as core_selectors
from capdev.core.models import Country, Office, Organisation
from capdev.core.scoping import scoped
from capdev.diagnose import selectors as diagnose_selectors
from capdev.diagnose.api.common import (
    NON_FIELD,
    ScopedRelatedField,
    call_service,
    enum_field,
    query_filters,
)
from capdev.diagnose.models import Level
from capdev.plan import selectors, services
from capdev.plan.models import (
    Action,
    CountryProgrammeOutcome,
    CrossCuttingDriver,
    FundingSource,
    PBOutcome,
    Plan,
    Result,
    ResultIndicator,
    SDGTarget,
)

PlanStatusField = enum_field(Plan.Status, "PlanStatusEnum")
ResultKindField = enum_field(Result.Kind, "ResultKindEnum")
DriverField = enum_field(CrossCuttingDriver, "CrossCuttingDriverEnum")
FundingKindField = enum_field(FundingSource.Kind, "FundingSourceKindEnum")
EarmarkingField = enum_field(FundingSource.Earmarking, "EarmarkingEnum")


# --- lookups and fields shared with the deliver API ---------------------------------------


def in_scope(queryset: QuerySet) -> Callable[[Any, int], Model]:
    """A `ScopedRelatedField` lookup: the row of `queryset` with this id, if the user sees it."""

    def lookup(user: Any, pk: int) -> Model:
        try:
            return scoped(user, queryset).get(pk=pk)
        except queryset.model.DoesNotExist:
            raise Http404 from None

    return lookup


def scoped_ids(*, lookup: Callable[[Any, int], Model], **kwargs: Any) -> serializers.Field:
    """A list of ids, each looked up in the caller's scope (the empty queryset only tells
    the schema that ids are integers)."""
    return ScopedRelatedField(
        queryset=Organisation.objects.none(), lookup=lookup, many=True, **kwargs
    )


@extend_schema_field(
    {"type": "string", "example": "KE", "description": "ISO 3166 alpha-2 country code"}
)
class CountryField(serializers.Field):
    """A country by its ISO code; one outside the caller's scope does not exist."""

    default_error_messages = {"does_not_exist": gettext_lazy("There is no country “{code}”.")}

    def to_representation(self, value: Country) -> str:
        return value.iso_alpha2

    def to_internal_value(self, data: Any) -> Country:
        code = str(data).strip()
        try:
            return core_selectors.country_for_user(self.context["request"].user, code)
        except Http404:
            self.fail("does_not_exist", code=code)


def organisation_field(**kwargs: Any) -> ScopedRelatedField:
    return ScopedRelatedField(
        queryset=Organisation.objects.none(),
        lookup=core_selectors.organisation_for_user,
        **kwargs,
    )


def office_field(**kwargs: Any) -> ScopedRelatedField:
    return ScopedRelatedField(
        queryset=Office.objects.none(), lookup=core_selectors.office_for_user, **kwargs
    )


def funding_source_field(**kwargs: Any) -> ScopedRelatedField:
    return ScopedRelatedField(
        queryset=FundingSource.objects.none(),
        lookup=in_scope(FundingSource.objects.all()),
        **kwargs,
    )


# --- plans ------------------------------------------------------------------------------


class PlanOrganisationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "group"]
        read_only_fields = fields


class PlanOutput(serializers.ModelSerializer):
    country = CountryField(read_only=True)
    region = serializers.CharField(source="country.region.code", read_only=True)
    organisations = PlanOrganisationOutput(many=True, read_only=True)
    status = PlanStatusField(read_only=True)
    drivers = serializers.ListField(child=DriverField(), read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "country",
            "region",
            "organisations",
            "office",
            "start",
            "end",
            "status",
            "drivers",
            "constituent_signed_at",
            "office_signed_at",
            "created_at",
        ]
        read_only_fields = fields


class IndicatorOutput(serializers.ModelSerializer):
    class Meta:
        model = ResultIndicator
        fields = ["id", "result", "name", "unit", "baseline", "target"]
        read_only_fields = fields


class ResultOutput(serializers.ModelSerializer):
    level = serializers.ChoiceField(Level.choices, read_only=True)
    kind = ResultKindField(read_only=True)
    contributes_to = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="ids of the outcomes this output contributes to"
    )
    indicators = IndicatorOutput(many=True, read_only=True)

    class Meta:
        model = Result
        fields = ["id", "level", "kind", "statement", "position", "contributes_to", "indicators"]
        read_only_fields = fields


class ActionOutput(serializers.ModelSerializer):
    responsible_organisation_name = serializers.CharField(
        source="responsible_organisation.name", read_only=True, default=None
    )
    responsible_office_name = serializers.CharField(
        source="responsible_office.name", read_only=True, default=None
    )
    funding_source_name = serializers.CharField(
        source="funding_source.name", read_only=True, default=None
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "needs",
            "results",
            "responsible_organisation",
            "responsible_organisation_name",
            "responsible_office",
            "responsible_office_name",
            "start",
            "end",
            "budget",
            "currency",
            "funding_source",
            "funding_source_name",
        ]
        read_only_fields = fields


class PlanDetailOutput(PlanOutput):
    sdg_targets = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="SDG target codes, e.g. 8.5"
    )
    results = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(PlanOutput.Meta):
        fields = [
            *PlanOutput.Meta.fields,
            "needs",
            "programme_outcomes",
            "unsdcf_outcome",
            "pb_outcomes",
            "sdg_targets",
            "notes",
            "constituent_signed_by",
            "office_signed_by",
            "results",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ResultOutput(many=True))
    def get_results(self, plan: Plan) -> list[dict[str, Any]]:
        results = plan.results.prefetch_related("indicators", "contributes_to")
        return ResultOutput(results, many=True).data

    @extend_schema_field(ActionOutput(many=True))
    def get_actions(self, plan: Plan) -> list[dict[str, Any]]:
        actions = plan.actions.select_related(
            "responsible_organisation", "responsible_office", "funding_source"
        ).prefetch_related("needs", "results")
        return ActionOutput(actions, many=True).data


def _plan_detail(user: Any, pk: int) -> dict[str, Any]:
    plan = selectors.plan_for_user(user, pk)
    return PlanDetailOutput(plan, context={"user": user}).data


class PlanInput(serializers.Serializer):
    """What a client may set on a draft plan; the plan's rules are checked by the service."""

    title = serializers.CharField(max_length=300)
    country = CountryField()
    organisations = scoped_ids(
        lookup=core_selectors.organisation_for_user,
        help_text="ids of the organisations (of the plan's country) it is for",
    )
    office = office_field(required=False, allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    needs = scoped_ids(
        lookup=diagnose_selectors.need_for_user,
        required=False,
        help_text="ids of needs of those organisations the plan addresses",
    )
    programme_outcomes = scoped_ids(
        lookup=in_scope(CountryProgrammeOutcome.objects.select_related("programme")),
        required=False,
    )
    unsdcf_outcome = serializers.CharField(max_length=300, required=False, allow_blank=True)
    pb_outcomes = scoped_ids(lookup=in_scope(PBOutcome.objects.all()), required=False)
    sdg_targets = scoped_ids(
        lookup=in_scope(SDGTarget.objects.all()), required=False, help_text="SDG target ids"
    )
    drivers = serializers.ListField(child=DriverField(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class PlanFilters(serializers.Serializer):
    q = serializers.CharField(
        required=False, help_text="words, each in the title, an organisation or the country"
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")
    status = serializers.ChoiceField(Plan.Status.choices, required=False)
    organisation = serializers.IntegerField(required=False, help_text="organisation id")
    sort = serializers.ChoiceField(list(selectors.PLAN_SORTS), required=False)


PLAN_EXAMPLE = OpenApiExample(
    "Kenya's tripartite plan",
    value={
        "title": "Kenya tripartite capacity plan 2026–27",
        "country": "KE",
        "organisations": [12, 13, 14],
        "office": 2,
        "start": "2026-01-01",
        "end": "2027-12-31",
        "needs": [41, 42, 57],
        "sdg_targets": [63],
        "drivers": ["social_dialogue", "gender_equality"],
    },
    request_only=True,
)


class PlanList(generics.ListAPIView):
    """Plans in the caller's scope: those of the organisations the caller sees."""

    serializer_class = PlanOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Plan]:
        filters = query_filters(PlanFilters, self.request)
        organisation = filters.pop("organisation", None)
        plans = selectors.plans_for_user(self.request.user, **filters)
        if organisation:
            plans = plans.filter(organisations=organisation).distinct()
        return plans.select_related("country__region").prefetch_related("organisations")

    @extend_schema(parameters=[PlanFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=PlanInput,
        responses={201: PlanDetailOutput, 400: OpenApiResponse(description="Field messages.")},
        examples=[PLAN_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Start a draft plan for one organisation, or a country's tripartite plan."""
        if not services.plan_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not start plans."))
        data = PlanInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        plan = call_service(services.plan_create, user=request.user, data=data.validated_data)
        return Response(_plan_detail(request.user, plan.pk), status=status.HTTP_201_CREATED)


class PlanDetail(APIView):
    @extend_schema(responses={200: PlanDetailOutput})
    def get(self, request: Request, pk: int) -> Response:
        """The plan with its theory of change and actions."""
        return Response(_plan_detail(request.user, pk))

    @extend_schema(request=PlanInput, responses={200: PlanDetailOutput})
    def patch(self, request: Request, pk: int) -> Response:
        """Change a draft plan (an agreed plan's terms are fixed)."""
        plan = selectors.plan_for_user(request.user, pk)
        data = PlanInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        call_service(services.plan_update, user=request.user, plan=plan, data=data.validated_data)
        return Response(_plan_detail(request.user, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Delete a draft plan (the Office, HQ and specialists; not a focal point)."""
        plan = selectors.plan_for_user(request.user, pk)
        call_service(services.plan_delete, user=request.user, plan=plan)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignInput(serializers.Serializer):
    side = serializers.ChoiceField(
        [
            ("constituents", gettext_lazy("for the constituents")),
            ("office", gettext_lazy("for the Office")),
        ]
    )


TRANSITION_RESPONSES = {
    200: PlanDetailOutput,
    400: OpenApiResponse(description="Not in a state that allows it."),
    403: OpenApiResponse(description="Your role does not allow it."),
}


class PlanSign(APIView):
    @extend_schema(
        request=SignInput,
        responses=TRANSITION_RESPONSES,
        examples=[OpenApiExample("The Office signs", value={"side": "office"}, request_only=True)],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Sign a draft for the constituents (a focal point of one of its organisations) or
        for the Office; with both signatures the plan is agreed and its needs planned."""
        plan = selectors.plan_for_user(request.user, pk)
        data = SignInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.plan_sign, user=request.user, plan=plan, side=data.validated_data["side"]
        )
        return Response(_plan_detail(request.user, pk))


class PlanAdvance(APIView):
    @extend_schema(request=None, responses=TRANSITION_RESPONSES)
    def post(self, request: Request, pk: int) -> Response:
        """Agreed → in implementation → closed (closing marks its needs addressed)."""
        plan = selectors.plan_for_user(request.user, pk)
        call_service(services.plan_advance, user=request.user, plan=plan)
        return Response(_plan_detail(request.user, pk))


# --- a plan's theory of change and actions -----------------------------------------------


def _results_lookup() -> Callable[[Any, int], Model]:
    return in_scope(Result.objects.select_related("plan"))


class ResultInput(serializers.Serializer):
    level = serializers.ChoiceField(Level.choices)
    kind = ResultKindField()
    statement = serializers.CharField()
    position = serializers.IntegerField(required=False, min_value=0)
    contributes_to = scoped_ids(
        lookup=_results_lookup(),
        required=False,
        help_text="for an output: ids of the plan's outcomes it contributes to",
    )


class PlanResults(APIView):
    @extend_schema(
        request=ResultInput,
        responses={201: ResultOutput},
        examples=[
            OpenApiExample(
                "An output feeding an outcome",
                value={
                    "level": "individual",
                    "kind": "output",
                    "statement": "Negotiators trained in collective bargaining",
                    "contributes_to": [7],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add an output or outcome to a draft plan's theory of change, chained to outcomes."""
        plan = selectors.plan_for_user(request.user, pk)
        data = ResultInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        linked = bool(data.validated_data.get("contributes_to"))
        try:
            result = call_service(
                services.result_add, user=request.user, plan=plan, data=data.validated_data
            )
        except ApiValidationError as error:
            # On a draft, a general refusal can only be the chaining (result_link).
            if linked and plan.status == Plan.Status.DRAFT and set(error.detail) == {NON_FIELD}:
                raise ApiValidationError({"contributes_to": error.detail[NON_FIELD]}) from None
            raise
        return Response(ResultOutput(result).data, status=status.HTTP_201_CREATED)


class IndicatorInput(serializers.Serializer):
    result = ScopedRelatedField(
        queryset=Result.objects.none(), lookup=_results_lookup(), help_text="a result of the plan"
    )
    name = serializers.CharField(max_length=300)
    unit = serializers.CharField(max_length=50)
    baseline = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    target = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


class PlanIndicators(APIView):
    @extend_schema(
        request=IndicatorInput,
        responses={201: IndicatorOutput},
        examples=[
            OpenApiExample(
                "Negotiators trained",
                value={"result": 8, "name": "Negotiators trained", "unit": "people", "target": 40},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add an indicator (name, unit, baseline, target) to a result of a draft plan."""
        plan = selectors.plan_for_user(request.user, pk)
        data = IndicatorInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        result = fields.pop("result")
        if result.plan_id != plan.pk:
            raise ApiValidationError({"result": [_("Give a result of this plan.")]})
        indicator = call_service(
            services.indicator_add, user=request.user, result=result, data=fields
        )
        return Response(IndicatorOutput(indicator).data, status=status.HTTP_201_CREATED)


class ActionInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    needs = scoped_ids(
        lookup=diagnose_selectors.need_for_user,
        required=False,
        help_text="ids of needs the plan addresses",
    )
    results = scoped_ids(
        lookup=_results_lookup(), required=False, help_text="ids of results of this plan"
    )
    responsible_organisation = organisation_field(
        required=False, allow_null=True, help_text="an organisation or partner (or an office)"
    )
    responsible_office = office_field(
        required=False, allow_null=True, help_text="an office (or an organisation)"
    )
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.CharField(
        max_length=3, required=False, allow_blank=True, help_text="ISO 4217, e.g. USD"
    )
    funding_source = funding_source_field(required=False, allow_null=True)


class PlanActions(APIView):
    @extend_schema(
        request=ActionInput,
        responses={201: ActionOutput},
        examples=[
            OpenApiExample(
                "A course run by a training institution",
                value={
                    "title": "Collective-bargaining course for union negotiators",
                    "needs": [42],
                    "results": [8],
                    "responsible_organisation": 31,
                    "start": "2026-04-01",
                    "end": "2026-04-05",
                    "budget": "18000.00",
                    "currency": "USD",
                    "funding_source": 3,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add an action to a draft plan: who, when, with what money, for which needs."""
        plan = selectors.plan_for_user(request.user, pk)
        data = ActionInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        action = call_service(
            services.action_add, user=request.user, plan=plan, data=dict(data.validated_data)
        )
        action = (
            Action.objects.select_related(
                "responsible_organisation", "responsible_office", "funding_source"
            )
            .prefetch_related("needs", "results")
            .get(pk=action.pk)
        )
        return Response(ActionOutput(action).data, status=status.HTTP_201_CREATED)


# --- funding sources (§25) ----------------------------------------------------------------


class FundingSourceOutput(serializers.ModelSerializer):
    kind = FundingKindField(read_only=True)
    earmarking = EarmarkingField(read_only=True)
    donor_name = serializers.CharField(source="donor.name", read_only=True, default=None)

    class Meta:
        model = FundingSource
        fields = ["id", "name", "kind", "earmarking", "donor", "donor_name"]
        read_only_fields = fields


class FundingSourceInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = FundingKindField()
    earmarking = EarmarkingField(required=False)
    donor = organisation_field(
        required=False, allow_null=True, help_text="required for an earmarked contribution"
    )


class FundingSourceFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="words of the name or the donor's")
    kind = serializers.ChoiceField(FundingSource.Kind.choices, required=False)
    earmarking = serializers.ChoiceField(FundingSource.Earmarking.choices, required=False)


FUNDING_SOURCE_EXAMPLE = OpenApiExample(
    "An earmarked voluntary contribution",
    value={
        "name": "Skills for decent work (Norway)",
        "kind": "voluntary_earmarked",
        "earmarking": "tightly",
        "donor": 88,
    },
    request_only=True,
)


class FundingSourceList(generics.ListAPIView):
    """Where plans' and activities' money comes from; reference data every grant reads."""

    serializer_class = FundingSourceOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[FundingSource]:
        return selectors.funding_sources_for_user(
            self.request.user, **query_filters(FundingSourceFilters, self.request)
        )

    @extend_schema(parameters=[FundingSourceFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=FundingSourceInput,
        responses={201: FundingSourceOutput},
        examples=[FUNDING_SOURCE_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Record a funding source (HQ and administrators)."""
        if not services.funding_source_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not record funding sources."))
        data = FundingSourceInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        source = call_service(
            services.funding_source_create, user=request.user, data=data.validated_data
        )
        return Response(FundingSourceOutput(source).data, status=status.HTTP_201_CREATED)


class FundingSourceDetail(APIView):
    @extend_schema(responses={200: FundingSourceOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            FundingSourceOutput(selectors.funding_source_for_user(request.user, pk)).data
        )

    @extend_schema(request=FundingSourceInput, responses={200: FundingSourceOutput})
    def patch(self, request: Request, pk: int) -> Response:
        """Change a funding source (HQ and administrators)."""
        source = selectors.funding_source_for_user(request.user, pk)
        data = FundingSourceInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        source = call_service(
            services.funding_source_update,
            user=request.user,
            source=source,
            data=data.validated_data,
        )
        return Response(FundingSourceOutput(source).data)
