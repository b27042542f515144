"""REST API of lessons learned and good practices: list (filtered like the page), detail,
create, update, and the review steps (submit, publish, return). Thin: selectors read
(scoped), services write and check who may (four eyes on publishing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core.models import ConstituentGroup
from capdev.diagnose.api.common import ScopedRelatedField, call_service, enum_field, query_filters
from capdev.diagnose.models import CapacityType, Level, Theme
from capdev.learn.models import Evaluation, Lesson
from capdev.learn.selectors import lessons as selectors
from capdev.learn.services import lessons as services
from capdev.plan.api import CountryField, in_scope

LessonKindField = enum_field(Lesson.Kind, "LessonKindEnum")
LessonStatusField = enum_field(Lesson.Status, "LessonStatusEnum")
LessonLevelField = enum_field(Level, "LessonLevelEnum")
LessonTypeField = enum_field(CapacityType, "LessonCapacityTypeEnum")
LessonThemeField = enum_field(Theme, "LessonThemeEnum")
LessonGroupField = enum_field(ConstituentGroup, "LessonGroupEnum")


class LessonOutput(serializers.ModelSerializer):
    kind = LessonKindField(read_only=True)
    status = LessonStatusField(read_only=True)
    levels = serializers.ListField(child=LessonLevelField(), read_only=True)
    types = serializers.ListField(child=LessonTypeField(), read_only=True)
    themes = serializers.ListField(child=LessonThemeField(), read_only=True)
    groups = serializers.ListField(child=LessonGroupField(), read_only=True)
    countries = serializers.SlugRelatedField(slug_field="iso_alpha2", many=True, read_only=True)
    written_by = serializers.CharField(source="written_by.username", default=None, read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "kind",
            "title",
            "context",
            "challenge",
            "what_worked",
            "conditions",
            "levels",
            "types",
            "themes",
            "groups",
            "countries",
            "evaluation",
            "status",
            "written_by",
            "reviewed_by",
            "published_at",
            "created_at",
        ]
        read_only_fields = fields


class LessonInput(serializers.Serializer):
    """What a client may set on a lesson; its rules are checked by the service."""

    kind = LessonKindField()
    title = serializers.CharField(max_length=300)
    context = serializers.CharField()
    challenge = serializers.CharField(required=False, allow_blank=True)
    what_worked = serializers.CharField(required=False, allow_blank=True)
    conditions = serializers.CharField(
        required=False, allow_blank=True, help_text="conditions for replication"
    )
    levels = serializers.ListField(child=LessonLevelField(), required=False)
    types = serializers.ListField(child=LessonTypeField(), required=False)
    themes = serializers.ListField(child=LessonThemeField(), required=False)
    groups = serializers.ListField(child=LessonGroupField(), required=False)
    countries = serializers.ListField(
        child=CountryField(), required=False, help_text="ISO codes of the countries it concerns"
    )
    evaluation = ScopedRelatedField(
        queryset=Evaluation.objects.none(),
        lookup=in_scope(Evaluation.objects.all()),
        required=False,
        allow_null=True,
        help_text="id of the evaluation it comes from",
    )


class LessonFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="words, each in the title or the text")
    kind = serializers.ChoiceField(Lesson.Kind.choices, required=False)
    status = serializers.ChoiceField(Lesson.Status.choices, required=False)
    theme = serializers.ChoiceField(Theme.choices, required=False)
    level = serializers.ChoiceField(Level.choices, required=False)
    type = serializers.ChoiceField(CapacityType.choices, required=False)
    group = serializers.ChoiceField(ConstituentGroup.choices, required=False)
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="region id"
    )
    evaluation = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="source evaluation id"
    )
    sort = serializers.ChoiceField(list(selectors.LESSON_SORTS), required=False)


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField(help_text="why the lesson goes back to its writer")


def _detail(user: Any, pk: int) -> dict[str, Any]:
    return LessonOutput(selectors.lesson_for_user(user, pk)).data


class LessonList(generics.ListAPIView):
    """Published lessons and good practices, and the drafts and lessons in review the
    caller may change; newest first."""

    serializer_class = LessonOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Lesson]:
        filters = query_filters(LessonFilters, self.request)
        return selectors.lesson_list_for_user(self.request.user, **filters).select_related(
            "written_by", "reviewed_by"
        )

    @extend_schema(parameters=[LessonFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(request=LessonInput, responses={201: LessonOutput})
    def post(self, request: Request) -> Response:
        """Write a lesson or good practice: it is saved as a draft."""
        if not services.lesson_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not write lessons."))
        data = LessonInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        lesson = call_service(
            services.lesson_create, user=request.user, data=dict(data.validated_data)
        )
        return Response(_detail(request.user, lesson.pk), status=status.HTTP_201_CREATED)


class LessonDetail(APIView):
    @extend_schema(responses={200: LessonOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request.user, pk))

    @extend_schema(request=LessonInput, responses={200: LessonOutput})
    def patch(self, request: Request, pk: int) -> Response:
        lesson = selectors.lesson_for_user(request.user, pk)
        data = LessonInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        call_service(
            services.lesson_update,
            user=request.user,
            lesson=lesson,
            data=dict(data.validated_data),
        )
        return Response(_detail(request.user, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Delete a draft."""
        lesson = selectors.lesson_for_user(request.user, pk)
        call_service(services.lesson_delete, user=request.user, lesson=lesson)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LessonSubmit(APIView):
    @extend_schema(request=None, responses={200: LessonOutput})
    def post(self, request: Request, pk: int) -> Response:
        """Send a draft for review."""
        lesson = selectors.lesson_for_user(request.user, pk)
        call_service(services.lesson_submit, user=request.user, lesson=lesson)
        return Response(_detail(request.user, pk))


class LessonPublish(APIView):
    @extend_schema(request=None, responses={200: LessonOutput})
    def post(self, request: Request, pk: int) -> Response:
        """Publish a lesson in review (administrators, HQ, the office covering it; never
        its writer)."""
        lesson = selectors.lesson_for_user(request.user, pk)
        call_service(services.lesson_publish, user=request.user, lesson=lesson)
        return Response(_detail(request.user, pk))


class LessonReturn(APIView):
    @extend_schema(request=ReturnInput, responses={200: LessonOutput})
    def post(self, request: Request, pk: int) -> Response:
        """Return a lesson in review, or a published one, to draft with a reason."""
        lesson = selectors.lesson_for_user(request.user, pk)
        data = ReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.lesson_return,
            user=request.user,
            lesson=lesson,
            reason=data.validated_data["reason"],
        )
        return Response(_detail(request.user, pk))
