"""REST API of constituent surveys: surveys with their questions, results by constituent
group on either base, and responses (read in scope; answered through the same service as
the answer page, so the same checks and messages apply).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from capdev.core import selectors as core_selectors
from capdev.core.models import ConstituentGroup, Organisation
from capdev.core.scoping import may_administer_some
from capdev.diagnose.api.common import (
    ScopedRelatedField,
    TranslatedTextField,
    enum_field,
    query_filters,
)
from capdev.plan.api import CountryField
from capdev.surveys import selectors, services
from capdev.surveys.models import Answer, Choice, Question, Response, Survey

SurveyStatusField = enum_field(Survey.Status, "SurveyStatusEnum")
QuestionKindField = enum_field(Question.Kind, "SurveyQuestionKindEnum")
GroupField = enum_field(ConstituentGroup, "SurveyRespondentGroupEnum")
ResponseSourceField = enum_field(Response.Source, "SurveyResponseSourceEnum")
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


# --- surveys ----------------------------------------------------------------------------


class ChoiceOutput(serializers.ModelSerializer):
    label = TranslatedTextField()

    class Meta:
        model = Choice
        fields = ["id", "position", "label"]


class QuestionOutput(serializers.ModelSerializer):
    kind = QuestionKindField(read_only=True)
    label = TranslatedTextField()
    choices = ChoiceOutput(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "kind", "k", "required", "label", "choices"]


class SurveyOutput(serializers.ModelSerializer):
    title = TranslatedTextField()
    description = TranslatedTextField()
    status = SurveyStatusField(read_only=True)
    owner_office_name = serializers.CharField(
        source="owner_office.name", read_only=True, default=None
    )
    question_count = serializers.IntegerField(read_only=True)
    response_count = serializers.IntegerField(
        read_only=True, help_text="responses the caller may see"
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "description",
            "status",
            "opens",
            "closes",
            "owner_office",
            "owner_office_name",
            "created_at",
            "question_count",
            "response_count",
        ]


class SurveyDetailOutput(SurveyOutput):
    questions = QuestionOutput(many=True, read_only=True)

    class Meta(SurveyOutput.Meta):
        fields = [*SurveyOutput.Meta.fields, "questions"]


class SurveyFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="words, each in the title or the office")
    status = serializers.ChoiceField(Survey.Status.choices, required=False)
    sort = serializers.ChoiceField(list(selectors.SURVEY_SORTS), required=False)


def _surveys(user: Any, **filters: Any) -> QuerySet[Survey]:
    return selectors.survey_list_for_user(user, **filters)


class SurveyList(generics.ListAPIView):
    """Surveys the caller sees: open and closed ones for every grant, drafts for the Office
    staff who may change them."""

    serializer_class = SurveyOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Survey]:
        return _surveys(self.request.user, **query_filters(SurveyFilters, self.request))

    @extend_schema(parameters=[SurveyFilters])
    def get(self, request: Request) -> ApiResponse:
        return super().get(request)


class SurveyDetail(APIView):
    @extend_schema(responses={200: SurveyDetailOutput})
    def get(self, request: Request, pk: int) -> ApiResponse:
        """The survey with its questions and their choices, in the four languages."""
        survey = _surveys(request.user).prefetch_related("questions__choices").filter(pk=pk)
        found = survey.first()
        if found is None:
            raise Http404
        return ApiResponse(SurveyDetailOutput(found).data)


# --- results ----------------------------------------------------------------------------


class ResultFilters(serializers.Serializer):
    base = serializers.ChoiceField(
        list(selectors.BASES),
        required=False,
        help_text="the base of pick-k shares: all selections in the group (default, as "
        "Figure 1) or the group's respondents who answered",
    )
    group = serializers.ChoiceField(ConstituentGroup.choices, required=False)
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")


class ColumnOutput(serializers.Serializer):
    key = serializers.CharField(help_text="government, workers, employers, other or all")
    label = serializers.CharField()
    respondents = serializers.IntegerField(help_text="respondents who answered the question")
    selections = serializers.IntegerField(help_text="all selections made (choice questions)")


class CellOutput(serializers.Serializer):
    group = serializers.CharField()
    count = serializers.IntegerField()
    base = serializers.IntegerField(help_text="the denominator of the share")
    percent = serializers.FloatField(allow_null=True, help_text="count / base × 100")


class RowOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the choice id, or the Likert value")
    label = serializers.CharField()
    cells = CellOutput(many=True)


class TextOutput(serializers.Serializer):
    text = serializers.CharField()
    group = GroupField()
    organisation = serializers.CharField(allow_null=True)


class QuestionResultOutput(serializers.Serializer):
    question = serializers.IntegerField()
    kind = QuestionKindField()
    label = serializers.CharField()
    base = serializers.ChoiceField(
        ["selections", "respondents", "single", "likert", "text"],
        help_text="what every share of this question is a share of",
    )
    base_label = serializers.CharField()
    columns = ColumnOutput(many=True)
    rows = RowOutput(many=True)
    means = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="Likert: mean per column"
    )
    texts = TextOutput(many=True)
    text_count = serializers.IntegerField()


class SurveyResultsOutput(serializers.Serializer):
    survey = serializers.IntegerField()
    base = serializers.ChoiceField(list(selectors.BASES))
    responses = serializers.IntegerField(help_text="responses the caller sees, after filters")
    questions = QuestionResultOutput(many=True)


def _result_data(result: selectors.QuestionResult) -> dict[str, Any]:
    keys = [column.key for column in result.columns]
    return {
        "question": result.question.pk,
        "kind": result.question.kind,
        "label": str(result.question),
        "base": result.base,
        "base_label": result.base_label,
        "columns": [
            {
                "key": str(c.key),
                "label": c.label,
                "respondents": c.respondents,
                "selections": c.selections,
            }
            for c in result.columns
        ],
        "rows": [
            {
                "id": row.key,
                "label": row.label,
                "cells": [
                    {
                        "group": str(key),
                        "count": share.count,
                        "base": share.base,
                        "percent": share.percent,
                    }
                    for key, share in zip(keys, row.shares, strict=True)
                ],
            }
            for row in result.rows
        ],
        "means": result.means,
        "texts": [
            {
                "text": answer.text,
                "group": answer.response.group,
                "organisation": answer.response.organisation.name
                if answer.response.organisation
                else None,
            }
            for answer in result.texts
        ],
        "text_count": result.text_count,
    }


class SurveyResults(APIView):
    @extend_schema(parameters=[ResultFilters], responses={200: SurveyResultsOutput})
    def get(self, request: Request, pk: int) -> ApiResponse:
        """Every question's results by constituent group over the responses the caller may
        see. Shares are counts over their stated base; `base` chooses the pick-k base."""
        survey = selectors.survey_for_user(request.user, pk)
        filters = query_filters(ResultFilters, request)
        user = request.user
        if "country" in filters:
            try:
                filters["country"] = core_selectors.country_for_user(user, filters["country"])
            except Http404:
                raise ValidationError({"country": [_("There is no such country.")]}) from None
        if "region" in filters:
            region = core_selectors.regions_for_user(user).filter(code=filters["region"]).first()
            if region is None:
                raise ValidationError({"region": [_("There is no such region.")]})
            filters["region"] = region
        results = selectors.survey_results(user, survey, **filters)
        return ApiResponse(
            {
                "survey": survey.pk,
                "base": results.base,
                "responses": results.responses,
                "questions": [_result_data(result) for result in results.questions],
            }
        )


# --- responses --------------------------------------------------------------------------


class AnswerOutput(serializers.ModelSerializer):
    choices = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "choices", "likert", "text"]


class ResponseOutput(serializers.ModelSerializer):
    group = GroupField(read_only=True)
    source = ResponseSourceField(read_only=True)
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None
    )
    country = serializers.SlugRelatedField(slug_field="iso_alpha2", read_only=True)
    answers = AnswerOutput(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "survey",
            "group",
            "organisation",
            "organisation_name",
            "country",
            "submitted_at",
            "source",
            "answers",
        ]


class AnswerInput(serializers.Serializer):
    question = serializers.IntegerField(help_text="a question of this survey")
    choices = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="choice ids"
    )
    likert = serializers.IntegerField(required=False, allow_null=True, help_text="1 to 5")
    text = serializers.CharField(required=False, allow_blank=True)


class ResponseInput(serializers.Serializer):
    organisation = ScopedRelatedField(
        queryset=Organisation.objects.none(),
        lookup=core_selectors.organisation_for_user,
        required=False,
        allow_null=True,
        help_text="the respondent's organisation: its group and country are the respondent's",
    )
    group = GroupField(required=False, allow_blank=True, help_text="without an organisation")
    country = CountryField(required=False, allow_null=True, help_text="ISO code (optional)")
    answers = AnswerInput(many=True)

    def validate_answers(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = [a["question"] for a in answers]
        if len(set(seen)) < len(seen):
            raise serializers.ValidationError(_("Answer each question once."))
        return answers


RESPONSE_EXAMPLE = OpenApiExample(
    "A ministry answers the demo survey",
    value={
        "organisation": 13,
        "answers": [
            {"question": 1, "choices": [1, 3, 4]},
            {"question": 2, "choices": [7]},
            {"question": 3, "likert": 4},
            {"question": 4, "text": "More follow-up after courses."},
        ],
    },
    request_only=True,
)
REFUSED_EXAMPLE = OpenApiExample(
    "Two options where three are asked for",
    value={"answers": {"1": ["Choose exactly 3 options (you chose 2)."]}},
    response_only=True,
    status_codes=["400"],
)


def _api_errors(error: DjangoValidationError) -> dict[str, Any]:
    """The service's errors with each question's under "answers", keyed by question id."""
    if not hasattr(error, "error_dict"):
        return {NON_FIELD: error.messages}
    errors: dict[str, Any] = {}
    answers: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        if name.startswith("q") and name[1:].isdigit():
            answers[name[1:]] = messages
        elif name == "answers":
            errors.setdefault(NON_FIELD, []).extend(messages)
        else:
            errors[NON_FIELD if name == "__all__" else name] = messages
    if answers:
        errors["answers"] = answers
    return errors


class SurveyResponses(generics.ListAPIView):
    """The survey's responses the caller may see (a focal point: their organisation's)."""

    serializer_class = ResponseOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Response]:
        survey = selectors.survey_for_user(self.request.user, self.kwargs["pk"])
        return (
            selectors.survey_responses_for_user(self.request.user, survey)
            .prefetch_related("answers__choices")
            .order_by("submitted_at", "pk")
        )

    @extend_schema(
        request=ResponseInput,
        responses={
            201: ResponseOutput,
            400: OpenApiResponse(
                description="Nothing saved: field messages, each question's under "
                "`answers` by question id.",
                examples=[REFUSED_EXAMPLE],
            ),
            403: OpenApiResponse(description="The respondent is outside your scope."),
        },
        examples=[RESPONSE_EXAMPLE],
    )
    def post(self, request: Request, pk: int) -> ApiResponse:
        """Answer the survey for a respondent in the caller's scope, all or nothing."""
        survey = selectors.survey_for_user(request.user, pk)
        if not may_administer_some(request.user, Response):
            raise PermissionDenied(_("Your role does not answer surveys."))
        data = ResponseInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        answers = {
            a["question"]: {k: v for k, v in a.items() if k != "question"}
            for a in values["answers"]
        }
        try:
            response = services.response_submit(
                user=request.user,
                survey=survey,
                answers=answers,
                organisation=values.get("organisation"),
                group=values.get("group") or "",
                country=values.get("country"),
                source=Response.Source.API,
            )
        except DjangoValidationError as error:
            raise ValidationError(_api_errors(error)) from None
        except DjangoPermissionDenied:
            raise PermissionDenied(
                _("You may only answer for an organisation, group or country in your scope.")
            ) from None
        created = self.get_queryset().get(pk=response.pk)
        return ApiResponse(ResponseOutput(created).data, status=status.HTTP_201_CREATED)
