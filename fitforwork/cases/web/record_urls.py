"""URLs for the record pages; see urls.py."""

from django.urls import URLPattern, path

from fitforwork.cases.web import letters, record, sections

urlpatterns: list[URLPattern] = [
    path("break-glass/", record.break_glass_reviews, name="break-glass-reviews"),
    path("break-glass/<int:pk>/", record.break_glass_review, name="break-glass-review"),
    path("<uuid:case_id>/", sections.case_detail, name="case"),
    path("<uuid:case_id>/contacts/", sections.case_contacts, name="case-contacts"),
    path("<uuid:case_id>/tasks/", sections.case_tasks, name="case-tasks"),
    path("<uuid:case_id>/history/", sections.case_history, name="case-history"),
    path("<uuid:case_id>/letters/", letters.case_letters, name="case-letters"),
    path("<uuid:case_id>/letters/<uuid:letter_id>/", letters.case_letter, name="case-letter"),
    path("<uuid:case_id>/letters/<uuid:letter_id>/pdf/", letters.case_letter_pdf, name="case-letter-pdf"),
    path("<uuid:case_id>/move/", record.case_move, name="case-move"),
    path("<uuid:case_id>/risk/", record.case_risk, name="case-risk"),
    path("<uuid:case_id>/discharge/", record.case_discharge, name="case-discharge"),
    path("<uuid:case_id>/reopen/", record.case_reopen, name="case-reopen"),
    path("<uuid:case_id>/tasks/new/", record.task_add, name="task-add"),
    path("<uuid:case_id>/tasks/<uuid:task_id>/complete/", record.task_complete, name="task-complete"),
    path("<uuid:case_id>/contacts/new/", record.contact_add, name="contact-add"),
    path("<uuid:case_id>/break-glass/", record.break_glass_open, name="break-glass"),
]
