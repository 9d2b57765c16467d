"""The case record's forms: status, risk, discharge, reopening, tasks and contacts (the sections they come
from are in sections.py), and break-glass for staff with no relationship to a case. Every case comes through
`access.case_for`, which audits the read."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import access, break_glass, contacts, presenters, services
from fitforwork.cases.models import BreakGlass, Case, CaseStatus, DischargeReason
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import break_glass_page, offers_break_glass
from fitforwork.cases.web.record_forms import (
    BreakGlassForm,
    BreakGlassReviewForm,
    ContactForm,
    DischargeForm,
    MoveForm,
    ReopenForm,
    RiskForm,
    TaskForm,
)
from fitforwork.cases.web.sections import section_url, summary_page, tasks_page
from fitforwork.core.audit.services import audit_record
from fitforwork.core.versions import StaleEdit
from fitforwork.employers import services as employer_services
from fitforwork.outcomes import services as outcome_services

# A stale edit is refused with 409 Conflict and the page as it is now.
STALE = 409

REVIEW_LIMIT = 200


def _case_to_work(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> Case:
    """The case, for a page that changes it: care team members and break-glass readers see, but do not change."""
    case = access.case_for(request, case_id)
    if not can_work_case(request.user, case):
        raise PermissionDenied("Only the case's own team can change it.")
    return case


@require_POST
@offers_break_glass
def case_move(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_work(request, case_id)
    form = MoveForm(request.POST)
    to = request.POST.get("to", "")
    if form.is_valid():
        try:
            services.case_transition(
                case=case,
                to=to,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as refused:
            case.refresh_from_db()
            return summary_page(request, case, status=STALE, error=str(refused))
        except services.CaseError as refused:
            return summary_page(request, case, status=400, move_form=form, error=str(refused))
        messages.success(request, f"Case moved to {CaseStatus(to).label.lower()}")
        return redirect(section_url("summary", case.pk))
    return summary_page(request, case, status=400, move_form=form)


@require_POST
@offers_break_glass
def case_risk(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_work(request, case_id)
    form = RiskForm(request.POST)
    if not form.is_valid():
        return summary_page(request, case, status=400, risk_form=form)
    try:
        services.case_set_risk(
            case=case, actor=request.user, risk=form.cleaned_data["risk"], expected_version=form.cleaned_data["version"]
        )
    except StaleEdit as refused:
        case.refresh_from_db()
        return summary_page(request, case, status=STALE, error=str(refused), error_href="#risk")
    messages.success(request, f"Risk set to {form.cleaned_data['risk']}")
    return redirect(section_url("summary", case.pk))


def _form_page(
    request: AuthenticatedHttpRequest, template: str, case: Case, form: Any, error: str = "", **extra: Any
) -> HttpResponse:
    extra.setdefault("back", section_url("summary", case.pk))
    context = {"case": case, "name": presenters.person_name(case), "form": form, "error": error, **extra}
    status = extra.pop("status", 400 if error or form.errors else 200)
    return render(request, f"cases/record/{template}.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
@offers_break_glass
def case_discharge(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_work(request, case_id)
    preselect = request.GET.get("reason", "")
    initial: dict[str, Any] = {"version": case.version}
    if preselect in DischargeReason.values:
        initial["reason_code"] = preselect
    form = DischargeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # With the employer's return-to-work notice, when the person consented (same transaction).
            discharged = employer_services.case_discharge(
                case=case,
                actor=request.user,
                reason_code=data["reason_code"],
                work_status=data["work_status"],
                return_to_work_date=data["return_to_work_date"],
                note=data["note"],
                expected_version=data["version"],
            )
        except StaleEdit as refused:
            case.refresh_from_db()
            fresh = DischargeForm(initial={**data, "version": case.version})
            return _form_page(request, "discharge", case, fresh, str(refused), status=STALE)
        except services.CaseError as refused:
            return _form_page(request, "discharge", case, form, str(refused))
        # The outcome schedule starts from the discharge (cases cannot read outcomes; ADR 0026).
        outcome_services.outcome_schedule_create(case=discharged, actor=request.user)
        messages.success(request, "Case discharged")
        return redirect(section_url("summary", case.pk))
    return _form_page(request, "discharge", case, form)


@require_http_methods(["GET", "POST"])
@offers_break_glass
def case_reopen(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_work(request, case_id)
    form = ReopenForm(request.POST if request.method == "POST" else None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as refused:
            case.refresh_from_db()
            fresh = ReopenForm(initial={**form.cleaned_data, "version": case.version})
            return _form_page(request, "reopen", case, fresh, str(refused), status=STALE)
        except services.CaseError as refused:
            return _form_page(request, "reopen", case, form, str(refused))
        messages.success(request, "Case reopened")
        return redirect(section_url("summary", case.pk))
    return _form_page(request, "reopen", case, form)


@require_http_methods(["GET", "POST"])
@offers_break_glass
def task_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_work(request, case_id)
    form = TaskForm(request.POST if request.method == "POST" else None, assignees=access.case_assignees(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(
                case=case,
                actor=request.user,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                assigned_to=form.assignee(),
            )
        except services.CaseError as refused:
            return _form_page(request, "task_add", case, form, str(refused), back=section_url("tasks", case.pk))
        messages.success(request, f"Task added: {form.cleaned_data['title']}")
        return redirect(section_url("tasks", case.pk))
    return _form_page(request, "task_add", case, form, back=section_url("tasks", case.pk))


@require_POST
@offers_break_glass
def task_complete(request: AuthenticatedHttpRequest, case_id: uuid.UUID, task_id: uuid.UUID) -> HttpResponse:
    case = _case_to_work(request, case_id)
    task = access.case_task(case, task_id)
    try:
        services.task_complete(task=task, actor=request.user)
    except services.CaseError as refused:
        return tasks_page(request, case, status=400, error=str(refused))
    messages.success(request, f"Task completed: {task.title}")
    return redirect(section_url("tasks", case.pk))


@require_http_methods(["GET", "POST"])
@offers_break_glass
def contact_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case_to_work(request, case_id)
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = contacts.contact_record(
                case=case,
                actor=request.user,
                method=form.cleaned_data["method"],
                outcome=form.cleaned_data["outcome"],
                at=form.at(),
                note=form.cleaned_data["note"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except services.CaseError as refused:
            return _form_page(request, "contact_add", case, form, str(refused), back=section_url("contacts", case.pk))
        messages.success(request, f"Contact recorded: {contact}")
        return redirect(section_url("contacts", case.pk))
    return _form_page(request, "contact_add", case, form, back=section_url("contacts", case.pk))


@require_POST
def break_glass_open(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_to_break_glass(request.user, case_id)
    form = BreakGlassForm(request.POST)
    if not form.is_valid():
        return break_glass_page(request, case, form)
    try:
        break_glass.break_glass_open(case=case, user=request.user, reason=form.cleaned_data["reason"])
    except services.CaseError as refused:
        form.add_error("reason", str(refused))
        return break_glass_page(request, case, form)
    return redirect(section_url("summary", case.pk))


def _audit_break_glass_read(request: AuthenticatedHttpRequest, uses: list[BreakGlass]) -> None:
    """Names on the review pages are identifiable too: one event records which uses the team lead saw."""
    if uses:
        audit_record(
            actor=request.user,
            action="cases.break_glass.listed",
            data={"path": request.path, "break_glass": [use.pk for use in uses]},
            request=request,
        )


@require_GET
def break_glass_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not break_glass.is_reviewer(request.user):
        raise PermissionDenied("Only team leads review break-glass access.")
    uses = list(break_glass.break_glass_to_review(request.user)[:REVIEW_LIMIT])
    _audit_break_glass_read(request, uses)
    return render(request, "cases/record/break_glass_reviews.jinja", {"rows": presenters.break_glass_rows(uses)})


@require_http_methods(["GET", "POST"])
def break_glass_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    use = break_glass.break_glass_for_review(request.user, pk)
    if use is None:
        raise Http404("No break-glass use to review")
    form = BreakGlassReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass.break_glass_review(
                use=use, reviewer=request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except services.CaseError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Break-glass access reviewed")
            return redirect("cases:break-glass-reviews")
    _audit_break_glass_read(request, [use])
    context = {"row": presenters.break_glass_rows([use])[0], "form": form}
    return render(request, "cases/record/break_glass_review.jinja", context, status=400 if form.errors else 200)
