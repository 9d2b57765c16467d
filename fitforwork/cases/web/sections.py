"""The sections of the case record, each its own page: summary, contacts, tasks, assessment (with its
questionnaires as a sub-page), team and interventions, history. Every section shows the summary panel at the
top and the same secondary navigation.

`SECTIONS` is the one list of them: a later part of the service (assessment, plan, consent, outcomes) joins
the navigation by adding a `Section` here with the name of its URL; a section whose URL this build does not
have is left out. Every section's page gets its case through `access.case_for`, which checks the reader's
relationship with the case as it is now and audits the read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.assessments import presenters as assessment_presenters
from fitforwork.cases import access, contacts, presenters, services
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.cases.web.record_forms import MoveForm, RiskForm


@dataclass(frozen=True)
class Section:
    slug: str
    label: str
    url_name: str


SECTIONS: tuple[Section, ...] = (
    Section("summary", "Summary", "cases:case"),
    Section("contacts", "Contacts", "cases:case-contacts"),
    Section("tasks", "Tasks", "cases:case-tasks"),
    Section("assessment", "Assessment", "cases:case-assessment"),
    Section("plan", "Plan", "cases:case-plan"),
    Section("consent", "Consent", "cases:case-consent"),
    Section("team", "Team and interventions", "cases:case-team"),
    Section("outcomes", "Outcomes", "cases:case-outcomes"),
    Section("letters", "Letters", "cases:case-letters"),
    Section("history", "History", "cases:case-history"),
)


def section_url(slug: str, case_id: uuid.UUID) -> str:
    """The address of one section of a case's record (for redirects back after a form)."""
    section = next(section for section in SECTIONS if section.slug == slug)
    return reverse(section.url_name, args=[case_id])


def navigation(case: Case, current: str) -> list[dict[str, Any]]:
    """The secondary navigation's items: every section this build has, the current one marked."""
    items = []
    for section in SECTIONS:
        try:
            href = reverse(section.url_name, args=[case.pk])
        except NoReverseMatch:
            continue
        items.append({"text": section.label, "href": href, "current": section.slug == current})
    return items


def render_section(
    request: AuthenticatedHttpRequest,
    case: Case,
    section: str,
    template: str,
    status: int = 200,
    *,
    subpage: str = "",
    **context: Any,
) -> HttpResponse:
    """A section's page: the case's heading, the summary panel, the navigation, then the section itself. A
    sub-page of a section (the assessment's questionnaires) keeps its section current and is headed `subpage`."""
    attempts = contacts.failed_attempts(case)
    can_work = can_work_case(request.user, case)
    label = subpage or next(item.label for item in SECTIONS if item.slug == section)
    context = {
        "case": case,
        "name": presenters.person_name(case),
        "section_label": label,
        "navigation": navigation(case, section),
        "panel_rows": presenters.panel_rows(
            case, last_contact=contacts.last_contact(case), next_task=access.case_next_task(case)
        )
        + assessment_presenters.panel_rows(case),
        "case_status_tag": presenters.status_tag(case),
        # An open red flag comes first: the site's safety protocol and the urgent task.
        "alerts": assessment_presenters.red_flag_alerts(case)
        + presenters.alerts(case, attempts=attempts, can_work=can_work),
        "can_work": can_work,
        "error": "",
        **context,
    }
    return render(request, template, context, status=status)


def summary_page(request: AuthenticatedHttpRequest, case: Case, status: int = 200, **extra: Any) -> HttpResponse:
    next_status = services.NEXT_STATUS.get(case.status)
    return render_section(
        request,
        case,
        "summary",
        "cases/record/summary.jinja",
        status=status,
        person_rows=presenters.person_rows(case),
        referral_rows=presenters.referral_rows(case),
        case_rows=presenters.case_rows(case),
        next_status=next_status,
        next_label=presenters.next_status_label(next_status),
        move_form=extra.pop("move_form", None) or MoveForm(initial={"version": case.version}),
        risk_form=extra.pop("risk_form", None)
        or RiskForm(initial={"risk": case.risk or None, "version": case.version}),
        **extra,
    )


def tasks_page(request: AuthenticatedHttpRequest, case: Case, status: int = 200, error: str = "") -> HttpResponse:
    tasks = presenters.task_rows(access.case_open_tasks(case), nation=case.site.nation)
    return render_section(request, case, "tasks", "cases/record/tasks.jinja", status=status, tasks=tasks, error=error)


@require_GET
@offers_break_glass
def case_detail(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return summary_page(request, access.case_for(request, case_id, section="summary"))


@require_GET
@offers_break_glass
def case_contacts(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="contacts")
    rows = presenters.contact_rows(contacts.contacts_for(case))
    return render_section(request, case, "contacts", "cases/record/contacts.jinja", contacts=rows)


@require_GET
@offers_break_glass
def case_tasks(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return tasks_page(request, access.case_for(request, case_id, section="tasks"))


@require_GET
@offers_break_glass
def case_history(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="history")
    rows = presenters.history_rows(access.case_history(case))
    return render_section(request, case, "history", "cases/record/history.jinja", history=rows)
