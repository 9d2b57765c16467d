"""What a channel hands to intake once it has parsed a submission, and how intake says no."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fitforwork.accounts.models import User
from fitforwork.organisations.models import Organisation


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ReferralRefused(Exception):
    """The submission cannot become a referral; each error names the field and says why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True, kw_only=True)
class ReferralInput:
    """A submission's content once a channel has parsed and validated it."""

    source: str
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str
    reason: str
    condition_category: str
    employment_status: str
    consent_given: bool | None  # None: the sender did not say (a plain FHIR referral); asked at triage
    nhs_number: str = ""
    sex: str = "not_stated"
    email: str = ""
    phone: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    gp_practice: Organisation | None = None
    employer: Organisation | None = None
    employer_name: str = ""
    employer_size_band: str = ""
    job_title: str = ""
    absence_start: date | None = None
    expected_absence_weeks: int | None = None
    unemployed_since: date | None = None
    written_consent_date: date | None = None
    fit_note_requested_or_at_risk: bool = False
    referrer_user: User | None = None
    referrer_organisation: Organisation | None = None
    referrer_name: str = ""
    referrer_email: str = ""
    referrer_phone: str = ""
    help_wanted: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
