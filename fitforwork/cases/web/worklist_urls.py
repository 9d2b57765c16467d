"""URLs for the work lists: caseload, my tasks, the team view, reallocation and cover; see urls.py."""

from django.urls import path

from fitforwork.cases.web import worklists

urlpatterns = [
    path("caseload/", worklists.caseload, name="caseload"),
    path("tasks/", worklists.my_tasks, name="my-tasks"),
    path("tasks/<uuid:task_id>/complete/", worklists.complete_task, name="complete-task"),
    path("part-of/", worklists.care_team_cases, name="care-team-cases"),
    path("team/", worklists.team, name="team"),
    path("team/<uuid:case_id>/reallocate/", worklists.reallocate, name="reallocate"),
    path("cover/", worklists.cover, name="cover"),
    path("cover/<int:delegation_id>/cancel/", worklists.cover_cancel, name="cover-cancel"),
]
