"""URLs for the Outcomes section of a case's record, included in the cases namespace (cases/web/urls.py)."""

from django.urls import URLPattern, path

from fitforwork.outcomes.web import pages

urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/outcomes/", pages.outcomes_page, name="case-outcomes"),
    path("<uuid:case_id>/outcomes/<uuid:time_point_id>/", pages.outcome_record, name="case-outcome-record"),
]
