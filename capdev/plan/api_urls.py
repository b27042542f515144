"""API routes of the plan stage (included under /api/)."""

from django.urls import path

from capdev.plan import api

api_urlpatterns = [
    path("plans/", api.PlanList.as_view(), name="api-plan-list"),
    path("plans/<int:pk>/", api.PlanDetail.as_view(), name="api-plan-detail"),
    path("plans/<int:pk>/sign/", api.PlanSign.as_view(), name="api-plan-sign"),
    path("plans/<int:pk>/advance/", api.PlanAdvance.as_view(), name="api-plan-advance"),
    path("plans/<int:pk>/results/", api.PlanResults.as_view(), name="api-plan-results"),
    path("plans/<int:pk>/indicators/", api.PlanIndicators.as_view(), name="api-plan-indicators"),
    path("plans/<int:pk>/actions/", api.PlanActions.as_view(), name="api-plan-actions"),
    path("funding-sources/", api.FundingSourceList.as_view(), name="api-funding-source-list"),
    path(
        "funding-sources/<int:pk>/",
        api.FundingSourceDetail.as_view(),
        name="api-funding-source-detail",
    ),
]
