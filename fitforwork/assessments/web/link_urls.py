"""The staff page that sends a questionnaire link, on a case; included in the case pages' URL table."""

from django.urls import URLPattern, path

from fitforwork.assessments.web import links

urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/assessment/questionnaires/send/", links.send, name="questionnaire-link-send"),
]
