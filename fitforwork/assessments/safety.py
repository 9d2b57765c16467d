"""Red flags: an answer that needs someone to act today (PHQ-9 item 9 above 0, thoughts of self-harm).

`on_flags` runs in the transaction that completes a response, whoever recorded it (staff, or the client
online), so the flag, its urgent task and the message to the team lead exist if and only if the answers do.
`red_flag_close` is the only way a flag ends: a named member of staff says what was done; nothing is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.assessments import registry
from fitforwork.assessments.models import QuestionnaireResponse, RedFlag
from fitforwork.cases.models import Case, Task
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.cases.services import task_complete, task_raise
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.services import message_enqueue

RED_FLAG_TEMPLATE = "red_flag_raised"


class RedFlagError(Exception):
    """A red flag cannot be changed as asked; the message says why."""


def _instrument_name(response: QuestionnaireResponse) -> str:
    try:
        found = registry.definition_get(response.instrument_code, response.instrument_version)
    except registry.UnknownInstrument:
        return response.instrument_code
    return (found.short_title or found.title)[:60]


def _red_flags(response: QuestionnaireResponse) -> list[tuple[str, str]]:
    """The response's red flags (not amber ones) as (code, label), the label from the instrument's definition."""
    try:
        rules = {
            rule.code: rule
            for rule in registry.definition_get(response.instrument_code, response.instrument_version).flags
        }
    except registry.UnknownInstrument:
        rules = {}
    found = []
    for code in response.flags or []:
        rule = rules.get(code)
        if rule is not None and rule.severity != "red":
            continue
        found.append((code, rule.label if rule is not None else code))
    return found


def red_flag_task_title(instrument_name: str) -> str:
    """The urgent task's title (the demo's red flags use it too)."""
    return f"Red flag in {instrument_name}: contact the person today and follow the safety protocol"


def team_leads_for(case: Case) -> QuerySet[User]:
    """The active team leads of the case's team; with no team (or none in it), the team leads of its site."""
    leads = User.objects.filter(role=Role.TEAM_LEAD, is_active=True).order_by("last_name", "first_name", "pk")
    if case.team_id is not None:
        in_team = leads.filter(teams=case.team_id)
        if in_team.exists():
            return in_team
    return leads.filter(site_id=case.site_id)


def _case_url(case: Case) -> str:
    return settings.SERVICE_URL.rstrip("/") + reverse("cases:questionnaires", args=[case.pk])


def _notify(*, case: Case, leads: list[User], actor: User | None) -> None:
    for lead in leads:
        if not lead.email:
            continue
        message_enqueue(
            channel="email",
            template_id=str(settings.NOTIFY_TEMPLATES.get(RED_FLAG_TEMPLATE, RED_FLAG_TEMPLATE)),
            template_name=RED_FLAG_TEMPLATE,
            recipient=lead.email,
            # Nothing that identifies the client: the case reference and a link that needs a sign-in.
            personalisation={
                "first_name": lead.first_name,
                "case_reference": case.referral.reference,
                "case_link": _case_url(case),
                "service_name": settings.SERVICE_NAME,
            },
            reference=f"red_flag:{case.pk}",
            actor=actor,
        )


def on_flags(response: QuestionnaireResponse, actor: User | None) -> list[RedFlag]:
    """Raise each red flag in a just-completed response: the flag, an urgent task due today for the case
    manager (or the team lead when the case has none), and an email to the team lead. Audited.

    Called inside the transaction that completes the response; `actor` is None when the client answered."""
    flags = _red_flags(response)
    if not flags:
        return []
    case = response.case
    staff = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    leads = list(team_leads_for(case))
    owner = case.case_manager if case.case_manager_id is not None else (leads[0] if leads else None)
    raised = []
    for code, label in flags:
        task = task_raise(
            case=case,
            actor=staff,
            kind=Task.Kind.RED_FLAG,
            title=red_flag_task_title(_instrument_name(response)),
            due_on=timezone.localdate(),
            assigned_to=owner,
        )
        red_flag = RedFlag(case=case, response=response, code=code, label=label[:200], raised_by=staff, task=task)
        red_flag.save(force_insert=True)
        audit_record(
            actor=staff,
            action="assessments.red_flag.raised",
            obj=red_flag,
            data={
                "case": str(case.pk),
                "response": str(response.pk),
                "code": code,
                "task": str(task.pk),
                "assigned_to": str(owner.pk) if owner is not None else "",
                "by_client": staff is None,
            },
        )
        raised.append(red_flag)
    _notify(case=case, leads=leads, actor=staff)
    return raised


@transaction.atomic
def red_flag_close(*, red_flag: RedFlag, actor: User, action_taken: str) -> RedFlag:
    """Close an open red flag, saying what was done; the flag and what was done stay in the case's history."""
    # Lock the flag's row only (its task is a nullable join, which PostgreSQL will not lock); task_complete
    # locks the task.
    locked = RedFlag.objects.select_for_update(of=("self",)).select_related("case", "task").get(pk=red_flag.pk)
    ensure_can_work_case(actor, locked.case)
    if locked.closed_at is not None:
        raise RedFlagError("This red flag is already closed.")
    action_taken = action_taken.strip()
    if not action_taken:
        raise ValidationError({"action_taken": "Enter what was done"})
    locked.closed_at, locked.closed_by, locked.action_taken = timezone.now(), actor, action_taken
    locked.save(update_fields=["closed_at", "closed_by", "action_taken"])
    task = locked.task
    if task is not None and task.completed_at is None and task.cancelled_at is None:
        task_complete(task=task, actor=actor)
    audit_record(
        actor=actor,
        action="assessments.red_flag.closed",
        obj=locked,
        reason=action_taken,
        data={"case": str(locked.case_id), "code": locked.code},
    )
    return locked
