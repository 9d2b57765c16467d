"""The one schema of a referral, which every channel maps its shape onto, and how intake says no.

Each channel (the public self-referral form, the referrer web form, FHIR, the file import) parses what it was
sent into a `ReferralInput`; the schema then checks what every channel has in common, in the service's words,
so the same details get the same answer whichever way they came.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from fitforwork.accounts.models import User
from fitforwork.organisations.models import Organisation
from fitforwork.people.postcodes import normalise_postcode

EMAIL_FORMAT = "email address in the correct format, like name@example.com"
POSTCODE_FORMAT = "Enter a full UK postcode, like LE1 6TP"
# Dates that cannot be after today, with the words the web form's date fields use for them.
NOT_AFTER_TODAY = {
    "absence_start": "First day off sick",
    "unemployed_since": "Date they stopped working",
    "written_consent_date": "Date of written consent",
}
# The longest each of the person's details may be, as the person's record keeps them, with its words.
LONGEST = {
    "given_name": (100, "the first name"),
    "family_name": (100, "the last name"),
    "phone": (20, "the phone number"),
    "postcode": (10, "the postcode"),
    "address_line_1": (200, "the first line of the address"),
    "address_line_2": (200, "the rest of the address"),
    "town": (100, "the town or city"),
    "employer_name": (200, "the employer's name"),
    "job_title": (200, "the job title"),
}
# The details about the person that a referral keeps exactly as they were sent (`sent_details`).
SENT_FIELDS = (
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
)
_MODELS = {"gp_practice": Organisation, "employer": Organisation, "referrer_organisation": Organisation}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ReferralRefused(Exception):
    """The submission cannot become a referral; each error names the field and says why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except DjangoValidationError:
        return False
    return True


def not_after_today_message(field: str) -> str:
    """What every channel says of a date that cannot be after today (the web form's date fields say it too)."""
    return f"{NOT_AFTER_TODAY[field]} must be today or in the past"


def longest_message(field: str) -> str:
    """What every channel says of one of the person's details that is too long."""
    longest, words = LONGEST[field]
    return f"Enter {words} in {longest} characters or fewer"


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("referral", message)


class ReferralInput(BaseModel):
    """A submission's content once a channel has parsed it: checked here the same way for every channel."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, extra="forbid")

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
    extra: dict[str, Any] = {}

    @field_validator(*LONGEST)
    @classmethod
    def _fits(cls, value: str, info: Any) -> str:
        if len(value) > LONGEST[info.field_name][0]:
            raise _refuse(longest_message(info.field_name))
        return value

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        postcode = normalise_postcode(value)
        if postcode is None:
            raise _refuse(POSTCODE_FORMAT)
        return postcode

    @field_validator(*NOT_AFTER_TODAY)
    @classmethod
    def _not_after_today(cls, value: date | None, info: Any) -> date | None:
        if value is not None and value > timezone.localdate():
            raise _refuse(not_after_today_message(info.field_name))
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not is_email(value):
            raise _refuse(f"Enter an {EMAIL_FORMAT}")
        return value

    def sent_details(self) -> dict[str, str]:
        """The person's details as the sender gave them, for the referral to keep whatever becomes of them."""
        return {name: str(getattr(self, name)) for name in SENT_FIELDS}

    def as_json(self) -> dict[str, Any]:
        """For a background task: JSON, with each record named by its id."""
        data = self.model_dump(mode="json", exclude={*_MODELS, "referrer_user"})
        for name in _MODELS:
            record = getattr(self, name)
            data[name] = str(record.pk) if record is not None else None
        data["referrer_user"] = self.referrer_user.pk if self.referrer_user is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReferralInput:
        """`as_json` read back, with each record fetched again."""
        values = dict(data)
        for name, model in _MODELS.items():
            if values.get(name) is not None:
                values[name] = model.objects.get(pk=values[name])
        if values.get("referrer_user") is not None:
            values["referrer_user"] = User.objects.get(pk=values["referrer_user"])
        return cls.model_validate(values)


def refusal_from_schema(invalid: ValidationError) -> ReferralRefused:
    """The schema's errors as a refusal naming each field, in the service's words."""
    return ReferralRefused(
        [
            FieldError(".".join(str(part) for part in error["loc"]), error["msg"])
            for error in invalid.errors(include_url=False)
        ]
    )
