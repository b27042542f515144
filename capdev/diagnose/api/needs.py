"""API of the needs registry (§16): search, filters, record, edit, delete."""

from __future__ import annotations

from django.db.models import (
    QuerySet,
)
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core import selectors as core_selectors
from capdev.core.models import ConstituentGroup, Organisation
from capdev.diagnose import selectors, services
from capdev.diagnose.api.common import (
    NeedSourceField,
    NeedStatusField,
    ScopedRelatedField,
    call_service,
    query_filters,
)
from capdev.diagnose.models import (
    Assessment,
    CapacityType,
    Level,
    Need,
    Theme,
)

# --- needs ------------------------------------------------------------------------------


class NeedOutput(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    country = serializers.CharField(source="organisation.country.iso_alpha2", read_only=True)
    group = serializers.ChoiceField(
        ConstituentGroup.choices, source="organisation.group", read_only=True
    )
    status = NeedStatusField(read_only=True)
    source = NeedSourceField(read_only=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "country",
            "group",
            "title",
            "description",
            "level",
            "type",
            "theme",
            "priority",
            "source",
            "status",
            "assessment",
            "item",
            "area",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class NeedInput(serializers.Serializer):
    """Fields a client may set; the grid rules and scope are checked by the service."""

    organisation = ScopedRelatedField(
        queryset=Organisation.objects.none(), lookup=core_selectors.organisation_for_user
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    level = serializers.ChoiceField(Level.choices)
    type = serializers.ChoiceField(CapacityType.choices)
    theme = serializers.ChoiceField(Theme.choices)
    priority = serializers.ChoiceField(Need.Priority.choices, required=False)
    source = NeedSourceField(required=False)
    status = NeedStatusField(required=False)
    assessment = ScopedRelatedField(
        queryset=Assessment.objects.none(),
        lookup=selectors.assessment_for_user,
        required=False,
        allow_null=True,
        help_text="the assessment that found the need (of the same organisation)",
    )


class NeedFilters(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        help_text="words, each found in the title, description, organisation or country",
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")
    group = serializers.ChoiceField(ConstituentGroup.choices, required=False)
    organisation = serializers.IntegerField(required=False, help_text="organisation id")
    level = serializers.ChoiceField(Level.choices, required=False)
    type = serializers.ChoiceField(CapacityType.choices, required=False)
    theme = serializers.ChoiceField(Theme.choices, required=False)
    status = serializers.ChoiceField(Need.Status.choices, required=False)
    priority = serializers.ChoiceField(Need.Priority.choices, required=False)
    source = serializers.ChoiceField(Need.Source.choices, required=False)
    sort = serializers.ChoiceField(list(selectors.NEED_SORTS), required=False)


NEED_EXAMPLE = OpenApiExample(
    "A need found by the organisation itself",
    value={
        "organisation": 12,
        "title": "Negotiators trained in collective bargaining",
        "level": "individual",
        "type": "technical",
        "theme": "social_dialogue",
        "priority": 1,
        "source": "request",
    },
    request_only=True,
)


class NeedList(generics.ListAPIView):
    """The needs registry (§16) in the caller's scope, highest priority first."""

    serializer_class = NeedOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Need]:
        filters = query_filters(NeedFilters, self.request)
        if "priority" in filters:
            filters["priority"] = str(filters["priority"])
        return selectors.needs_for_user(self.request.user, **filters)

    @extend_schema(parameters=[NeedFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(request=NeedInput, responses={201: NeedOutput}, examples=[NEED_EXAMPLE])
    def post(self, request: Request) -> Response:
        """Record a need of an organisation."""
        if not services.need_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not record needs."))
        data = NeedInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        need = call_service(services.need_create, user=request.user, data=data.validated_data)
        return Response(NeedOutput(need).data, status=status.HTTP_201_CREATED)


class NeedDetail(APIView):
    @extend_schema(responses={200: NeedOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(NeedOutput(selectors.need_for_user(request.user, pk)).data)

    @extend_schema(request=NeedInput, responses={200: NeedOutput})
    def patch(self, request: Request, pk: int) -> Response:
        need = selectors.need_for_user(request.user, pk)
        data = NeedInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        need = call_service(
            services.need_update, user=request.user, need=need, data=data.validated_data
        )
        return Response(NeedOutput(need).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        need = selectors.need_for_user(request.user, pk)
        call_service(services.need_delete, user=request.user, need=need)
        return Response(status=status.HTTP_204_NO_CONTENT)
