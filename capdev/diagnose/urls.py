"""Pages of the diagnose stage, under /diagnose/."""

from django.urls import path

from capdev.diagnose import views

app_name = "diagnose"

urlpatterns = [
    path("", views.home, name="home"),
    path("instruments/", views.instrument_list, name="instrument-list"),
    path("instruments/import/", views.instrument_import, name="instrument-import"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument-detail"),
    path("instruments/<int:pk>/new-draft/", views.version_new_draft, name="version-new-draft"),
    path(
        "instruments/<int:pk>/v<int:number>/publish/",
        views.version_publish,
        name="version-publish",
    ),
    path(
        "instruments/<int:pk>/v<int:number>.<str:fmt>",
        views.version_download,
        name="version-download",
    ),
    path(
        "instruments/<int:pk>/v<int:number>/submissions/",
        views.submissions_import,
        name="submissions-import",
    ),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/new/", views.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/delete/", views.assessment_delete, name="assessment-delete"),
    path("assessments/<int:pk>/score/", views.assessment_score, name="assessment-score"),
    path(
        "assessments/<int:pk>/score/<int:item_pk>/", views.score_item, name="assessment-score-item"
    ),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment-submit"),
    path("assessments/<int:pk>/validate/", views.assessment_validate, name="assessment-validate"),
    path("assessments/<int:pk>/reopen/", views.assessment_reopen, name="assessment-reopen"),
    path("assessments/<int:pk>/participants/", views.participant_add, name="participant-add"),
    path(
        "assessments/<int:pk>/participants/<int:participant_pk>/delete/",
        views.participant_remove,
        name="participant-remove",
    ),
    path("assessments/<int:pk>/needs/", views.need_mark, name="need-mark"),
    path("needs/", views.need_list, name="need-list"),
    path("needs/new/", views.need_create, name="need-create"),
    path("needs/<int:pk>/", views.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need-edit"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need-delete"),
    path("countries/<str:iso>/", views.country_profiles, name="country-profiles"),
]
