"""The "Assessment" section of the case record: the biopsychosocial assessment, the proposed pathway with
its reasons, and the case manager's decision; and the page that records or changes the assessment.

Every page gets its case through `case_page` (access.case_for, which audits the read, and break-glass for a
reader with no relationship to the case); the services check who may write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest, User
from fitforwork.assessments import assessment_selectors as selectors
from fitforwork.assessments import assessment_services as services
from fitforwork.assessments.models import Assessment, PathwayDecision
from fitforwork.assessments.models.assessment import OBSTACLE_GROUPS
from fitforwork.assessments.pathways import instrument_name, score_text
from fitforwork.assessments.web.case_pages import case_page
from fitforwork.assessments.web.forms import AssessmentForm, PathwayForm
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.sections import render_section
from fitforwork.core.presenters import date_long
from fitforwork.organisations.selectors import rules_config
from fitforwork.people.models import Employment

SECTION = "assessment"
GROUP_LABELS = {"health": "Health", "work": "Work", "other": "Other (social, money, caring, housing)"}


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


def _when(moment: Any) -> str:
    return date_long(timezone.localdate(moment))


def _assessment_rows(assessment: Assessment, job: Employment | None) -> list[dict[str, Any]]:
    def row(key: str, value: str) -> dict[str, Any]:
        return {"key": {"text": key}, "value": {"text": value or "Not given"}}

    condition = assessment.get_main_condition_display()
    if assessment.snomed_code:
        condition += f" (SNOMED CT {assessment.snomed_code})"
    rows = [row("Main condition", condition)]
    for group, choices in OBSTACLE_GROUPS.items():
        labels = dict(choices)
        chosen = [labels.get(code, code) for code in getattr(assessment, f"{group}_obstacles")]
        text = ", ".join(chosen) or "None chosen"
        more = getattr(assessment, f"{group}_obstacles_text")
        rows.append(row(f"{GROUP_LABELS[group]} obstacles", f"{text}. {more}" if more else text))
    if job is not None:
        work = job.get_status_display() if job.status else "Not given"
        if job.job_title:
            work += f", {job.job_title}"
        if job.absence_start:
            work += f", off sick since {date_long(job.absence_start)}"
        rows.append(row("Employment", work))
    rows.append(row("Fit note", assessment.get_fit_note_status_display()))
    rows.append(row("Their goals", assessment.goals))
    consent = "Not recorded"
    if assessment.consent_given and assessment.consent_recorded_at:
        consent = (
            f"Given, recorded by {_name(assessment.consent_recorded_by)} on {_when(assessment.consent_recorded_at)}"
        )
    rows.append(row("Consent to the assessment", consent))
    rows.append(
        row(
            "Assessed",
            f"{assessment.get_status_display()}, version {assessment.version}, by {_name(assessment.assessed_by)} "
            f"on {_when(assessment.assessed_at)}",
        )
    )
    return rows


def _pathway_choices(case: Case) -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in rules_config(case.rules).pathway_allocation.pathways]


def _decision_view(case: Case, decision: PathwayDecision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    labels = dict(_pathway_choices(case))
    return {
        "chosen": labels.get(decision.chosen_pathway, decision.chosen_pathway),
        "proposed": labels.get(decision.proposed_pathway, decision.proposed_pathway),
        "overridden": decision.outcome == PathwayDecision.Outcome.OVERRIDDEN,
        "reasons": decision.reasons,
        "override_reason": decision.override_reason,
        "by": _name(decision.decided_by),
        "on": _when(decision.decided_at),
        "rules": str(decision.rules),
    }


def assessment_section(
    request: AuthenticatedHttpRequest, case: Case, *, form: PathwayForm | None = None, error: str = ""
) -> HttpResponse:
    assessment = selectors.assessment_of(case)
    job = Employment.objects.filter(person=case.person, is_current=True).first()
    scores = selectors.latest_scores(case)
    proposal = selectors.pathway_proposal(case, scores) if assessment and assessment.status == "done" else None
    if proposal is not None and form is None:
        form = PathwayForm(pathways=_pathway_choices(case), proposed=proposal.pathway)
    score_rows = [f"{instrument_name(code)}: {score_text(n)}" for code, n in scores.items() if n is not None]
    return render_section(
        request,
        case,
        SECTION,
        "assessments/section.jinja",
        status=400 if (error or (form is not None and form.errors)) else 200,
        assessment=assessment,
        assessment_rows=_assessment_rows(assessment, job) if assessment else [],
        proposal=proposal,
        scores=score_rows,
        form=form,
        error=error,
        decision=_decision_view(case, selectors.current_decision(case)),
    )


@require_http_methods(["GET"])
@case_page(SECTION)
def assessment_page(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    return assessment_section(request, case)


@require_POST
@case_page(SECTION)
def pathway_decide(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    scores = selectors.latest_scores(case)
    proposal = selectors.pathway_proposal(case, scores)
    form = PathwayForm(request.POST, pathways=_pathway_choices(case), proposed=proposal.pathway)
    if not form.is_valid():
        return assessment_section(request, case, form=form)
    try:
        decision = services.pathway_decide(
            case=case,
            actor=request.user,
            confirm=form.cleaned_data["decision"] == "confirm",
            chosen=form.cleaned_data.get("chosen") or None,
            override_reason=form.cleaned_data.get("override_reason") or "",
            scores=scores,
        )
    except services.AssessmentError as refused:
        return assessment_section(request, case, form=form, error=str(refused))
    label = dict(_pathway_choices(case)).get(decision.chosen_pathway, decision.chosen_pathway)
    messages.success(request, f"Pathway recorded: {label}")
    return redirect("cases:case-assessment", case_id=case.pk)


def _initial(assessment: Assessment | None, job: Employment | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": assessment.version if assessment else 0}
    if assessment is not None:
        initial |= {name: getattr(assessment, name) for name in Assessment.EDITABLE if name != "status"}
        initial["done"] = assessment.status == Assessment.Status.DONE
    if job is not None:
        initial |= {"employment_status": job.status, "job_title": job.job_title, "absence_start": job.absence_start}
    return initial


@require_http_methods(["GET", "POST"])
@case_page(SECTION)
def assessment_edit(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    assessment = selectors.assessment_of(case)
    job = Employment.objects.filter(person=case.person, is_current=True).first()
    form = AssessmentForm(initial=_initial(assessment, job))
    error, differences = "", []
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.assessment_save(
                    case=case,
                    actor=request.user,
                    expected_version=data["version"],
                    main_condition=data["main_condition"],
                    snomed_code=data["snomed_code"] or "",
                    health_obstacles=data["health_obstacles"],
                    health_obstacles_text=data["health_obstacles_text"],
                    work_obstacles=data["work_obstacles"],
                    work_obstacles_text=data["work_obstacles_text"],
                    other_obstacles=data["other_obstacles"],
                    other_obstacles_text=data["other_obstacles_text"],
                    fit_note_status=data["fit_note_status"],
                    goals=data["goals"],
                    consent_given=data["consent_given"],
                    done=data["done"],
                    employment={
                        "status": data["employment_status"],
                        "job_title": data["job_title"],
                        "absence_start": data["absence_start"],
                    },
                )
            except services.StaleAssessment as stale:
                error, differences = str(stale), stale.differences
                posted = request.POST.copy()
                posted["version"] = str(stale.current_version)
                form = AssessmentForm(posted)
                form.is_valid()
            except (services.AssessmentError, ValidationError) as refused:
                error = "; ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
            else:
                messages.success(request, "Assessment saved")
                return redirect("cases:case-assessment", case_id=case.pk)
    failed = bool(error or form.errors)
    return render(
        request,
        "assessments/edit.jinja",
        {
            "case": case,
            "case_name": f"{case.person.given_name} {case.person.family_name}",
            "case_href": reverse("cases:case-assessment", args=[case.pk]),
            "form": form,
            "error": error,
            "differences": differences,
            "can_work": can_work_case(request.user, case),
            "groups": [("health", "Health"), ("work", "Work"), ("other", "Other")],
        },
        status=400 if failed else 200,
    )
