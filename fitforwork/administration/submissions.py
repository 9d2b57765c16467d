"""Unfinished submissions: the ones that failed for a reason of ours or are stuck `received`, with the error
and a way to try one again now. The list shows no details sent; opening one shows them, and is audited."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.administration.pages import render_page
from fitforwork.administration.rules import administrators_only
from fitforwork.core.audit.services import audit_read
from fitforwork.referrals import unfinished


@administrators_only
@require_GET
def submissions(request: AuthenticatedHttpRequest) -> HttpResponse:
    listed = list(unfinished.submissions_unfinished()[:500])
    return render_page(request, "submissions.jinja", submissions=listed)


@administrators_only
@require_GET
def submission(request: AuthenticatedHttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    found = unfinished.submission_unfinished(submission_id=submission_id)
    if found is None:
        raise Http404("No unfinished submission with that id")
    audit_read(request=request, obj=found, reason="Unfinished submission opened by an administrator")
    sent = json.dumps(found.payload, indent=2, ensure_ascii=False, sort_keys=True)
    return render_page(
        request,
        "submission.jinja",
        submission=found,
        sent=sent,
        can_retry=unfinished.submission_can_retry(submission=found),
    )


@administrators_only
@require_POST
def submission_retry(request: AuthenticatedHttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    found = unfinished.submission_unfinished(submission_id=submission_id)
    if found is None:
        messages.info(request, "That submission has an outcome now, so it is no longer on the list")
        return redirect("administration:submissions")
    try:
        unfinished.submission_retry_now(actor=request.user, submission=found, request=request)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("administration:submission", submission_id=found.pk)
    messages.success(request, "We will try it again in a moment. It leaves this list once its referral is made.")
    return redirect("administration:submissions")
