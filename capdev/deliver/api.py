"""REST API of the deliver stage: activities and their participant lists, participants with
their Kirkpatrick evidence, and the providers and partners who deliver with the Office.

Thin like the plan and diagnose APIs: selectors read (scoped), services write (and check
scope inside their transaction). A participant's e-mail and phone go only to callers who may
change that participation; a focal point sees their own organisation's people and no one
else's, and the participant counts every activity carries are of the people the caller sees.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core.models import PARTNER_KINDS, Organisation, OrganisationKind
from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver import registry, selectors, services
from capdev.deliver.models import Activity, Participation, Sex, TargetGroup
from capdev.deliver.participants_import import ParticipantsInvalid, import_participants
from capdev.diagnose.api.common import (
    ScopedRelatedField,
    call_service,
    enum_field,
    query_filters,
)
from capdev.lib.list_imports import problems_response, problems_schema
from capdev.plan import selectors as plan_selectors
from capdev.plan.api import (
    CountryField,
    DriverField,
    FundingKindField,
    funding_source_field,
    in_scope,
    office_field,
    scoped_ids,
)
from capdev.plan.models import Action, FundingSource

ActivityKindField = enum_field(Activity.Kind, "ActivityKindEnum")
ActivityStatusField = enum_field(Activity.Status, "ActivityStatusEnum")
AdvisoryAreaField = enum_field(Activity.AdvisoryArea, "AdvisoryAreaEnum")
TargetGroupField = enum_field(TargetGroup, "TargetGroupEnum")
ApplicationField = enum_field(Participation.Application, "SkillApplicationEnum")


class SexCountsOutput(serializers.Serializer):
    """Participants by sex (capdev.deliver.selectors.SexCounts)."""

    female = serializers.IntegerField()
    male = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.IntegerField()
    female_share = serializers.FloatField(allow_null=True, help_text="0–1; null with no one")


class ProgressOutput(serializers.Serializer):
    actions = serializers.IntegerField()
    delivered = serializers.IntegerField(help_text="actions with an activity held")
    share = serializers.FloatField(allow_null=True, help_text="0–1; null with no action")


def _sex_counts(female: int, male: int, other: int) -> dict[str, Any]:
    return SexCountsOutput(selectors.SexCounts(female, male, other)).data


# --- activities -------------------------------------------------------------------------


class ActivityOutput(serializers.ModelSerializer):
    kind = ActivityKindField(read_only=True)
    status = ActivityStatusField(read_only=True)
    countries = serializers.SlugRelatedField(slug_field="iso_alpha2", many=True, read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True, default=None)
    target_groups = serializers.ListField(child=TargetGroupField(), read_only=True)
    drivers = serializers.ListField(child=DriverField(), read_only=True)
    funding_kind = FundingKindField(
        source="funding_source.kind", read_only=True, default=None, allow_null=True
    )
    advisory_area = AdvisoryAreaField(read_only=True, allow_blank=True)
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "start",
            "end",
            "online",
            "place",
            "countries",
            "office",
            "office_name",
            "provider",
            "provider_name",
            "co_organisers",
            "beneficiaries",
            "south_south",
            "triangular",
            "peer_exchange",
            "target_groups",
            "drivers",
            "actions",
            "funding_source",
            "funding_kind",
            "cost",
            "currency",
            "advisory_area",
            "description",
            "created_at",
            "participants",
        ]
        read_only_fields = fields

    @extend_schema_field(SexCountsOutput)
    def get_participants(self, activity: Activity) -> dict[str, Any]:
        """The participants the caller sees, by sex (annotated by the selector)."""
        return _sex_counts(
            activity.participants_female,  # type: ignore[attr-defined]
            activity.participants_male,  # type: ignore[attr-defined]
            activity.participants_other,  # type: ignore[attr-defined]
        )


ACTIVITY_LINKS = ("countries", "co_organisers", "beneficiaries", "actions")


def _activities(user: Any, **filters: Any) -> QuerySet[Activity]:
    provider = filters.pop("provider", None)
    activities = selectors.activity_list_for_user(user, **filters)
    if provider:
        activities = activities.filter(provider=provider)
    # The plan actions an activity delivers are listed only as far as the caller sees plans.
    actions = Prefetch("actions", queryset=scoped(user, Action.objects.all()))
    links = [name for name in ACTIVITY_LINKS if name != "actions"]
    return activities.select_related("provider", "office").prefetch_related(*links, actions)


def _activity_detail(user: Any, pk: int) -> dict[str, Any]:
    activity = _activities(user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return ActivityOutput(activity).data


def partner_lookup(user: Any, pk: int) -> Organisation:
    """A provider or co-organiser: a partner organisation in the caller's scope."""
    return in_scope(Organisation.objects.filter(kind__in=PARTNER_KINDS))(user, pk)


class ActivityInput(serializers.Serializer):
    """What a client may set on an activity; its rules are checked by the service."""

    title = serializers.CharField(max_length=300)
    kind = ActivityKindField()
    status = ActivityStatusField(required=False)
    start = serializers.DateField()
    end = serializers.DateField()
    online = serializers.BooleanField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    countries = serializers.ListField(
        child=CountryField(), help_text="ISO codes of the countries it takes place in or is for"
    )
    office = office_field(help_text="the organising office")
    provider = ScopedRelatedField(
        queryset=Organisation.objects.none(),
        lookup=partner_lookup,
        required=False,
        allow_null=True,
        help_text="a training institution or partner",
    )
    co_organisers = scoped_ids(lookup=partner_lookup, required=False)
    beneficiaries = scoped_ids(
        lookup=in_scope(Organisation.objects.all()),
        required=False,
        help_text="organisations whose capacity it builds",
    )
    south_south = serializers.BooleanField(required=False)
    triangular = serializers.BooleanField(required=False)
    peer_exchange = serializers.BooleanField(required=False)
    target_groups = serializers.ListField(child=TargetGroupField(), required=False)
    drivers = serializers.ListField(child=DriverField(), required=False)
    actions = scoped_ids(
        lookup=in_scope(Action.objects.select_related("plan")),
        required=False,
        help_text="ids of actions of agreed plans it delivers",
    )
    funding_source = funding_source_field(required=False, allow_null=True)
    cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.CharField(
        max_length=3, required=False, allow_blank=True, help_text="ISO 4217, e.g. USD"
    )
    advisory_area = AdvisoryAreaField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class ActivityFilters(serializers.Serializer):
    q = serializers.CharField(
        required=False, help_text="words, each in the title, the place or the provider"
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    kind = serializers.ChoiceField(Activity.Kind.choices, required=False)
    status = serializers.ChoiceField(Activity.Status.choices, required=False)
    year = serializers.IntegerField(required=False, help_text="the year it starts")
    office = serializers.IntegerField(required=False, help_text="organising office id")
    provider = serializers.IntegerField(required=False, help_text="provider organisation id")
    funding_kind = serializers.ChoiceField(FundingSource.Kind.choices, required=False)
    cooperation = serializers.ChoiceField(list(selectors.COOPERATION), required=False)
    sort = serializers.ChoiceField(list(selectors.ACTIVITY_SORTS), required=False)


ACTIVITY_EXAMPLE = OpenApiExample(
    "A course for union negotiators",
    value={
        "title": "Collective bargaining for union negotiators",
        "kind": "course",
        "start": "2026-04-01",
        "end": "2026-04-05",
        "place": "Nairobi",
        "countries": ["KE"],
        "office": 2,
        "provider": 31,
        "beneficiaries": [13],
        "target_groups": ["workers"],
        "drivers": ["social_dialogue"],
        "actions": [17],
        "funding_source": 3,
        "cost": "18000.00",
        "currency": "USD",
    },
    request_only=True,
)


class ActivityList(generics.ListAPIView):
    """Activities in the caller's scope (where they take place, or whom they are for),
    latest first, each with its participants by sex."""

    serializer_class = ActivityOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Activity]:
        return _activities(self.request.user, **query_filters(ActivityFilters, self.request))

    @extend_schema(parameters=[ActivityFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=ActivityInput, responses={201: ActivityOutput}, examples=[ACTIVITY_EXAMPLE]
    )
    def post(self, request: Request) -> Response:
        """Record an activity (the Office, HQ and specialists; not a focal point)."""
        if not services.activity_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not organise activities."))
        data = ActivityInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        activity = call_service(
            services.activity_create, user=request.user, data=dict(data.validated_data)
        )
        return Response(_activity_detail(request.user, activity.pk), status=status.HTTP_201_CREATED)


class ActivityDetail(APIView):
    @extend_schema(responses={200: ActivityOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_activity_detail(request.user, pk))

    @extend_schema(request=ActivityInput, responses={200: ActivityOutput})
    def patch(self, request: Request, pk: int) -> Response:
        activity = selectors.activity_for_user(request.user, pk)
        data = ActivityInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        call_service(
            services.activity_update,
            user=request.user,
            activity=activity,
            data=dict(data.validated_data),
        )
        return Response(_activity_detail(request.user, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Delete an activity without participants."""
        activity = selectors.activity_for_user(request.user, pk)
        call_service(services.activity_delete, user=request.user, activity=activity)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="the participant list, CSV or XLSX")
    mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=(
            'JSON: field → column header, e.g. {"name": "Nom", "sex": "Genre"}; columns '
            "with usual names (in English, French or Spanish) are found without it"
        ),
    )

    def validate_mapping(self, value: str) -> dict[str, str]:
        try:
            mapping = json.loads(value) if value.strip() else {}
        except ValueError:
            raise serializers.ValidationError(_("Give the mapping as JSON.")) from None
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise serializers.ValidationError(
                _("Give the mapping as a JSON object of field names and column headers.")
            )
        return mapping


ImportOutput = inline_serializer(
    "ParticipantImportResult",
    {
        "rows": serializers.IntegerField(),
        "participants_added": serializers.IntegerField(),
        "participants_updated": serializers.IntegerField(),
        "people_added": serializers.IntegerField(),
    },
)


class ActivityParticipantsImport(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportInput},
        responses={
            201: ImportOutput,
            400: problems_schema(
                "A bad row", row=7, column="Sex", message="“X” is not a sex we record."
            ),
            403: OpenApiResponse(description="Your role does not change this activity."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Import a participant list into the activity, all or nothing: people are recognised
        across activities (by e-mail, or name within the organisation), and importing the
        same list again updates their participation rather than duplicating it."""
        activity = selectors.activity_for_user(request.user, pk)
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            result = call_service(
                import_participants,
                user=request.user,
                activity=activity,
                file=upload,
                file_name=upload.name or "participants",
                mapping=data.validated_data.get("mapping") or None,
            )
        except ParticipantsInvalid as error:
            return problems_response(error.problems)
        return Response(
            {
                "rows": result.rows,
                "participants_added": result.participants_added,
                "participants_updated": result.participants_updated,
                "people_added": result.people_added,
            },
            status=status.HTTP_201_CREATED,
        )


# --- participants -----------------------------------------------------------------------


class ParticipationOutput(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    person = serializers.IntegerField(source="person.pk", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    sex = serializers.ChoiceField(Sex.choices, source="person.sex", read_only=True)
    organisation = serializers.IntegerField(
        source="person.organisation_id", read_only=True, allow_null=True
    )
    organisation_name = serializers.CharField(
        source="person.organisation.name", read_only=True, default=None
    )
    country = serializers.CharField(source="person.country.iso_alpha2", read_only=True)
    position = serializers.CharField(source="person.position", read_only=True)
    applied_3_months = ApplicationField(read_only=True, allow_blank=True)
    applied_6_months = ApplicationField(read_only=True, allow_blank=True)
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Participation
        fields = [
            "id",
            "activity",
            "activity_title",
            "person",
            "name",
            "sex",
            "organisation",
            "organisation_name",
            "country",
            "position",
            "email",
            "phone",
            "attendance",
            "pre_test",
            "post_test",
            "satisfaction",
            "applied_3_months",
            "applied_6_months",
        ]
        read_only_fields = fields

    def _contact(self, participation: Participation, field: str) -> str | None:
        if participation.pk not in self.context["changeable"]:
            return None
        return getattr(participation.person, field)

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "null unless you may change this"}
    )
    def get_email(self, participation: Participation) -> str | None:
        return self._contact(participation, "email")

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "null unless you may change this"}
    )
    def get_phone(self, participation: Participation) -> str | None:
        return self._contact(participation, "phone")


def _changeable(user: Any, participations: list[Participation]) -> set[int]:
    """Of these participations, those the user may change (and so contact), in one query."""
    ids = [p.pk for p in participations]
    rows = scoped(user, Participation.objects.filter(pk__in=ids), Do.CHANGE)
    return set(rows.values_list("pk", flat=True))


def _participant_data(user: Any, participations: list[Participation]) -> Any:
    context = {"changeable": _changeable(user, participations)}
    return ParticipationOutput(participations, many=True, context=context).data


def _participations(user: Any, **filters: Any) -> QuerySet[Participation]:
    rows = selectors.participations_for_user(user).select_related(
        "person__organisation", "person__country"
    )
    for word in filters.get("q", "").split():
        rows = rows.filter(person__name__icontains=word)
    lookups = {
        "activity": filters.get("activity"),
        "person__organisation": filters.get("organisation"),
        "person__sex": filters.get("sex"),
        "person__country__iso_alpha2": filters.get("country", "").upper(),
    }
    return rows.filter(**{key: value for key, value in lookups.items() if value})


def _participation_for_user(user: Any, pk: int) -> Participation:
    participation = _participations(user).filter(pk=pk).first()
    if participation is None:
        raise Http404
    return participation


class ParticipantFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="words of the person's name")
    activity = serializers.IntegerField(required=False, help_text="activity id")
    organisation = serializers.IntegerField(required=False, help_text="organisation id")
    sex = serializers.ChoiceField(Sex.choices, required=False)
    country = serializers.CharField(required=False, help_text="the person's country, ISO code")


class ParticipantList(generics.ListAPIView):
    """Participants the caller sees: of activities in their countries, or of their own
    organisation (a focal point). Contact details only where the caller may change them."""

    serializer_class = ParticipationOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Participation]:
        return _participations(self.request.user, **query_filters(ParticipantFilters, self.request))

    @extend_schema(parameters=[ParticipantFilters])
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        return self.get_paginated_response(_participant_data(request.user, page))


class ParticipationInput(serializers.Serializer):
    attendance = serializers.IntegerField(
        required=False, allow_null=True, help_text="percent of the sessions attended"
    )
    pre_test = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    post_test = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    satisfaction = serializers.IntegerField(required=False, allow_null=True, help_text="1–5")
    applied_3_months = ApplicationField(required=False, allow_blank=True)
    applied_6_months = ApplicationField(required=False, allow_blank=True)


class ParticipantDetail(APIView):
    @extend_schema(responses={200: ParticipationOutput})
    def get(self, request: Request, pk: int) -> Response:
        participation = _participation_for_user(request.user, pk)
        return Response(_participant_data(request.user, [participation])[0])

    @extend_schema(
        request=ParticipationInput,
        responses={200: ParticipationOutput},
        examples=[
            OpenApiExample(
                "The 3-month follow-up",
                value={"applied_3_months": "partly"},
                request_only=True,
            )
        ],
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Record attendance, test scores, satisfaction and the follow-ups (Kirkpatrick 1–3)."""
        participation = _participation_for_user(request.user, pk)
        data = ParticipationInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        call_service(
            services.participation_update,
            user=request.user,
            participation=participation,
            data=data.validated_data,
        )
        participation = _participation_for_user(request.user, pk)
        return Response(_participant_data(request.user, [participation])[0])

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        participation = _participation_for_user(request.user, pk)
        call_service(services.participation_delete, user=request.user, participation=participation)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- providers and partners (§24, §26) --------------------------------------------------


class PartnerOutput(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso_alpha2", read_only=True)
    region = serializers.CharField(source="country.region.code", read_only=True)
    kind = serializers.ChoiceField(OrganisationKind.choices, read_only=True)
    activities_provided = serializers.IntegerField(source="provided_count", read_only=True)
    activities_co_organised = serializers.IntegerField(source="co_organised_count", read_only=True)
    advisory_services_received = serializers.IntegerField(source="advisory_count", read_only=True)
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "acronym",
            "country",
            "region",
            "kind",
            "group",
            "website",
            "activities_provided",
            "activities_co_organised",
            "advisory_services_received",
            "participants",
        ]
        read_only_fields = fields

    @extend_schema_field(SexCountsOutput)
    def get_participants(self, partner: Organisation) -> dict[str, Any]:
        """Participants (that the caller sees) of the activities it provided, by sex."""
        return _sex_counts(
            partner.female_count,  # type: ignore[attr-defined]
            partner.male_count,  # type: ignore[attr-defined]
            partner.other_count,  # type: ignore[attr-defined]
        )


class PartnerFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="name, acronym or country")
    kind = serializers.ChoiceField(
        OrganisationKind.choices,
        required=False,
        help_text="training_institution, un_agency, development_partner, civil_society or academic",
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")
    delivered = serializers.BooleanField(
        required=False, help_text="only those that provided or co-organised an activity"
    )
    sort = serializers.ChoiceField(list(registry.PARTNER_SORTS), required=False)

    def validate_kind(self, value: str) -> str:
        if value not in PARTNER_KINDS:
            raise serializers.ValidationError(_("Not a kind of partner."))
        return value


class PartnerList(generics.ListAPIView):
    """Training institutions and partners (UN agencies, development partners, civil society,
    academia) in the caller's scope, with what they delivered in activities the caller sees."""

    serializer_class = PartnerOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Organisation]:
        filters = query_filters(PartnerFilters, self.request)
        return registry.partners_for_user(self.request.user, **filters).select_related(
            "country__region"
        )

    @extend_schema(parameters=[PartnerFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)


class PartnerDetail(APIView):
    @extend_schema(responses={200: PartnerOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(PartnerOutput(registry.partner_for_user(request.user, pk)).data)


# --- a plan's delivery --------------------------------------------------------------------


class ActionDeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="action.pk")
    title = serializers.CharField(source="action.title")
    delivered = serializers.BooleanField(help_text="one of its activities has been held")
    activities = serializers.SerializerMethodField(help_text="the activities the caller sees")

    def get_activities(self, delivery: selectors.ActionDelivery) -> list[int]:
        return [activity.pk for activity in delivery.activities]


class PlanDeliveryOutput(serializers.Serializer):
    progress = ProgressOutput()
    actions = ActionDeliveryOutput(many=True)
    participants = SexCountsOutput(
        help_text="participants the caller sees of the activities delivering the plan"
    )


class PlanDelivery(APIView):
    @extend_schema(
        summary="How far a plan is delivered",
        description=(
            "Actions delivered (one of their activities held), each action's activities, and "
            "the participants by sex that the caller sees (a focal point: their own "
            "organisation's people). 404 outside the caller's scope."
        ),
        responses={200: PlanDeliveryOutput},
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = plan_selectors.plan_for_user(request.user, pk)
        return Response(PlanDeliveryOutput(selectors.plan_delivery(request.user, plan)).data)
