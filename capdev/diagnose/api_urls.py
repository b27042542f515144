"""API routes of the diagnose stage (included under /api/)."""

from django.urls import path

from capdev.diagnose import api

api_urlpatterns = [
    path("instruments/", api.InstrumentList.as_view(), name="api-instrument-list"),
    path("instruments/<int:pk>/", api.InstrumentDetail.as_view(), name="api-instrument-detail"),
    path(
        "instruments/<int:pk>/xlsform",
        api.InstrumentXLSForm.as_view(),
        name="api-instrument-xlsform",
    ),
    path("instruments/<int:pk>/xform", api.InstrumentXForm.as_view(), name="api-instrument-xform"),
    path(
        "instruments/<int:pk>/submissions",
        api.InstrumentSubmissions.as_view(),
        name="api-instrument-submissions",
    ),
    path("assessments/", api.AssessmentList.as_view(), name="api-assessment-list"),
    path("assessments/<int:pk>/", api.AssessmentDetail.as_view(), name="api-assessment-detail"),
    path(
        "assessments/<int:pk>/scores/",
        api.AssessmentScores.as_view(),
        name="api-assessment-scores",
    ),
    path(
        "assessments/<int:pk>/submit/",
        api.AssessmentSubmit.as_view(),
        name="api-assessment-submit",
    ),
    path(
        "assessments/<int:pk>/validate/",
        api.AssessmentValidate.as_view(),
        name="api-assessment-validate",
    ),
    path(
        "assessments/<int:pk>/reopen/",
        api.AssessmentReopen.as_view(),
        name="api-assessment-reopen",
    ),
    path("needs/", api.NeedList.as_view(), name="api-need-list"),
    path("needs/<int:pk>/", api.NeedDetail.as_view(), name="api-need-detail"),
]
