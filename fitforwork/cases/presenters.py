"""How a case reads on its page: tags for status, risk and tasks, summary-list rows, history and links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases.models import (
    BreakGlass,
    Case,
    CaseStatus,
    CaseStatusChange,
    Contact,
    DischargeReason,
    Letter,
    Task,
)
from fitforwork.core.calendar import working_days_between
from fitforwork.core.outbox.models import Message
from fitforwork.core.presenters import date_long, datetime_long
from fitforwork.people.nhs_number import format_nhs_number

if TYPE_CHECKING:
    from fitforwork.cases.contacts import FailedAttempts

DUE_SOON_WORKING_DAYS = 2

STATUS_TAG_CLASSES = {
    CaseStatus.REFERRED: "nhsuk-tag--blue",
    CaseStatus.CONTACTED: "nhsuk-tag--aqua-green",
    CaseStatus.ASSESSED: "nhsuk-tag--purple",
    CaseStatus.PLAN_AGREED: "nhsuk-tag--yellow",
    CaseStatus.ACTIVE_SUPPORT: "nhsuk-tag--green",
    CaseStatus.DISCHARGED: "nhsuk-tag--grey",
}
RISK_TAG_CLASSES = {"low": "nhsuk-tag--green", "medium": "nhsuk-tag--yellow", "high": "nhsuk-tag--red"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _row(key: str, value: str) -> dict[str, Any]:
    return {"key": {"text": key}, "value": {"text": value}}


def person_name(case: Case) -> str:
    return f"{case.person.given_name} {case.person.family_name}"


def user_name(user: User | None) -> str:
    if user is None:
        return "Not allocated"
    return user.get_full_name() or user.email


def status_tag(case: Case) -> dict[str, str]:
    """The NHS.UK tag for the case's status."""
    return {"text": case.get_status_display(), "classes": STATUS_TAG_CLASSES[CaseStatus(case.status)]}


def risk_tag(case: Case) -> dict[str, str] | None:
    if not case.risk:
        return None
    return {"text": f"{case.get_risk_display()} risk", "classes": RISK_TAG_CLASSES[case.risk]}


def person_rows(case: Case) -> list[dict[str, Any]]:
    """Who the person is and how to reach them."""
    person = case.person
    address = ", ".join(part for part in (person.address_line_1, person.address_line_2, person.town) if part)
    rows = [
        ("Name", person_name(case)),
        ("Date of birth", date_long(person.date_of_birth)),
        ("NHS number", format_nhs_number(person.nhs_number) or "Not known"),
        ("Phone number", person.phone or "Not given"),
        ("Email address", person.email or "Not given"),
        ("Address", ", ".join(part for part in (address, person.postcode) if part) or "Not given"),
        ("Prefers to be contacted by", person.get_preferred_contact_method_display() or "Not said"),
    ]
    if person.needs_interpreter:
        rows.append(("Interpreter", f"Needs an interpreter ({person.preferred_language})"))
    return [_row(key, value) for key, value in rows]


def referral_rows(case: Case) -> list[dict[str, Any]]:
    referral = case.referral
    return [
        _row(key, value)
        for key, value in (
            ("Reference", referral.reference),
            ("Referred by", referral.get_source_display()),
            ("Received", datetime_long(referral.received_at)),
            ("Reason for referral", referral.reason),
            ("Help wanted", referral.help_wanted or "Not asked"),
        )
    ]


def case_rows(case: Case) -> list[dict[str, Any]]:
    """Where the case is and who works it."""
    rows = [
        ("Furthest stage reached", case.get_furthest_stage_display()),
        ("Case manager", user_name(case.case_manager)),
        ("Team", case.team.name if case.team is not None else f"{case.site.name} (no team yet)"),
        ("Opened", datetime_long(case.opened_at)),
    ]
    if case.status == CaseStatus.DISCHARGED:
        rows += [
            ("Discharged", datetime_long(case.discharged_at)),
            ("Reason for discharge", case.get_discharge_reason_display()),
            ("Work status at discharge", case.get_work_status_at_discharge_display()),
        ]
        if case.return_to_work_date:
            rows.append(("Return to work date", date_long(case.return_to_work_date)))
        if case.discharge_note:
            rows.append(("Discharge note", case.discharge_note))
    return [_row(key, value) for key, value in rows]


@dataclass(frozen=True)
class TaskRow:
    task: Task
    title: str
    due: str
    tag: dict[str, str] | None
    assignee: str


def task_tag(task: Task, *, nation: str, today: date | None = None) -> dict[str, str] | None:
    """'Breached' (red) once the due date has passed, 'Due today' or 'Due soon' (within 2 working days)."""
    today = today or timezone.localdate()
    if task.due_on < today:
        late = working_days_between(task.due_on, today, nation)
        text = f"Breached by {_plural(late, 'working day')}" if late else "Breached"
        return {"text": text, "classes": "nhsuk-tag--red"}
    if task.due_on == today:
        return {"text": "Due today", "classes": "nhsuk-tag--orange"}
    if working_days_between(today, task.due_on, nation) <= DUE_SOON_WORKING_DAYS:
        return {"text": "Due soon", "classes": "nhsuk-tag--yellow"}
    return None


def task_rows(tasks: list[Task], *, nation: str, today: date | None = None) -> list[TaskRow]:
    return [
        TaskRow(
            task=task,
            title=task.title,
            due=date_long(task.due_on),
            tag=task_tag(task, nation=nation, today=today),
            assignee=user_name(task.assigned_to),
        )
        for task in tasks
    ]


def history_rows(changes: list[CaseStatusChange]) -> list[dict[str, str]]:
    """Each status change, newest first, in words."""
    rows = []
    for change in reversed(changes):
        if not change.from_status:
            what = "Case opened"
        else:
            what = f"{CaseStatus(change.from_status).label} to {CaseStatus(change.to_status).label}"
        why = change.reason
        if change.discharge_reason:
            why = " – ".join(part for part in (DischargeReason(change.discharge_reason).label, change.reason) if part)
        rows.append({"when": datetime_long(change.at), "what": what, "who": user_name(change.actor), "why": why})
    return rows


def contact_rows(contacts: list[Contact]) -> list[dict[str, str]]:
    """Each contact: when, how (and for how long), what happened, and who recorded it."""
    return [
        {
            "when": datetime_long(contact.at),
            "method": contact.get_method_display(),
            "duration": "" if contact.duration_minutes is None else _plural(contact.duration_minutes, "minute"),
            "outcome": contact.get_outcome_display(),
            "note": contact.note,
            "who": user_name(contact.recorded_by),
        }
        for contact in contacts
    ]


def next_status_label(status: str | None) -> str:
    return CaseStatus(status).label if status else ""


def break_glass_rows(uses: list[BreakGlass]) -> list[dict[str, Any]]:
    """Each break-glass use as the team lead reviews it: who, which case, when, for how long and why."""
    return [
        {
            "pk": use.pk,
            "who": user_name(use.user),
            "role": use.user.get_role_display(),
            "case_id": use.case_id,
            "person": f"{use.case.person.given_name} {use.case.person.family_name}",
            "granted": datetime_long(use.granted_at),
            "expires": datetime_long(use.expires_at),
            "reason": use.reason,
        }
        for use in uses
    ]


def panel_rows(case: Case, *, last_contact: Contact | None, next_task: Task | None) -> list[dict[str, Any]]:
    """The summary panel at the top of every section: how to reach the person and where the case stands."""
    person = case.person
    stage = case.get_status_display()
    if case.risk:
        stage = f"{stage}, {case.get_risk_display().lower()} risk"
    contact = "None yet"
    if last_contact is not None:
        contact = f"{datetime_long(last_contact.at)}: {last_contact.get_method_display().lower()}, "
        contact += last_contact.get_outcome_display().lower()
    task = "None open"
    if next_task is not None:
        task = f"{next_task.title}, due {date_long(next_task.due_on)}"
    rows = [
        ("Phone number", person.phone or "Not given"),
        ("Email address", person.email or "Not given"),
        ("Prefers", person.get_preferred_contact_method_display() or "Not said"),
        ("Stage and risk", stage if case.risk else f"{stage}, risk not set"),
        ("Last contact", contact),
        ("Next task", task),
    ]
    return [_row(key, value) for key, value in rows]


def alerts(case: Case, *, attempts: FailedAttempts, can_work: bool) -> list[dict[str, str]]:
    """What the reader must not miss, for the top of every section: a possible duplicate, too many failed
    contact attempts. (Red flags from questionnaires join here when assessments record them.)"""
    found = []
    if case.referral.duplicate_status == "flagged":
        found.append(
            {
                "heading": "Possible duplicate",
                "text": "The referral may be for someone the service already has a record of. Triage checks it.",
            }
        )
    if can_work and case.is_open and attempts.reached:
        found.append(
            {
                "heading": f"No contact after {attempts.count} attempts",
                "text": f"The service model allows {attempts.limit} failed attempts to contact someone "
                "before they are discharged as not contactable.",
                "href": reverse("cases:case-discharge", args=[case.pk]) + "?reason=not_contactable",
                "link": "Discharge as not contactable",
            }
        )
    return found


def letter_filename(letter: Letter) -> str:
    """What a letter's PDF is called when downloaded: its kind and the referral's reference."""
    return f"{letter.kind.replace('_', '-')}-{letter.case.referral.reference}.pdf"


def letter_state(letter: Letter) -> dict[str, str]:
    """Where the letter is, as an NHS.UK tag: could not be made, not sent and why, waiting, sent, or failed."""
    message = letter.message
    if letter.status == Letter.Status.FAILED:
        return {"text": "Could not be made", "classes": "nhsuk-tag--red", "detail": "We are trying again."}
    if letter.status == Letter.Status.CANCELLED:
        return {"text": "Cancelled", "classes": "nhsuk-tag--grey", "detail": letter.not_sent_reason}
    if letter.status == Letter.Status.PENDING:
        return {"text": "Being made", "classes": "nhsuk-tag--blue", "detail": "It is sent within a few minutes."}
    if message is None:
        return {"text": "Not sent", "classes": "nhsuk-tag--grey", "detail": letter.not_sent_reason}
    if message.status == Message.Status.SENT:
        return {
            "text": "Sent",
            "classes": "nhsuk-tag--green",
            "detail": f"Emailed on {datetime_long(message.sent_at)}.",
        }
    if message.status == Message.Status.FAILED:
        detail = "A person needs to check whether it arrived." if message.unconfirmed else "We are trying again."
        return {"text": "Could not be sent", "classes": "nhsuk-tag--red", "detail": detail}
    return {"text": "Waiting to send", "classes": "nhsuk-tag--blue", "detail": ""}
