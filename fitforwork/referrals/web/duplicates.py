"""Triage's check of a possible duplicate: the referral beside the earlier one, field by field, and the
decision, "same person" (the referral is attached to the earlier person record) or "not the same person".

Both referrals are read for the check, and both reads are audited: the earlier one may be at another site,
and the reader sees it only because they triage the referral that may duplicate it.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.core.audit.services import audit_read
from fitforwork.core.forms import ServiceForm
from fitforwork.referrals import presenters, services
from fitforwork.referrals.models import Referral
from fitforwork.referrals.rules import TRIAGE_ROLES, can_triage
from fitforwork.referrals.selectors import current_employment, referrals_visible_to


class DuplicateDecisionForm(ServiceForm):
    decision = forms.ChoiceField(
        label="Is this the same person?",
        choices=[
            ("same_person", "Same person"),
            ("not_same_person", "Not the same person"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is the same person", "invalid_choice": "Select one"},
    )


def _flagged(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> Referral:
    if request.user.role not in TRIAGE_ROLES or request.user.site_id is None:
        raise PermissionDenied("Only a site's case managers and team leads triage referrals.")
    visible = referrals_visible_to(request.user).select_related("person", "site", "possible_duplicate_of__person")
    referral = visible.filter(pk=pk).first()
    if referral is None:
        raise Http404("No such referral")
    if not can_triage(request.user, referral):
        raise PermissionDenied("Only the referral's site team can decide whether it is a duplicate.")
    if referral.duplicate_status != Referral.DuplicateStatus.FLAGGED or referral.possible_duplicate_of is None:
        raise Http404("This referral is not waiting for a duplicate check")
    return referral


@require_http_methods(["GET", "POST"])
def duplicate_check(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = _flagged(request, pk)
    earlier = referral.possible_duplicate_of
    assert earlier is not None  # noqa: S101  # _flagged checked it
    form = DuplicateDecisionForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "same_person":
                services.referral_same_person(referral=referral, actor=request.user)
                messages.success(request, f"Referral {referral.reference} is now on the same record as {earlier}")
            else:
                services.referral_not_duplicate(referral=referral, actor=request.user)
                messages.success(request, f"Referral {referral.reference} is not a duplicate")
            return redirect("referrals:triage-referral", pk=referral.pk)
        except services.InvalidTransition as refused:
            error = str(refused)
    audit_read(request=request, obj=referral, reason="duplicate check")
    audit_read(request=request, obj=earlier, reason=f"duplicate check of {referral.reference}")
    employments = (current_employment(referral.person), current_employment(earlier.person))
    context = {
        "referral": referral,
        "earlier": earlier,
        "rows": presenters.duplicate_rows(referral, earlier, employments=employments),
        "form": form,
        "error": error,
    }
    return render(request, "referrals/web/duplicate.jinja", context, status=400 if error or form.errors else 200)
