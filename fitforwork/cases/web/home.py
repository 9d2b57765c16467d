"""The case manager's and team lead's home pages: the day's work as counts, each linking to its list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest, Role
from fitforwork.cases import home
from fitforwork.cases.home import COUNT_CAP
from fitforwork.cases.web.worklists import contact_weeks
from fitforwork.core.reads import read_in_one_transaction
from fitforwork.referrals.selectors import triage_queue


def _link(name: str, **params: str) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


@require_GET
@read_in_one_transaction
def case_manager_home(request: AuthenticatedHttpRequest, role: str = Role.CASE_MANAGER) -> HttpResponse:
    if request.user.role != role or role != Role.CASE_MANAGER:
        raise PermissionDenied("This page is for case managers.")
    day = home.case_manager_day(request.user, contact_weeks=contact_weeks(request.user))
    tasks, caseload = "cases:my-tasks", "cases:caseload"
    first_contact = {"kind": "first_contact"}
    context = {
        "day": day,
        "links": {
            "first_contacts_today": _link(tasks, view="due_today", **first_contact),
            "first_contacts_overdue": _link(tasks, view="breached", **first_contact),
            "tasks_today": _link(tasks, view="due_today"),
            "tasks_overdue": _link(tasks, view="breached"),
            "high_risk": _link(caseload, risk="high"),
            "not_contacted": _link(caseload, not_contacted="on", sort="last_contact"),
        },
    }
    return render(request, "cases/home/case_manager.jinja", context)


@require_GET
@read_in_one_transaction
def team_lead_home(request: AuthenticatedHttpRequest, role: str = Role.TEAM_LEAD) -> HttpResponse:
    user = request.user
    if user.role != role or role != Role.TEAM_LEAD or user.site is None:
        raise PermissionDenied("This page is for team leads.")
    day = home.team_lead_day(user, triage=triage_queue(user), caseload_limit=user.site.caseload_limit)
    context = {
        "day": day,
        "cap": COUNT_CAP,
        "links": {
            "triage": _link("referrals:triage"),
            "unallocated": _link("cases:team", case_manager="unallocated"),
            "breaches": _link("cases:team", breach="on"),
        },
    }
    return render(request, "cases/home/team_lead.jinja", context)
