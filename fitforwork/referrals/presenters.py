"""How referrals read on the page: status tags, eligibility in plain words, the first-contact clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from fitforwork.core.calendar import working_days_between
from fitforwork.core.presenters import date_long, datetime_long
from fitforwork.people.models import Employment, Person
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
        # As the referrer sent it, even when another person record holds it (see the NHS number check).
        ("NHS number", format_nhs_number(referral.nhs_number or person.nhs_number) or "Not given"),
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


def employer_text(employment: Employment | None) -> str:
    if employment is None:
        return "Not given"
    employer = employment.employer.name if employment.employer is not None else employment.employer_name
    parts = [part for part in (employment.job_title, employer) if part]
    return ", ".join(parts) if parts else "Not given"


def contact_rows(referral: Referral, *, employment: Employment | None) -> list[dict[str, Any]]:
    """What triage needs to make first contact: how to reach them, where they work, what they want help with."""
    person = referral.person
    rows = [
        ("Phone number", person.phone or "Not given"),
        ("Email address", person.email or "Not given"),
        ("Prefers to be contacted by", person.get_preferred_contact_method_display() or "Not said"),
        ("Employer", employer_text(employment)),
        ("Help wanted", referral.help_wanted or "Not asked"),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def _address(person: Person) -> str:
    parts = (person.address_line_1, person.address_line_2, person.town, person.postcode)
    return ", ".join(part for part in parts if part) or "Not given"


def _compared(person: Person, referral: Referral, employment: Employment | None) -> list[tuple[str, str]]:
    return [
        ("Name", f"{person.given_name} {person.family_name}"),
        ("Date of birth", date_long(person.date_of_birth)),
        ("NHS number", format_nhs_number(person.nhs_number) or "Not given"),
        ("Address", _address(person)),
        ("Phone number", person.phone or "Not given"),
        ("Email address", person.email or "Not given"),
        ("GP practice", person.gp_practice.name if person.gp_practice is not None else "Not given"),
        ("Employer", employer_text(employment)),
        ("Referred by", referral.get_source_display()),
        ("Received", datetime_long(referral.received_at)),
        ("Status", referral.get_status_display()),
    ]


def duplicate_rows(
    referral: Referral, earlier: Referral, *, employments: tuple[Employment | None, Employment | None]
) -> list[dict[str, Any]]:
    """The possible duplicate beside the earlier referral, field by field, each detail about the person marked
    the same or different (letter case aside)."""
    this = _compared(referral.person, referral, employments[0])
    that = _compared(earlier.person, earlier, employments[1])
    identity = {"Name", "Date of birth", "NHS number", "Address", "Phone number", "Email address", "GP practice"}
    rows = []
    for (key, mine), (_, theirs) in zip(this, that, strict=True):
        same = mine.casefold() == theirs.casefold()
        rows.append({"key": key, "this": mine, "earlier": theirs, "same": same, "compared": key in identity})
    return rows


def nhs_number_conflict(referral: Referral) -> dict[str, Any] | None:
    """For a referral whose NHS number another person record holds: the details as sent beside that record's,
    as NHS.UK table rows, for the triage team to say whether they are the same person."""
    holder = referral.nhs_number_holder
    if holder is None or not referral.nhs_number_conflict:
        return None
    sent = referral.sent_details or {}
    sent_dob = sent.get("date_of_birth", "")
    pairs = [
        ("NHS number", format_nhs_number(referral.nhs_number), format_nhs_number(holder.nhs_number)),
        (
            "Name",
            f"{sent.get('given_name', '')} {sent.get('family_name', '')}",
            f"{holder.given_name} {holder.family_name}",
        ),
        (
            "Date of birth",
            date_long(date.fromisoformat(sent_dob)) if sent_dob else "Not given",
            date_long(holder.date_of_birth),
        ),
        ("Postcode", sent.get("postcode", "") or "Not given", holder.postcode or "Not given"),
    ]
    return {
        "open": referral.nhs_number_conflict == Referral.NhsNumberConflict.OPEN,
        "outcome": referral.get_nhs_number_conflict_display(),
        "rows": [[{"text": key}, {"text": as_sent}, {"text": held}] for key, as_sent, held in pairs],
    }


SENT_WORDS = {
    "given_name": "First name",
    "family_name": "Last name",
    "email": "Email address",
    "phone": "Phone number",
    "address_line_1": "Address",
    "address_line_2": "Address, second line",
    "town": "Town or city",
    "postcode": "Postcode",
}


def sent_differences(referral: Referral) -> list[dict[str, Any]]:
    """What the referrer sent that the person's record holds differently (a new phone number for someone already
    known, say), as summary-list rows, so nothing sent is dropped without being shown."""
    sent = referral.sent_details or {}
    person = referral.person
    rows = []
    for name, words in SENT_WORDS.items():
        given = str(sent.get(name) or "").strip()
        held = str(getattr(person, name) or "").strip()
        if (
            given
            and given.casefold() != held.casefold()
            and not (name == "postcode" and given.replace(" ", "").upper() == held.replace(" ", "").upper())
        ):
            rows.append({"key": {"text": words}, "value": {"text": f"{given} (the record has: {held or 'nothing'})"}})
    return rows
