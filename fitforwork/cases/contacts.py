"""Contacts with the client: recording each call, visit, text or letter, and counting failed attempts.

A contact made with a referred case moves it to contacted (which completes the first-contact task). After
the service model's number of failed attempts since the last contact made, the case manager is prompted to
discharge the case as not contactable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases.models import Case, CaseStatus, Contact
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.cases.services import CaseError, case_transition
from fitforwork.core.audit.services import audit_record
from fitforwork.organisations.selectors import rules_config

MAX_DURATION_MINUTES = 600
FAILED_OUTCOMES = (Contact.Outcome.ATTEMPTED, Contact.Outcome.DID_NOT_ATTEND)


@dataclass(frozen=True)
class FailedAttempts:
    """Failed attempts since the last contact made, against the service model's limit."""

    count: int
    limit: int

    @property
    def reached(self) -> bool:
        return self.count >= self.limit


@transaction.atomic
def contact_record(
    *,
    case: Case,
    actor: User,
    method: str,
    outcome: str,
    at: datetime,
    note: str = "",
    duration_minutes: int | None = None,
) -> Contact:
    """Record a contact or attempt, when it happened and how long it took (minutes, if given); a contact made
    with a referred case moves it to contacted."""
    ensure_can_work_case(actor, case)
    if method not in Contact.Method.values:
        raise CaseError("Select how you contacted them")
    if outcome not in Contact.Outcome.values:
        raise CaseError("Select what happened")
    if at > timezone.now() + timedelta(minutes=5):
        raise CaseError("The time of the contact must be in the past")
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise CaseError(f"How long it took must be between 0 and {MAX_DURATION_MINUTES} minutes")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == CaseStatus.DISCHARGED:
        raise CaseError(f"{locked} is discharged, so reopen it before recording a contact.")
    contact = Contact.objects.create(
        case=locked,
        method=method,
        outcome=outcome,
        at=at,
        duration_minutes=duration_minutes,
        note=note.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="cases.contact.recorded",
        obj=locked,
        data={
            "contact": contact.pk,
            "method": method,
            "outcome": outcome,
            "at": at.isoformat(),
            "duration_minutes": duration_minutes,
        },
    )
    if outcome == Contact.Outcome.MADE and locked.status == CaseStatus.REFERRED:
        case_transition(case=locked, to=CaseStatus.CONTACTED, actor=actor, reason="First contact made")
    return contact


def failed_attempts(case: Case) -> FailedAttempts:
    """Attempts that did not reach the person (or they did not attend) since the last contact made."""
    contacts = Contact.objects.filter(case=case)
    last_made = contacts.filter(outcome=Contact.Outcome.MADE).order_by("-at", "-id").values_list("at", flat=True)
    since = last_made.first()
    failed = contacts.filter(outcome__in=FAILED_OUTCOMES)
    if since is not None:
        failed = failed.filter(at__gt=since)
    return FailedAttempts(count=failed.count(), limit=rules_config(case.rules).max_failed_contact_attempts)


def contacts_for(case: Case) -> list[Contact]:
    """The case's contacts, newest first, with who recorded each."""
    return list(Contact.objects.filter(case=case).select_related("recorded_by").order_by("-at", "-id"))


def last_contact(case: Case) -> Contact | None:
    """The latest contact or attempt, for the record's summary panel."""
    return Contact.objects.filter(case=case).select_related("recorded_by").order_by("-at", "-id").first()
