"""Pages of the diagnose stage, under /diagnose/."""

from django.urls import path

from capdev.diagnose.views import assessments, instruments, needs, overview

app_name = "diagnose"

urlpatterns = [
    path("", overview.home, name="home"),
    path("instruments/", instruments.instrument_list, name="instrument-list"),
    path("instruments/import/", instruments.instrument_import, name="instrument-import"),
    path("instruments/<int:pk>/", instruments.instrument_detail, name="instrument-detail"),
    path(
        "instruments/<int:pk>/new-draft/", instruments.version_new_draft, name="version-new-draft"
    ),
    path(
        "instruments/<int:pk>/v<int:number>/publish/",
        instruments.version_publish,
        name="version-publish",
    ),
    path(
        "instruments/<int:pk>/v<int:number>.<str:fmt>",
        instruments.version_download,
        name="version-download",
    ),
    path(
        "instruments/<int:pk>/v<int:number>/submissions/",
        instruments.submissions_import,
        name="submissions-import",
    ),
    path("items/<int:pk>/edit/", instruments.item_edit, name="item-edit"),
    path("assessments/", assessments.assessment_list, name="assessment-list"),
    path("assessments/new/", assessments.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", assessments.assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/delete/", assessments.assessment_delete, name="assessment-delete"),
    path("assessments/<int:pk>/score/", assessments.assessment_score, name="assessment-score"),
    path(
        "assessments/<int:pk>/score/<int:item_pk>/",
        assessments.score_item,
        name="assessment-score-item",
    ),
    path("assessments/<int:pk>/submit/", assessments.assessment_submit, name="assessment-submit"),
    path(
        "assessments/<int:pk>/validate/",
        assessments.assessment_validate,
        name="assessment-validate",
    ),
    path("assessments/<int:pk>/reopen/", assessments.assessment_reopen, name="assessment-reopen"),
    path("assessments/<int:pk>/participants/", assessments.participant_add, name="participant-add"),
    path(
        "assessments/<int:pk>/participants/<int:participant_pk>/delete/",
        assessments.participant_remove,
        name="participant-remove",
    ),
    path("assessments/<int:pk>/needs/", assessments.need_mark, name="need-mark"),
    path("needs/", needs.need_list, name="need-list"),
    path("needs/new/", needs.need_create, name="need-create"),
    path("needs/<int:pk>/", needs.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", needs.need_edit, name="need-edit"),
    path("needs/<int:pk>/delete/", needs.need_delete, name="need-delete"),
    path("countries/<str:iso>/", overview.country_profiles, name="country-profiles"),
]
