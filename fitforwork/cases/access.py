"""Who may see a case. Every read of a case goes through here and is audited.

Staff see a case through a legitimate relationship: they manage it, they cover for its case manager
(a delegation, for its dates only), it belongs to one of their teams (a case with no team belongs to its
site's case managers and team leads), or they are in its care team. Anyone else on the clinical staff
needs break-glass: a reason, a few hours' access, every read audited, and a review by the team lead.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import BreakGlass, CareTeamMember, Case, CaseStatusChange, Delegation, Task
from fitforwork.core.audit.services import audit_record

CASE_TEAM_ROLES = frozenset({Role.CASE_MANAGER, Role.TEAM_LEAD})
BREAK_GLASS_ROLES = frozenset({Role.CASE_MANAGER, Role.TEAM_LEAD, Role.PRACTITIONER})


class BreakGlassNeeded(PermissionDenied):
    """The reader has no relationship to the case: they may break the glass, with a reason, or go back.

    A kind of PermissionDenied, so a page that does not offer break-glass still answers 403, never 500.
    """

    def __init__(self, case: Case) -> None:
        super().__init__(f"No relationship to case {case.pk}")
        self.case = case


def _covered_managers(user: User, today: date) -> QuerySet[Delegation, Any]:
    return Delegation.objects.filter(
        to_user=user, starts_on__lte=today, ends_on__gte=today, cancelled_at__isnull=True
    ).values("from_user_id")


def relationship_filter(user: User, *, today: date | None = None) -> Q:
    """The cases `user` has a legitimate relationship with, as a filter (break-glass not included)."""
    today = today or timezone.localdate()
    if not user.is_authenticated or user.role not in BREAK_GLASS_ROLES:
        return Q(pk__in=[])
    relationship = Q(Exists(CareTeamMember.objects.filter(case=OuterRef("pk"), user=user, removed_at__isnull=True)))
    if user.role in CASE_TEAM_ROLES:
        relationship |= Q(case_manager=user) | Q(case_manager__in=_covered_managers(user, today))
        relationship |= Q(team__in=user.teams.all())
        if user.site_id is not None:
            relationship |= Q(team__isnull=True, site_id=user.site_id)
    return relationship


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case `user` may open now: their relationships and any unexpired break-glass."""
    now = timezone.now()
    glass = Exists(BreakGlass.objects.filter(case=OuterRef("pk"), user=user, expires_at__gt=now))
    if not user.is_authenticated or user.role not in BREAK_GLASS_ROLES:
        return Case.objects.none()
    return Case.objects.filter(relationship_filter(user) | Q(glass))


def relationship_to(user: User, case: Case) -> str:
    """How `user` may see `case`: 'case_manager', 'cover', 'team', 'care_team', 'break_glass', or '' for none."""
    if not user.is_authenticated or user.role not in BREAK_GLASS_ROLES:
        return ""
    today = timezone.localdate()
    if user.role in CASE_TEAM_ROLES:
        if case.case_manager_id == user.pk:
            return "case_manager"
        if case.case_manager_id and _covered_managers(user, today).filter(from_user_id=case.case_manager_id).exists():
            return "cover"
        if case.team_id is not None and user.teams.filter(pk=case.team_id).exists():
            return "team"
        if case.team_id is None and user.site_id is not None and user.site_id == case.site_id:
            return "team"
    if CareTeamMember.objects.filter(case=case, user=user, removed_at__isnull=True).exists():
        return "care_team"
    if BreakGlass.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).exists():
        return "break_glass"
    return ""


def case_for(request: HttpRequest, case_id: UUID | str, *, purpose: str = "viewed", section: str = "") -> Case:
    """The case for this reader, with the read audited (and which section of the record, if one); 404 if there
    is no such case (or the reader is not clinical staff, who never learn whether it exists); BreakGlassNeeded
    if they have no relationship to it now."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # case pages are for signed-in staff only
    if user.role not in BREAK_GLASS_ROLES:
        raise Http404("No such case")
    case = Case.objects.select_related("person", "site", "referral", "case_manager", "team").filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case")
    relationship = relationship_to(user, case)
    if not relationship:
        raise BreakGlassNeeded(case)
    data = {"path": request.path, "relationship": relationship}
    if section:
        data["section"] = section
    audit_record(actor=user, action=f"cases.case.{purpose}", obj=case, data=data, request=request)
    return case


def case_assignees(case: Case) -> QuerySet[User]:
    """Who may be given a task on `case`: its case manager and its team (or its site's case team when it has
    no team): the people who can complete it. Not its care team, who read the case but do not work its tasks,
    and never someone who could only see it through break-glass."""
    team = Q(teams=case.team_id) if case.team_id is not None else Q(site_id=case.site_id)
    people = Q(pk=case.case_manager_id) | (Q(role__in=CASE_TEAM_ROLES) & team)
    return User.objects.filter(people, is_active=True).distinct().order_by("first_name", "last_name")


def case_to_break_glass(user: User, case_id: UUID | str) -> Case:
    """The case `user` asks to break the glass on: 404 unless it exists and they are clinical staff."""
    if not user.is_authenticated or user.role not in BREAK_GLASS_ROLES:
        raise Http404("No such case")
    case = Case.objects.select_related("site").filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case")
    return case


# --- Reads of a case the reader has already opened through case_for ---------------------------------------


def case_open_tasks(case: Case) -> list[Task]:
    """The case's open tasks, soonest due first, with who each is for."""
    tasks = Task.objects.filter(case=case, completed_at__isnull=True, cancelled_at__isnull=True)
    return list(tasks.select_related("assigned_to").order_by("due_on", "created_at"))


def case_next_task(case: Case) -> Task | None:
    """The open task due soonest, for the record's summary panel."""
    tasks = Task.objects.filter(case=case, completed_at__isnull=True, cancelled_at__isnull=True)
    return tasks.select_related("assigned_to").order_by("due_on", "created_at").first()


def case_task(case: Case, task_id: UUID | str) -> Task:
    """One task of `case`, or 404: a task id from another case never reaches its case's services."""
    task = Task.objects.filter(case=case, pk=task_id).first()
    if task is None:
        raise Http404("No such task")
    return task


def case_history(case: Case) -> list[CaseStatusChange]:
    """The case's status changes in the order they happened, with who made each."""
    return list(CaseStatusChange.objects.filter(case=case).select_related("actor").order_by("at", "id"))
