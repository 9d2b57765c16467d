"""The work lists: a case manager's caseload and tasks, and a team lead's view of the team's cases.

Every list starts from `access.relationship_filter` (or something stricter), so nobody lists a case they
could not open. Breaches, due-soon flags and next due dates are computed by the database (Exists,
Subquery, Case/When), never row by row in Python, and each list selects its related rows, so a page is a
fixed number of queries whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import Coalesce
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases.access import relationship_filter
from fitforwork.cases.models import CareTeamMember, Case, CaseStatus, Delegation, Risk, Task
from fitforwork.core.calendar import Nation, add_working_days

DUE_SOON_WORKING_DAYS = 2
# Cases with nothing due sort after every real date.
NOTHING_DUE = date(9999, 12, 31)
OPEN_STATUSES = [status for status in CaseStatus.values if status != CaseStatus.DISCHARGED]
TEAM_SORTS = {
    "opened": "opened_at",
    "status": "status_rank",
    "case_manager": "manager_name",
    "next_due": "next_due",
}


# What a work list shows of each case: its own columns and the names of its client and case manager. Nothing
# else of the client (NHS number, address, contact details) is read for a list.
LIST_FIELDS = (
    "id", "status", "furthest_stage", "opened_at", "risk", "site", "team", "referral", "rules",
    "person__given_name", "person__family_name", "case_manager__first_name", "case_manager__last_name",
)  # fmt: skip


def _listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("person", "case_manager").only(*LIST_FIELDS)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _open_tasks() -> QuerySet[Task]:
    return Task.objects.filter(completed_at__isnull=True, cancelled_at__isnull=True)


def covered_managers(user: User, *, today: date | None = None) -> list[UUID]:
    """The case managers `user` covers for today (their delegations that have started and not ended)."""
    day = _today(today)
    return list(
        Delegation.objects.filter(
            to_user=user, starts_on__lte=day, ends_on__gte=day, cancelled_at__isnull=True
        ).values_list("from_user_id", flat=True)
    )


def with_work_flags(cases: QuerySet[Case], *, today: date) -> QuerySet[Case]:
    """Each case's next due date and whether it has an open task past its due date, both in SQL."""
    open_tasks = _open_tasks().filter(case=OuterRef("pk"))
    next_due = open_tasks.order_by("due_on").values("due_on")[:1]
    return cases.annotate(
        next_due=Coalesce(Subquery(next_due, output_field=DateField()), Value(NOTHING_DUE)),
        breached=Exists(open_tasks.filter(due_on__lt=today)),
    )


def caseload(user: User, *, today: date | None = None) -> QuerySet[Case]:
    """The open cases `user` manages, and those of the people they cover for today."""
    day = _today(today)
    managers = [user.pk, *covered_managers(user, today=day)]
    cases = Case.objects.filter(relationship_filter(user, today=day)).filter(
        case_manager_id__in=managers, status__in=OPEN_STATUSES
    )
    cases = _listed(cases)
    return with_work_flags(cases, today=day)


def care_team_cases(user: User, *, today: date | None = None) -> QuerySet[Case]:
    """The open cases whose care team `user` is in now: a practitioner's list of the cases they are part of."""
    day = _today(today)
    member = CareTeamMember.objects.filter(case=OuterRef("pk"), user=user, removed_at__isnull=True)
    cases = Case.objects.filter(relationship_filter(user, today=day)).filter(Exists(member), status__in=OPEN_STATUSES)
    return with_work_flags(_listed(cases), today=day)


def _due_soon_by(today: date) -> dict[str, date]:
    return {nation: add_working_days(today, DUE_SOON_WORKING_DAYS, nation) for nation in Nation.values}


def my_tasks(user: User, *, today: date | None = None) -> QuerySet[Task]:
    """Open tasks for `user` across all their cases: assigned to them, or unassigned on cases they manage
    or cover; flagged due soon (within two working days in the case's nation) or breached (past due)."""
    day = _today(today)
    managers = [user.pk, *covered_managers(user, today=day)]
    related = Case.objects.filter(relationship_filter(user, today=day), pk=OuterRef("case_id"))
    due_soon = Choose(
        *(
            When(case__site__nation=nation, due_on__gte=day, due_on__lte=by, then=Value(True))
            for nation, by in _due_soon_by(day).items()
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        _open_tasks()
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True, case__case_manager_id__in=managers))
        .exclude(case__status=CaseStatus.DISCHARGED)
        .filter(Exists(related))
        .select_related("case", "case__person", "case__case_manager", "assigned_to")
        .annotate(due_soon=due_soon, breached=ExpressionWrapper(Q(due_on__lt=day), output_field=BooleanField()))
    )


def task_view(tasks: QuerySet[Task], view: str) -> QuerySet[Task]:
    """One tab of the task list: all, due soon or breached."""
    if view == "due_soon":
        return tasks.filter(Q(due_soon=True))
    if view == "breached":
        return tasks.filter(Q(breached=True))
    return tasks


@dataclass(frozen=True)
class TeamFilters:
    """The team view's filters; blank means any. Status "open" (the default) is every status but discharged."""

    status: str = "open"
    risk: str = ""
    case_manager: UUID | None = None
    breach: bool = False


def _team_scope(team_lead: User) -> Q:
    """The lead's teams' cases, and their site's cases with no team: a subset of what relationship_filter gives
    a team lead, written as plain column tests so the database can use the team and site indexes."""
    scope = Q(team_id__in=list(team_lead.teams.values_list("pk", flat=True)))
    if team_lead.site_id is not None:
        scope |= Q(team__isnull=True, site_id=team_lead.site_id)
    return scope


def team_cases(team_lead: User, filters: TeamFilters | None = None, *, today: date | None = None) -> QuerySet[Case]:
    """The cases of the team lead's teams, and their site's cases with no team, filtered; none for anyone else.

    This scope is stricter than `relationship_filter` (a team lead's relationship is exactly their teams,
    their site's unteamed cases, cover and care teams), so the list never shows a case the lead could not
    open; a test holds it to that."""
    if team_lead.role != Role.TEAM_LEAD:
        return Case.objects.none()
    day = _today(today)
    filters = filters or TeamFilters()
    cases = Case.objects.filter(_team_scope(team_lead))
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    if filters.risk in Risk.values:
        cases = cases.filter(risk=filters.risk)
    elif filters.risk == "none":
        cases = cases.filter(risk="")
    if filters.case_manager is not None:
        cases = cases.filter(case_manager_id=filters.case_manager)
    cases = with_work_flags(_listed(cases), today=day)
    if filters.breach:
        cases = cases.filter(Q(breached=True))
    status_rank = Choose(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(CaseStatus.values)),
        output_field=IntegerField(),
    )
    return cases.annotate(manager_name=Coalesce("case_manager__last_name", Value("")), status_rank=status_rank)


NAME_FIELDS = ("id", "first_name", "last_name", "email", "role", "site_id")


def team_case_managers(team_lead: User) -> list[User]:
    """The case managers in the team lead's teams (or at their site in no team), each with `open_cases`, their
    open caseload size: two queries, the second one grouped count over the caseload index."""
    if team_lead.role != Role.TEAM_LEAD or team_lead.site_id is None:
        return []
    memberships = User.teams.through.objects.filter(user_id=OuterRef("pk"))
    team_ids = list(team_lead.teams.values_list("pk", flat=True))
    managers = list(
        User.objects.filter(role=Role.CASE_MANAGER, site_id=team_lead.site_id, is_active=True)
        .filter(Q(Exists(memberships.filter(team_id__in=team_ids))) | ~Q(Exists(memberships)))
        .only(*NAME_FIELDS)  # names for the table and the filter, nothing else of the account
        .order_by("last_name", "first_name", "id")
    )
    _add_open_cases(managers)
    return managers


def allocation_choices(user: User) -> list[User]:
    """Who a case accepted by `user` may go to: the active case managers in their teams at their site (all of
    the site's when they are in none), each with `open_cases`. Two queries."""
    if user.role not in (Role.CASE_MANAGER, Role.TEAM_LEAD) or user.site_id is None:
        return []
    team_ids = list(user.teams.filter(site_id=user.site_id).values_list("pk", flat=True))
    managers = User.objects.filter(role=Role.CASE_MANAGER, site_id=user.site_id, is_active=True)
    if team_ids:
        memberships = User.teams.through.objects.filter(user_id=OuterRef("pk"), team_id__in=team_ids)
        managers = managers.filter(Exists(memberships))
    chosen = list(managers.only(*NAME_FIELDS).order_by("last_name", "first_name", "id"))
    _add_open_cases(chosen)
    return chosen


def _add_open_cases(managers: list[User]) -> None:
    sizes = dict(
        Case.objects.filter(case_manager_id__in=[user.pk for user in managers], status__in=OPEN_STATUSES)
        .order_by()
        .values("case_manager_id")
        .annotate(count=Count("pk"))
        .values_list("case_manager_id", "count")
    )
    for user in managers:
        user.open_cases = sizes.get(user.pk, 0)  # type: ignore[attr-defined]


def site_case_managers(site_id: Any) -> QuerySet[User]:
    """Everyone a case at this site may be given to: its active case managers."""
    return User.objects.filter(role=Role.CASE_MANAGER, site_id=site_id, is_active=True).order_by(
        "last_name", "first_name", "id"
    )


def cover_at_site(actor: User, *, today: date | None = None) -> list[Delegation]:
    """Current and future cover at the team lead's site, soonest first."""
    if actor.role != Role.TEAM_LEAD or actor.site_id is None:
        return []
    day = today or timezone.localdate()
    return list(
        Delegation.objects.filter(from_user__site_id=actor.site_id, ends_on__gte=day, cancelled_at__isnull=True)
        .select_related("from_user", "to_user")
        .order_by("starts_on", "id")[:200]
    )
