"""API routes of the diagnose stage (included under /api/)."""

from django.urls import path

from capdev.diagnose.api import assessments, instruments, needs

api_urlpatterns = [
    path("instruments/", instruments.InstrumentList.as_view(), name="api-instrument-list"),
    path(
        "instruments/<int:pk>/",
        instruments.InstrumentDetail.as_view(),
        name="api-instrument-detail",
    ),
    path(
        "instruments/<int:pk>/xlsform",
        instruments.InstrumentXLSForm.as_view(),
        name="api-instrument-xlsform",
    ),
    path(
        "instruments/<int:pk>/xform",
        instruments.InstrumentXForm.as_view(),
        name="api-instrument-xform",
    ),
    path(
        "instruments/<int:pk>/submissions",
        instruments.InstrumentSubmissions.as_view(),
        name="api-instrument-submissions",
    ),
    path("assessments/", assessments.AssessmentList.as_view(), name="api-assessment-list"),
    path(
        "assessments/<int:pk>/",
        assessments.AssessmentDetail.as_view(),
        name="api-assessment-detail",
    ),
    path(
        "assessments/<int:pk>/scores/",
        assessments.AssessmentScores.as_view(),
        name="api-assessment-scores",
    ),
    path(
        "assessments/<int:pk>/submit/",
        assessments.AssessmentSubmit.as_view(),
        name="api-assessment-submit",
    ),
    path(
        "assessments/<int:pk>/validate/",
        assessments.AssessmentValidate.as_view(),
        name="api-assessment-validate",
    ),
    path(
        "assessments/<int:pk>/reopen/",
        assessments.AssessmentReopen.as_view(),
        name="api-assessment-reopen",
    ),
    path("needs/", needs.NeedList.as_view(), name="api-need-list"),
    path("needs/<int:pk>/", needs.NeedDetail.as_view(), name="api-need-detail"),
]
