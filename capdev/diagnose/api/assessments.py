"""API of assessments: list, create, details, scores (all or none) and the workflow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import (
    QuerySet,
)
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
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core import selectors as core_selectors
from capdev.core.models import ConstituentGroup, Office, Organisation
from capdev.diagnose import selectors, services
from capdev.diagnose.api.common import (
    AssessmentSourceField,
    AssessmentStatusField,
    ScopedRelatedField,
    TranslatedTextField,
    call_service,
    query_filters,
)
from capdev.diagnose.models import (
    Assessment,
    CapacityType,
    InstrumentVersion,
    Level,
    Participant,
)

# --- assessments ------------------------------------------------------------------------


class AssessmentOutput(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    country = serializers.CharField(source="organisation.country.iso_alpha2", read_only=True)
    group = serializers.ChoiceField(
        ConstituentGroup.choices, source="organisation.group", read_only=True
    )
    instrument = serializers.CharField(source="version.instrument.code", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    status = AssessmentStatusField(read_only=True)
    source = AssessmentSourceField(read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "country",
            "group",
            "instrument",
            "version",
            "version_number",
            "date",
            "mode",
            "office",
            "status",
            "source",
            "notes",
            "item_count",
            "answered",
            "required_missing",
            "progress_percent",
            "score_mean",
            "score_percent",
            "submitted_at",
            "validated_at",
            "validated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ParticipantOutput(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "name", "role", "sex", "organisation"]


class AreaScoreOutput(serializers.Serializer):
    area = serializers.CharField(source="area.name")
    label = TranslatedTextField(source="area.label")
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    mean = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    previous = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="the percent in the organisation's previous assessment with the instrument",
    )


class CellScoreOutput(serializers.Serializer):
    level = serializers.ChoiceField(Level.choices)
    type = serializers.ChoiceField(CapacityType.choices)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


class AssessmentDetailOutput(AssessmentOutput):
    participants = ParticipantOutput(many=True, read_only=True, source="participants.all")
    area_scores = serializers.SerializerMethodField()
    cell_scores = serializers.SerializerMethodField()

    class Meta(AssessmentOutput.Meta):
        fields = [*AssessmentOutput.Meta.fields, "participants", "area_scores", "cell_scores"]
        read_only_fields = fields

    @extend_schema_field(AreaScoreOutput(many=True))
    def get_area_scores(self, assessment: Assessment) -> list[dict[str, Any]]:
        return AreaScoreOutput(self.context["profile"].areas, many=True).data

    @extend_schema_field(CellScoreOutput(many=True))
    def get_cell_scores(self, assessment: Assessment) -> list[dict[str, Any]]:
        return CellScoreOutput(self.context["profile"].cells, many=True).data


def _detail(assessment: Assessment) -> dict[str, Any]:
    profile = selectors.assessment_profile(assessment)
    return AssessmentDetailOutput(assessment, context={"profile": profile}).data


class AssessmentInput(serializers.Serializer):
    """Fields a client may set on a draft; the rules are checked by the service."""

    organisation = ScopedRelatedField(
        queryset=Organisation.objects.none(), lookup=core_selectors.organisation_for_user
    )
    version = ScopedRelatedField(
        queryset=InstrumentVersion.objects.none(),
        lookup=selectors.version_for_user,
        help_text="a published instrument version's id",
    )
    date = serializers.DateField()
    mode = serializers.ChoiceField(Assessment.Mode.choices)
    office = ScopedRelatedField(
        queryset=Office.objects.none(),
        lookup=core_selectors.office_for_user,
        required=False,
        allow_null=True,
        help_text="the facilitating office",
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class AssessmentFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="organisation name or acronym")
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")
    group = serializers.ChoiceField(ConstituentGroup.choices, required=False)
    organisation = serializers.IntegerField(required=False, help_text="organisation id")
    instrument = serializers.CharField(required=False, help_text="instrument code")
    status = serializers.ChoiceField(Assessment.Status.choices, required=False)
    mode = serializers.ChoiceField(Assessment.Mode.choices, required=False)
    sort = serializers.ChoiceField(list(selectors.ASSESSMENT_SORTS), required=False)


ASSESSMENT_EXAMPLE = OpenApiExample(
    "A self-assessment",
    value={
        "organisation": 12,
        "version": 3,
        "date": "2025-03-14",
        "mode": "self",
        "office": 2,
        "notes": "With the executive board.",
    },
    request_only=True,
)


class AssessmentList(generics.ListAPIView):
    """Assessments in the caller's scope, latest first, with their scores."""

    serializer_class = AssessmentOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.assessments_for_user(
            self.request.user, **query_filters(AssessmentFilters, self.request)
        )

    @extend_schema(parameters=[AssessmentFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=AssessmentInput,
        responses={201: AssessmentDetailOutput},
        examples=[ASSESSMENT_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Start a draft assessment of an organisation with a published instrument version."""
        if not services.assessment_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not run assessments."))
        data = AssessmentInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        assessment = call_service(
            services.assessment_create,
            user=request.user,
            data=data.validated_data,
            source=Assessment.Source.API,
        )
        return Response(_detail(assessment), status=status.HTTP_201_CREATED)


class AssessmentDetail(APIView):
    @extend_schema(responses={200: AssessmentDetailOutput})
    def get(self, request: Request, pk: int) -> Response:
        """The assessment with its participants and its scores per area and grid cell."""
        return Response(_detail(selectors.assessment_for_user(request.user, pk)))

    @extend_schema(request=AssessmentInput, responses={200: AssessmentDetailOutput})
    def patch(self, request: Request, pk: int) -> Response:
        """Change a draft (the instrument version only while no score is recorded)."""
        assessment = selectors.assessment_for_user(request.user, pk)
        data = AssessmentInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        assessment = call_service(
            services.assessment_update,
            user=request.user,
            assessment=assessment,
            data=data.validated_data,
        )
        return Response(_detail(assessment))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Delete a draft."""
        assessment = selectors.assessment_for_user(request.user, pk)
        call_service(services.assessment_delete, user=request.user, assessment=assessment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemScoreOutput(serializers.Serializer):
    item = serializers.CharField(source="item.name")
    item_id = serializers.IntegerField(source="item.pk")
    area = serializers.CharField(source="item.area.name")
    score = serializers.IntegerField(allow_null=True)
    evidence = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)
    previous = serializers.IntegerField(
        allow_null=True,
        help_text="the score in the organisation's previous assessment with the instrument",
    )


class ScoreInput(serializers.Serializer):
    item = serializers.CharField(help_text="the item's name (as in the XLSForm) or its id")
    score = serializers.IntegerField(allow_null=True, help_text="a point of the scale; null clears")
    evidence = serializers.CharField(
        required=False, allow_blank=True, help_text="left as recorded when absent"
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text="left as recorded when absent"
    )


class AssessmentScores(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses={200: ItemScoreOutput(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """Every item of the assessment's instrument version with its score (null if none)."""
        assessment = selectors.assessment_for_user(request.user, pk)
        return Response(ItemScoreOutput(self._results(assessment), many=True).data)

    @staticmethod
    def _results(assessment: Assessment) -> list[selectors.ItemResult]:
        profile = selectors.assessment_profile(assessment)
        return [result for area in profile.areas for result in profile.items[area.area.pk]]

    @extend_schema(
        request=ScoreInput(many=True),
        responses={
            200: ItemScoreOutput(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Nothing saved; messages keyed by item, then by field.",
                examples=[
                    OpenApiExample(
                        "A score off the scale",
                        value={"lead_vision": {"score": ["The score must be between 1 and 4."]}},
                    )
                ],
            ),
        },
        examples=[
            OpenApiExample(
                "Two items",
                value=[
                    {"item": "lead_vision", "score": 3, "evidence": "Strategy 2024–2028"},
                    {"item": "lead_skills", "score": None},
                ],
                request_only=True,
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """Record the listed items' scores, evidence and comments, all or none."""
        return self._save(request, pk)

    @extend_schema(
        request=ScoreInput(many=True),
        responses={200: ItemScoreOutput(many=True), 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        """The same as PUT."""
        return self._save(request, pk)

    def _save(self, request: Request, pk: int) -> Response:
        assessment = selectors.assessment_for_user(request.user, pk)
        entries = ScoreInput(data=request.data, many=True, allow_empty=False)
        if not entries.is_valid():
            raise ApiValidationError(self._keyed(request.data, entries.errors))
        batch = [
            services.ScoreEntry(
                entry["item"], entry["score"], entry.get("evidence"), entry.get("comment")
            )
            for entry in entries.validated_data
        ]
        try:
            call_service(
                services.scores_save, user=request.user, assessment=assessment, entries=batch
            )
        except services.ScoresInvalid as error:
            raise ApiValidationError(error.errors) from None
        return Response(ItemScoreOutput(self._results(assessment), many=True).data)

    @staticmethod
    def _keyed(data: Any, errors: Any) -> Any:
        """Entry errors keyed by each entry's item (or its position when it has none)."""
        if not isinstance(data, list):
            return errors  # not a list at all: DRF's own message
        # DRF gives a list aligned with the entries, or (3.16+) a dict by position.
        by_position = errors.items() if isinstance(errors, dict) else enumerate(errors)
        keyed = {}
        for index, error in by_position:
            if not isinstance(index, int) or not error:
                continue
            entry = data[index] if index < len(data) else None
            name = entry.get("item") if isinstance(entry, dict) else None
            keyed[str(name) if name not in (None, "") else str(index)] = error
        return keyed or errors


class _Transition(APIView):
    service: Callable[..., Assessment]

    def post(self, request: Request, pk: int) -> Response:
        assessment = selectors.assessment_for_user(request.user, pk)
        assessment = call_service(type(self).service, user=request.user, assessment=assessment)
        return Response(_detail(assessment))


TRANSITION_SCHEMA = {
    "request": None,
    "responses": {
        200: AssessmentDetailOutput,
        400: OpenApiResponse(description="Not in a state that allows it (or incomplete)."),
        403: OpenApiResponse(description="Your role does not allow it."),
    },
}


class AssessmentSubmit(_Transition):
    service = services.assessment_submit

    @extend_schema(**TRANSITION_SCHEMA)
    def post(self, request: Request, pk: int) -> Response:
        """Submit a draft whose required items are all scored."""
        return super().post(request, pk)


class AssessmentValidate(_Transition):
    service = services.assessment_validate

    @extend_schema(**TRANSITION_SCHEMA)
    def post(self, request: Request, pk: int) -> Response:
        """Validate a submitted assessment (the Office; not the organisation's focal point)."""
        return super().post(request, pk)


class AssessmentReopen(_Transition):
    service = services.assessment_reopen

    @extend_schema(**TRANSITION_SCHEMA)
    def post(self, request: Request, pk: int) -> Response:
        """Send a submitted assessment back to draft, for corrections."""
        return super().post(request, pk)
