"""API routes of evaluations and recommendations (included under /api/)."""

from django.urls import path

from capdev.learn import api_evaluations as api

api_urlpatterns = [
    path("evaluations/", api.EvaluationList.as_view(), name="api-evaluation-list"),
    path("evaluations/<int:pk>/", api.EvaluationDetail.as_view(), name="api-evaluation-detail"),
    path(
        "evaluations/<int:pk>/documents/",
        api.EvaluationDocuments.as_view(),
        name="api-evaluation-documents",
    ),
    path(
        "evaluations/<int:pk>/recommendations/",
        api.EvaluationRecommendations.as_view(),
        name="api-evaluation-recommendations",
    ),
    path("recommendations/", api.RecommendationList.as_view(), name="api-recommendation-list"),
    path(
        "recommendations/<int:pk>/",
        api.RecommendationDetail.as_view(),
        name="api-recommendation-detail",
    ),
    path(
        "recommendations/<int:pk>/response/",
        api.RecommendationResponse.as_view(),
        name="api-recommendation-response",
    ),
    path(
        "recommendations/<int:pk>/actions/",
        api.RecommendationActions.as_view(),
        name="api-recommendation-actions",
    ),
    path("follow-up-actions/<int:pk>/", api.ActionDetail.as_view(), name="api-follow-up-action"),
]
