"""The assessment form and the pathway decision form; fields render with the NHS.UK macros."""

from __future__ import annotations

from typing import Any

from django import forms

from fitforwork.assessments.models import Assessment
from fitforwork.assessments.models.assessment import HEALTH_OBSTACLES, OTHER_OBSTACLES, WORK_OBSTACLES
from fitforwork.core.choices import EmploymentStatus
from fitforwork.core.forms import DateField, ServiceForm


def _more(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea, max_length=2000)


class AssessmentForm(ServiceForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    main_condition = forms.ChoiceField(
        label="Main condition",
        choices=Assessment.Condition.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the main condition"},
    )
    snomed_code = forms.RegexField(
        label="SNOMED CT code (optional)",
        regex=r"^\s*\d{6,18}\s*$",
        required=False,
        help_text="6 to 18 digits, if you know the code for the condition",
        error_messages={"invalid": "The SNOMED CT code must be 6 to 18 digits"},
    )
    health_obstacles = forms.MultipleChoiceField(
        label="Health", choices=HEALTH_OBSTACLES, required=False, widget=forms.CheckboxSelectMultiple
    )
    health_obstacles_text = _more("More about health obstacles (optional)")
    work_obstacles = forms.MultipleChoiceField(
        label="Work", choices=WORK_OBSTACLES, required=False, widget=forms.CheckboxSelectMultiple
    )
    work_obstacles_text = _more("More about work obstacles (optional)")
    other_obstacles = forms.MultipleChoiceField(
        label="Other: social, money, caring or housing",
        choices=OTHER_OBSTACLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_obstacles_text = _more("More about other obstacles (optional)")
    employment_status = forms.ChoiceField(
        label="Employment",
        choices=EmploymentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their employment"},
    )
    job_title = forms.CharField(label="Job title (optional)", required=False, max_length=200)
    absence_start = DateField(
        label="First day off sick (optional)", noun="the first day off sick", required=False, example="5 10 2026"
    )
    fit_note_status = forms.ChoiceField(
        label="Fit note",
        choices=Assessment.FitNote.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where they are with a fit note"},
    )
    goals = _more("Their own goals, in their words (optional)")
    consent_given = forms.BooleanField(
        label="They have agreed to this assessment and to it being recorded", required=False
    )
    done = forms.BooleanField(label="The assessment is finished", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("done") and not data.get("consent_given"):
            self.add_error("consent_given", "Record their consent to the assessment before saying it is finished")
        return data


class PathwayForm(ServiceForm):
    decision = forms.ChoiceField(
        label="Do you agree with the proposed pathway?",
        choices=[("confirm", "Yes, confirm it"), ("override", "No, choose a different pathway")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you confirm the proposed pathway"},
    )
    chosen = forms.ChoiceField(label="Pathway instead", required=False, widget=forms.RadioSelect, choices=[])
    override_reason = forms.CharField(
        label="Why you are choosing a different pathway", required=False, widget=forms.Textarea, max_length=2000
    )

    def __init__(self, *args: Any, pathways: list[tuple[str, str]], proposed: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [item for item in pathways if item[0] != proposed]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "override":
            if not data.get("chosen"):
                self.add_error("chosen", "Select the pathway you are choosing instead")
            if not (data.get("override_reason") or "").strip():
                self.add_error("override_reason", "Say why you are choosing a different pathway")
        return data
