"""API routes of the monitor stage's indicators (included under /api/)."""

from django.urls import path

from capdev.monitor import api_indicators as api

api_urlpatterns = [
    path("indicators/", api.IndicatorList.as_view(), name="api-indicator-list"),
    path("indicators/<int:pk>/", api.IndicatorDetail.as_view(), name="api-indicator-detail"),
    path(
        "indicators/<int:pk>/targets/",
        api.IndicatorTargets.as_view(),
        name="api-indicator-targets",
    ),
    path(
        "indicators/<int:pk>/measurements/",
        api.IndicatorMeasurements.as_view(),
        name="api-indicator-measurements",
    ),
    path(
        "measurements/<int:pk>/approve/",
        api.MeasurementApprove.as_view(),
        name="api-measurement-approve",
    ),
]
