"""Every write to a case: opening, status changes, discharge, reopening, and its tasks.

Status changes go through one `_apply`, which appends a history row, writes an audit event and stamps
the actor. The allowed moves are the table below and docs/adr/0007-case-status-machine.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases import schedule
from fitforwork.cases.access import case_assignees
from fitforwork.cases.letters import letter_case_opened, letter_discharged
from fitforwork.cases.letters import letter_make_now as letter_make_now  # for the letters' download pages
from fitforwork.cases.models import (
    STAGES,
    Case,
    CaseAllocation,
    CaseStatus,
    CaseStatusChange,
    DischargeReason,
    Risk,
    Task,
    WorkStatus,
    stage_rank,
)
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.core.audit.services import audit_record
from fitforwork.core.calendar import add_working_days
from fitforwork.core.versions import bump, check_version, refusals_audited
from fitforwork.organisations.config import ServiceModelConfig
from fitforwork.organisations.models import Team
from fitforwork.organisations.selectors import rules_config
from fitforwork.referrals.models import Referral


class CaseError(Exception):
    """A change to a case or task that its current state does not allow; the message says why."""


class InvalidTransition(CaseError):
    """The case's status cannot move as asked."""


# A stale edit of a case (made from a page showing an older version) is refused and audited under this.
STALE_EDIT_REFUSED = "cases.case.stale_edit_refused"


# Each open status moves forward one step; any open status may be discharged (case_discharge); a
# discharged case may be reopened (case_reopen) to the status it was discharged from, with a reason,
# within the service model's reopen_window_days.
NEXT_STATUS: dict[str, str] = {
    CaseStatus.REFERRED: CaseStatus.CONTACTED,
    CaseStatus.CONTACTED: CaseStatus.ASSESSED,
    CaseStatus.ASSESSED: CaseStatus.PLAN_AGREED,
    CaseStatus.PLAN_AGREED: CaseStatus.ACTIVE_SUPPORT,
}

# Reaching a stage completes the task that asked for it.
COMPLETES: dict[str, str] = {
    CaseStatus.CONTACTED: Task.Kind.FIRST_CONTACT,
    CaseStatus.ASSESSED: Task.Kind.ASSESSMENT,
}

# From assessment until discharge, a case always has a review booked.
REVIEWED_STATUSES = frozenset({CaseStatus.ASSESSED, CaseStatus.PLAN_AGREED, CaseStatus.ACTIVE_SUPPORT})


def _label(status: str) -> str:
    return CaseStatus(status).label.lower()


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("referral", "modified_by").get(pk=case.pk)


def _today() -> date:
    return timezone.localdate()


def _config(case: Case) -> ServiceModelConfig:
    return rules_config(case.rules)


def _status_shown(case: Case) -> str:
    return CaseStatus(case.status).label.lower()


def _check_status_version(case: Case, expected: int | None, *, chosen: str) -> None:
    check_version(case, expected, field="the case", chosen=chosen, shown=_status_shown)


# --- Tasks ---------------------------------------------------------------------------------------------


def _task_create(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    title: str,
    due_on: date,
    automatic: bool,
    assigned_to: User | None = None,
) -> Task:
    owner = assigned_to if assigned_to is not None else case.case_manager
    task = Task(case=case, kind=kind, title=title, due_on=due_on, assigned_to=owner, automatic=automatic)
    task.stamp(actor)
    task.save(force_insert=True)
    audit_record(
        actor=actor,
        action="cases.task.added",
        obj=task,
        data={
            "case": str(case.pk),
            "kind": kind,
            "due_on": due_on,
            "automatic": automatic,
            "assigned_to": str(owner.pk) if owner is not None else "",
        },
    )
    return task


def _task_close(*, task: Task, actor: User, completed: bool, reason: str = "") -> Task:
    now = timezone.now()
    if completed:
        task.completed_at, task.completed_by = now, actor
    else:
        task.cancelled_at = now
    task.stamp(actor)
    task.save(update_fields=["completed_at", "completed_by", "cancelled_at", "modified_at", "modified_by"])
    action = "cases.task.completed" if completed else "cases.task.cancelled"
    audit_record(actor=actor, action=action, obj=task, reason=reason, data={"case": str(task.case_id)})
    return task


def _open_tasks(case: Case, kind: str | None = None) -> list[Task]:
    tasks = Task.objects.select_for_update().filter(case=case, completed_at__isnull=True, cancelled_at__isnull=True)
    if kind is not None:
        tasks = tasks.filter(kind=kind)
    return list(tasks)


def _ensure_review(*, case: Case, actor: User, since: date) -> None:
    """Book the next review if the case is at a reviewed stage and has none open."""
    if case.status in REVIEWED_STATUSES and not _open_tasks(case, Task.Kind.REVIEW):
        due = schedule.review_due(since=since, config=_config(case), nation=case.site.nation)
        _task_create(case=case, actor=actor, kind=Task.Kind.REVIEW, title="Review the case", due_on=due, automatic=True)


def _opening_tasks(*, case: Case, actor: User) -> None:
    config = _config(case)
    nation = case.site.nation
    received_on = timezone.localdate(case.referral.received_at)
    _task_create(
        case=case,
        actor=actor,
        kind=Task.Kind.FIRST_CONTACT,
        title="Make first contact",
        due_on=schedule.first_contact_due(received_on=received_on, config=config, nation=nation),
        automatic=True,
    )
    _task_create(
        case=case,
        actor=actor,
        kind=Task.Kind.ASSESSMENT,
        title="Assess",
        due_on=schedule.assessment_due(received_on=received_on, config=config, nation=nation),
        automatic=True,
    )
    weeks = schedule.case_length_weeks(config=config, employment_status=case.referral.employment_status)
    if weeks is not None:
        _task_create(
            case=case,
            actor=actor,
            kind=Task.Kind.CASE_LENGTH,
            title=f"Case length limit: {weeks} weeks from referral",
            due_on=schedule.case_length_due(received_on=received_on, weeks=weeks, nation=nation),
            automatic=True,
        )


def _reopening_tasks(*, case: Case, actor: User) -> None:
    """A reopened case gets its time standards again, counted from today, for the stages still ahead of it."""
    config = _config(case)
    nation = case.site.nation
    today = _today()
    if case.status == CaseStatus.REFERRED:
        due = schedule.first_contact_due(received_on=today, config=config, nation=nation)
        _task_create(
            case=case, actor=actor, kind=Task.Kind.FIRST_CONTACT, title="Make first contact", due_on=due, automatic=True
        )
    if case.status in (CaseStatus.REFERRED, CaseStatus.CONTACTED):
        due = schedule.assessment_due(received_on=today, config=config, nation=nation)
        _task_create(case=case, actor=actor, kind=Task.Kind.ASSESSMENT, title="Assess", due_on=due, automatic=True)
    _ensure_review(case=case, actor=actor, since=today)


# --- Status changes ------------------------------------------------------------------------------------


def _apply(
    *,
    case: Case,
    to: str,
    actor: User,
    reason: str = "",
    discharge_reason: str = "",
    data: dict[str, str] | None = None,
) -> Case:
    """Move a locked case to `to`: history row, furthest stage, stamp, audit. Callers have checked the move."""
    from_status = case.status
    case.status = to
    if to in STAGES and stage_rank(to) > stage_rank(case.furthest_stage):
        case.furthest_stage = to
    case.stamp(actor)
    bump(case)
    case.save()
    CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to, actor=actor, reason=reason, discharge_reason=discharge_reason
    )
    audit_record(
        actor=actor,
        action=f"cases.case.{to}",
        obj=case,
        reason=reason,
        data={"from": from_status, "to": to, **(data or {})},
    )
    return case


def _status_before_discharge(case: Case) -> str:
    last = case.status_changes.filter(to_status=CaseStatus.DISCHARGED).order_by("-at", "-id").first()
    if last is None or last.from_status not in STAGES:  # pragma: no cover - the history always has it
        raise InvalidTransition(f"{case} has no record of the status it was discharged from.")
    return last.from_status


def _check_reopen(*, case: Case, to: str, reason: str) -> None:
    previous = _status_before_discharge(case)
    if to != previous:
        raise InvalidTransition(
            f"{case} was discharged when {_label(previous)}, so it can only be reopened as {_label(previous)}."
        )
    if not reason.strip():
        raise InvalidTransition("Enter a reason for reopening the case")
    window = _config(case).reopen_window_days
    assert case.discharged_at is not None  # noqa: S101  # the database constraint guarantees it
    days_since = (_today() - timezone.localdate(case.discharged_at)).days
    if days_since > window:
        raise InvalidTransition(
            f"{case} was discharged {days_since} days ago; the service model allows reopening within "
            f"{window} days, so refer the person again instead."
        )


@transaction.atomic
def case_open(*, referral: Referral, actor: User, case_manager: User | None = None, team: Team | None = None) -> Case:
    """Open the case for an accepted referral, at the referral's site and rules, with its time-standard tasks."""
    if referral.status != Referral.Status.ACCEPTED:
        raise InvalidTransition(f"Referral {referral.reference} is not accepted, so no case can be opened for it.")
    if Case.objects.filter(referral=referral).exists():
        raise InvalidTransition(f"Referral {referral.reference} already has a case.")
    if case_manager is not None:
        team = team or _allocation_team(case_manager=case_manager, site_id=referral.site_id)
    case = Case(
        referral=referral,
        person_id=referral.person_id,
        site_id=referral.site_id,
        rules_id=referral.rules_id,
        case_manager=case_manager,
        team=team,
        status=CaseStatus.REFERRED,
        furthest_stage=CaseStatus.REFERRED,
    )
    ensure_can_work_case(actor, case)
    case.stamp(actor)
    case.save(force_insert=True)
    CaseStatusChange.objects.create(case=case, from_status="", to_status=CaseStatus.REFERRED, actor=actor)
    audit_record(
        actor=actor,
        action="cases.case.opened",
        obj=case,
        data={"referral": str(referral.pk), "rules": str(referral.rules_id)},
    )
    if case_manager is not None:
        _allocate_on_opening(case=case, case_manager=case_manager, actor=actor)
    _opening_tasks(case=case, actor=actor)
    letter_case_opened(case=case, actor=actor)
    return case


def _allocation_team(*, case_manager: User, site_id: Any) -> Team | None:
    """The team a newly allocated case joins: its case manager's (first by name) at the case's site."""
    if case_manager.role != Role.CASE_MANAGER or case_manager.site_id != site_id or not case_manager.is_active:
        raise CaseError("Select a case manager at this referral's site.")
    return case_manager.teams.filter(site_id=site_id).order_by("name").first()


def _allocate_on_opening(*, case: Case, case_manager: User, actor: User) -> None:
    """Record the first allocation, made as the referral is accepted, like any later one."""
    reason = (
        "Allocated to themselves on accepting the referral"
        if case_manager.pk == actor.pk
        else ("Allocated on accepting the referral")
    )
    allocation = CaseAllocation.objects.create(case=case, from_user=None, to_user=case_manager, by=actor, reason=reason)
    audit_record(
        actor=actor,
        action="cases.case.allocated",
        obj=case,
        reason=reason,
        data={"from": "", "to": str(case_manager.pk), "allocation": str(allocation.pk), "on_opening": True},
    )


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def case_transition(*, case: Case, to: str, actor: User, reason: str = "", expected_version: int | None = None) -> Case:
    """Move a case one step forward, or reopen a discharged one; discharge goes through case_discharge."""
    ensure_can_work_case(actor, case)
    if to not in CaseStatus.values:
        raise InvalidTransition(f"{to!r} is not a case status.")
    locked = _lock(case)
    _check_status_version(locked, expected_version, chosen=f"to move it to {_label(to)}")
    if to == CaseStatus.DISCHARGED:
        raise InvalidTransition(
            f"{locked} can only be discharged with a discharge reason and the work status at discharge."
        )
    if locked.status == CaseStatus.DISCHARGED:
        _check_reopen(case=locked, to=to, reason=reason)
        return _reopen(case=locked, to=to, actor=actor, reason=reason.strip())
    expected = NEXT_STATUS.get(locked.status)
    if to != expected:
        next_step = f"{_label(expected)} or discharged" if expected else "discharged"
        raise InvalidTransition(
            f"{locked} is {_label(locked.status)}, so it cannot move to {_label(to)}: it can only move to {next_step}."
        )
    moved = _apply(case=locked, to=to, actor=actor, reason=reason.strip())
    kind = COMPLETES.get(to)
    if kind is not None:
        for task in _open_tasks(moved, kind):
            _task_close(task=task, actor=actor, completed=True, reason=f"Case moved to {_label(to)}")
    _ensure_review(case=moved, actor=actor, since=_today())
    return moved


def _reopen(*, case: Case, to: str, actor: User, reason: str) -> Case:
    case.discharged_at = None
    case.discharge_reason = ""
    case.discharge_note = ""
    case.work_status_at_discharge = ""
    case.return_to_work_date = None
    case.reopened_count += 1
    reopened = _apply(case=case, to=to, actor=actor, reason=reason, data={"reopened": "true"})
    _reopening_tasks(case=reopened, actor=actor)
    return reopened


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def case_discharge(
    *,
    case: Case,
    actor: User,
    reason_code: str,
    work_status: str,
    return_to_work_date: date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Discharge an open case with a reason code and the work status at discharge; its open tasks close."""
    ensure_can_work_case(actor, case)
    if reason_code not in DischargeReason.values:
        raise InvalidTransition("Select a reason for discharging the case")
    if work_status not in WorkStatus.values:
        raise InvalidTransition("Select the person's work status at discharge")
    note = note.strip()
    if reason_code == DischargeReason.OTHER and not note:
        raise InvalidTransition("Enter why the case is being discharged")
    if return_to_work_date is not None and return_to_work_date > _today() + timedelta(days=366):
        raise InvalidTransition("The return to work date must be within the next year")
    locked = _lock(case)
    _check_status_version(locked, expected_version, chosen="to discharge it")
    if locked.status == CaseStatus.DISCHARGED:
        raise InvalidTransition(f"{locked} is already discharged.")
    locked.discharged_at = timezone.now()
    locked.discharge_reason = reason_code
    locked.discharge_note = note
    locked.work_status_at_discharge = work_status
    locked.return_to_work_date = return_to_work_date
    data = {"reason_code": reason_code, "work_status": work_status}
    if return_to_work_date is not None:
        data["return_to_work_date"] = return_to_work_date.isoformat()
    discharged = _apply(
        case=locked, to=CaseStatus.DISCHARGED, actor=actor, reason=note, discharge_reason=reason_code, data=data
    )
    for task in _open_tasks(discharged):
        _task_close(task=task, actor=actor, completed=False, reason="Case discharged")
    letter_discharged(case=discharged, actor=actor)
    return discharged


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def case_reopen(*, case: Case, actor: User, reason: str, expected_version: int | None = None) -> Case:
    """Reopen a discharged case, within the service model's window, at the status it was discharged from."""
    ensure_can_work_case(actor, case)
    locked = _lock(case)
    _check_status_version(locked, expected_version, chosen="to reopen it")
    if locked.status != CaseStatus.DISCHARGED:
        raise InvalidTransition(f"{locked} is {_label(locked.status)}, not discharged, so it cannot be reopened.")
    return case_transition(case=locked, to=_status_before_discharge(locked), actor=actor, reason=reason)


def _risk_shown(case: Case) -> str:
    return Risk(case.risk).label if case.risk else "not set"


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def case_set_risk(*, case: Case, actor: User, risk: str, expected_version: int | None = None) -> Case:
    """Record the case manager's judgement of risk (low, medium or high); each change is in the audit trail.

    From a page, `expected_version` is the case's version the page showed: if the case changed since, the
    edit is refused with StaleEdit (core/versions.py), even when the risk itself did not change."""
    ensure_can_work_case(actor, case)
    if risk not in Risk.values:
        raise CaseError("Select the risk: low, medium or high")
    locked = _lock(case)
    check_version(locked, expected_version, field="the risk", chosen=Risk(risk).label, shown=_risk_shown)
    previous = locked.risk
    if previous == risk:
        return locked
    locked.risk = risk
    locked.stamp(actor)
    bump(locked)
    locked.save(update_fields=["risk", "version", "modified_at", "modified_by"])
    audit_record(actor=actor, action="cases.case.risk_set", obj=locked, data={"from": previous, "to": risk})
    return locked


# --- Tasks by hand ---------------------------------------------------------------------------------------


@transaction.atomic
def task_add(
    *,
    case: Case,
    actor: User,
    title: str,
    due_on: date,
    assigned_to: User | None = None,
    kind: str = Task.Kind.MANUAL,
) -> Task:
    """Add a task to an open case by hand, for the case manager unless someone else is named."""
    ensure_can_work_case(actor, case)
    if kind not in Task.Kind.values:
        raise CaseError(f"{kind!r} is not a kind of task.")
    if not title.strip():
        raise CaseError("Enter what the task is")
    locked = _lock(case)
    if locked.status == CaseStatus.DISCHARGED:
        raise CaseError(f"{locked} is discharged, so no task can be added to it.")
    if assigned_to is not None and not case_assignees(locked).filter(pk=assigned_to.pk).exists():
        raise CaseError("Select someone who works on this case")
    return _task_create(
        case=locked,
        actor=actor,
        kind=kind,
        title=title.strip(),
        due_on=due_on,
        automatic=False,
        assigned_to=assigned_to,
    )


@transaction.atomic
def task_complete(*, task: Task, actor: User) -> Task:
    """Record who completed a task and when; completing a review books the next one."""
    locked = Task.objects.select_for_update().select_related("case", "case__site").get(pk=task.pk)
    ensure_can_work_case(actor, locked.case)
    if locked.completed_at is not None:
        raise CaseError(f"The task {locked.title!r} is already complete.")
    if locked.cancelled_at is not None:
        raise CaseError(f"The task {locked.title!r} was closed when its case was discharged.")
    done = _task_close(task=locked, actor=actor, completed=True)
    if done.kind == Task.Kind.REVIEW:
        _ensure_review(case=_lock(done.case), actor=actor, since=_today())
    return done


def task_raise(
    *, case: Case, actor: User | None, kind: str, title: str, due_on: date, assigned_to: User | None
) -> Task:
    """An automatic task raised by another part of the service (a red flag in a client's answers), inside the
    caller's transaction: no permission check, since a client answering online raises it too."""
    return _task_create(
        case=case, actor=actor, kind=kind, title=title, due_on=due_on, automatic=True, assigned_to=assigned_to
    )


# Working days the case manager has to talk to the person after their referrer withdraws the referral.
WITHDRAWN_TASK_WORKING_DAYS = 2


@transaction.atomic
def case_referral_withdrawn(*, case: Case, by: str) -> Task:
    """The referrer withdrew the referral after its case opened: the case is not closed for them (the person
    may still want help), so its case manager gets a task to ask the person."""
    locked = _lock(case)
    due = add_working_days(_today(), WITHDRAWN_TASK_WORKING_DAYS, locked.site.nation)
    return _task_create(
        case=locked,
        actor=None,
        kind=Task.Kind.MANUAL,
        title=f"The referrer ({by[:80]}) withdrew the referral: ask the person whether they want to carry on",
        due_on=due,
        automatic=True,
    )
