"""The "Plan" section of the case record: the plan's versions and the case's fit notes; starting a plan from
the assessment; one version as an accessible document; a new draft from an agreed version; agreeing; the
version history compared side by side.

Every page gets its case through `access.case_for`, which checks the reader's relationship and audits the read;
the services check who may write.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.assessments.models import Assessment
from fitforwork.cases import access
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.cases.web.sections import render_section
from fitforwork.core.downloads import pdf_download
from fitforwork.core.presenters import date_long
from fitforwork.core.versions import StaleEdit
from fitforwork.plans import fit_note_services, selectors, services
from fitforwork.plans.compare import compare
from fitforwork.plans.documents import plan_version_document
from fitforwork.plans.models import PlanVersion
from fitforwork.plans.printable import pdf_of
from fitforwork.plans.web.forms import VersionOnlyForm


def _case_name(case: Case) -> str:
    return f"{case.person.given_name} {case.person.family_name}"


def _version_row(case: Case, version: PlanVersion) -> dict[str, Any]:
    period = "Not set"
    if version.period_from and version.period_to:
        period = f"{date_long(version.period_from)} to {date_long(version.period_to)}"
    agreed = date_long(timezone.localdate(version.agreed_at)) if version.agreed_at else ""
    return {
        "number": version.number,
        "status": version.get_status_display(),
        "agreed": version.is_agreed,
        "period": period,
        "agreed_on": agreed,
        "view": reverse("cases:case-plan-version", args=[case.pk, version.number]),
        "edit": reverse("cases:case-plan-edit", args=[case.pk, version.number]),
    }


def _fit_note_rows(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "period": f"{date_long(note.period_from)} to {date_long(note.period_to)}",
            "fitness": note.get_fitness_display(),
            "source": note.get_source_display(),
            "issuer": f"{note.issuer_name}, {note.get_issuer_profession_display().lower()}",
            "href": reverse("cases:case-fit-note", args=[case.pk, note.pk]),
        }
        for note in selectors.fit_notes_of(case)
    ]


def plan_section(request: AuthenticatedHttpRequest, case: Case, *, error: str = "", status: int = 200) -> HttpResponse:
    plan = selectors.plan_of(case)
    versions = selectors.versions_of(plan) if plan else []
    assessment = Assessment.objects.filter(case=case).only("status").first()
    has_draft = any(not version.is_agreed for version in versions)
    latest_agreed = next((version for version in versions if version.is_agreed), None)
    return render_section(
        request,
        case,
        "plan",
        "plans/section.jinja",
        status=status,
        error=error,
        plan=plan,
        versions=[_version_row(case, version) for version in versions],
        assessment_done=bool(assessment and assessment.status == Assessment.Status.DONE),
        new_draft_from=latest_agreed.number if latest_agreed and not has_draft else None,
        can_compare=len(versions) >= 2,
        fit_notes=_fit_note_rows(case),
        may_issue=fit_note_services.may_issue(case),
    )


@require_GET
@offers_break_glass
def plan_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return plan_section(request, access.case_for(request, case_id, section="plan"))


@require_POST
@offers_break_glass
def plan_start(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="plan")
    try:
        version = services.plan_create_from_assessment(case=case, actor=request.user)
    except services.PlanError as refused:
        return plan_section(request, case, error=str(refused), status=400)
    messages.success(request, "Plan started from the assessment")
    return redirect("cases:case-plan-edit", case_id=case.pk, number=version.number)


def _version(case: Case, number: int) -> PlanVersion:
    version = selectors.version_full(case, number)
    if version is None:
        raise Http404("No such version")
    return version


@require_GET
@offers_break_glass
def version_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    """One version as an accessible document: the same content a PDF would carry."""
    case = access.case_for(request, case_id, section="plan")
    version = _version(case, number)
    return render(
        request,
        "plans/document.jinja",
        {
            "case": case,
            "case_name": _case_name(case),
            "case_href": reverse("cases:case-plan", args=[case.pk]),
            "document": plan_version_document(version),
            "draft": not version.is_agreed,
            "edit_href": reverse("cases:case-plan-edit", args=[case.pk, number]) if not version.is_agreed else "",
            "agree_href": reverse("cases:case-plan-agree", args=[case.pk, number]) if not version.is_agreed else "",
            "pdf_href": reverse("cases:case-plan-pdf", args=[case.pk, number]),
            "can_work": can_work_case(request.user, case),
        },
    )


@require_GET
@offers_break_glass
def version_pdf(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    """The version as a tagged PDF to print or send, made from the same content as its page; audited as a read."""
    case = access.case_for(request, case_id, section="plan")
    version = _version(case, number)
    footer = f"Return-to-work plan, version {number}, reference {case.referral.reference}"
    return pdf_download(
        pdf_of(plan_version_document(version), author=case.site.name, footer=footer),
        f"return-to-work-plan-{case.referral.reference}-v{number}.pdf",
    )


@require_POST
@offers_break_glass
def version_new_draft(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    case = access.case_for(request, case_id, section="plan")
    try:
        draft = services.version_new_draft(version=_version(case, number), actor=request.user)
    except services.PlanError as refused:
        return plan_section(request, case, error=str(refused), status=400)
    messages.success(request, f"Version {draft.number} started as a draft, copied from version {number}")
    return redirect("cases:case-plan-edit", case_id=case.pk, number=draft.number)


@require_http_methods(["GET", "POST"])
@offers_break_glass
def version_agree(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    """Check the version with the person's discussion recorded, then agree it."""
    case = access.case_for(request, case_id, section="plan")
    version = _version(case, number)
    if version.is_agreed:
        return redirect("cases:case-plan-version", case_id=case.pk, number=number)
    form = VersionOnlyForm(initial={"version": version.version})
    error = ""
    if request.method == "POST":
        form = VersionOnlyForm(request.POST)
        if form.is_valid():
            try:
                services.version_agree(
                    version=version, actor=request.user, expected_version=form.cleaned_data["version"]
                )
            except (services.PlanError, StaleEdit) as refused:
                error = str(refused)
            else:
                messages.success(request, f"Plan version {number} agreed")
                return redirect("cases:case-plan", case_id=case.pk)
    discussed = ""
    if version.discussed_on:
        discussed = f"{version.get_discussed_how_display()}, on {date_long(version.discussed_on)}"
    return render(
        request,
        "plans/agree.jinja",
        {
            "case": case,
            "case_name": _case_name(case),
            "case_href": reverse("cases:case-plan", args=[case.pk]),
            "version": version,
            "document": plan_version_document(version),
            "discussed": discussed,
            "edit_href": reverse("cases:case-plan-edit", args=[case.pk, number]),
            "form": form,
            "error": error,
            "can_work": can_work_case(request.user, case),
        },
        status=400 if error or form.errors else 200,
    )


@require_GET
@offers_break_glass
def versions_compare(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Any two versions side by side, with what changed marked."""
    case = access.case_for(request, case_id, section="plan")
    plan = selectors.plan_of(case)
    if plan is None:
        raise Http404("No plan")
    numbers = [version.number for version in selectors.versions_of(plan)]
    error = ""
    try:
        left_number = int(request.GET.get("left") or (numbers[1] if len(numbers) > 1 else numbers[0]))
        right_number = int(request.GET.get("right") or numbers[0])
    except ValueError:
        left_number, right_number, error = numbers[-1], numbers[0], "Select two versions to compare"
    if left_number not in numbers or right_number not in numbers:
        left_number, right_number, error = numbers[-1], numbers[0], "Select two versions of this plan to compare"
    left, right = _version(case, left_number), _version(case, right_number)
    return render(
        request,
        "plans/compare.jinja",
        {
            "case": case,
            "case_name": _case_name(case),
            "case_href": reverse("cases:case-plan", args=[case.pk]),
            "changes": compare(left, right),
            "left": left,
            "right": right,
            "choices": [{"value": str(n), "text": f"Version {n}"} for n in sorted(numbers)],
            "error": error,
        },
        status=400 if error else 200,
    )
