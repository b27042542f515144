"""Routes of the search page (under /learn/, namespace "learn")."""

from django.urls import path

from capdev.learn import views_search

urlpatterns: list = [path("search/", views_search.search_page, name="search")]
