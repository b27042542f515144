"""REST API of evaluations and recommendations: evaluations with their ratings and
documents (upload), recommendations with their management response and follow-up actions,
responses and actions recorded through the services (which check scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core.models import Organisation
from capdev.core.scoping import Action as Do
from capdev.core.selectors import office_for_user
from capdev.deliver.models import Activity
from capdev.diagnose.api.common import call_service, enum_field, query_filters
from capdev.diagnose.models import Theme
from capdev.learn.documents import MAX_DOCUMENT_BYTES
from capdev.learn.models import (
    Criterion,
    CriterionRating,
    Evaluation,
    EvaluationDocument,
    FollowUpAction,
    ManagementResponse,
    Rating,
    Recommendation,
)
from capdev.learn.selectors import evaluations as selectors
from capdev.learn.services import evaluations as services
from capdev.plan.api import CountryField, funding_source_field, in_scope, office_field, scoped_ids
from capdev.plan.models import Plan

EvaluationKindField = enum_field(Evaluation.Kind, "EvaluationKindEnum")
CriterionField = enum_field(Criterion, "EvaluationCriterionEnum")
RatingField = enum_field(Rating, "EvaluationRatingEnum")
DecisionField = enum_field(ManagementResponse.Decision, "ManagementDecisionEnum")
ActionStatusField = enum_field(FollowUpAction.Status, "FollowUpStatusEnum")
ThemeField = enum_field(Theme, "EvaluationThemeEnum")
PriorityField = enum_field(Recommendation.Priority, "RecommendationPriorityEnum")


MAX_MB = MAX_DOCUMENT_BYTES // (1024 * 1024)


class CriterionRatingOutput(serializers.ModelSerializer):
    criterion = CriterionField(read_only=True)
    rating = RatingField(read_only=True)

    class Meta:
        model = CriterionRating
        fields = ["criterion", "rating", "comment"]


class EvaluationDocumentOutput(serializers.ModelSerializer):
    class Meta:
        model = EvaluationDocument
        fields = ["id", "title", "media_type", "size", "uploaded_at"]
        read_only_fields = fields


class EvaluationOutput(serializers.ModelSerializer):
    kind = EvaluationKindField(read_only=True)
    countries = serializers.SlugRelatedField(slug_field="iso_alpha2", many=True, read_only=True)
    themes = serializers.ListField(child=ThemeField(), read_only=True)
    ratings = CriterionRatingOutput(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "title",
            "kind",
            "summary",
            "evaluator",
            "managed_by",
            "start",
            "end",
            "countries",
            "organisations",
            "plans",
            "activities",
            "funding_sources",
            "themes",
            "ratings",
            "created_at",
        ]
        read_only_fields = fields


class FollowUpActionOutput(serializers.ModelSerializer):
    status = ActionStatusField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpAction
        fields = [
            "id",
            "recommendation",
            "description",
            "unit",
            "unit_name",
            "due",
            "status",
            "note",
            "completed_at",
            "reminded_at",
            "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, action: FollowUpAction) -> bool:
        """Open and past its due date."""
        return services.is_overdue(action)


class ManagementResponseOutput(serializers.ModelSerializer):
    decision = DecisionField(read_only=True)

    class Meta:
        model = ManagementResponse
        fields = ["decision", "reasons", "responded_at"]
        read_only_fields = fields


class RecommendationOutput(serializers.ModelSerializer):
    priority = PriorityField(read_only=True)
    evaluation_title = serializers.CharField(source="evaluation.title", read_only=True)
    response = serializers.SerializerMethodField()
    actions = FollowUpActionOutput(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "evaluation",
            "evaluation_title",
            "number",
            "text",
            "priority",
            "addressed_to",
            "response",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ManagementResponseOutput(allow_null=True))
    def get_response(self, recommendation: Recommendation) -> dict[str, Any] | None:
        response = selectors.response_of(recommendation)
        return ManagementResponseOutput(response).data if response else None


class EvaluationDetailOutput(EvaluationOutput):
    documents = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()

    class Meta(EvaluationOutput.Meta):
        fields = [*EvaluationOutput.Meta.fields, "documents", "recommendations"]
        read_only_fields = fields

    @extend_schema_field(EvaluationDocumentOutput(many=True))
    def get_documents(self, evaluation: Evaluation) -> list[dict[str, Any]]:
        user = self.context["request"].user
        return EvaluationDocumentOutput(
            selectors.documents_for_user(user, evaluation), many=True
        ).data

    @extend_schema_field(RecommendationOutput(many=True))
    def get_recommendations(self, evaluation: Evaluation) -> list[dict[str, Any]]:
        user = self.context["request"].user
        rows = selectors.recommendations_for_user(user, evaluation=evaluation)
        return RecommendationOutput(rows, many=True).data


class CriterionRatingInput(serializers.Serializer):
    criterion = CriterionField()
    rating = RatingField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    kind = EvaluationKindField()
    summary = serializers.CharField(required=False, allow_blank=True)
    evaluator = serializers.CharField(max_length=200)
    managed_by = office_field(required=False, allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    countries = serializers.ListField(child=CountryField(), required=False)
    organisations = scoped_ids(lookup=in_scope(Organisation.objects.all()), required=False)
    plans = scoped_ids(lookup=in_scope(Plan.objects.all()), required=False)
    activities = scoped_ids(lookup=in_scope(Activity.objects.all()), required=False)
    funding_sources = serializers.ListField(child=funding_source_field(), required=False)
    themes = serializers.ListField(child=ThemeField(), required=False)
    ratings = CriterionRatingInput(many=True, required=False, help_text="one per criterion")

    def validate_ratings(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        criteria = [item["criterion"] for item in value]
        if len(criteria) != len(set(criteria)):
            raise serializers.ValidationError(_("Rate each criterion once."))
        return value


def _service_data(validated: dict[str, Any]) -> dict[str, Any]:
    data = dict(validated)
    if "ratings" in data:
        ratings = data.pop("ratings")
        data["ratings"] = {item["criterion"]: item["rating"] for item in ratings}
        data["rating_comments"] = {item["criterion"]: item.get("comment", "") for item in ratings}
    return data


MAX_ID = 2**31 - 1  # ids are bounded in filters: a larger one overflows SQLite (a 500)


class EvaluationFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="words in the title, summary or evaluator")
    kind = serializers.ChoiceField(Evaluation.Kind.choices, required=False)
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2100, help_text="a year the evaluation covers"
    )
    sort = serializers.ChoiceField(list(selectors.EVALUATION_SORTS), required=False)


def _evaluation_detail(request: Request, pk: int) -> dict[str, Any]:
    evaluation = selectors.evaluation_for_user(request.user, pk)
    return EvaluationDetailOutput(evaluation, context={"request": request}).data


class EvaluationList(generics.ListAPIView):
    """Evaluations in the caller's scope (strategic and thematic ones, of no country, are
    everyone's), latest first, with their ratings."""

    serializer_class = EvaluationOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Evaluation]:
        filters = query_filters(EvaluationFilters, self.request)
        return selectors.evaluation_list_for_user(self.request.user, **filters).prefetch_related(
            "ratings", "organisations", "plans", "activities", "funding_sources"
        )

    @extend_schema(parameters=[EvaluationFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(request=EvaluationInput, responses={201: EvaluationDetailOutput})
    def post(self, request: Request) -> Response:
        """Record an evaluation (evaluators, HQ and administrators)."""
        if not services.evaluation_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not record evaluations."))
        data = EvaluationInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        evaluation = call_service(
            services.evaluation_create, user=request.user, data=_service_data(data.validated_data)
        )
        return Response(_evaluation_detail(request, evaluation.pk), status=status.HTTP_201_CREATED)


class EvaluationDetail(APIView):
    @extend_schema(responses={200: EvaluationDetailOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_evaluation_detail(request, pk))

    @extend_schema(request=EvaluationInput, responses={200: EvaluationDetailOutput})
    def patch(self, request: Request, pk: int) -> Response:
        evaluation = selectors.evaluation_for_user(request.user, pk)
        data = EvaluationInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        call_service(
            services.evaluation_update,
            user=request.user,
            evaluation=evaluation,
            data=_service_data(data.validated_data),
        )
        return Response(_evaluation_detail(request, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Delete an evaluation with its documents and recommendations."""
        evaluation = selectors.evaluation_for_user(request.user, pk)
        call_service(services.evaluation_delete, user=request.user, evaluation=evaluation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvaluationDocumentInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"a PDF or DOCX, up to {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB"
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)


class EvaluationDocuments(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": EvaluationDocumentInput},
        responses={201: EvaluationDocumentOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Attach a PDF or DOCX to the evaluation; its text is extracted for search."""
        evaluation = selectors.evaluation_for_user(request.user, pk)
        data = EvaluationDocumentInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise serializers.ValidationError(
                {
                    "file": [
                        _("This file is larger than %(size)s MB.")
                        % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
                    ]
                }
            )
        document = call_service(
            services.document_upload,
            user=request.user,
            evaluation=evaluation,
            title=data.validated_data.get("title", ""),
            name=upload.name,
            data=upload.read(),
        )
        return Response(EvaluationDocumentOutput(document).data, status=status.HTTP_201_CREATED)


def _recommendation(request: Request, pk: int) -> dict[str, Any]:
    return RecommendationOutput(selectors.recommendation_for_user(request.user, pk)).data


class RecommendationFilters(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="office id: addressed to, or acting",
    )
    status = serializers.ChoiceField(
        [selectors.RESPONSE_PENDING, *ManagementResponse.Decision.values],
        required=False,
        help_text="the management response, or pending",
    )
    overdue = serializers.BooleanField(required=False, help_text="with an overdue action")
    evaluation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class RecommendationList(generics.ListAPIView):
    """Recommendations in the caller's scope with their response and follow-up actions."""

    serializer_class = RecommendationOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Recommendation]:
        filters = query_filters(RecommendationFilters, self.request)
        return selectors.recommendations_for_user(self.request.user, **filters)

    @extend_schema(parameters=[RecommendationFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)


class RecommendationInput(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, required=False, help_text="next if omitted")
    text = serializers.CharField()
    priority = PriorityField(required=False)
    addressed_to = scoped_ids(lookup=office_for_user, required=False)


class EvaluationRecommendations(APIView):
    @extend_schema(request=RecommendationInput, responses={201: RecommendationOutput})
    def post(self, request: Request, pk: int) -> Response:
        """Add a recommendation to the evaluation."""
        evaluation = selectors.evaluation_for_user(request.user, pk)
        if not selectors.allows(request.user, evaluation, Do.CHANGE):
            raise PermissionDenied(_("You may not change this evaluation's recommendations."))
        data = RecommendationInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        recommendation = call_service(
            services.recommendation_create,
            user=request.user,
            evaluation=evaluation,
            data=dict(data.validated_data),
        )
        return Response(
            RecommendationOutput(
                selectors.recommendation_for_user(request.user, recommendation.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class RecommendationDetail(APIView):
    @extend_schema(responses={200: RecommendationOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            RecommendationOutput(selectors.recommendation_for_user(request.user, pk)).data
        )


class ManagementResponseInput(serializers.Serializer):
    decision = DecisionField()
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="required unless accepted"
    )


class RecommendationResponse(APIView):
    @extend_schema(request=ManagementResponseInput, responses={200: RecommendationOutput})
    def post(self, request: Request, pk: int) -> Response:
        """Record or change the management response (HQ and administrators)."""
        recommendation = selectors.recommendation_for_user(request.user, pk)
        if not services.may_respond(request.user, recommendation):
            raise PermissionDenied(_("Only HQ and administrators record management responses."))
        data = ManagementResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.response_set,
            user=request.user,
            recommendation=recommendation,
            **data.validated_data,
        )
        return Response(
            RecommendationOutput(selectors.recommendation_for_user(request.user, pk)).data
        )


class FollowUpActionInput(serializers.Serializer):
    description = serializers.CharField()
    unit = office_field()
    due = serializers.DateField()
    status = ActionStatusField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class RecommendationActions(APIView):
    @extend_schema(request=FollowUpActionInput, responses={201: FollowUpActionOutput})
    def post(self, request: Request, pk: int) -> Response:
        """Assign a follow-up action to a unit (HQ and administrators)."""
        recommendation = selectors.recommendation_for_user(request.user, pk)
        if not services.may_respond(request.user, recommendation):
            raise PermissionDenied(_("Only HQ and administrators assign follow-up actions."))
        data = FollowUpActionInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        action = call_service(
            services.action_create,
            user=request.user,
            recommendation=recommendation,
            data=dict(data.validated_data),
        )
        return Response(FollowUpActionOutput(action).data, status=status.HTTP_201_CREATED)


class ActionDetail(APIView):
    @extend_schema(responses={200: FollowUpActionOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(FollowUpActionOutput(selectors.action_for_user(request.user, pk)).data)

    @extend_schema(request=FollowUpActionInput(partial=True), responses={200: FollowUpActionOutput})
    def patch(self, request: Request, pk: int) -> Response:
        """Update an action: the unit's own staff change its status and note; HQ and
        administrators change everything."""
        action = selectors.action_for_user(request.user, pk)
        data = FollowUpActionInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        call_service(
            services.action_update, user=request.user, action=action, data=dict(data.validated_data)
        )
        return Response(FollowUpActionOutput(selectors.action_for_user(request.user, pk)).data)
