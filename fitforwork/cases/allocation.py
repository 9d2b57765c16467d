"""Who works a case: a team lead allocates or transfers it, and sets up cover while a case manager is away.

Cover (a Delegation) ends by itself: every check compares its dates with today, so nothing has to run on
its last day. Each write records who did it and why, and writes an audit event.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases.access import relationship_to
from fitforwork.cases.models import Case, CaseAllocation, CaseStatus, Delegation, Task
from fitforwork.core.audit.services import audit_record
from fitforwork.core.versions import bump, check_version, refusals_audited


class AllocationError(Exception):
    """An allocation or cover that is not allowed; the message says why, in words for the page."""


def _ensure_team_lead(actor: User) -> None:
    if actor.role != Role.TEAM_LEAD or actor.site_id is None:
        raise AllocationError("Only a team lead can allocate cases or set up cover")


def _ensure_case_manager_at(user: User, site_id: object, who: str) -> None:
    if user.role != Role.CASE_MANAGER or user.site_id != site_id or not user.is_active:
        raise AllocationError(f"Select {who} who is a case manager at this site")


def _manager_shown(case: Case) -> str:
    manager = case.case_manager
    return f"allocated to {manager.get_full_name() or manager.email}" if manager is not None else "unallocated"


@refusals_audited("cases.case.stale_edit_refused")
@transaction.atomic
def case_allocate(*, case: Case, to_user: User, actor: User, reason: str, expected_version: int | None = None) -> Case:
    """Give a case to a case manager at its site; their predecessor's open tasks on it move with it.

    From a page, `expected_version` is the case's version the page showed; a stale one raises StaleEdit."""
    _ensure_team_lead(actor)
    locked = Case.objects.select_for_update(of=("self",)).select_related("case_manager", "modified_by").get(pk=case.pk)
    check_version(
        locked,
        expected_version,
        field="the case",
        chosen=f"to allocate it to {to_user.get_full_name() or to_user.email}",
        shown=_manager_shown,
    )
    if actor.site_id != locked.site_id or relationship_to(actor, locked) not in ("team", "case_manager", "cover"):
        raise AllocationError("You can only allocate your own teams' cases")
    if locked.status == CaseStatus.DISCHARGED:
        raise AllocationError("This case is discharged, so it cannot be allocated")
    _ensure_case_manager_at(to_user, locked.site_id, "someone")
    reason = reason.strip()
    if not reason:
        raise AllocationError("Enter why the case is being allocated")
    if locked.case_manager_id == to_user.pk:
        raise AllocationError("This case is already allocated to that case manager")
    previous_id = locked.case_manager_id
    moved_tasks = 0
    if previous_id is not None:
        now = timezone.now()
        moved_tasks = Task.objects.filter(
            case=locked, assigned_to_id=previous_id, completed_at__isnull=True, cancelled_at__isnull=True
        ).update(assigned_to=to_user, modified_at=now, modified_by=actor)
    # A case follows its case manager into their team, so the right team lead sees it.
    team_changed = False
    if locked.team_id is not None and not to_user.teams.filter(pk=locked.team_id).exists():
        new_team = to_user.teams.filter(site_id=locked.site_id).order_by("name").first()
        locked.team = new_team
        team_changed = True
    locked.case_manager = to_user
    locked.stamp(actor)
    bump(locked)
    locked.save(update_fields=["case_manager", "team", "version", "modified_at", "modified_by"])
    allocation = CaseAllocation.objects.create(
        case=locked, from_user_id=previous_id, to_user=to_user, by=actor, reason=reason
    )
    audit_record(
        actor=actor,
        action="cases.case.allocated",
        obj=locked,
        reason=reason,
        data={
            "from": str(previous_id or ""),
            "to": str(to_user.pk),
            "allocation": str(allocation.pk),
            "tasks_moved": moved_tasks,
            "team": str(locked.team_id or "") if team_changed else "unchanged",
        },
    )
    return locked


def _check_cover(*, actor: User, from_user: User, to_user: User, starts_on: date, ends_on: date) -> None:
    _ensure_team_lead(actor)
    _ensure_case_manager_at(from_user, actor.site_id, "the person who is away,")
    _ensure_case_manager_at(to_user, actor.site_id, "someone to cover")
    if from_user.pk == to_user.pk:
        raise AllocationError("Select someone else to cover: a person cannot cover for themselves")
    if ends_on < starts_on:
        raise AllocationError("The last day of cover must be the same as or after the first day")
    if ends_on < timezone.localdate():
        raise AllocationError("The last day of cover must be today or in the future")


@transaction.atomic
def delegation_add(
    *, from_user: User, to_user: User, starts_on: date, ends_on: date, reason: str, actor: User
) -> Delegation:
    """Cover for leave: `to_user` works `from_user`'s cases from `starts_on` to `ends_on`, then it ends."""
    _check_cover(actor=actor, from_user=from_user, to_user=to_user, starts_on=starts_on, ends_on=ends_on)
    reason = reason.strip()
    if not reason:
        raise AllocationError("Enter why cover is needed, for example annual leave")
    delegation = Delegation.objects.create(
        from_user=from_user, to_user=to_user, starts_on=starts_on, ends_on=ends_on, reason=reason, created_by=actor
    )
    audit_record(
        actor=actor,
        action="cases.delegation.added",
        obj=delegation,
        reason=reason,
        data={"from": str(from_user.pk), "to": str(to_user.pk), "starts_on": starts_on, "ends_on": ends_on},
    )
    return delegation


@transaction.atomic
def delegation_cancel(*, delegation: Delegation, actor: User, reason: str = "") -> Delegation:
    """End cover early (or before it starts); the record stays, marked cancelled."""
    _ensure_team_lead(actor)
    locked = Delegation.objects.select_for_update().select_related("from_user").get(pk=delegation.pk)
    if locked.from_user.site_id != actor.site_id:
        raise AllocationError("You can only cancel cover at your own site")
    if locked.cancelled_at is not None:
        raise AllocationError("This cover is already cancelled")
    if locked.ends_on < timezone.localdate():
        raise AllocationError("This cover has already ended")
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at"])
    audit_record(actor=actor, action="cases.delegation.cancelled", obj=locked, reason=reason.strip())
    return locked
