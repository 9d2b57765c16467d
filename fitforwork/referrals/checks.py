"""Checks on a referral's details that the channels' own parsing may not make: what the person checks refuse,
in the service's words, and whether how to reach the referrer fits what a referral keeps."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from fitforwork.people.models import Person
from fitforwork.referrals.inputs import EMAIL_FORMAT, FieldError, ReferralInput, ReferralRefused, is_email
from fitforwork.referrals.models import Referral

__all__ = ["EMAIL_FORMAT", "is_email", "check_referrer", "referrer_problems", "refusal", "same_person"]
REFERRER_WORDS = {"referrer_phone": "the referrer's phone number", "referrer_email": "the referrer's email address"}
REFERRER_NAME_LONGEST: int = Referral._meta.get_field("referrer_name").max_length  # type: ignore[union-attr,assignment]
# A new person's and job's fields, by the names the referral's input gives them.
PERSON_FIELD_NAMES = {"status": "employment_status", NON_FIELD_ERRORS: ""}


def check_referrer(data: ReferralInput) -> None:
    """How to reach the referrer fits what a referral keeps and, for an email address, is one. (Their name is
    cut to fit instead: it often comes from an account or an organisation, which the sender cannot shorten.)"""
    errors = referrer_problems(phone=data.referrer_phone, email=data.referrer_email)
    if errors:
        raise ReferralRefused(errors)


def referrer_problems(*, phone: str, email: str) -> list[FieldError]:
    """What is wrong with how to reach a referrer, every problem at once."""
    errors = []
    for name, value in (("referrer_phone", phone), ("referrer_email", email)):
        longest = getattr(Referral._meta.get_field(name), "max_length", None)
        if longest is not None and len(value) > longest:
            errors.append(FieldError(name, f"Enter {REFERRER_WORDS[name]} in {longest} characters or fewer"))
    if email and not any(error.field == "referrer_email" for error in errors) and not is_email(email):
        errors.append(FieldError("referrer_email", f"Enter the referrer's {EMAIL_FORMAT}"))
    return errors


def same_person(person: Person, data: ReferralInput) -> bool:
    """Whether a record holding the NHS number sent is the person the referral names: same date of birth and
    last name (letter case and outer spaces aside)."""
    return person.date_of_birth == data.date_of_birth and (
        person.family_name.strip().casefold() == data.family_name.strip().casefold()
    )


# The person's fields in words, for the messages below; Django's own serve any other.
PERSON_FIELD_WORDS = {
    "given_name": "the first name",
    "family_name": "the last name",
    "email": "the email address",
    "phone": "the phone number",
    "postcode": "the postcode",
    "address_line_1": "the first line of the address",
    "address_line_2": "the rest of the address",
    "town": "the town or city",
    "employer_name": "the employer's name",
    "job_title": "the job title",
}


def _message(name: str, error: ValidationError) -> str:
    words = PERSON_FIELD_WORDS.get(name)
    if words and error.code == "max_length" and error.params:
        return f"Enter {words} in {error.params['limit_value']} characters or fewer"
    if name == "email" and error.code == "invalid":
        return f"Enter an {EMAIL_FORMAT}"
    return " ".join(error.messages)


def refusal(invalid: ValidationError) -> ReferralRefused:
    """A new person's or job's failed checks, as a refusal naming the referral's fields, in plain words."""
    if not hasattr(invalid, "error_dict"):
        return ReferralRefused([FieldError("", message) for message in invalid.messages])
    return ReferralRefused(
        [
            FieldError(PERSON_FIELD_NAMES.get(name, name), _message(name, error))
            for name, errors in invalid.error_dict.items()
            for error in errors
        ]
    )
