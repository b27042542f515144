"""API routes of the surveys app (included under /api/)."""

from django.urls import path  # noqa: F401

api_urlpatterns: list = []
