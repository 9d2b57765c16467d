"""The employer's portal: the employees their organisation referred or whose plans were shared with them, and
the plan versions the person consented to share with the organisation, read (page and PDF, less the parts the
person removed), acknowledged and answered.

Everything is asked afresh on every request (ADR 0035): the user's role and organisation, the
employee's link to it, and the ledger for the version. Anything not allowed is a 404, so a page never says that
a record exists. Never questionnaires, scores, clinical notes or the removed sections.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest, Role
from fitforwork.cases.models import Case
from fitforwork.core.audit.services import audit_record
from fitforwork.core.downloads import pdf_download
from fitforwork.core.presenters import date_long
from fitforwork.employers import selectors, services
from fitforwork.employers.selectors import Shared
from fitforwork.employers.web.forms import ResponseForm
from fitforwork.organisations.models import Organisation
from fitforwork.plans.documents import plan_version_document, recommendation_text
from fitforwork.plans.printable import pdf_of

View = Callable[..., HttpResponse]


def employer_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role != Role.EMPLOYER or request.user.organisation_id is None:
            raise Http404("The employer's pages are for employers")
        return view(request, *args, **kwargs)

    return wrapped


def _organisation(request: AuthenticatedHttpRequest) -> Organisation:
    organisation = request.user.organisation
    if organisation is None:  # employer_only has checked; kept for the type
        raise Http404("The employer's pages are for employers")
    return organisation


def _employee(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> Case:
    organisation = _organisation(request)
    case = selectors.employer_cases(organisation).filter(pk=case_id).first()
    if case is None or not selectors.employer_may_see(case, organisation):
        raise Http404("No such employee")
    return case


def _shared(request: AuthenticatedHttpRequest, case: Case, number: int) -> Shared:
    shared = selectors.version_shared_now(case, number, _organisation(request))
    if shared is None:
        audit_record(
            actor=request.user,
            action="employers.plan.refused",
            obj=case,
            data={"plan_version": number, "organisation": str(_organisation(request).pk)},
            request=request,
        )
        raise Http404("No plan shared with you")
    return shared


def _name(case: Case) -> str:
    return f"{case.person.given_name} {case.person.family_name}"


@require_GET
@employer_only
def employees(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    cases = [
        case for case in selectors.employer_cases(organisation)[:200] if selectors.employer_may_see(case, organisation)
    ]
    audit_record(actor=request.user, action="employers.employees.listed", data={"count": len(cases)}, request=request)
    rows = [
        {
            "name": _name(case),
            "reference": case.referral.reference,
            "href": reverse("employers:employee", args=[case.pk]),
            "shared": len(selectors.versions_shared_now(case, organisation)),
        }
        for case in cases
    ]
    return render(request, "employers/employees.jinja", {"organisation": organisation, "rows": rows})


@require_GET
@employer_only
def employee(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _employee(request, case_id)
    audit_record(actor=request.user, action="employers.employee.viewed", obj=case, request=request)
    versions = [
        {
            "number": item.version.number,
            "agreed_on": date_long(timezone.localdate(item.version.agreed_at)) if item.version.agreed_at else "",
            "href": reverse("employers:plan", args=[case.pk, item.version.number]),
        }
        for item in selectors.versions_shared_now(case, _organisation(request))
    ]
    return render(
        request,
        "employers/employee.jinja",
        {"case": case, "name": _name(case), "versions": versions, "back": reverse("employers:employees")},
    )


def _recommendations(shared: Shared) -> list[tuple[str, str]]:
    return [
        (str(r.pk), recommendation_text(r.kind, r.adjustment, r.text, r.intervention.name if r.intervention else ""))
        for r in selectors.visible_recommendations(shared.version, shared.answer.removed_sections)
    ]


def _plan_page(
    request: AuthenticatedHttpRequest, case: Case, shared: Shared, *, form: ResponseForm | None = None
) -> HttpResponse:
    organisation = _organisation(request)
    version = shared.version
    response = selectors.response_of(version, organisation)
    recommendations = _recommendations(shared)
    if form is None:
        initial: dict[str, Any] = {}
        if response is not None:
            for answer in response.answers.all():
                initial[f"rec_{answer.recommendation_id}"] = answer.implemented
                initial[f"note_{answer.recommendation_id}"] = answer.note
            if response.accepted_as_evidence is not None:
                initial["accepted_as_evidence"] = "yes" if response.accepted_as_evidence else "no"
            initial["evidence_note"] = response.evidence_note
        form = ResponseForm(initial=initial, recommendations=recommendations)
    base = [case.pk, version.number]
    return render(
        request,
        "employers/plan.jinja",
        {
            "case": case,
            "name": _name(case),
            "document": plan_version_document(version, removed=shared.answer.removed_sections),
            "pdf_href": reverse("employers:plan-pdf", args=base),
            "acknowledge_href": reverse("employers:plan-acknowledge", args=base),
            "respond_href": reverse("employers:plan-respond", args=base),
            "back": reverse("employers:employee", args=[case.pk]),
            "acknowledged": date_long(response.acknowledged_at.date()) if response and response.acknowledged_at else "",
            "form": form,
            "fields": [(form[radio], form[note]) for radio, note in form.recommendation_fields],
        },
        status=400 if form.errors else 200,
    )


@require_GET
@employer_only
def plan(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    case = _employee(request, case_id)
    shared = _shared(request, case, number)
    audit_record(
        actor=request.user,
        action="employers.plan.viewed",
        obj=case,
        data={"plan_version": number, "removed_sections": shared.answer.removed_sections},
        request=request,
    )
    return _plan_page(request, case, shared)


@require_GET
@employer_only
def plan_pdf(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    case = _employee(request, case_id)
    shared = _shared(request, case, number)
    audit_record(
        actor=request.user, action="employers.plan.downloaded", obj=case, data={"plan_version": number}, request=request
    )
    footer = f"Return-to-work plan, version {number}, reference {case.referral.reference}"
    document = plan_version_document(shared.version, removed=shared.answer.removed_sections)
    return pdf_download(
        pdf_of(document, author=case.site.name, footer=footer),
        f"return-to-work-plan-{case.referral.reference}-v{number}.pdf",
    )


@require_POST
@employer_only
def plan_acknowledge(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    case = _employee(request, case_id)
    shared = _shared(request, case, number)
    services.response_acknowledge(
        case=case, version=shared.version, organisation=_organisation(request), actor=request.user
    )
    messages.success(request, "Thank you: you have acknowledged the plan")
    return redirect("employers:plan", case_id=case.pk, number=number)


@require_http_methods(["POST"])
@employer_only
def plan_respond(request: AuthenticatedHttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    case = _employee(request, case_id)
    shared = _shared(request, case, number)
    form = ResponseForm(request.POST, recommendations=_recommendations(shared))
    if not form.is_valid():
        return _plan_page(request, case, shared, form=form)
    try:
        services.response_record(
            case=case,
            version=shared.version,
            organisation=_organisation(request),
            actor=request.user,
            answers=form.answers(),
            accepted_as_evidence=form.cleaned_data["accepted_as_evidence"] == "yes",
            evidence_note=form.cleaned_data["evidence_note"],
        )
    except ValidationError as refused:
        form.add_error(None, "; ".join(refused.messages))
        return _plan_page(request, case, shared, form=form)
    messages.success(request, "Thank you: your answers have been sent to the case manager")
    return redirect("employers:plan", case_id=case.pk, number=number)
