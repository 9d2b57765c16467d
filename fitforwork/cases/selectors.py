"""The work lists: a case manager's caseload and tasks, and a team lead's view of the team's cases.

Every list starts from `access.relationship_filter` (or something stricter), so nobody lists a case they
could not open. Breaches, due-soon flags and next due dates are computed by the database (Exists,
Subquery, Case/When), never row by row in Python, and each list selects its related rows, so a page is a
fixed number of queries whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
from fitforwork.cases.models import CareTeamMember, Case, CaseStatus, Contact, Delegation, Letter, Risk, Task
from fitforwork.core.calendar import Nation, add_working_days

DUE_SOON_WORKING_DAYS = 2
# Cases with nothing due sort after every real date; never contacted sorts before every real contact.
NOTHING_DUE = date(9999, 12, 31)
NEVER = datetime(1900, 1, 1, tzinfo=UTC)
OPEN_STATUSES = [status for status in CaseStatus.values if status != CaseStatus.DISCHARGED]
TEAM_SORTS = {
    "opened": "opened_at",
    "status": "status_rank",
    "case_manager": "manager_name",
    "next_due": "next_due",
    "last_contact": "last_contact",
}


# What a work list shows of each case: its own columns and the names of its client and case manager. Nothing
# else of the client (NHS number, address, contact details) is read for a list.
LIST_FIELDS = (
    "id", "status", "furthest_stage", "opened_at", "risk", "site", "team", "referral", "rules",
    "person__given_name", "person__family_name", "person__date_of_birth", "referral__reference",
    "case_manager__first_name", "case_manager__last_name",
)  # fmt: skip


def _listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("person", "case_manager", "referral").only(*LIST_FIELDS)


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


def breach_condition(*, today: date) -> Q:
    """A case is in breach when an open task on it is past its due date, or when nobody is allocated to it
    and its first contact is due (today or earlier): nobody is going to make it."""
    open_tasks = _open_tasks().filter(case=OuterRef("pk"))
    first_contact_due = open_tasks.filter(kind=Task.Kind.FIRST_CONTACT, due_on__lte=today)
    nobody_to_make_it = Q(case_manager__isnull=True) & Q(Exists(first_contact_due))
    return Q(Exists(open_tasks.filter(due_on__lt=today))) | nobody_to_make_it


def with_work_flags(cases: QuerySet[Case], *, today: date) -> QuerySet[Case]:
    """Each case's next due date and task, its last contact, and whether it is in breach (`breach_condition`),
    all in SQL over the task and contact indexes."""
    open_tasks = _open_tasks().filter(case=OuterRef("pk")).order_by("due_on", "created_at")
    last_contact = Contact.objects.filter(case=OuterRef("pk")).order_by("-at").values("at")[:1]
    return cases.annotate(
        next_due=Coalesce(Subquery(open_tasks.values("due_on")[:1], output_field=DateField()), Value(NOTHING_DUE)),
        next_task=Subquery(open_tasks.values("title")[:1]),
        last_contact=Coalesce(Subquery(last_contact), Value(NEVER)),
        breached=ExpressionWrapper(breach_condition(today=today), output_field=BooleanField()),
    )


def contact_due_before(site_interval_weeks: int, *, today: date | None = None) -> datetime:
    """A case whose last contact (or, never contacted, its opening) is before this is "not contacted"."""
    day = _today(today)
    return timezone.make_aware(datetime.combine(day - timedelta(weeks=site_interval_weeks), datetime.min.time()))


@dataclass(frozen=True)
class ListFilters:
    """The caseload's filters; blank means any. `not_contacted_since` keeps cases with no contact since then."""

    status: str = "open"
    risk: str = ""
    breach: bool = False
    not_contacted_since: datetime | None = None


def filter_cases(cases: QuerySet[Case], filters: ListFilters) -> QuerySet[Case]:
    """Status and risk filters shared by the caseload and the team view (before `with_work_flags`)."""
    if filters.status in CaseStatus.values and filters.status != CaseStatus.DISCHARGED:
        cases = cases.filter(status=filters.status)
    if filters.risk in Risk.values:
        cases = cases.filter(risk=filters.risk)
    elif filters.risk == "none":
        cases = cases.filter(risk="")
    return cases


def filter_flags(cases: QuerySet[Case], filters: ListFilters) -> QuerySet[Case]:
    """The filters on `with_work_flags`' annotations: breach and not contacted."""
    if filters.breach:
        cases = cases.filter(Q(breached=True))
    if filters.not_contacted_since is not None:
        since = filters.not_contacted_since
        cases = cases.filter(Q(last_contact__lt=since), opened_at__lt=since)
    return cases


CASE_LIST_SORTS = {
    "opened": "opened_at",
    "status": "status_rank",
    "next_due": "next_due",
    "last_contact": "last_contact",
}


def with_status_rank(cases: QuerySet[Case]) -> QuerySet[Case]:
    status_rank = Choose(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(CaseStatus.values)),
        output_field=IntegerField(),
    )
    return cases.annotate(status_rank=status_rank)


def caseload(
    user: User, filters: ListFilters | None = None, *, today: date | None = None, covering: list[UUID] | None = None
) -> QuerySet[Case]:
    """The open cases `user` manages, and those of the people they cover for today (`covering`, when the caller
    has read them already), filtered."""
    day = _today(today)
    filters = filters or ListFilters()
    managers = [user.pk, *(covered_managers(user, today=day) if covering is None else covering)]
    cases = Case.objects.filter(relationship_filter(user, today=day)).filter(
        case_manager_id__in=managers, status__in=OPEN_STATUSES
    )
    cases = with_work_flags(_listed(filter_cases(cases, filters)), today=day)
    return with_status_rank(filter_flags(cases, filters))


def care_team_cases(user: User, *, today: date | None = None) -> QuerySet[Case]:
    """The open cases whose care team `user` is in now: a practitioner's list of the cases they are part of."""
    day = _today(today)
    member = CareTeamMember.objects.filter(case=OuterRef("pk"), user=user, removed_at__isnull=True)
    cases = Case.objects.filter(relationship_filter(user, today=day)).filter(Exists(member), status__in=OPEN_STATUSES)
    return with_work_flags(_listed(cases), today=day)


def _due_soon_by(today: date) -> dict[str, date]:
    return {nation: add_working_days(today, DUE_SOON_WORKING_DAYS, nation) for nation in Nation.values}


def my_tasks(user: User, *, today: date | None = None, covering: list[UUID] | None = None) -> QuerySet[Task]:
    """Open tasks for `user` across all their cases: assigned to them, or unassigned on cases they manage
    or cover; flagged due soon (within two working days in the case's nation) or breached (past due)."""
    day = _today(today)
    managers = [user.pk, *(covered_managers(user, today=day) if covering is None else covering)]
    related = Case.objects.filter(relationship_filter(user, today=day), pk=OuterRef("case_id"))
    last_contact = Contact.objects.filter(case=OuterRef("case_id")).order_by("-at").values("at")[:1]
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
        .select_related("case", "case__person", "case__referral")
        .only(*TASK_FIELDS)
        .annotate(
            due_soon=due_soon,
            due_today=ExpressionWrapper(Q(due_on=day), output_field=BooleanField()),
            breached=ExpressionWrapper(Q(due_on__lt=day), output_field=BooleanField()),
            last_contact=Coalesce(Subquery(last_contact), Value(NEVER)),
        )
    )


# What the task list shows: the task, its case's status and risk, and the client's name and date of birth.
TASK_FIELDS = (
    "id", "kind", "title", "due_on", "assigned_to", "completed_at", "cancelled_at", "created_at",
    "case__id", "case__status", "case__risk", "case__case_manager", "case__site", "case__referral",
    "case__person__given_name", "case__person__family_name", "case__person__date_of_birth",
    "case__referral__reference",
)  # fmt: skip
# Fewer joins, less planning: the task list shows no staff names (an unassigned task says so from its id).
TASK_SORTS = {"due": "due_on", "last_contact": "last_contact"}


def task_view(tasks: QuerySet[Task], view: str, *, status: str = "", risk: str = "", kind: str = "") -> QuerySet[Task]:
    """One tab of the task list (all, due today, due soon or breached), narrowed by the case's status and risk
    and the kind of task."""
    if view == "due_today":
        tasks = tasks.filter(Q(due_today=True))
    elif view == "due_soon":
        tasks = tasks.filter(Q(due_soon=True))
    elif view == "breached":
        tasks = tasks.filter(Q(breached=True))
    if status in OPEN_STATUSES:
        tasks = tasks.filter(case__status=status)
    if risk in Risk.values:
        tasks = tasks.filter(case__risk=risk)
    elif risk == "none":
        tasks = tasks.filter(case__risk="")
    if kind in Task.Kind.values:
        tasks = tasks.filter(kind=kind)
    return tasks


@dataclass(frozen=True)
class TeamFilters:
    """The team view's filters; blank means any. Status "open" (the default) is every status but discharged."""

    status: str = "open"
    risk: str = ""
    case_manager: UUID | None = None
    unallocated: bool = False
    breach: bool = False


def _team_scope(team_lead: User, team_ids: list[UUID] | None = None) -> Q:
    """The lead's teams' cases, and their site's cases with no team: a subset of what relationship_filter gives
    a team lead, written as plain column tests so the database can use the team and site indexes."""
    if team_ids is None:
        team_ids = list(team_lead.teams.values_list("pk", flat=True))
    scope = Q(team_id__in=team_ids)
    if team_lead.site_id is not None:
        scope |= Q(team__isnull=True, site_id=team_lead.site_id)
    return scope


def team_cases(
    team_lead: User,
    filters: TeamFilters | None = None,
    *,
    today: date | None = None,
    team_ids: list[UUID] | None = None,
) -> QuerySet[Case]:
    """The cases of the team lead's teams, and their site's cases with no team, filtered; none for anyone else.

    This scope is stricter than `relationship_filter` (a team lead's relationship is exactly their teams,
    their site's unteamed cases, cover and care teams), so the list never shows a case the lead could not
    open; a test holds it to that."""
    if team_lead.role != Role.TEAM_LEAD:
        return Case.objects.none()
    day = _today(today)
    filters = filters or TeamFilters()
    cases = Case.objects.filter(_team_scope(team_lead, team_ids))
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    cases = filter_cases(cases, ListFilters(risk=filters.risk))
    if filters.unallocated:
        cases = cases.filter(case_manager__isnull=True)
    elif filters.case_manager is not None:
        cases = cases.filter(case_manager_id=filters.case_manager)
    cases = with_work_flags(_listed(cases), today=day)
    if filters.breach:
        cases = cases.filter(Q(breached=True))
    return with_status_rank(cases.annotate(manager_name=Coalesce("case_manager__last_name", Value(""))))


NAME_FIELDS = ("id", "first_name", "last_name", "email", "role", "site_id")


def team_case_managers(team_lead: User, team_ids: list[UUID] | None = None) -> list[User]:
    """The case managers in the team lead's teams (or at their site in no team), each with `open_cases`, their
    open caseload size: two queries, the second one grouped count over the caseload index."""
    if team_lead.role != Role.TEAM_LEAD or team_lead.site_id is None:
        return []
    memberships = User.teams.through.objects.filter(user_id=OuterRef("pk"))
    if team_ids is None:
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


def letters_for_case(case: Case) -> list[Letter]:
    """A case's letters, oldest first, with their sends (for the case record; the reader got the case through
    cases.access)."""
    return list(Letter.objects.filter(case=case).select_related("message", "practice").defer("pdf", "content"))


def letters_for_practice(*, case_id: Any, organisation_id: Any) -> list[Letter]:
    """The letters of a case that were written to this GP practice, and only those."""
    if organisation_id is None:
        return []
    return list(
        Letter.objects.filter(case_id=case_id, practice_id=organisation_id)
        .select_related("message")
        .defer("pdf", "content")
    )
