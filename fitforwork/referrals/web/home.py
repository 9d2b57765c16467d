"""A referrer's home page (GP practice, employer, Jobcentre, community service): their newest referrals and
where each has got to, with a link to them all."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.core.reads import read_in_one_transaction
from fitforwork.referrals import presenters
from fitforwork.referrals.selectors import referrals_visible_to
from fitforwork.referrals.web.views import _audit_list, _referrer

RECENT = 10


@require_GET
@read_in_one_transaction
def referrer_home(request: AuthenticatedHttpRequest, role: str) -> HttpResponse:
    if request.user.role != role:
        raise PermissionDenied("This page is for another role.")
    referrer = _referrer(request)
    recent = list(
        referrals_visible_to(request.user)
        .select_related(None)
        .select_related("person")
        .only("id", "reference", "received_at", "status", "person__given_name", "person__family_name")
        .order_by("-received_at", "-id")[: RECENT + 1]
    )
    _audit_list(request, recent[:RECENT], "referrals.referral.listed")
    context = {
        "rows": [(referral, presenters.status_tag(referral)) for referral in recent[:RECENT]],
        "more": len(recent) > RECENT,
        "heading": referrer.heading,
    }
    return render(request, "referrals/web/home.jinja", context)
