"""Fit note pages of a case: record one received, issue one (where the service model allows it), and one fit
note as an accessible document. A refused issue shows each rule it broke in the error summary."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import access
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.core.downloads import pdf_download
from fitforwork.people.models import Employment
from fitforwork.plans import fit_note_services as services
from fitforwork.plans.documents import fit_note_document
from fitforwork.plans.models import FitNote
from fitforwork.plans.web.forms import IssueFitNoteForm, ReceivedFitNoteForm
from fitforwork.plans.web.pages import _case_name


def _content(data: dict[str, Any]) -> services.FitNoteContent:
    return services.FitNoteContent(
        condition=data["condition"],
        fitness=data["fitness"],
        period_from=data["period_from"],
        period_to=data["period_to"],
        adjustments=tuple(data.get("adjustments") or ()),
        comments=data.get("comments") or "",
        reassessment_needed=bool(data.get("reassessment_needed")),
        assessed_on=data.get("assessed_on"),
        assessed_how=data.get("assessed_how") or "",
    )


def _page(request: AuthenticatedHttpRequest, case: Case, template: str, **context: Any) -> HttpResponse:
    failed = bool(context.get("errors") or context["form"].errors)
    return render(
        request,
        template,
        {
            "case": case,
            "case_name": _case_name(case),
            "case_href": reverse("cases:case-plan", args=[case.pk]),
            "can_work": can_work_case(request.user, case),
            "error": "",
            **context,
        },
        status=400 if failed else 200,
    )


@require_http_methods(["GET", "POST"])
@offers_break_glass
def fit_note_record(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="plan")
    form = ReceivedFitNoteForm()
    errors: list[str] = []
    if request.method == "POST":
        form = ReceivedFitNoteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.fit_note_record(
                    case=case,
                    actor=request.user,
                    content=_content(data),
                    issued_on=data["issued_on"],
                    issuer_name=data["issuer_name"],
                    issuer_profession=data["issuer_profession"],
                )
            except services.FitNoteError as refused:
                errors = refused.reasons
            else:
                messages.success(request, "Fit note recorded")
                return redirect("cases:case-plan", case_id=case.pk)
    return _page(request, case, "plans/fit_note_form.jinja", form=form, errors=errors, issuing=False)


@require_http_methods(["GET", "POST"])
@offers_break_glass
def fit_note_issue(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="plan")
    if not services.may_issue(case):
        raise Http404("This site's service model does not issue fit notes")
    job = Employment.objects.filter(person=case.person, is_current=True).first()
    form = IssueFitNoteForm(initial={"sickness_started_on": job.absence_start if job else None})
    errors: list[str] = []
    if request.method == "POST":
        form = IssueFitNoteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                note = services.fit_note_issue(
                    case=case,
                    actor=request.user,
                    content=_content(data),
                    sickness_started_on=data["sickness_started_on"],
                )
            except services.FitNoteError as refused:
                errors = refused.reasons
            else:
                messages.success(request, "Fit note issued")
                return redirect("cases:case-fit-note", case_id=case.pk, fit_note_id=note.pk)
    profession = services.issuer_profession(request.user)
    return _page(
        request,
        case,
        "plans/fit_note_form.jinja",
        form=form,
        errors=errors,
        issuing=True,
        has_profession=bool(profession),
    )


@require_GET
@offers_break_glass
def fit_note_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID, fit_note_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="plan")
    note = FitNote.objects.select_related("case__person").filter(case=case, pk=fit_note_id).first()
    if note is None:
        raise Http404("No such fit note")
    return render(
        request,
        "plans/document.jinja",
        {
            "case": case,
            "case_name": _case_name(case),
            "case_href": reverse("cases:case-plan", args=[case.pk]),
            "document": fit_note_document(note),
            "pdf_href": reverse("cases:case-fit-note-pdf", args=[case.pk, note.pk]),
            "can_work": can_work_case(request.user, case),
        },
    )


@require_GET
@offers_break_glass
def fit_note_pdf(request: AuthenticatedHttpRequest, case_id: uuid.UUID, fit_note_id: uuid.UUID) -> HttpResponse:
    """The fit note as a tagged PDF to print, from the same content as its page; audited as a read."""
    case = access.case_for(request, case_id, section="plan")
    note = FitNote.objects.select_related("case__person").filter(case=case, pk=fit_note_id).first()
    if note is None:
        raise Http404("No such fit note")
    return pdf_download(
        services.fit_note_pdf(note), f"fit-note-{case.referral.reference}-{note.period_from:%Y-%m-%d}.pdf"
    )
