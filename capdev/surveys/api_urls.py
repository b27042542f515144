"""API routes of the surveys app (included under /api/)."""

from django.urls import path

from capdev.surveys import api

api_urlpatterns = [
    path("surveys/", api.SurveyList.as_view(), name="api-survey-list"),
    path("surveys/<int:pk>/", api.SurveyDetail.as_view(), name="api-survey-detail"),
    path("surveys/<int:pk>/results/", api.SurveyResults.as_view(), name="api-survey-results"),
    path("surveys/<int:pk>/responses/", api.SurveyResponses.as_view(), name="api-survey-responses"),
]
