"""Pages of the parity app."""

from django.urls import path  # noqa: F401

app_name = "parity"
urlpatterns: list = []
