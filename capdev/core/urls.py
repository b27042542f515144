from django.urls import path

from capdev.core import api, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:iso>/", views.country_detail, name="country-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation-delete"),
    path(
        "organisations/<int:pk>/memberships/",
        views.membership_add,
        name="organisation-membership-add",
    ),
    path("organisations/<int:pk>/contacts/", views.contact_add, name="organisation-contact-add"),
    path(
        "organisations/<int:pk>/<slug:kind>/<int:child_pk>/delete/",
        views.child_delete,
        name="organisation-child-delete",
    ),
    path("offices/", views.office_list, name="office-list"),
    path("offices/<int:pk>/", views.office_detail, name="office-detail"),
]

api_urlpatterns = [
    path("token/", api.TokenObtain.as_view(), name="api-token"),
    path("regions/", api.RegionList.as_view(), name="api-region-list"),
    path("countries/", api.CountryList.as_view(), name="api-country-list"),
    path("countries/<str:iso_alpha2>/", api.CountryDetail.as_view(), name="api-country-detail"),
    path("organisations/", api.OrganisationList.as_view(), name="api-organisation-list"),
    path(
        "organisations/<int:pk>/", api.OrganisationDetail.as_view(), name="api-organisation-detail"
    ),
    path("offices/", api.OfficeList.as_view(), name="api-office-list"),
    path("offices/<int:pk>/", api.OfficeDetail.as_view(), name="api-office-detail"),
]
