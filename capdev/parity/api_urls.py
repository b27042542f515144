"""API routes of gender parity (included under /api/)."""

from django.urls import path

from capdev.parity import api

api_urlpatterns = [
    path("meetings/", api.MeetingList.as_view(), name="api-meeting-list"),
    path("meetings/<int:pk>/", api.MeetingDetail.as_view(), name="api-meeting-detail"),
    path(
        "meetings/<int:pk>/delegates/",
        api.DelegateList.as_view(),
        name="api-meeting-delegates",
    ),
    path(
        "meetings/<int:pk>/delegates/import/",
        api.DelegateImport.as_view(),
        name="api-meeting-delegates-import",
    ),
    path("parity/summary/", api.ParitySummary.as_view(), name="api-parity-summary"),
]
