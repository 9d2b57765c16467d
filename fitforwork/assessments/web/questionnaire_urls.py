"""URLs for the staff questionnaire pages of a case, under the "cases" namespace (see cases/web/urls.py)."""

from django.urls import URLPattern, path

from fitforwork.assessments.web import questionnaires

urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/assessment/questionnaires/", questionnaires.overview, name="questionnaires"),
    path(
        "<uuid:case_id>/assessment/questionnaires/red-flags/<int:flag_id>/close/",
        questionnaires.red_flag_close,
        name="red-flag-close",
    ),
    path(
        "<uuid:case_id>/assessment/questionnaires/<slug:code>/",
        questionnaires.record,
        name="questionnaire-record",
    ),
]
