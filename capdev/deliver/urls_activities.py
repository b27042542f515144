"""Activities, their participants and participant imports, under /deliver/."""

from django.urls import path

from capdev.deliver.views import activities, imports, participants

urlpatterns = [
    path("", activities.activity_list, name="activity-list"),
    path("activities/new/", activities.activity_create, name="activity-create"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity-delete"),
    path("activities/<int:pk>/import/", imports.import_upload, name="import-upload"),
    path(
        "activities/<int:pk>/import/<slug:token>/",
        imports.import_mapping,
        name="import-mapping",
    ),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("participants/<int:pk>/edit/", participants.participant_edit, name="participant-edit"),
    path(
        "participants/<int:pk>/delete/",
        participants.participant_delete,
        name="participant-delete",
    ),
    path("plans/<int:pk>/delivery/", activities.plan_delivery, name="plan-delivery"),
    path("past-activities/", activities.past_activities, name="past-activities"),
]
