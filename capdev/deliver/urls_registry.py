"""The deliver registries: providers and partners, the funding mix, the staff curriculum."""

from django.urls import path

from capdev.deliver.views import registry as views

urlpatterns = [
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("funding/", views.funding_overview, name="funding"),
    path("funding/sources/new/", views.funding_source_create, name="funding-source-create"),
    path("funding/sources/<int:pk>/edit/", views.funding_source_edit, name="funding-source-edit"),
    path("staff/", views.staff_curriculum, name="staff-curriculum"),
    path("staff/completions/new/", views.staff_completion_create, name="staff-completion-create"),
]
