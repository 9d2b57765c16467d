"""Signed-in referrers refer and follow their referrals; the site's team triages them."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.core.audit.services import audit_read, audit_record
from fitforwork.referrals import intake, presenters, services
from fitforwork.referrals.intake import ReferralRefused
from fitforwork.referrals.models import Referral
from fitforwork.referrals.rules import TRIAGE_ROLES, can_triage
from fitforwork.referrals.selectors import (
    current_employment,
    referrals_visible_to,
    submission_for_key,
    triage_queue,
)
from fitforwork.referrals.web.allocation import AllocationChoiceError, accept_and_allocate, allocation_context
from fitforwork.referrals.web.forms import (
    REFERRERS,
    DeclineForm,
    ReferralForm,
    Referrer,
    changed_answers,
    parser_for,
)
from fitforwork.referrals.web.letters import practice_letters

LIST_LIMIT = 50
TRIAGE_LIMIT = 100
# Intake errors about routing are about where the person lives, which the form asks as the postcode.
INTAKE_FIELD_ON_FORM = {"gp_practice": "postcode"}


def _referrer(request: AuthenticatedHttpRequest) -> Referrer:
    referrer = REFERRERS.get(request.user.role)
    if referrer is None or request.user.organisation_id is None:
        raise PermissionDenied("Only referrers at a partner organisation can do this.")
    return referrer


def _ensure_triage_role(request: AuthenticatedHttpRequest) -> None:
    if request.user.role not in TRIAGE_ROLES or request.user.site_id is None:
        raise PermissionDenied("Only a site's case managers and team leads triage referrals.")


def _visible(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> Referral:
    return get_object_or_404(referrals_visible_to(request.user), pk=pk)


def _refused_form(request: AuthenticatedHttpRequest, referrer: Referrer, refused: ReferralRefused) -> ReferralForm:
    form = ReferralForm(request.POST, source=referrer.source)
    form.full_clean()
    for error in refused.errors:
        mapped = INTAKE_FIELD_ON_FORM.get(error.field, error.field)
        name = mapped if mapped in form.fields else None
        if error.message not in form.errors.get(name or "__all__", []):
            form.add_error(name, error.message)
    return form


@require_http_methods(["GET", "POST"])
def refer(request: AuthenticatedHttpRequest) -> HttpResponse:
    referrer = _referrer(request)
    token = str(uuid.uuid4())
    form = ReferralForm(request.POST if request.method == "POST" else None, source=referrer.source)
    if form.is_bound:
        key = str(request.POST.get("idempotency_key", ""))[:200]
        if "\x00" in key:
            raise BadRequest("The form's key holds a NUL character")
        # Only the form's own fields are kept; a NUL in one of them is refused on the form, never stored.
        payload = {**form.own_data(), "idempotency_key": key}
        first = submission_for_key(scope=f"user:{request.user.pk}", key=key)
        if first is not None and changed_answers(first.payload, payload, source=referrer.source):
            referral = getattr(first, "referral", None)
            if referral is not None:
                return _not_applied(request, referral, first.payload, payload, referrer)
            payload["idempotency_key"] = token  # the first was refused: the corrected form is a new submission
        if form.nul_fields():
            form.full_clean()
        else:
            try:
                return redirect("referrals:sent", pk=_send(request, referrer, payload).pk)
            except ReferralRefused as refused:
                form = _refused_form(request, referrer, refused)  # a fresh token: the corrected form is new
    context = {"form": form, "heading": referrer.heading, "source": referrer.source, "idempotency_key": token}
    return render(request, "referrals/web/refer.jinja", context, status=400 if form.errors else 200)


def _send(request: AuthenticatedHttpRequest, referrer: Referrer, payload: dict[str, Any]) -> Referral:
    return intake.referral_receive(
        channel=referrer.channel,
        payload=payload,
        parse=parser_for(source=referrer.source, user=request.user),
        submitted_by=request.user,
        idempotency_scope=f"user:{request.user.pk}",
        idempotency_key=payload["idempotency_key"],
    )


def _not_applied(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    sent: dict[str, Any],
    resent: dict[str, Any],
    referrer: Referrer,
) -> HttpResponse:
    """The form was sent again, changed, with the first one's key: show the first referral, changes not applied."""
    audit_read(request=request, obj=referral, reason="confirmation of a referral made")
    context = {
        "referral": referral,
        "reasons": presenters.eligibility_reasons(referral),
        "not_applied": changed_answers(sent, resent, source=referrer.source),
    }
    return render(request, "referrals/web/sent.jinja", context, status=409)


@require_GET
def sent(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    _referrer(request)
    referral = _visible(request, pk)
    audit_read(request=request, obj=referral, reason="confirmation of a referral made")
    context = {"referral": referral, "reasons": presenters.eligibility_reasons(referral)}
    return render(request, "referrals/web/sent.jinja", context)


@require_GET
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _referrer(request)
    referrals = list(referrals_visible_to(request.user).order_by("-received_at", "-id")[: LIST_LIMIT + 1])
    _audit_list(request, referrals[:LIST_LIMIT], "referrals.referral.listed")
    context: dict[str, Any] = {
        "rows": [(referral, presenters.status_tag(referral)) for referral in referrals[:LIST_LIMIT]],
        "more": len(referrals) > LIST_LIMIT,
        "limit": LIST_LIMIT,
    }
    return render(request, "referrals/web/list.jinja", context)


@require_GET
def referral_detail(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    _referrer(request)
    referral = _visible(request, pk)
    audit_read(request=request, obj=referral)
    context = {
        "referral": referral,
        "status": presenters.status_tag(referral),
        "rows": presenters.referral_rows(referral),
        "reasons": presenters.eligibility_reasons(referral),
        "letters": practice_letters(request, referral),
    }
    return render(request, "referrals/web/detail.jinja", context)


@require_GET
def triage(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ensure_triage_role(request)
    referrals = list(triage_queue(request.user)[: TRIAGE_LIMIT + 1])
    rows = [
        (referral, presenters.first_contact_clock(referral), presenters.eligibility_reasons(referral))
        for referral in referrals[:TRIAGE_LIMIT]
    ]
    _audit_list(request, referrals[:TRIAGE_LIMIT], "referrals.referral.triage_listed")
    context = {"rows": rows, "more": len(referrals) > TRIAGE_LIMIT, "limit": TRIAGE_LIMIT}
    return render(request, "referrals/web/triage.jinja", context)


def _audit_list(request: AuthenticatedHttpRequest, referrals: list[Referral], action: str) -> None:
    """A list of names is identifiable too: one event records who saw which referrals."""
    if referrals:
        audit_record(
            actor=request.user,
            action=action,
            data={"path": request.path, "referrals": [str(referral.pk) for referral in referrals]},
            request=request,
        )


@require_http_methods(["GET", "POST"])
def triage_referral(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    _ensure_triage_role(request)
    referral = _visible(request, pk)
    if not can_triage(request.user, referral):
        raise PermissionDenied("Only the referral's site team can accept or decline it.")
    form = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    error = ""
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "not_duplicate":
                services.referral_not_duplicate(referral=referral, actor=request.user)
                messages.success(request, f"Referral {referral.reference} is not a duplicate")
                return redirect("referrals:triage-referral", pk=referral.pk)
            if action == "merge":
                services.referral_merge_duplicate(referral=referral, actor=request.user)
                messages.success(request, f"Referral {referral.reference} closed as a duplicate")
                return redirect("referrals:triage")
            if action in ("accept", "accept_me", "accept_to"):
                case = accept_and_allocate(referral=referral, actor=request.user, data=request.POST)
                messages.success(
                    request,
                    format_html(
                        '<p class="nhsuk-notification-banner__heading">Referral {} accepted and its case opened.</p>'
                        '<p><a class="nhsuk-notification-banner__link" href="{}">View the case</a></p>',
                        referral.reference,
                        reverse("cases:case", args=[case.pk]),
                    ),
                )
                return redirect("referrals:triage")
            if form.is_valid():
                services.referral_decline(
                    referral=referral, actor=request.user, reason=form.cleaned_data["decline_reason"]
                )
                messages.success(request, f"Referral {referral.reference} declined")
                return redirect("referrals:triage")
        except (services.InvalidTransition, AllocationChoiceError) as invalid:
            error = str(invalid)
        referral = _visible(request, pk)
    audit_read(request=request, obj=referral, reason="triage")
    conflict = presenters.nhs_number_conflict(referral)
    if conflict is not None and referral.nhs_number_holder is not None:  # shown beside it: a read of that record
        audit_read(request=request, obj=referral.nhs_number_holder, reason="NHS number check")
    context = {
        "nhs_number_conflict": conflict,
        "sent_differences": presenters.sent_differences(referral),
        "referral": referral,
        "form": form,
        "error": error,
        "status": presenters.status_tag(referral),
        "rows": presenters.referral_rows(referral),
        "contact_rows": presenters.contact_rows(referral, employment=current_employment(referral.person)),
        "clock": presenters.first_contact_clock(referral),
        "reasons": presenters.eligibility_reasons(referral),
        **allocation_context(request.user, referral.site.caseload_limit),
    }
    return render(request, "referrals/web/triage_referral.jinja", context, status=400 if error or form.errors else 200)


@require_POST
def nhs_number_check(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The triage team's answer to whether a referral's NHS number, held by another record, is that person's."""
    _ensure_triage_role(request)
    referral = _visible(request, pk)
    if not can_triage(request.user, referral):
        raise PermissionDenied("Only the referral's site team can check it.")
    decision = request.POST.get("decision")
    if decision not in {"same_person", "not_same_person"}:
        messages.error(request, "Select whether this is the same person as the record with the NHS number")
        return redirect("referrals:triage-referral", pk=referral.pk)
    try:
        services.referral_nhs_number_resolve(
            referral=referral, actor=request.user, same_person=decision == "same_person"
        )
    except services.InvalidTransition as invalid:
        messages.error(request, str(invalid))
        return redirect("referrals:triage-referral", pk=referral.pk)
    done = "attached to the existing record" if decision == "same_person" else "kept as a new record"
    messages.success(request, f"Referral {referral.reference}: {done}")
    return redirect("referrals:triage-referral", pk=referral.pk)
