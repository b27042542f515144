"""REST API for reference data, organisations and offices; every queryset via selectors."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core import selectors, services
from capdev.core.models import (
    ConstituentGroup,
    Country,
    Office,
    Organisation,
    OrganisationKind,
    Region,
)
from capdev.core.scoping import Action, scoped


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class CountrySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Country
        fields = [
            "iso_alpha2",
            "iso_alpha3",
            "iso_numeric",
            "name",
            "name_fr",
            "name_es",
            "name_zh",
            "region",
            "status",
        ]


class OrganisationOutput(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso_alpha2", read_only=True)
    region = serializers.CharField(source="country.region.code", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "acronym",
            "country",
            "region",
            "group",
            "kind",
            "parent",
            "website",
            "notes",
        ]


class OrganisationInput(serializers.Serializer):
    """Fields a client may set; validation and scope checks happen in the service."""

    name = serializers.CharField(max_length=200)
    acronym = serializers.CharField(max_length=30, required=False, allow_blank=True)
    country = serializers.SlugRelatedField(slug_field="iso_alpha2", queryset=Country.objects.all())
    group = serializers.ChoiceField(choices=ConstituentGroup.choices)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    website = serializers.URLField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent only when the schema is generated
        if request is not None:
            # A country or parent outside the caller's view is "not found", as on detail pages.
            self.fields["country"].queryset = scoped(request.user, Country.objects.all())
            parents = Q(pk__in=scoped(request.user, Organisation.objects.all()).values("pk"))
            current = self.context.get("organisation")
            if current is not None and current.parent_id:
                # Sending back the parent a GET returned keeps it, even one the caller cannot see.
                parents |= Q(pk=current.parent_id)
            self.fields["parent"].queryset = Organisation.objects.filter(parents)


class OfficeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    countries = serializers.SerializerMethodField()

    class Meta:
        model = Office
        fields = ["id", "name", "acronym", "kind", "region", "parent", "countries"]

    def get_countries(self, office: Office) -> list[str]:
        return [c.iso_alpha2 for c in office.countries.all()]


class CountryFilter(filters.FilterSet):
    region = filters.CharFilter(field_name="region__code")

    class Meta:
        model = Country
        fields = ["region", "status"]


class OrganisationFilter(filters.FilterSet):
    country = filters.CharFilter(field_name="country__iso_alpha2", lookup_expr="iexact")
    region = filters.CharFilter(field_name="country__region__code")

    class Meta:
        model = Organisation
        fields = ["country", "region", "group", "kind", "parent"]


class OfficeFilter(filters.FilterSet):
    region = filters.CharFilter(field_name="region__code")

    class Meta:
        model = Office
        fields = ["kind", "region"]


class RegionList(generics.ListAPIView):
    serializer_class = RegionSerializer
    search_fields = ["name", "code"]

    def get_queryset(self) -> QuerySet[Region]:
        return selectors.regions_for_user(self.request.user)


class CountryList(generics.ListAPIView):
    """Countries in the caller's scope. `?search=` matches names in four languages and codes."""

    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    search_fields = ["name", "name_fr", "name_es", "name_zh", "=iso_alpha2", "=iso_alpha3"]
    ordering_fields = ["name", "iso_alpha2"]

    def get_queryset(self) -> QuerySet[Country]:
        return selectors.countries_for_user(self.request.user)


class CountryDetail(generics.RetrieveAPIView):
    serializer_class = CountrySerializer
    lookup_field = "iso_alpha2"

    def get_object(self) -> Country:
        return selectors.country_for_user(self.request.user, self.kwargs["iso_alpha2"])


def _call_service(func, **kwargs):  # type: ignore[no-untyped-def]
    """Turn service errors into API errors: field messages (400) or out of scope (403)."""
    try:
        return func(**kwargs)
    except DjangoValidationError as error:
        raise ApiValidationError(error.message_dict) from None
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from None


class OrganisationList(generics.ListCreateAPIView):
    """Organisations in the caller's scope; `?search=` on name, acronym and country."""

    filterset_class = OrganisationFilter
    search_fields = ["name", "acronym", "country__name"]
    ordering_fields = ["name", "country__name", "group", "kind"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return OrganisationInput if self.request.method == "POST" else OrganisationOutput

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_for_user(self.request.user)

    @extend_schema(
        request=OrganisationInput,
        responses={201: OrganisationOutput},
        examples=[
            OpenApiExample(
                "A national trade-union centre",
                value={
                    "name": "Example Federation of Labour",
                    "acronym": "EFL",
                    "country": "KE",
                    "group": "workers",
                    "kind": "national_trade_union_centre",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not services.organisation_create_allowed(request.user):
            raise PermissionDenied()
        data = OrganisationInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        organisation = _call_service(
            services.organisation_create, user=request.user, data=data.validated_data
        )
        return Response(OrganisationOutput(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetail(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = OrganisationOutput

    def get_object(self) -> Organisation:
        return selectors.organisation_for_user(self.request.user, self.kwargs["pk"])

    def _allowed(self, action: Action) -> Organisation:
        organisation = self.get_object()
        if not selectors.organisation_allows(self.request.user, organisation, action):
            raise PermissionDenied()
        return organisation

    @extend_schema(request=OrganisationInput, responses={200: OrganisationOutput})
    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=OrganisationInput, responses={200: OrganisationOutput})
    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        organisation = self._allowed(Action.CHANGE)
        data = OrganisationInput(
            data=request.data,
            partial=partial,
            context={"request": request, "organisation": organisation},
        )
        data.is_valid(raise_exception=True)
        organisation = _call_service(
            services.organisation_update,
            user=request.user,
            organisation=organisation,
            data=data.validated_data,
        )
        return Response(OrganisationOutput(organisation).data)

    def delete(self, request: Request, pk: int) -> Response:
        organisation = self._allowed(Action.ADMINISTER)
        _call_service(services.organisation_delete, user=request.user, organisation=organisation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OfficeList(generics.ListAPIView):
    serializer_class = OfficeSerializer
    filterset_class = OfficeFilter
    search_fields = ["name", "acronym"]
    ordering_fields = ["name", "kind"]

    def get_queryset(self) -> QuerySet[Office]:
        return selectors.offices_for_user(self.request.user).prefetch_related("countries")


class OfficeDetail(generics.RetrieveAPIView):
    serializer_class = OfficeSerializer

    def get_object(self) -> Office:
        return selectors.office_for_user(self.request.user, self.kwargs["pk"])


class TokenObtain(APIView):
    """Exchange a user name and password for an API token (rate-limited like the log-in page)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        username = str(request.data.get("username", ""))
        password = str(request.data.get("password", ""))
        address = request.META.get("REMOTE_ADDR")
        if services.login_blocked(username=username, address=address):
            raise Throttled(detail=_("Too many failed attempts; try again later."))
        errors = {
            k: [_("This field is required.")]
            for k, v in (("username", username), ("password", password))
            if not v
        }
        if errors:
            raise ApiValidationError(errors)
        user = authenticate(request._request, username=username, password=password)
        if user is None:
            services.login_failure_record(username=username, address=address)
            raise ApiValidationError(
                {"non_field_errors": [_("Unable to log in with these credentials.")]}
            )
        services.login_failures_clear(username=username)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
