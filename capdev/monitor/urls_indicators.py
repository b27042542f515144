"""Indicator pages of the monitor stage, under /monitor/indicators/."""

from django.urls import path

from capdev.monitor import views_indicators as views

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator-list"),
    path("indicators/new/", views.indicator_create, name="indicator-create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/targets/", views.target_set, name="indicator-target-set"),
    path(
        "indicators/<int:pk>/measurements/",
        views.measurement_record,
        name="indicator-measurement-record",
    ),
    path(
        "indicators/measurements/<int:pk>/approve/",
        views.measurement_approve,
        name="indicator-measurement-approve",
    ),
    path(
        "indicators/measurements/<int:pk>/delete/",
        views.measurement_delete_page,
        name="indicator-measurement-delete",
    ),
]
