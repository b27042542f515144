"""Each capacity dashboard's figures as JSON: what the pages show, for other systems."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core.selectors import country_for_user
from capdev.monitor import dashboards
from capdev.monitor.forms_dashboards import CapacityFilterForm

FILTERS = [
    OpenApiParameter("region", OpenApiTypes.STR, description="region code, e.g. AFRICA"),
    OpenApiParameter("group", OpenApiTypes.STR, description="government, workers, employers…"),
    OpenApiParameter(
        "dimension",
        OpenApiTypes.STR,
        description='"" overall, "cell:<level>:<type>" a grid cell, "theme:<theme>" a theme',
    ),
    OpenApiParameter("as_of", OpenApiTypes.INT, description="leave out assessments after it"),
]


class ComparisonOutput(serializers.Serializer):
    key = serializers.CharField(help_text="group, region code or ISO3 code; '' for all")
    label = serializers.CharField()
    assessed = serializers.IntegerField(help_text="organisations with an assessment")
    cohort = serializers.IntegerField(help_text="organisations assessed twice or more")
    latest_mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    cohort_baseline_mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    cohort_latest_mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    mean_change = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    improved = serializers.IntegerField()
    declined = serializers.IntegerField()


class YearOutput(serializers.Serializer):
    year = serializers.IntegerField()
    assessments = serializers.IntegerField()
    organisations = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class BinOutput(serializers.Serializer):
    low = serializers.IntegerField(help_text="change of at least this many points…")
    high = serializers.IntegerField(help_text="…and less than this many")
    organisations = serializers.IntegerField()


class QualityOutput(serializers.Serializer):
    organisations = serializers.IntegerField(help_text="tripartite organisations in view")
    missing = serializers.IntegerField(help_text="never assessed")
    stale = serializers.IntegerField(help_text="latest assessment older than three years")
    incomplete = serializers.IntegerField(help_text="latest with under 80% of items scored")
    outliers = serializers.IntegerField(help_text="change with a modified z-score above 3.5")


class MembershipOutput(serializers.Serializer):
    year = serializers.IntegerField()
    group = serializers.CharField()
    organisations = serializers.IntegerField()
    members = serializers.IntegerField()
    women_members = serializers.IntegerField()
    members_reporting_women = serializers.IntegerField()
    women_share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class CapacityOutput(serializers.Serializer):
    overall = ComparisonOutput()
    by_group = ComparisonOutput(many=True)
    by_place = ComparisonOutput(many=True, help_text="by region; by country within a region")
    trend = YearOutput(many=True)
    distribution = BinOutput(many=True)
    quality = QualityOutput()
    membership = MembershipOutput(many=True)


class MovementOutput(serializers.Serializer):
    dimension = serializers.CharField()
    baseline = serializers.DecimalField(max_digits=6, decimal_places=2)
    latest = serializers.DecimalField(max_digits=6, decimal_places=2)
    assessments = serializers.IntegerField()
    change = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class ConstituentOutput(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation.pk")
    name = serializers.CharField(source="organisation.name")
    group = serializers.CharField(source="organisation.group")
    overall = MovementOutput(allow_null=True)
    cells = serializers.ListField(
        child=MovementOutput(allow_null=True), help_text="in grid order; null: not assessed"
    )


class CountryOutput(serializers.Serializer):
    country = serializers.CharField(source="country.iso_alpha3")
    constituents = ConstituentOutput(many=True)
    capacity = CapacityOutput()


def _filters(request: Request) -> dashboards.CapacityFilters:
    form = CapacityFilterForm(request.query_params or None)
    if form.is_bound and not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return form.filters()


class GlobalDashboard(APIView):
    @extend_schema(
        summary="The global capacity-change dashboard",
        description=(
            "Baseline vs latest scores (% of the scale) of the organisations in the caller's "
            "scope, by group and region (by country once a region is chosen), the trend by "
            "year, the distribution of change, data-quality flags and membership trends. "
            "400 names a filter that is not valid."
        ),
        parameters=FILTERS,
        responses={200: CapacityOutput},
    )
    def get(self, request: Request) -> Response:
        dashboard = dashboards.capacity_dashboard(request.user, _filters(request))
        return Response(CapacityOutput(dashboard).data)


class CountryDashboard(APIView):
    @extend_schema(
        summary="A country's tripartite capacity-change dashboard",
        description=(
            "Each tripartite constituent's baseline and latest score, overall and by grid "
            "cell, and the country's capacity dashboard. 404 for an unknown ISO3 code or a "
            "country outside the caller's scope."
        ),
        parameters=FILTERS[1:],
        responses={200: CountryOutput},
    )
    def get(self, request: Request, iso3: str) -> Response:
        country = country_for_user(request.user, iso3)  # 404 outside the caller's scope
        dashboard = dashboards.country_dashboard(request.user, country, _filters(request))
        return Response(CountryOutput(dashboard).data)
