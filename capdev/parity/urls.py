"""Pages of gender parity, under /parity/."""

from django.urls import path

from capdev.parity import views

app_name = "parity"
urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting-delete"),
    path("meetings/<int:pk>/import/", views.meeting_import, name="meeting-import"),
    path("target/", views.target, name="target"),
    path("help/", views.help_needed, name="help"),
]
