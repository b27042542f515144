"""Routes of the capacity-change dashboards."""

from django.urls import path

from capdev.monitor import views_dashboards as views

urlpatterns = [
    path("", views.capacity, name="dashboard"),
    path("countries/<str:iso3>/", views.country, name="country-dashboard"),
    path("organisations/<int:pk>/", views.organisation, name="organisation-dashboard"),
    path("capacity/organisations/", views.organisations_behind, name="organisations-behind"),
]
