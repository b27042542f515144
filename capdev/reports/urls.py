"""Pages and files of the reports app, under /reports/."""

from django.urls import path

from capdev.reports import downloads, views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress, name="progress"),
    path("progress.pdf", downloads.ProgressPdf.as_view(), name="progress-pdf"),
    path("progress.xlsx", downloads.ProgressXlsx.as_view(), name="progress-xlsx"),
    path("countries/<str:iso3>/", views.country_profile, name="country-profile"),
    path(
        "countries/<str:iso3>.pdf",
        downloads.CountryProfilePdf.as_view(),
        name="country-profile-pdf",
    ),
    path("jobs/", views.job_request, name="job-request"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/download", downloads.JobFile.as_view(), name="job-download"),
]
