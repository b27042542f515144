"""REST API of gender parity: meetings (public reference records), their delegations counted
by member State × group × role × sex, the members themselves (scoped by member State), the
import of a delegation list, and the parity summary the reports read.

Thin like the other APIs: selectors read (scoped), services and the import write (and check
scope). Counts and shares are of the delegation members the caller sees.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core.models import Region
from capdev.diagnose.api.common import call_service, enum_field, query_filters
from capdev.lib import shares
from capdev.lib.list_imports import problems_response, problems_schema
from capdev.parity import selectors, services
from capdev.parity.delegations_import import DelegationsInvalid, import_delegations
from capdev.parity.models import DelegationGroup, DelegationMember, DelegationRole, Meeting, Sex

MeetingKindField = enum_field(Meeting.Kind, "MeetingKindEnum")
DelegationGroupField = enum_field(DelegationGroup, "DelegationGroupEnum")
DelegationRoleField = enum_field(DelegationRole, "DelegationRoleEnum")
DelegateSexField = enum_field(Sex, "DelegateSexEnum")


# --- meetings ---------------------------------------------------------------------------


class MeetingOutput(serializers.ModelSerializer):
    kind = MeetingKindField(read_only=True)
    region = serializers.CharField(source="region.code", read_only=True, default=None)
    women = serializers.IntegerField(read_only=True, help_text="women among the members you see")
    people = serializers.IntegerField(read_only=True, help_text="the members you see")
    share = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "name",
            "session",
            "year",
            "start",
            "place",
            "region",
            "notes",
            "women",
            "people",
            "share",
        ]
        read_only_fields = fields

    def get_share(self, meeting: Meeting) -> float | None:
        """Women / people (0–1); null when you see no one."""
        return shares.share(meeting.women, meeting.people)  # type: ignore[attr-defined]


class DelegationCountOutput(serializers.Serializer):
    country = serializers.CharField(help_text="ISO 3166 alpha-3")
    group = DelegationGroupField()
    role = DelegationRoleField()
    sex = DelegateSexField()
    count = serializers.IntegerField()


class MeetingDetailOutput(MeetingOutput):
    counts = DelegationCountOutput(many=True, read_only=True)

    class Meta(MeetingOutput.Meta):
        fields = [*MeetingOutput.Meta.fields, "counts"]
        read_only_fields = fields


class MeetingFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="words, each in the name or the place")
    kind = serializers.ChoiceField(Meeting.Kind.choices, required=False)
    year = serializers.IntegerField(required=False)
    sort = serializers.ChoiceField(list(selectors.MEETING_SORTS), required=False)


class MeetingInput(serializers.Serializer):
    kind = MeetingKindField()
    name = serializers.CharField(max_length=200)
    session = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    year = serializers.IntegerField()
    start = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text="region code, for a regional meeting (e.g. AFRICA)",
    )
    notes = serializers.CharField(required=False, allow_blank=True)


def _meetings(user: Any, **filters: Any) -> QuerySet[Meeting]:
    return selectors.meeting_list_for_user(user, **filters)


def _meeting_detail(user: Any, pk: int) -> dict[str, Any]:
    meeting = selectors.meeting_for_user(user, pk)
    annotated = _meetings(user).get(pk=meeting.pk)
    annotated.counts = selectors.meeting_counts(user, meeting)  # type: ignore[attr-defined]
    return MeetingDetailOutput(annotated).data


class MeetingList(generics.ListAPIView):
    """Meetings (every grant sees every meeting), newest first, each with the women and
    people of the delegations you see."""

    serializer_class = MeetingOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Meeting]:
        return _meetings(self.request.user, **query_filters(MeetingFilters, self.request))

    @extend_schema(parameters=[MeetingFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=MeetingInput,
        responses={201: MeetingDetailOutput},
        examples=[
            OpenApiExample(
                "A Conference session",
                value={
                    "kind": "ilc",
                    "name": "114th Session of the International Labour Conference",
                    "session": 114,
                    "year": 2026,
                    "start": "2026-06-01",
                    "place": "Geneva",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        """Record a meeting (HQ and administrators)."""
        if not services.meeting_create_allowed(request.user):
            raise PermissionDenied(_("Meetings are recorded by HQ."))
        data = MeetingInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = call_service(
            services.meeting_create, user=request.user, data=dict(data.validated_data)
        )
        return Response(_meeting_detail(request.user, meeting.pk), status=status.HTTP_201_CREATED)


class MeetingDetail(APIView):
    @extend_schema(responses={200: MeetingDetailOutput})
    def get(self, request: Request, pk: int) -> Response:
        """A meeting, with the members you see counted by State × group × role × sex."""
        return Response(_meeting_detail(request.user, pk))


# --- delegation members -----------------------------------------------------------------


class DelegateOutput(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso_alpha3", read_only=True)
    country_name = serializers.CharField(source="country.name", read_only=True)
    group = DelegationGroupField(read_only=True)
    role = DelegationRoleField(read_only=True)
    sex = DelegateSexField(read_only=True)

    class Meta:
        model = DelegationMember
        fields = ["id", "meeting", "country", "country_name", "group", "role", "sex", "name"]
        read_only_fields = fields


class DelegateFilters(serializers.Serializer):
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-3 or alpha-2")
    group = serializers.ChoiceField(DelegationGroup.choices, required=False)
    role = serializers.ChoiceField(DelegationRole.choices, required=False)
    sex = serializers.ChoiceField(Sex.choices, required=False)


class DelegateList(generics.ListAPIView):
    """The members of a meeting's delegations that you see (by member State, and by group
    for a specialist), by State, group and role."""

    serializer_class = DelegateOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[DelegationMember]:
        meeting = selectors.meeting_for_user(self.request.user, self.kwargs["pk"])
        filters = query_filters(DelegateFilters, self.request)
        rows = selectors.members_for_user(self.request.user).filter(meeting=meeting)
        code = filters.get("country", "").upper()
        if code:
            field = "country__iso_alpha3" if len(code) == 3 else "country__iso_alpha2"
            rows = rows.filter(**{field: code})
        for name in ("group", "role", "sex"):
            if filters.get(name):
                rows = rows.filter(**{name: filters[name]})
        return rows.order_by("country__name", "group", "role", "name", "pk")

    @extend_schema(parameters=[DelegateFilters])
    def get(self, request: Request, pk: int) -> Response:
        return super().get(request, pk)


class DelegationListInput(serializers.Serializer):
    file = serializers.FileField(help_text="the delegation list, CSV (UTF-8) or XLSX")


ImportOutput = inline_serializer(
    "DelegationImportResult",
    {
        "rows": serializers.IntegerField(),
        "added": serializers.IntegerField(),
        "removed": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "notes": serializers.ListField(child=serializers.CharField()),
        "message": serializers.CharField(),
    },
)


class DelegateImport(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": DelegationListInput},
        responses={
            201: ImportOutput,
            400: problems_schema(
                "Three government delegates",
                row=4,
                column="Role",
                message="Kenya has 3 government delegates: a Conference delegation has 2 (two "
                "government delegates, one employers' and one workers' delegate). List the "
                "others as substitute delegates or advisers.",
            ),
            403: OpenApiResponse(description="Delegation lists are imported by HQ."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Replace the meeting's delegation by the file's, all or nothing: people recorded as
        in the file are kept, the others removed and new ones added, so importing the same
        file twice changes nothing."""
        meeting = selectors.meeting_for_user(request.user, pk)
        data = DelegationListInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            result = call_service(
                import_delegations,
                user=request.user,
                meeting=meeting,
                file=upload,
                file_name=upload.name or "delegations",
            )
        except DelegationsInvalid as error:
            return problems_response(error.problems)
        return Response(
            {
                "rows": result.rows,
                "added": result.added,
                "removed": result.removed,
                "unchanged": result.unchanged,
                "notes": result.notes,
                "message": result.summary(),
            },
            status=status.HTTP_201_CREATED,
        )


# --- the summary ------------------------------------------------------------------------


class ParityShareOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    women = serializers.IntegerField()
    total = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="women / total, 0–1")


class ParitySessionOutput(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id")
    name = serializers.CharField()
    kind = MeetingKindField()
    session = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField()
    women = serializers.IntegerField()
    total = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class ParityGroupNeedingHelpOutput(serializers.Serializer):
    country = serializers.CharField(source="country.iso_alpha3")
    group = DelegationGroupField()
    women = serializers.IntegerField()
    total = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    sessions = serializers.IntegerField()
    workshops = serializers.SerializerMethodField()

    def get_workshops(self, row: selectors.GroupNeedingHelp) -> list[int]:
        """Ids of the parity workshops (activities) offered to this group."""
        return [activity.pk for activity in row.workshops]


class ParitySexRowOutput(serializers.Serializer):
    key = serializers.CharField()
    female = serializers.IntegerField()
    male = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.IntegerField()
    female_share = serializers.FloatField(allow_null=True)


class ParitySummaryOutput(serializers.Serializer):
    minimum_percent = serializers.IntegerField(source="target.minimum_percent")
    goal_percent = serializers.IntegerField(source="target.goal_percent")
    first_year = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)
    sessions = ParitySessionOutput(many=True)
    groups = ParityShareOutput(many=True)
    regions = ParityShareOutput(many=True)
    delegations = serializers.IntegerField(source="delegations.delegations")
    delegations_reaching_minimum = serializers.IntegerField(source="delegations.reaching_minimum")
    delegations_reaching_goal = serializers.IntegerField(source="delegations.reaching_goal")
    groups_needing_help = ParityGroupNeedingHelpOutput(many=True)
    participation_by_year = ParitySexRowOutput(many=True)


class ParitySummaryFilters(serializers.Serializer):
    first_year = serializers.IntegerField(required=False, min_value=1919, max_value=2100)
    last_year = serializers.IntegerField(required=False, min_value=1919, max_value=2100)


class ParitySummary(APIView):
    @extend_schema(parameters=[ParitySummaryFilters], responses={200: ParitySummaryOutput})
    def get(self, request: Request) -> Response:
        """Gender parity as you see it: shares of women by session, group and region, the
        delegations reaching the minimum and the goal, the groups needing help and their
        parity workshops, and participation in activities by sex and year."""
        filters = query_filters(ParitySummaryFilters, request)
        summary = selectors.parity_summary(request.user, **filters)
        return Response(ParitySummaryOutput(summary).data)
