"""What the case manager's and team lead's home pages count: each count is of a list the page links to, read
with the same selectors as that list (so a count never shows a case the list would not), in a few grouped
queries, and capped so that a home page never counts a huge table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases import selectors
from fitforwork.cases.models import Risk, Task

# A team lead's counts stop at this many: "1,000 or more" says enough, and the page stays quick.
COUNT_CAP = 1000


@dataclass(frozen=True)
class CaseManagerDay:
    first_contacts_today: int
    first_contacts_overdue: int
    tasks_today: int
    tasks_overdue: int
    high_risk: int
    not_contacted: int
    contact_weeks: int


@dataclass(frozen=True)
class TeamLeadDay:
    triage_waiting: int
    unallocated: int
    breaches: int
    case_managers: list[User]
    caseload_limit: int


def case_manager_day(user: User, *, contact_weeks: int, today: date | None = None) -> CaseManagerDay:
    """The case manager's day in two queries: their open tasks by due date and kind, and their caseload's
    high-risk and not-contacted cases."""
    day = today or timezone.localdate()
    first = Q(kind=Task.Kind.FIRST_CONTACT)
    covering = selectors.covered_managers(user, today=day)
    tasks = (
        selectors.my_tasks(user, today=day, covering=covering)
        .order_by()
        .aggregate(
            first_contacts_today=Count("pk", filter=first & Q(due_on=day)),
            first_contacts_overdue=Count("pk", filter=first & Q(due_on__lt=day)),
            tasks_today=Count("pk", filter=Q(due_on=day)),
            tasks_overdue=Count("pk", filter=Q(due_on__lt=day)),
        )
    )
    since = selectors.contact_due_before(contact_weeks, today=day)
    cases = (
        selectors.caseload(user, today=day, covering=covering)
        .order_by()
        .aggregate(
            high_risk=Count("pk", filter=Q(risk=Risk.HIGH)),
            not_contacted=Count("pk", filter=Q(last_contact__lt=since, opened_at__lt=since)),
        )
    )
    return CaseManagerDay(**tasks, **cases, contact_weeks=contact_weeks)


def capped_count(rows: QuerySet[Any]) -> int:
    """How many rows, counting no further than COUNT_CAP (only the ids are read, so no per-row subqueries)."""
    return rows.order_by().values("pk")[:COUNT_CAP].count()


def team_lead_day(team_lead: User, *, triage: QuerySet[Any], caseload_limit: int) -> TeamLeadDay:
    """The team lead's day: referrals waiting for triage, unallocated cases, breaches, and caseloads."""
    team_ids = list(team_lead.teams.values_list("pk", flat=True))
    unallocated = selectors.team_cases(team_lead, selectors.TeamFilters(unallocated=True), team_ids=team_ids)
    breaches = selectors.team_cases(team_lead, selectors.TeamFilters(breach=True), team_ids=team_ids)
    return TeamLeadDay(
        triage_waiting=capped_count(triage),
        unallocated=capped_count(unallocated),
        breaches=capped_count(breaches),
        case_managers=selectors.team_case_managers(team_lead, team_ids),
        caseload_limit=caseload_limit,
    )
