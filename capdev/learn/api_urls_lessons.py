"""API routes of lessons and good practices (included under /api/)."""

from django.urls import path

from capdev.learn import api_lessons as api

api_urlpatterns = [
    path("lessons/", api.LessonList.as_view(), name="api-lesson-list"),
    path("lessons/<int:pk>/", api.LessonDetail.as_view(), name="api-lesson-detail"),
    path("lessons/<int:pk>/submit/", api.LessonSubmit.as_view(), name="api-lesson-submit"),
    path("lessons/<int:pk>/publish/", api.LessonPublish.as_view(), name="api-lesson-publish"),
    path("lessons/<int:pk>/return/", api.LessonReturn.as_view(), name="api-lesson-return"),
]
