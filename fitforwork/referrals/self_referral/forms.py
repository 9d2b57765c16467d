"""The self-referral questions, one form per page, and how a finished set of answers becomes a referral."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from fitforwork.core.choices import EmploymentStatus
from fitforwork.core.forms import DateField, DateInputWidget, ServiceForm
from fitforwork.organisations.models import Organisation
from fitforwork.people.models import Condition
from fitforwork.people.nhs_number import normalise_nhs_number, validate_nhs_number
from fitforwork.people.postcodes import normalise_postcode
from fitforwork.referrals.intake import FieldError, ReferralInput, ReferralRefused
from fitforwork.referrals.models import Source
from fitforwork.referrals.self_referral.practices import (
    gp_practice,
    gp_practices_matching,
    gp_practices_near,
    practice_label,
)

UK_PHONE = re.compile(r"^(\+44|0)[0-9]{9,10}$")
UK_MOBILE = re.compile(r"^(\+447|07)[0-9]{9}$")
DONT_KNOW = "dont_know"


class QuestionForm(ServiceForm):
    """One page of questions; `title` is the page's heading and `summary` its rows on check your answers."""

    title = ""
    hint = ""
    intro_template = ""  # a partial drawn above the questions, such as the privacy notice

    def __init__(self, *args: Any, answers: dict[str, dict[str, str]] | None = None, **kwargs: Any) -> None:
        self.answers = answers or {}  # the other pages' answers, for questions that depend on them
        super().__init__(*args, **kwargs)

    def summary(self) -> list[tuple[str, str]]:
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            rows.append((str(field.label), _words(field, value)))
        return rows


def _words(field: forms.Field, value: Any) -> str:
    if value in (None, ""):
        return "Not given"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Organisation):
        return value.name
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))


class PostcodeForm(QuestionForm):
    title = "What is your postcode?"
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        help_text="For example, LE1 6TP",
        error_messages={"required": "Enter your postcode", "max_length": "Enter a real postcode, like LE1 6TP"},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like LE1 6TP")
        return postcode


class GpPracticeForm(QuestionForm):
    """Practices near the postcode given, or those matching a search (`query`), never every practice at once."""

    title = "Which GP practice are you registered with?"
    gp_practice = forms.ChoiceField(
        label="GP practice",
        widget=forms.RadioSelect,
        help_text="If you do not know, choose \u201cI do not know\u201d and we will use your postcode",
        error_messages={
            "required": "Select your GP practice, or \u201cI do not know\u201d",
            "invalid_choice": "Select your GP practice, or \u201cI do not know\u201d",
        },
    )

    def __init__(self, *args: Any, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.query = " ".join(query.split())[:100]
        postcode = self.answers.get("postcode", {}).get("postcode", "")
        candidates = gp_practices_matching(self.query) if self.query else gp_practices_near(postcode)
        chosen = gp_practice(str(self.data.get("gp_practice") or ""))
        if chosen is not None and chosen not in candidates:
            candidates.insert(0, chosen)  # a practice chosen from an earlier search stays listed and valid
        self.searched = bool(self.query)
        self.found_nothing = self.searched and not candidates
        self.fields["gp_practice"].choices = [  # type: ignore[attr-defined]
            *((str(p.pk), practice_label(p)) for p in candidates),
            (DONT_KNOW, "I do not know"),
        ]
        if self.searched:
            self.fields["gp_practice"].label = f"GP practices matching \u201c{self.query}\u201d"
        elif candidates:
            self.fields["gp_practice"].label = "GP practices near your postcode"

    def practice(self) -> Organisation | None:
        value = self.cleaned_data.get("gp_practice")
        if not value or value == DONT_KNOW:
            return None
        return gp_practice(value)

    def summary(self) -> list[tuple[str, str]]:
        chosen = self.practice()
        return [("GP practice", practice_label(chosen) if chosen else "I do not know")]


class NameForm(QuestionForm):
    title = "What is your name?"
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter your first name"},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter your last name"},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class DateOfBirthForm(QuestionForm):
    title = "What is your date of birth?"
    date_of_birth = DateField(label="Date of birth", noun="your date of birth", limit="past", example="31 3 1980")

    def clean_date_of_birth(self) -> date:
        value: date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if sixteenth_birthday(value) > today:
            raise forms.ValidationError("You must be 16 or over to refer yourself")
        return value


class NhsNumberForm(QuestionForm):
    title = "What is your NHS number?"
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=14,
        help_text="This is a 10 digit number, like 485 777 3456. You can find it on letters from the NHS or in the "
        "NHS App. Leave this blank if you do not know it.",
    )

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value


class ContactForm(QuestionForm):
    title = "How should we contact you?"
    contact_method = forms.ChoiceField(
        label="How would you like us to contact you?",
        widget=forms.RadioSelect,
        choices=[("email", "Email"), ("mobile", "Text message to a mobile"), ("phone", "Phone call")],
        error_messages={"required": "Select how you would like us to contact you"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=20,
        help_text="A UK mobile or landline, like 07700 900 982",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def clean_phone(self) -> str:
        value = re.sub(r"[\s()-]", "", self.cleaned_data["phone"])
        if value and not UK_PHONE.match(value):
            raise forms.ValidationError("Enter a UK phone number, like 07700 900 982 or 0116 496 0000")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        method = cleaned.get("contact_method")
        if method == "email" and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter your email address")
        if method in {"mobile", "phone"} and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter your phone number")
        if method == "mobile" and cleaned.get("phone") and not UK_MOBILE.match(cleaned["phone"]):
            self.add_error("phone", "Enter a UK mobile number, like 07700 900 982")
        return cleaned


class WorkForm(QuestionForm):
    title = "What is your work situation?"
    employment_status = forms.ChoiceField(
        label="Which of these describes you best?",
        widget=forms.RadioSelect,
        choices=EmploymentStatus.choices,
        error_messages={"required": "Select which describes your work situation best"},
    )


SIZE_CHOICES = [*Organisation.SizeBand.choices, ("", "I do not know")]


class EmployerFieldsMixin(ServiceForm):
    employer_name = forms.CharField(
        label="Employer name", max_length=200, error_messages={"required": "Enter the name of your employer"}
    )
    employer_size_band = forms.ChoiceField(
        label="About how many people work for your employer?",
        widget=forms.RadioSelect,
        choices=SIZE_CHOICES,
        required=False,
    )


class OffSickForm(QuestionForm, EmployerFieldsMixin):
    title = "About your time off sick"
    absence_start = DateField(label="First day off sick", noun="the first day you were off sick", example="27 3 2026")
    field_order = ["absence_start", "employer_name", "employer_size_band"]

    def clean_absence_start(self) -> date:
        value: date = self.cleaned_data["absence_start"]
        born = _date_of_birth(self.answers)
        if born is not None and value < sixteenth_birthday(born):
            birthday = sixteenth_birthday(born)
            raise forms.ValidationError(
                "The first day you were off sick must be on or after your 16th birthday "
                f"({birthday.day} {birthday:%B %Y}). This service helps people with work from the age of 16"
            )
        return value


class EmployerForm(QuestionForm, EmployerFieldsMixin):
    title = "Who do you work for?"


class LeftWorkForm(QuestionForm):
    title = "When did you leave work?"
    unemployed_since = DateField(
        label="Date you left your last job", noun="the date you left work", example="15 1 2026"
    )


class ConditionForm(QuestionForm):
    title = "Your health condition"
    condition_category = forms.ChoiceField(
        label="What kind of health condition is affecting your work?",
        widget=forms.RadioSelect,
        choices=[
            (Condition.Category.MUSCULOSKELETAL, "A problem with muscles, bones or joints, like back pain"),
            (Condition.Category.MENTAL_HEALTH, "A mental health condition, like stress, anxiety or depression"),
            (Condition.Category.BOTH, "Both of these"),
            (Condition.Category.OTHER, "Something else"),
        ],
        error_messages={"required": "Select what kind of health condition is affecting your work"},
    )
    condition_description = forms.CharField(
        label="Tell us briefly about your condition",
        widget=forms.Textarea,
        max_length=500,
        error_messages={
            "required": "Tell us briefly about your condition",
            "max_length": "Description must be 500 characters or fewer",
        },
    )


class HelpForm(QuestionForm):
    title = "What would you like help with?"
    help_wanted = forms.CharField(
        label="What would you like help with?",
        widget=forms.Textarea,
        max_length=1000,
        help_text="For example, getting back to work after an injury, or talking to your employer about changes",
        error_messages={
            "required": "Enter what you would like help with",
            "max_length": "What you would like help with must be 1000 characters or fewer",
        },
    )


class PrivacyForm(QuestionForm):
    """The privacy notice, read before consent is asked for; it has no questions, only a Continue button."""

    title = "How we use your information"
    intro_template = "core/privacy_content.jinja"

    def summary(self) -> list[tuple[str, str]]:
        return []


class ConsentForm(QuestionForm):
    title = "Sharing your information"
    intro_template = "referrals/self/consent_intro.jinja"
    consent = forms.BooleanField(
        label="I agree to the service keeping my information and contacting me about this referral",
        error_messages={"required": "Confirm that you agree, so that we can help you"},
    )


@dataclass(frozen=True)
class Page:
    slug: str
    form_class: type[QuestionForm]


PAGES: tuple[Page, ...] = (
    Page("postcode", PostcodeForm),
    Page("gp-practice", GpPracticeForm),
    Page("name", NameForm),
    Page("date-of-birth", DateOfBirthForm),
    Page("nhs-number", NhsNumberForm),
    Page("contact", ContactForm),
    Page("work", WorkForm),
    Page("off-sick", OffSickForm),
    Page("employer", EmployerForm),
    Page("left-work", LeftWorkForm),
    Page("condition", ConditionForm),
    Page("help", HelpForm),
    Page("privacy", PrivacyForm),
    Page("consent", ConsentForm),
)
PAGE_BY_SLUG = {page.slug: page for page in PAGES}
WORK_DETAIL_PAGE = {
    EmploymentStatus.EMPLOYED_OFF_SICK: "off-sick",
    EmploymentStatus.EMPLOYED_AT_WORK: "employer",
    EmploymentStatus.UNEMPLOYED: "left-work",
}
WORK_DETAIL_PAGES = set(WORK_DETAIL_PAGE.values())


def page_sequence(answers: dict[str, dict[str, str]]) -> list[str]:
    """The pages this person sees: only the work page that fits what they said about their work."""
    status = answers.get("work", {}).get("employment_status", "")
    detail = WORK_DETAIL_PAGE.get(status)  # type: ignore[call-overload]
    return [page.slug for page in PAGES if page.slug not in WORK_DETAIL_PAGES or page.slug == detail]


def bound_form(slug: str, answers: dict[str, dict[str, str]], **kwargs: Any) -> QuestionForm:
    """The page's form bound to the answers kept for it, so it validates again exactly as the page did."""
    return PAGE_BY_SLUG[slug].form_class(data=answers.get(slug), answers=answers, **kwargs)


def sixteenth_birthday(born: date) -> date:
    """The day someone turns 16; 29 February birthdays count from 1 March in a year without one."""
    try:
        return born.replace(year=born.year + 16)
    except ValueError:
        return date(born.year + 16, 3, 1)


def _date_of_birth(answers: dict[str, dict[str, str]]) -> date | None:
    if "date-of-birth" not in answers:
        return None
    form = DateOfBirthForm(data=answers["date-of-birth"])
    return form.cleaned_data["date_of_birth"] if form.is_valid() else None


def first_unanswered(answers: dict[str, dict[str, str]]) -> str | None:
    for slug in page_sequence(answers):
        if slug not in answers or not bound_form(slug, answers).is_valid():
            return slug
    return None


def parse_answers(payload: dict[str, Any]) -> ReferralInput:
    """The kept answers as a referral, checked again page by page; any page that fails refuses with its fields."""
    answers: dict[str, dict[str, str]] = payload.get("answers", {})
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    practice: Organisation | None = None
    for slug in page_sequence(answers):
        form = bound_form(slug, answers)
        if not form.is_bound or not form.is_valid():
            messages = [(name, str(e)) for name, errs in form.errors.items() for e in errs] or [
                (next(iter(form.fields), slug), "Answer this question")
            ]
            errors.extend(FieldError(name, message) for name, message in messages)
            continue
        cleaned.update(form.cleaned_data)
        if isinstance(form, GpPracticeForm):
            practice = form.practice()
    if errors:
        raise ReferralRefused(errors)
    name = f"{cleaned['given_name']} {cleaned['family_name']}"
    return ReferralInput(
        source=Source.SELF,
        given_name=cleaned["given_name"],
        family_name=cleaned["family_name"],
        date_of_birth=cleaned["date_of_birth"],
        postcode=cleaned["postcode"],
        gp_practice=practice,
        nhs_number=cleaned.get("nhs_number", ""),
        email=cleaned.get("email", ""),
        phone=cleaned.get("phone", ""),
        employment_status=cleaned["employment_status"],
        absence_start=cleaned.get("absence_start"),
        employer_name=cleaned.get("employer_name", ""),
        employer_size_band=cleaned.get("employer_size_band", ""),
        unemployed_since=cleaned.get("unemployed_since"),
        condition_category=cleaned["condition_category"],
        reason=cleaned["condition_description"],
        help_wanted=cleaned["help_wanted"],
        consent_given=bool(cleaned.get("consent")),
        referrer_name=name,
        referrer_email=cleaned.get("email", ""),
        referrer_phone=cleaned.get("phone", ""),
        extra={"contact_method": cleaned.get("contact_method", ""), "help_wanted": cleaned["help_wanted"]},
    )


def field_kind(field: forms.BoundField) -> str:
    """Which NHS.UK component draws this field."""
    widget = field.field.widget
    if isinstance(widget, DateInputWidget):
        return "date"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(field.field, forms.EmailField):
        return "email"
    return "text"
