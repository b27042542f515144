"""API route of the search (under /api/)."""

from django.urls import path

from capdev.learn.api_search import SearchView

api_urlpatterns: list = [path("search/", SearchView.as_view(), name="api-search")]
