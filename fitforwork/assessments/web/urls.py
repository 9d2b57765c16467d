"""URLs for the assessment section of a case's record, included in the cases namespace (cases/web/urls.py)."""

from django.urls import URLPattern, path

from fitforwork.assessments.web import pages

urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/assessment/", pages.assessment_page, name="case-assessment"),
    path("<uuid:case_id>/assessment/edit/", pages.assessment_edit, name="case-assessment-edit"),
    path("<uuid:case_id>/assessment/pathway/", pages.pathway_decide, name="case-pathway"),
]
