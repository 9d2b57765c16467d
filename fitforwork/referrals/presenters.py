"""How referrals read on the page: status tags, eligibility in plain words, the first-contact clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from fitforwork.core.calendar import working_days_between
from fitforwork.core.presenters import date_long, datetime_long
from fitforwork.people.nhs_number import format_nhs_number
from fitforwork.referrals.models import Referral

STATUS_TAG_CLASSES = {
    Referral.Status.RECEIVED: "nhsuk-tag--blue",
    Referral.Status.ACCEPTED: "nhsuk-tag--green",
    Referral.Status.DECLINED: "nhsuk-tag--red",
    Referral.Status.WITHDRAWN: "nhsuk-tag--grey",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def status_tag(referral: Referral) -> dict[str, str]:
    """The NHS.UK tag for where the referral is: received, accepted or declined."""
    return {"text": referral.get_status_display(), "classes": STATUS_TAG_CLASSES[Referral.Status(referral.status)]}


def eligibility_reasons(referral: Referral) -> list[str]:
    """Each rule the referral failed, in the words the rules were written in for referrers."""
    return [str(failure.get("message", "")) for failure in referral.eligibility_failures or []]


def eligibility_summary(referral: Referral) -> str:
    return "Eligible" if referral.eligible else "Not eligible"


@dataclass(frozen=True)
class Clock:
    """Working days left to make first contact, or how late it is, by the site's nation's calendar."""

    due: str
    remaining: str
    overdue: bool


def first_contact_clock(referral: Referral, today: date | None = None) -> Clock:
    """'Due Tuesday 24 November' with '2 working days left', 'due today' or 'overdue by 1 working day'."""
    today = today or timezone.localdate()
    due_on = referral.first_contact_due
    due = f"Due {due_on:%A} {date_long(due_on)}"
    nation = referral.site.nation
    if due_on > today:
        left = working_days_between(today, due_on, nation)
        return Clock(due, f"{_plural(left, 'working day')} left", overdue=False)
    if due_on == today:
        return Clock(due, "Due today", overdue=False)
    late = working_days_between(due_on, today, nation)
    if late == 0:
        return Clock(due, "Due today", overdue=False)  # the due day passed over a weekend or bank holiday
    return Clock(due, f"Overdue by {_plural(late, 'working day')}", overdue=True)


def person_name(referral: Referral) -> str:
    return f"{referral.person.given_name} {referral.person.family_name}"


def referral_rows(referral: Referral) -> list[dict[str, Any]]:
    """The summary list of a referral as its referrer and the triage team see it."""
    person = referral.person
    rows = [
        ("Reference", referral.reference),
        ("Name", person_name(referral)),
        ("Date of birth", date_long(person.date_of_birth)),
        ("NHS number", format_nhs_number(person.nhs_number) or "Not given"),
        ("Postcode", person.postcode),
        ("Referred by", referral.get_source_display()),
        ("Received", datetime_long(referral.received_at)),
        ("Work situation", referral.get_employment_status_display() or "Not given"),
    ]
    if referral.absence_start:
        rows.append(("First day off sick", date_long(referral.absence_start)))
    if referral.expected_absence_weeks is not None:
        rows.append(("Expected weeks off", str(referral.expected_absence_weeks)))
    if referral.written_consent_date:
        rows.append(("Written consent given", date_long(referral.written_consent_date)))
    rows += [
        ("Main health condition", referral.get_condition_category_display() or "Not given"),
        ("Reason for referral", referral.reason),
        ("Service", referral.site.name),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]
