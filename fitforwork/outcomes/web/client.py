"""The client's follow-up pages under /outcome/, opened from the single-use link sent when a follow-up is due.

The link is the assessment's QuestionnaireLink (ADR 0024): the same token, the same one plain page for an
unknown, expired or used link. The client answers work status, return date and hours here, then goes on
to the baseline questionnaires on the same link's questionnaire pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fitforwork.assessments import link_services
from fitforwork.assessments.web.client import unavailable
from fitforwork.outcomes import services
from fitforwork.outcomes.models import OutcomeRecord
from fitforwork.outcomes.web.forms import ClientOutcomeForm


def _after(token: str, has_questionnaires: bool) -> HttpResponse:
    return redirect(reverse("questionnaire:start", args=[token]) if has_questionnaires else reverse("outcome:done"))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, token: str) -> HttpResponse:
    link = link_services.link_from_token(token)
    time_point = services.time_point_for_link(link) if link is not None else None
    if link is None or time_point is None:
        return unavailable(request)
    link_services.link_opened(link=link, request=request)
    answered = OutcomeRecord.objects.filter(time_point=time_point, mode=OutcomeRecord.Mode.CLIENT_ONLINE).exists()
    if answered:
        return _after(token, bool(link.instrument_codes))
    form = ClientOutcomeForm(request.POST if request.method == "POST" else None, case=time_point.case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.outcome_record_by_client(
                link=link,
                work_status=data["work_status"],
                return_to_work_date=data["return_to_work_date"],
                hours_per_week=data["hours_per_week"],
                request=request,
            )
        except services.OutcomeError:
            return unavailable(request)
        return _after(token, bool(link.instrument_codes))
    context = {"form": form, "months": time_point.offset_months, "questionnaire_count": len(link.instrument_codes)}
    return render(request, "outcomes/client/start.jinja", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/client/done.jinja", {})
