"""The "Outcomes" section of the case record and the page that records an outcome at a time point.

Pages get their case through `access.case_for`, which audits the read; the services check who may write.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import access, presenters
from fitforwork.cases.models import WorkStatus
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.cases.web.sections import render_section, section_url
from fitforwork.core.presenters import date_long
from fitforwork.outcomes import schedule, selectors, services
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint, TimePointStatus
from fitforwork.outcomes.web.forms import OutcomeForm

STATUS_TAGS = {
    TimePointStatus.DUE: ("Due", "nhsuk-tag--blue"),
    TimePointStatus.DONE: ("Done", "nhsuk-tag--green"),
    TimePointStatus.MISSED: ("Missing", "nhsuk-tag--grey"),
}


def hours_text(value: Decimal) -> str:
    """37.5 as "37.5" and 24.0 as "24"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _who(record: OutcomeRecord) -> str:
    how = record.get_mode_display()
    if record.recorded_by is not None:
        name = record.recorded_by.get_full_name() or record.recorded_by.email
        return f"{how}, recorded by {name} on {date_long(timezone.localdate(record.recorded_at))}"
    return f"{how}, on {date_long(timezone.localdate(record.recorded_at))}"


def _row(time_point: OutcomeTimePoint, can_work: bool) -> dict[str, Any]:
    record = selectors.latest_record(time_point)
    text, classes = STATUS_TAGS[TimePointStatus(time_point.status)]
    found = "Nothing recorded"
    if record is not None:
        found = WorkStatus(record.work_status).label
        if record.return_to_work_date:
            found += f", back at work from {date_long(record.return_to_work_date)}"
        if record.hours_per_week is not None:
            found += f", {hours_text(record.hours_per_week)} hours a week"
    elif time_point.status == TimePointStatus.MISSED:
        found = "Missing: nothing was recorded in time (it is counted as missing, not filled in)"
    return {
        "id": time_point.pk,
        "label": time_point.label,
        "due": date_long(time_point.due_on),
        "last_day": date_long(schedule.missed_after(time_point.due_on)) if time_point.kind == "follow_up" else "",
        "tag": {"text": text, "classes": classes},
        "found": found,
        "who": _who(record) if record else "",
        "earlier": max(0, len(time_point.records.all()) - 1),
        "questionnaires": [
            f"{r.instrument_code.upper()} {r.score:g}" if r.score is not None else r.instrument_code.upper()
            for r in time_point.responses.all()
        ],
        "link": time_point.link is not None,
        "can_record": can_work and time_point.status != TimePointStatus.MISSED,
    }


@require_GET
@offers_break_glass
def outcomes_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="outcomes")
    can_work = can_work_case(request.user, case)
    rows = [_row(tp, can_work) for tp in selectors.time_points(case).select_related("link")]
    return render_section(request, case, "outcomes", "outcomes/section.jinja", rows=rows)


@require_http_methods(["GET", "POST"])
@offers_break_glass
def outcome_record(request: AuthenticatedHttpRequest, case_id: uuid.UUID, time_point_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="outcomes")
    if not can_work_case(request.user, case):
        raise PermissionDenied("Only the case's own team can record its outcomes.")
    time_point = OutcomeTimePoint.objects.filter(case=case, pk=time_point_id).first()
    if time_point is None:
        raise Http404("No such time point on this case")
    form = OutcomeForm(request.POST if request.method == "POST" else None, case=case)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.outcome_record(
                time_point=time_point,
                actor=request.user,
                work_status=data["work_status"],
                mode=data["mode"],
                return_to_work_date=data["return_to_work_date"],
                hours_per_week=data["hours_per_week"],
                note=data["note"],
                request=request,
            )
        except ValidationError as refused:
            for name, problems in refused.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        except services.OutcomeError as refused:
            error = str(refused)
        else:
            messages.success(request, f"Outcome recorded: {time_point.label.lower()}")
            return redirect(section_url("outcomes", case.pk))
    context = {
        "case": case,
        "name": presenters.person_name(case),
        "form": form,
        "error": error,
        "time_point": time_point,
        "back": section_url("outcomes", case.pk),
    }
    status = 400 if error or form.errors else 200
    return render(request, "outcomes/record.jinja", context, status=status)
