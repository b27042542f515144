from django.urls import path

from capdev.diagnose import api, views

app_name = "diagnose"

urlpatterns: list = []

api_urlpatterns: list = []
