"""Every write to outcomes: making a case's schedule at discharge and recording an outcome at a time point.

Writes are one transaction each and audited. A client's own answers are audited with no actor.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.assessments.models import QuestionnaireLink, QuestionnaireResponse
from fitforwork.cases import services as case_services
from fitforwork.cases.models import Case, CaseStatus, CaseStatusChange, DischargeReason, Task, WorkStatus
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.core.audit.services import audit_record
from fitforwork.core.choices import EmploymentStatus
from fitforwork.employers import services as employer_services
from fitforwork.organisations.selectors import rules_config
from fitforwork.outcomes import schedule
from fitforwork.outcomes.models import OutcomeMode, OutcomeRecord, OutcomeTimePoint, TimePointKind, TimePointStatus
from fitforwork.outcomes.rules import outcome_problems

# Stages at or past assessment: only a case that engaged gets an outcome schedule.
ENGAGED = (CaseStatus.ASSESSED, CaseStatus.PLAN_AGREED, CaseStatus.ACTIVE_SUPPORT)
# Questionnaires completed this long before discharge count as the discharge time point's.
DISCHARGE_WINDOW = timedelta(days=42)


class OutcomeError(Exception):
    """An outcome the time point cannot take; the message says why."""


def _assessed_at(case: Case) -> date | None:
    change = CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.ASSESSED).order_by("at").only("at").first()
    return timezone.localdate(change.at) if change is not None else None


def _completed(case: Case) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(
        case=case, status=QuestionnaireResponse.Status.COMPLETED, completed_at__isnull=False
    )


def baseline_responses(case: Case) -> list[QuestionnaireResponse]:
    """The first completed response to each questionnaire: the baseline the follow-ups repeat."""
    first: dict[str, QuestionnaireResponse] = {}
    for response in _completed(case).order_by("completed_at"):
        first.setdefault(response.instrument_code, response)
    return list(first.values())


def _discharge_responses(case: Case, baseline: list[QuestionnaireResponse]) -> list[QuestionnaireResponse]:
    assert case.discharged_at is not None  # noqa: S101 - only discharged cases get a schedule
    taken = {response.pk for response in baseline}
    latest: dict[str, QuestionnaireResponse] = {}
    recent = _completed(case).filter(
        completed_at__gte=case.discharged_at - DISCHARGE_WINDOW, completed_at__lte=case.discharged_at
    )
    for response in recent.order_by("completed_at"):
        if response.pk not in taken:
            latest[response.instrument_code] = response
    return list(latest.values())


def _baseline_status(case: Case) -> str | None:
    """The work status at referral, where the referral says it plainly; None when it does not."""
    status = case.referral.employment_status
    if status == EmploymentStatus.EMPLOYED_OFF_SICK or (status and case.referral.absence_start):
        return WorkStatus.OFF_SICK
    if status in (EmploymentStatus.EMPLOYED_AT_WORK, EmploymentStatus.SELF_EMPLOYED):
        return WorkStatus.IN_WORK_USUAL
    if status == EmploymentStatus.UNEMPLOYED:
        return WorkStatus.UNEMPLOYED_SEEKING
    return None


def _discharged_by(case: Case) -> User | None:
    change = CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.DISCHARGED).order_by("-at").first()
    return change.actor if change is not None else None


def needs_schedule(case: Case) -> bool:
    """A discharged case that reached assessment and has no time points yet."""
    return (
        case.status == CaseStatus.DISCHARGED
        and case.discharged_at is not None
        and case.furthest_stage in ENGAGED
        and not OutcomeTimePoint.objects.filter(case=case).exists()
    )


@transaction.atomic
def outcome_schedule_create(*, case: Case, actor: User | None = None) -> list[OutcomeTimePoint]:
    """Make a discharged case's time points from its service model version (once: a second call does nothing).

    The baseline takes the first response to each questionnaire and the work status the referral gives;
    the discharge point takes the work status and return date recorded at discharge. A case discharged with
    consent withdrawn gets no follow-ups: nobody may contact them for one."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("referral", "rules").get(pk=case.pk)
    if not needs_schedule(locked):
        return list(OutcomeTimePoint.objects.filter(case=locked))
    assert locked.discharged_at is not None  # noqa: S101 - needs_schedule checked it
    discharged_on = timezone.localdate(locked.discharged_at)
    planned = schedule.schedule_for(
        rules_config(locked.rules), assessed_on=_assessed_at(locked), discharged_on=discharged_on
    )
    if locked.discharge_reason == DischargeReason.CONSENT_WITHDRAWN:
        planned = [point for point in planned if point.kind != TimePointKind.FOLLOW_UP]
    baseline = baseline_responses(locked)
    made = []
    for point in planned:
        time_point = OutcomeTimePoint(
            case=locked, kind=point.kind, offset_months=point.offset_months, due_on=point.due_on
        )
        time_point.stamp(actor)
        if point.kind == TimePointKind.BASELINE:
            status = _baseline_status(locked)
            time_point.status = TimePointStatus.DONE if (baseline or status) else TimePointStatus.MISSED
            time_point.save(force_insert=True)
            time_point.responses.set(baseline)
            if status:
                _record_new(
                    time_point=time_point, actor=None, work_status=status, mode=OutcomeMode.REFERRAL,
                    return_to_work_date=None, hours_per_week=None, note="",
                    recorded_at=locked.referral.received_at,
                )  # fmt: skip
        elif point.kind == TimePointKind.DISCHARGE:
            time_point.status = TimePointStatus.DONE
            time_point.save(force_insert=True)
            time_point.responses.set(_discharge_responses(locked, baseline))
            _record_new(
                time_point=time_point, actor=_discharged_by(locked), work_status=locked.work_status_at_discharge,
                mode=OutcomeMode.AT_DISCHARGE, return_to_work_date=locked.return_to_work_date,
                hours_per_week=None, note="", recorded_at=locked.discharged_at,
            )  # fmt: skip
        else:
            time_point.save(force_insert=True)
        made.append(time_point)
    audit_record(
        actor=actor,
        action="outcomes.schedule.created",
        obj=locked,
        data={"time_points": [f"{p.kind}:{p.offset_months}:{p.due_on.isoformat()}" for p in planned]},
    )
    return made


def _record_new(
    *,
    time_point: OutcomeTimePoint,
    actor: User | None,
    work_status: str,
    mode: str,
    return_to_work_date: date | None,
    hours_per_week: Decimal | None,
    note: str,
    recorded_at: datetime | None = None,
) -> OutcomeRecord:
    record = OutcomeRecord(
        time_point=time_point,
        work_status=work_status,
        return_to_work_date=return_to_work_date,
        hours_per_week=hours_per_week,
        note=note,
        mode=mode,
        recorded_by=actor,
        recorded_at=recorded_at or timezone.now(),
    )
    record.stamp(actor)
    record.save(force_insert=True)
    return record


def _check(time_point: OutcomeTimePoint, problems: dict[str, str]) -> None:
    if time_point.status == TimePointStatus.MISSED:
        raise OutcomeError(
            f"The {time_point.label.lower()} was missed: it stays missing, so nothing can be recorded for it now"
        )
    if problems:
        raise ValidationError(problems)


def _finish(time_point: OutcomeTimePoint, actor: User | None) -> None:
    time_point.status = TimePointStatus.DONE
    time_point.stamp(actor)
    time_point.save(update_fields=["status", "modified_at", "modified_by"])


@transaction.atomic
def outcome_record(
    *,
    time_point: OutcomeTimePoint,
    actor: User,
    work_status: str,
    mode: str,
    return_to_work_date: date | None = None,
    hours_per_week: Decimal | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> OutcomeRecord:
    """A member of the team records what they found at a time point; it becomes done, and its task complete.

    Raises ValidationError (by field) for a bad outcome, OutcomeError for a missed time point, and
    PermissionDenied unless the actor works the case."""
    locked = OutcomeTimePoint.objects.select_for_update().select_related("case", "case__referral").get(pk=time_point.pk)
    ensure_can_work_case(actor, locked.case)
    if mode not in OutcomeMode.values or mode in (OutcomeMode.CLIENT_ONLINE, OutcomeMode.REFERRAL):
        raise ValidationError({"mode": "Select how you found out"})
    problems = outcome_problems(
        case=locked.case, work_status=work_status, return_to_work_date=return_to_work_date,
        hours_per_week=hours_per_week, today=timezone.localdate(),
    )  # fmt: skip
    _check(locked, problems)
    record = _record_new(
        time_point=locked, actor=actor, work_status=work_status, mode=mode,
        return_to_work_date=return_to_work_date, hours_per_week=hours_per_week, note=note.strip(),
    )  # fmt: skip
    _finish(locked, actor)
    employer_services.return_notice_at_outcome(
        case=locked.case, actor=actor, work_status=work_status, return_to_work_date=return_to_work_date
    )
    if locked.task_id is not None:
        task = Task.objects.get(pk=locked.task_id)
        if task.completed_at is None and task.cancelled_at is None:
            case_services.task_complete(task=task, actor=actor)
    audit_record(
        actor=actor,
        action="outcomes.outcome.recorded",
        obj=locked.case,
        data={"time_point": str(locked.pk), "record": str(record.pk), "work_status": work_status, "mode": mode},
        request=request,
    )
    time_point.status = locked.status
    return record


def time_point_for_link(link: QuestionnaireLink) -> OutcomeTimePoint | None:
    return OutcomeTimePoint.objects.select_related("case", "case__referral").filter(link=link).first()


@transaction.atomic
def outcome_record_by_client(
    *,
    link: QuestionnaireLink,
    work_status: str,
    return_to_work_date: date | None,
    hours_per_week: Decimal | None,
    request: HttpRequest | None = None,
) -> OutcomeRecord:
    """The client answers the follow-up from their link: the work status part. The questionnaires follow on
    the same link; a link with none is used up here."""
    locked_link = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    time_point = time_point_for_link(locked_link)
    if time_point is None or not locked_link.usable:
        raise OutcomeError("This link can no longer be used")
    if OutcomeRecord.objects.filter(time_point=time_point, mode=OutcomeMode.CLIENT_ONLINE).exists():
        raise OutcomeError("These answers have already been sent")
    problems = outcome_problems(
        case=time_point.case, work_status=work_status, return_to_work_date=return_to_work_date,
        hours_per_week=hours_per_week, today=timezone.localdate(), by_client=True,
    )  # fmt: skip
    _check(time_point, problems)
    record = _record_new(
        time_point=time_point, actor=None, work_status=work_status, mode=OutcomeMode.CLIENT_ONLINE,
        return_to_work_date=return_to_work_date, hours_per_week=hours_per_week, note="",
    )  # fmt: skip
    _finish(time_point, None)
    employer_services.return_notice_at_outcome(
        case=time_point.case, actor=None, work_status=work_status, return_to_work_date=return_to_work_date
    )
    if not locked_link.instrument_codes:
        locked_link.used_at = timezone.now()
        locked_link.save(update_fields=["used_at"])
        link.used_at = locked_link.used_at
    audit_record(
        actor=None,
        action="outcomes.outcome.answered",
        obj=time_point.case,
        data={"time_point": str(time_point.pk), "record": str(record.pk), "link": locked_link.pk},
        request=request,
    )
    return record
