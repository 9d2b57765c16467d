"""The signed-in referral form (one form, varied by who is referring) and the triage decision form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from fitforwork.accounts.models import Role, User
from fitforwork.core.choices import EmploymentStatus
from fitforwork.core.forms import DateField, ServiceForm, field_keys
from fitforwork.people.models import Condition
from fitforwork.people.nhs_number import normalise_nhs_number, validate_nhs_number
from fitforwork.people.postcodes import normalise_postcode
from fitforwork.referrals.inputs import POSTCODE_FORMAT, longest_message
from fitforwork.referrals.intake import FieldError, ReferralInput, ReferralRefused
from fitforwork.referrals.models import Channel, Source


@dataclass(frozen=True)
class Referrer:
    """How one referring role reaches us: the source recorded and the channel it came through."""

    source: str
    channel: str
    heading: str


REFERRERS: dict[str, Referrer] = {
    Role.GP: Referrer(Source.GP, Channel.GP_FORM, "Refer a patient"),
    Role.EMPLOYER: Referrer(Source.EMPLOYER, Channel.EMPLOYER_FORM, "Refer an employee"),
    Role.JOBCENTRE: Referrer(Source.JOBCENTRE, Channel.JOBCENTRE_FORM, "Refer someone you support"),
    Role.COMMUNITY: Referrer(Source.COMMUNITY, Channel.COMMUNITY_FORM, "Refer someone you support"),
    # The advice line's adviser turns a call into a referral (the full advice line comes later).
    Role.ADVICE_ADVISER: Referrer(Source.ADVICE_LINE, Channel.ADVICE_LINE, "Turn a call into a referral"),
}

IN_WORK = [EmploymentStatus.EMPLOYED_OFF_SICK, EmploymentStatus.EMPLOYED_AT_WORK]


def _choices(choices: Any) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in choices]


class ReferralForm(ServiceForm):
    """What a referrer must tell us; a GP can finish it in under two minutes."""

    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the person's first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the person's last name"}
    )
    date_of_birth = DateField(
        label="Date of birth", limit="past", error_messages={"required": "Enter the person's date of birth"}
    )
    nhs_number = forms.CharField(label="NHS number (optional)", required=False, max_length=20)
    postcode = forms.CharField(label="Postcode", max_length=10, error_messages={"required": "Enter the postcode"})
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=20,
        error_messages={"max_length": longest_message("phone")},  # the shared schema's words (inputs.py)
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
    )
    employment_status = forms.ChoiceField(
        label="Work situation",
        choices=_choices(EmploymentStatus.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's work situation"},
    )
    absence_start = DateField(label="First day off sick", required=False)
    unemployed_since = DateField(label="Date they stopped working", required=False)
    expected_absence_weeks = forms.IntegerField(
        label="How many weeks do you expect them to be off work? (optional)",
        required=False,
        min_value=0,
        max_value=104,
        error_messages={
            "invalid": "Expected weeks off must be a number, like 6",
            "min_value": "Expected weeks off must be 0 or more",
            "max_value": "Expected weeks off must be 104 or fewer",
        },
    )
    condition_category = forms.ChoiceField(
        label="Main health condition affecting work",
        choices=_choices(Condition.Category.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the main health condition affecting work"},
    )
    reason = forms.CharField(
        label="Why are you referring them?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter why you are referring them"},
    )
    written_consent = forms.BooleanField(
        label="The employee has given me written consent to refer them",
        required=False,
    )
    written_consent_date = DateField(label="Date of written consent", required=False)
    consent_given = forms.BooleanField(
        label="The person agrees to be referred and to us contacting them",
        error_messages={"required": "Confirm that the person agrees to be referred"},
    )

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        if source != Source.GP:
            del self.fields["expected_absence_weeks"]
        if source == Source.EMPLOYER:
            status: Any = self.fields["employment_status"]
            status.choices = [(str(s.value), str(s.label)) for s in IN_WORK]
            status.error_messages["required"] = "Select whether the employee is off sick or at work"
            self.fields["consent_given"].label = "The employee agrees to be referred and to us contacting them"
        else:
            del self.fields["written_consent"]
            del self.fields["written_consent_date"]
        if source not in {Source.JOBCENTRE, Source.COMMUNITY, Source.ADVICE_LINE}:
            del self.fields["unemployed_since"]

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError(POSTCODE_FORMAT)
        return postcode

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "phone" in data and "email" in data and not data["phone"].strip() and not data["email"]:
            self.add_error("phone", "Enter a phone number or an email address so we can contact the person")
        off_sick = data.get("employment_status") == EmploymentStatus.EMPLOYED_OFF_SICK
        if off_sick and not data.get("absence_start") and "absence_start" not in self.errors:
            self.add_error("absence_start", "Enter the first day the person was off sick")
        if self.source == Source.EMPLOYER:
            if not data.get("written_consent"):
                self.add_error("written_consent", "Confirm that the employee has given you written consent")
            if not data.get("written_consent_date") and "written_consent_date" not in self.errors:
                self.add_error("written_consent_date", "Enter the date the employee gave written consent")
        return data

    def to_input(self, *, user: User) -> ReferralInput:
        """The validated form as the intake pipeline takes it, with the referrer's own organisation."""
        data = self.cleaned_data
        organisation = user.organisation
        return ReferralInput(
            source=self.source,
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            date_of_birth=data["date_of_birth"],
            nhs_number=data["nhs_number"],
            postcode=data["postcode"],
            phone=data["phone"].strip(),
            email=data["email"],
            employment_status=data["employment_status"],
            absence_start=data.get("absence_start"),
            unemployed_since=data.get("unemployed_since"),
            expected_absence_weeks=data.get("expected_absence_weeks"),
            condition_category=data["condition_category"],
            reason=data["reason"].strip(),
            consent_given=data["consent_given"],
            written_consent_date=data.get("written_consent_date") if data.get("written_consent") else None,
            gp_practice=organisation if self.source == Source.GP else None,
            employer=organisation if self.source == Source.EMPLOYER else None,
            referrer_user=user,
            referrer_organisation=organisation,
            referrer_name=user.get_full_name(),
            referrer_email=user.email,
        )


def parser_for(*, source: str, user: User) -> Any:
    """The `parse` step for intake: validate the posted payload with the form, or refuse with its field errors."""

    def parse(payload: dict[str, Any]) -> ReferralInput:
        form = ReferralForm(payload, source=source)
        if not form.is_valid():
            raise ReferralRefused(
                [FieldError(name, str(message)) for name, messages in form.errors.items() for message in messages]
            )
        return form.to_input(user=user)

    return parse


def changed_answers(sent: dict[str, Any], resent: dict[str, Any], *, source: str) -> list[tuple[str, str, str]]:
    """The form's answers that differ between two sendings, as (question, first sent, sent again)."""
    form = ReferralForm(source=source)
    changes = []
    for name, field in form.fields.items():
        keys = field_keys(name, field.widget)
        before = " ".join(str(sent.get(key) or "") for key in keys).strip()
        after = " ".join(str(resent.get(key) or "") for key in keys).strip()
        if before != after:
            changes.append((str(field.label), before or "Not given", after or "Not given"))
    return changes


class DeclineForm(ServiceForm):
    decline_reason = forms.CharField(
        label="Reason for declining",
        max_length=2000,
        widget=forms.Textarea,
        help_text="The referrer and the person will be told this reason.",
        error_messages={"required": "Enter a reason for declining the referral"},
    )
