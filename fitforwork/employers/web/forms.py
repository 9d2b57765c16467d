"""The forms of the case's Consent section and of the employer's portal; fields render with the NHS.UK macros."""

from __future__ import annotations

from typing import Any

from django import forms

from fitforwork.consent.models import How
from fitforwork.core.forms import DateField, ServiceForm
from fitforwork.employers.models import RecommendationAnswer

SECTION_CHOICES = (
    ("health", "Health obstacles"),
    ("work", "Work obstacles"),
    ("other", "Other obstacles"),
)


class ShareForm(ServiceForm):
    plan_version = forms.ChoiceField(
        label="Which agreed version of the plan",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the version of the plan the person agreed to share"},
    )
    recipient = forms.ChoiceField(
        label="Who may see it",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the person agreed may see the plan"},
    )
    recipient_name = forms.CharField(label="Name of the organisation", required=False, max_length=200)
    removed_sections = forms.MultipleChoiceField(
        label="Parts the person asked to be left out",
        choices=SECTION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    how = forms.ChoiceField(
        label="How the person gave consent",
        choices=How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the person gave consent"},
    )
    given_on = DateField(label="Date consent was given", noun="the date consent was given", example="4 12 2026")

    def __init__(self, *args: Any, versions: list[tuple[str, str]], recipients: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["plan_version"].choices = versions  # type: ignore[attr-defined]
        self.fields["recipient"].choices = [*recipients, ("other", "Another organisation")]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recipient") == "other" and not (data.get("recipient_name") or "").strip():
            self.add_error("recipient_name", "Enter the name of the organisation")
        return data


class WithdrawForm(ServiceForm):
    how = forms.ChoiceField(
        label="How the person withdrew consent",
        choices=How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the person withdrew consent"},
    )
    given_on = DateField(label="Date consent was withdrawn", noun="the date consent was withdrawn", example="4 12 2026")


IMPLEMENTED = RecommendationAnswer.Implemented.choices
EVIDENCE = (("yes", "Yes, we accept the plan instead of a fit note"), ("no", "No, we still need a fit note"))


class ResponseForm(ServiceForm):
    """One radio group and note per recommendation the employer may see, then the evidence question."""

    accepted_as_evidence = forms.ChoiceField(
        label="Do you accept this plan as evidence of sickness instead of a fit note?",
        choices=EVIDENCE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept the plan as evidence of sickness"},
    )
    evidence_note = forms.CharField(
        label="Anything to add (optional)", widget=forms.Textarea, required=False, max_length=2000
    )

    def __init__(self, *args: Any, recommendations: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.recommendation_fields: list[tuple[str, str]] = []
        for index, (pk, text) in enumerate(recommendations, start=1):
            self.fields[f"rec_{pk}"] = forms.ChoiceField(
                label=f"Recommendation {index}: {text.rstrip(' .')}. Was it put in place?",
                choices=IMPLEMENTED,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select whether recommendation {index} was put in place"},
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=f"Note on recommendation {index} (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea,
            )
            self.recommendation_fields.append((f"rec_{pk}", f"note_{pk}"))

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            radio.removeprefix("rec_"): (self.cleaned_data[radio], self.cleaned_data.get(note) or "")
            for radio, note in self.recommendation_fields
        }


class ReturnNoticeForm(ServiceForm):
    """The person's consent to their employer being told they are back at work (no choice of recipient: the
    case's employer)."""

    how = forms.ChoiceField(
        label="How the person agreed to their employer being told",
        choices=How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the person agreed to their employer being told"},
    )
    given_on = DateField(label="Date they agreed", noun="the date they agreed", example="4 12 2026")
