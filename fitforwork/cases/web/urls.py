"""The case pages, under /cases/. Three parts, each in its own module: the case record (a case's own page,
its status, tasks and contacts, break-glass), the work lists (caseload, my tasks, team view, allocation,
cover), and the multidisciplinary team (care team, MDT notes, onward referrals)."""

from django.urls import include, path

from fitforwork.cases.web import search

app_name = "cases"

urlpatterns = [
    path("", include("fitforwork.cases.web.record_urls")),
    path("", include("fitforwork.cases.web.worklist_urls")),
    path("", include("fitforwork.interventions.web.mdt_urls")),
    path("", include("fitforwork.assessments.web.urls")),
    # Before the questionnaire pages: their <code> would otherwise take "send".
    path("", include("fitforwork.assessments.web.link_urls")),
    path("", include("fitforwork.assessments.web.questionnaire_urls")),
    path("", include("fitforwork.plans.web.urls")),
    path("", include("fitforwork.employers.web.case_urls")),
    path("", include("fitforwork.outcomes.web.urls")),
    path("search/", search.search, name="search"),
]
