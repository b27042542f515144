"""API routes of the deliver stage (included under /api/)."""

from django.urls import path

from capdev.deliver import api

api_urlpatterns = [
    path("plans/<int:pk>/delivery/", api.PlanDelivery.as_view(), name="api-plan-delivery"),
    path("activities/", api.ActivityList.as_view(), name="api-activity-list"),
    path("activities/<int:pk>/", api.ActivityDetail.as_view(), name="api-activity-detail"),
    path(
        "activities/<int:pk>/participants/import/",
        api.ActivityParticipantsImport.as_view(),
        name="api-activity-participants-import",
    ),
    path("participants/", api.ParticipantList.as_view(), name="api-participant-list"),
    path(
        "participants/<int:pk>/",
        api.ParticipantDetail.as_view(),
        name="api-participant-detail",
    ),
    path("partners/", api.PartnerList.as_view(), name="api-partner-list"),
    path("partners/<int:pk>/", api.PartnerDetail.as_view(), name="api-partner-detail"),
]
