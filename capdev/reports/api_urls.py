"""API routes of the reports app (included under /api/)."""

from django.urls import path  # noqa: F401

api_urlpatterns: list = []
