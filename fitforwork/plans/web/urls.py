"""URLs for the plan section of a case's record and its fit notes, included in the cases namespace
(cases/web/urls.py)."""

from django.urls import URLPattern, path

from fitforwork.plans.web import editor, fit_notes, pages

urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/plan/", pages.plan_page, name="case-plan"),
    path("<uuid:case_id>/plan/start/", pages.plan_start, name="case-plan-start"),
    path("<uuid:case_id>/plan/compare/", pages.versions_compare, name="case-plan-compare"),
    path("<uuid:case_id>/plan/<int:number>/", pages.version_page, name="case-plan-version"),
    path("<uuid:case_id>/plan/<int:number>/pdf/", pages.version_pdf, name="case-plan-pdf"),
    path("<uuid:case_id>/plan/<int:number>/edit/", editor.plan_edit, name="case-plan-edit"),
    path("<uuid:case_id>/plan/<int:number>/agree/", pages.version_agree, name="case-plan-agree"),
    path("<uuid:case_id>/plan/<int:number>/new-draft/", pages.version_new_draft, name="case-plan-new-draft"),
    path("<uuid:case_id>/fit-notes/record/", fit_notes.fit_note_record, name="case-fit-note-record"),
    path("<uuid:case_id>/fit-notes/issue/", fit_notes.fit_note_issue, name="case-fit-note-issue"),
    path("<uuid:case_id>/fit-notes/<uuid:fit_note_id>/", fit_notes.fit_note_page, name="case-fit-note"),
    path("<uuid:case_id>/fit-notes/<uuid:fit_note_id>/pdf/", fit_notes.fit_note_pdf, name="case-fit-note-pdf"),
]
