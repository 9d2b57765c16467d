"""The daily run (`fitforwork outcomes due`): what falls due on a day, done once however often it runs.

1. A discharged case that engaged and has no time points gets its schedule (a case discharged by a path
   other than the discharge page, or before this app existed).
2. A follow-up whose due date has come gets a task for the case manager and, when the person has an email
   address or mobile number, a single-use link (the assessment's QuestionnaireLink, ADR 0024) sent through
   the outbox: work status, return date and hours, then the baseline questionnaires again. The link works
   until the follow-up would count as missed.
3. Questionnaires answered through a follow-up's link join the time point's responses.
4. A follow-up still due after its grace period becomes `missed`, and stays so.

Each step locks the time point and skips it when already done, so running twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fitforwork.assessments.models import QuestionnaireLink, QuestionnaireResponse
from fitforwork.assessments.models.links import token_hash, token_new
from fitforwork.cases import services as case_services
from fitforwork.cases.models import Case, CaseStatus, Task
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.services import message_enqueue
from fitforwork.outcomes import schedule, services
from fitforwork.outcomes.models import OutcomeTimePoint, TimePointKind, TimePointStatus

LINK_TEMPLATE = "outcome_follow_up_link"


@dataclass
class DueResult:
    scheduled: int = 0
    tasks: int = 0
    links: int = 0
    no_contact: int = 0
    responses_linked: int = 0
    missed: int = 0


def follow_up_url(token: str) -> str:
    """The full address of the client's follow-up page (SERVICE_URL in front of the path)."""
    return f"{str(getattr(settings, 'SERVICE_URL', '')).rstrip('/')}{reverse('outcome:start', args=[token])}"


def _instrument_codes(case: Case) -> list[str]:
    return [response.instrument_code for response in services.baseline_responses(case)]


def _send_link(time_point: OutcomeTimePoint) -> QuestionnaireLink | None:
    """Make the follow-up's link and queue its message; None when the person has no email or mobile."""
    person = time_point.case.person
    channels = ((QuestionnaireLink.Channel.EMAIL, person.email), (QuestionnaireLink.Channel.SMS, person.phone))
    for channel, address in channels:
        recipient = (address or "").strip()
        if not recipient:
            continue
        token = token_new()
        now = timezone.now()
        last_day = schedule.missed_after(time_point.due_on)
        expires = timezone.make_aware(datetime.combine(last_day, time.max))
        link = QuestionnaireLink(
            case=time_point.case, instrument_codes=_instrument_codes(time_point.case), token_hash=token_hash(token),
            channel=channel, sent_to=recipient, sent_by=None, created_at=now, expires_at=expires,
        )  # fmt: skip
        contact = settings.SERVICE_CONTACT
        try:
            with transaction.atomic():
                link.save(force_insert=True)
                message_enqueue(
                    channel=channel,
                    template_id=str(settings.NOTIFY_TEMPLATES.get(LINK_TEMPLATE, LINK_TEMPLATE)),
                    template_name=LINK_TEMPLATE,
                    recipient=recipient,
                    personalisation={
                        "first_name": person.preferred_name or person.given_name,
                        "link": follow_up_url(token),
                        "months": str(time_point.offset_months),
                        "expires_on": last_day.strftime("%-d %B %Y"),
                        "service_phone": contact["phone"],
                        "service_email": contact["email"],
                    },
                    reference=f"outcome-follow-up:{time_point.pk}",
                    actor=None,
                )
        except ValidationError:
            continue  # a malformed address: try the other channel
        return link
    return None


@transaction.atomic
def follow_up_start(time_point: OutcomeTimePoint) -> tuple[bool, bool]:
    """Make a due follow-up's task and link, once. Returns (task made, link made)."""
    locked = (
        OutcomeTimePoint.objects.select_for_update(of=("self",))
        .select_related("case", "case__person")
        .get(pk=time_point.pk)
    )
    if locked.status != TimePointStatus.DUE or locked.task_id is not None:
        return False, False
    link = _send_link(locked)
    how = "the client has a link to answer online" if link else "no email or mobile number to send a link to"
    locked.task = case_services.task_raise(
        case=locked.case,
        actor=None,
        kind=Task.Kind.OUTCOME,
        title=f"{locked.label}: record their work status ({how})",
        due_on=schedule.missed_after(locked.due_on),
        assigned_to=locked.case.case_manager,
    )
    locked.link = link
    locked.save(update_fields=["task", "link", "modified_at"])
    audit_record(
        actor=None,
        action="outcomes.follow_up.started",
        obj=locked.case,
        data={"time_point": str(locked.pk), "task": str(locked.task.pk), "link": link.pk if link else None},
    )
    return True, link is not None


def _link_responses(today: date) -> int:
    """Completed questionnaires from recent follow-up links that their time point does not hold yet."""
    added = 0
    recent = OutcomeTimePoint.objects.filter(
        link__isnull=False,
        link__responses__status=QuestionnaireResponse.Status.COMPLETED,
        due_on__gte=today - timedelta(days=2 * schedule.grace_days() + 31),
    ).distinct()
    for time_point in recent.select_related("link"):
        assert time_point.link is not None  # noqa: S101 - filtered above
        held = set(time_point.responses.values_list("pk", flat=True))
        answered = time_point.link.responses.filter(status=QuestionnaireResponse.Status.COMPLETED)
        new = [response for response in answered if response.pk not in held]
        if new:
            time_point.responses.add(*new)
            added += len(new)
    return added


@transaction.atomic
def _mark_missed(today: date) -> int:
    last_due = today - timedelta(days=schedule.grace_days())
    late = OutcomeTimePoint.objects.select_for_update().filter(
        kind=TimePointKind.FOLLOW_UP, status=TimePointStatus.DUE, due_on__lt=last_due
    )
    ids = list(late.values_list("pk", flat=True))
    if ids:
        OutcomeTimePoint.objects.filter(pk__in=ids).update(status=TimePointStatus.MISSED, missed_at=timezone.now())
        audit_record(actor=None, action="outcomes.follow_up.missed", data={"count": len(ids), "on": today.isoformat()})
    return len(ids)


def outcomes_due(today: date | None = None) -> DueResult:
    """Everything that falls due on `today` (default: today), each step once."""
    today = today or timezone.localdate()
    result = DueResult()
    unscheduled = Case.objects.filter(
        status=CaseStatus.DISCHARGED, furthest_stage__in=services.ENGAGED, outcome_time_points__isnull=True
    ).values_list("pk", flat=True)
    for case_id in list(unscheduled):
        if services.outcome_schedule_create(case=Case(pk=case_id)):
            result.scheduled += 1
    result.missed = _mark_missed(today)
    starting = OutcomeTimePoint.objects.filter(
        kind=TimePointKind.FOLLOW_UP, status=TimePointStatus.DUE, due_on__lte=today, task__isnull=True
    )
    for time_point in list(starting):
        task, link = follow_up_start(time_point)
        result.tasks += task
        result.links += link
        result.no_contact += task and not link
    result.responses_linked = _link_responses(today)
    return result
