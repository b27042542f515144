"""Routes of the lesson pages and of the loop partials (namespace "learn")."""

from django.urls import path

from capdev.learn import views_lessons as views

urlpatterns = [
    path("lessons/", views.lesson_list, name="lesson-list"),
    path("lessons/new/", views.lesson_create, name="lesson-create"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson-detail"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson-edit"),
    path("lessons/<int:pk>/submit/", views.lesson_submit, name="lesson-submit"),
    path("lessons/<int:pk>/publish/", views.lesson_publish, name="lesson-publish"),
    path("lessons/<int:pk>/return/", views.lesson_return, name="lesson-return"),
    path("lessons/<int:pk>/delete/", views.lesson_delete, name="lesson-delete"),
    path(
        "related/organisations/<int:pk>/",
        views.related_for_organisation,
        name="related-organisation",
    ),
    path("related/needs/<int:pk>/", views.matches_for_need, name="related-need"),
]
