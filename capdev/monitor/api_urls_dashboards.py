"""API routes of the capacity dashboards."""

from django.urls import path

from capdev.monitor import api_dashboards as api

api_urlpatterns = [
    path("dashboards/global/", api.GlobalDashboard.as_view(), name="api-dashboard-global"),
    path(
        "dashboards/countries/<str:iso3>/",
        api.CountryDashboard.as_view(),
        name="api-dashboard-country",
    ),
]
