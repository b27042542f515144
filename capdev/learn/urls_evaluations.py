"""Evaluations, recommendations, responses, follow-up actions and the tracker, under /learn/."""

from django.urls import path

from capdev.learn import views_evaluations as views

urlpatterns = [
    path("", views.home, name="home"),
    path("evaluations/", views.evaluation_list, name="evaluation-list"),
    path("evaluations/new/", views.evaluation_create, name="evaluation-create"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation-edit"),
    path("evaluations/<int:pk>/delete/", views.evaluation_delete, name="evaluation-delete"),
    path("evaluations/<int:pk>/documents/new/", views.document_upload, name="document-upload"),
    path(
        "evaluations/<int:pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation-create",
    ),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation-edit"),
    path("recommendations/<int:pk>/response/", views.response_edit, name="response-edit"),
    path("recommendations/<int:pk>/actions/new/", views.action_create, name="action-create"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("tracker/", views.tracker, name="tracker"),
]
