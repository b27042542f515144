"""Pages of the surveys app, under /surveys/."""

from django.urls import path, re_path

from capdev.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="survey-list"),
    path("new/", views.survey_create, name="survey-create"),
    path("<int:pk>/", views.survey_detail, name="survey-detail"),
    path("<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("<int:pk>/delete/", views.survey_delete, name="survey-delete"),
    path("<int:pk>/questions/new/", views.question_create, name="question-create"),
    path("<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question-edit"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path("<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="question-move"),
    path("<int:pk>/respond/", views.survey_respond, name="survey-respond"),
    path("<int:pk>/responses/", views.response_list, name="response-list"),
    re_path(
        r"^(?P<pk>[0-9]+)/export/(?P<what>results|responses)\.(?P<fmt>csv|xlsx)$",
        views.survey_export,
        name="survey-export",
    ),
    path("responses/<int:pk>/", views.response_detail, name="response-detail"),
    path("responses/<int:pk>/delete/", views.response_delete, name="response-delete"),
]
