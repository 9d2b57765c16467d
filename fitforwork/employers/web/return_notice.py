"""The Consent section's part on telling the employer that the person is back at work: what the employer was told
(or not, and why). The email itself is queued at discharge (`services.case_discharge`); the consent for it is
recorded from the section (`case_consent.return_notice_page`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fitforwork.cases.models import Case
from fitforwork.consent.models import Purpose
from fitforwork.consent.selectors import Answer, consent_allows
from fitforwork.core.outbox.models import Message
from fitforwork.core.presenters import date_long
from fitforwork.employers import services
from fitforwork.employers.selectors import employer_of
from fitforwork.employers.web.forms import ReturnNoticeForm
from fitforwork.organisations.models import Organisation

PREFIX = "return"


@dataclass(frozen=True)
class ReturnNotice:
    """What the page says about telling the employer: the employer, the consent now, and the notice."""

    employer: Organisation | None
    consent: Answer | None
    told: bool
    status: str


def _message_status(message: Message) -> tuple[bool, str]:
    to = f"an email to {message.recipient}"
    if message.status == Message.Status.SENT:
        assert message.sent_at is not None  # noqa: S101  # the database constraint guarantees it
        return True, f"Told on {date_long(message.sent_at.date())}: {to} said the person is back at work."
    if message.status == Message.Status.CANCELLED:
        return False, f"Not told: {message.cancelled_reason}."
    return True, f"To be told: {to}, queued on {date_long(message.created_at.date())}, is waiting to be sent."


def return_notice(case: Case) -> ReturnNotice:
    employer = employer_of(case)
    consent = (
        consent_allows(person=case.person, purpose=Purpose.RETURN_NOTICE, recipient=employer) if employer else None
    )
    sent = list(Message.objects.filter(reference__startswith=f"return:{case.pk}:").order_by("-created_at"))
    if sent:
        kept = [m for m in sent if m.status != Message.Status.CANCELLED] or sent
        told, status = _message_status(kept[0])
        return ReturnNotice(employer, consent, told, status)
    if employer is None:
        status = "Not told: the person's employer is not on our list."
    elif case.status != Case.Status.DISCHARGED:
        agreed = "as the person agreed" if consent else "if the person agrees"
        status = f"Not yet: {employer.name} is told when the case is discharged with the person back at work, {agreed}."
    elif case.work_status_at_discharge not in services.RETURNED:
        status = "Not told: the person was not back at work for their employer when the case was discharged."
    else:
        status = "Not told: when the case was discharged, the person had not agreed to their employer being told."
    return ReturnNotice(employer, consent, False, status)


def return_notice_form(data: Mapping[str, Any] | None = None) -> ReturnNoticeForm:
    return ReturnNoticeForm(data, prefix=PREFIX)
