"""The "Consent" section of the case record: the person's consent ledger, recording their consent to share an
agreed plan version (with the parts they want left out) and to their employer being told they are back at work,
withdrawing either, what the employer was told of the return, and what employers said back.

Every page gets its case through `access.case_for`, which checks the reader's relationship and audits the read.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import access
from fitforwork.cases.letters import practice_for
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.cases.web.sections import render_section
from fitforwork.consent.models import Consent, Purpose
from fitforwork.consent.selectors import consent_current, consent_history
from fitforwork.core.presenters import date_long
from fitforwork.employers import selectors, services
from fitforwork.employers.web.forms import SECTION_CHOICES, ReturnNoticeForm, ShareForm, WithdrawForm
from fitforwork.employers.web.return_notice import return_notice, return_notice_form
from fitforwork.organisations.models import Organisation
from fitforwork.plans.models import PlanVersion

SECTION_LABELS = dict(SECTION_CHOICES)
# The consents withdrawn from this section, each by its own service (which cancels what is queued to carry it).
WITHDRAWABLE = (Purpose.SHARE_PLAN, Purpose.RETURN_NOTICE)


def _recipients(case: Case) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    employer = selectors.employer_of(case)
    if employer is not None:
        found["employer"] = employer
    practice = practice_for(case)
    if practice is not None:
        found["gp"] = practice
    return found


def _recipient_choices(recipients: dict[str, Organisation]) -> list[tuple[str, str]]:
    labels = {"employer": "their employer", "gp": "their GP practice"}
    return [(key, f"{org.name} ({labels[key]})") for key, org in recipients.items()]


def _agreed(case: Case) -> list[PlanVersion]:
    return list(PlanVersion.objects.filter(plan__case=case, status=PlanVersion.Status.AGREED).order_by("-number"))


def _is_current_given(row: Consent) -> bool:
    current = consent_current(
        person=row.person_id,
        purpose=row.purpose,
        recipient=row.recipient,
        recipient_name=row.recipient_name,
        plan_version_id=row.plan_version_id,
    )
    return current is not None and current.pk == row.pk and row.action == Consent.Action.GIVEN


def _ledger_rows(case: Case) -> list[dict[str, Any]]:
    numbers = {str(pk): n for pk, n in PlanVersion.objects.filter(plan__case=case).values_list("pk", "number")}
    rows = []
    for row in consent_history(person=case.person).reverse():
        version = numbers.get(str(row.plan_version_id)) if row.plan_version_id else None
        removed = ", ".join(SECTION_LABELS.get(s, s).lower() for s in row.removed_sections)
        rows.append(
            {
                "date": date_long(row.given_on),
                "action": row.get_action_display(),
                "withdrawn": row.action != Consent.Action.GIVEN,
                "purpose": row.get_purpose_display() + (f", version {version}" if version else ""),
                "recipient": row.recipient_label,
                "removed": removed or "Nothing",
                "how": row.get_how_display(),
                "by": str(row.recorded_by) if row.recorded_by else "The service",
                "withdraw": reverse("cases:case-consent-withdraw", args=[case.pk, row.pk])
                if row.purpose in WITHDRAWABLE and _is_current_given(row)
                else "",
            }
        )
    return rows


def response_rows(case: Case) -> list[dict[str, Any]]:
    """What each employer said about the plan versions shared with them, for the case manager."""
    rows = []
    for response in selectors.responses_for_case(case):
        evidence = {True: "Yes, instead of a fit note", False: "No, they still need a fit note", None: "Not answered"}
        rows.append(
            {
                "heading": f"{response.organisation.name}, version {response.plan_version.number}",
                "acknowledged": date_long(response.acknowledged_at.date()) if response.acknowledged_at else "Not yet",
                "evidence": evidence[response.accepted_as_evidence],
                "evidence_note": response.evidence_note,
                "answers": [
                    {
                        "text": answer.recommendation.text,
                        "implemented": answer.get_implemented_display(),
                        "note": answer.note,
                    }
                    for answer in response.answers.all()
                ],
            }
        )
    return rows


def consent_section(
    request: AuthenticatedHttpRequest,
    case: Case,
    *,
    form: ShareForm | None = None,
    return_form: ReturnNoticeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = _agreed(case)
    recipients = _recipients(case)
    form = form or ShareForm(
        versions=[(str(v.pk), f"Version {v.number}") for v in versions], recipients=_recipient_choices(recipients)
    )
    rows = _ledger_rows(case)
    return render_section(
        request,
        case,
        "consent",
        "employers/consent_section.jinja",
        status=status,
        form=form,
        ledger=rows,
        has_agreed=bool(versions),
        withdrawn=[row for row in rows if row["action"] == "Withdrawn"],
        responses=response_rows(case),
        return_notice=return_notice(case),
        return_form=return_form or return_notice_form(),
    )


@require_http_methods(["GET", "POST"])
@offers_break_glass
def consent_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="consent")
    if request.method == "GET":
        return consent_section(request, case)
    if not can_work_case(request.user, case):
        raise Http404("Only the case's team can record consent")
    versions = {str(v.pk): v for v in _agreed(case)}
    recipients = _recipients(case)
    form = ShareForm(
        request.POST,
        versions=[(pk, f"Version {v.number}") for pk, v in versions.items()],
        recipients=_recipient_choices(recipients),
    )
    if not form.is_valid():
        return consent_section(request, case, form=form, status=400)
    data = form.cleaned_data
    other = data["recipient"] == "other"
    try:
        services.plan_share_give(
            case=case,
            version=versions[data["plan_version"]],
            how=data["how"],
            given_on=data["given_on"],
            recipient=None if other else recipients[data["recipient"]],
            recipient_name=data["recipient_name"] if other else "",
            removed_sections=data["removed_sections"],
            actor=request.user,
        )
    except ValidationError as refused:
        form.add_error(None, "; ".join(refused.messages))
        return consent_section(request, case, form=form, status=400)
    messages.success(request, "Consent to share the plan recorded")
    return redirect("cases:case-consent", case_id=case.pk)


@require_POST
@offers_break_glass
def return_notice_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record the person's consent to their employer being told they are back at work."""
    case = access.case_for(request, case_id, section="consent")
    if not can_work_case(request.user, case):
        raise Http404("Only the case's team can record consent")
    form = return_notice_form(request.POST)
    if not form.is_valid():
        return consent_section(request, case, return_form=form, status=400)
    try:
        services.return_notice_give(
            case=case, how=form.cleaned_data["how"], given_on=form.cleaned_data["given_on"], actor=request.user
        )
    except ValidationError as refused:
        form.add_error(None, "; ".join(refused.messages))
        return consent_section(request, case, return_form=form, status=400)
    messages.success(request, "Consent to tell their employer about the return to work recorded")
    return redirect("cases:case-consent", case_id=case.pk)


@require_http_methods(["GET", "POST"])
@offers_break_glass
def consent_withdraw_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID, consent_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="consent")
    consent = (
        Consent.objects.filter(pk=consent_id, person=case.person, purpose__in=WITHDRAWABLE)
        .select_related("recipient", "person")
        .first()
    )
    if consent is None or not _is_current_given(consent):
        raise Http404("No consent to withdraw")
    form = WithdrawForm(request.POST or None)
    error = ""
    if request.method == "POST" and can_work_case(request.user, case) and form.is_valid():
        is_return = consent.purpose == Purpose.RETURN_NOTICE
        withdraw = services.return_notice_withdraw if is_return else services.plan_share_withdraw
        try:
            _, cancelled = withdraw(
                case=case,
                consent=consent,
                how=form.cleaned_data["how"],
                given_on=form.cleaned_data["given_on"],
                actor=request.user,
            )
        except ValidationError as refused:
            error = "; ".join(refused.messages)
        else:
            note = f"; {cancelled} message{'s' if cancelled != 1 else ''} not yet sent cancelled" if cancelled else ""
            messages.success(request, f"Consent withdrawn{note}")
            return redirect("cases:case-consent", case_id=case.pk)
    return render(
        request,
        "employers/withdraw.jinja",
        {
            "case": case,
            "case_name": f"{case.person.given_name} {case.person.family_name}",
            "case_href": reverse("cases:case-consent", args=[case.pk]),
            "consent": consent,
            "form": form,
            "error": error,
            "can_work": can_work_case(request.user, case),
        },
        status=400 if error or form.errors else 200,
    )
