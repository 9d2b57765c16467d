"""The plan editor's forms and the fit note forms; fields render with the NHS.UK macros. Each editor form
carries the draft's version (ADR 0021) and has its own prefix, so one page can hold them all."""

from __future__ import annotations

from typing import Any

from django import forms

from fitforwork.core.forms import DateField, ServiceForm
from fitforwork.core.versions import version_field
from fitforwork.plans.models import Adjustment, DiscussedHow, Fitness, FitNote, Profession, RecommendationKind


class DetailsForm(ServiceForm):
    prefix = "details"
    version = version_field()
    period_from = DateField(
        label="Plan starts", noun="the day the plan starts", limit="any", required=False, example="7 12 2026"
    )
    period_to = DateField(
        label="Plan ends", noun="the day the plan ends", limit="any", required=False, example="18 1 2027"
    )
    fitness = forms.ChoiceField(
        label="Fitness for work",
        choices=Fitness.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    further_help = forms.CharField(
        label="Further sources of help", widget=forms.Textarea, required=False, max_length=3000
    )
    discussed_how = forms.ChoiceField(
        label="How the plan was discussed with the person",
        choices=DiscussedHow.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    discussed_on = DateField(
        label="Day it was discussed", noun="the day it was discussed", required=False, example="4 12 2026"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", "The day the plan ends must be on or after the day it starts")
        if data.get("discussed_how") and not data.get("discussed_on") and "discussed_on" not in self.errors:
            self.add_error("discussed_on", "Enter the day it was discussed")
        return data


class RecommendationForm(ServiceForm):
    prefix = "rec"
    version = version_field()
    obstacle = forms.ChoiceField(label="Obstacle", choices=(), error_messages={"required": "Select the obstacle"})
    kind = forms.ChoiceField(
        label="Kind of recommendation",
        choices=RecommendationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of recommendation"},
    )
    adjustment = forms.ChoiceField(
        label="Which workplace adjustment", choices=[("", "Not an adjustment"), *Adjustment.choices], required=False
    )
    intervention = forms.ChoiceField(label="Intervention to refer to", choices=(), required=False)
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea,
        max_length=3000,
        help_text="Say exactly what should happen, so an employer can act on it",
        error_messages={"required": "Enter the recommendation"},
    )

    def __init__(
        self, *args: Any, obstacles: list[tuple[str, str]], interventions: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["obstacle"].choices = obstacles  # type: ignore[attr-defined]
        self.fields["intervention"].choices = [("", "Select an intervention"), *interventions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == RecommendationKind.ADJUSTMENT and not data.get("adjustment"):
            self.add_error("adjustment", "Select which workplace adjustment it is")
        if data.get("kind") == RecommendationKind.ONWARD_REFERRAL and not data.get("intervention"):
            self.add_error("intervention", "Select the intervention to refer the person to")
        return data


class TimetableForm(ServiceForm):
    prefix = "when"
    version = version_field()
    what = forms.CharField(label="What happens", max_length=200, error_messages={"required": "Enter what happens"})
    starts_on = DateField(label="From", noun="the day it starts", limit="any", example="7 12 2026")
    ends_on = DateField(label="To (optional)", noun="the day it ends", limit="any", required=False, example="18 1 2027")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The day it ends must be on or after the day it starts")
        return data


class WeekForm(ServiceForm):
    prefix = "week"
    version = version_field()
    week = forms.IntegerField(
        label="Week", min_value=1, max_value=52, error_messages={"required": "Enter the week number, from 1"}
    )
    hours = forms.DecimalField(
        label="Hours that week (optional)", min_value=0.5, max_value=80, decimal_places=1, required=False
    )
    days = forms.IntegerField(label="Days that week (optional)", min_value=1, max_value=7, required=False)
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("hours") is None and data.get("days") is None and not self.errors:
            self.add_error("hours", "Enter the hours or the days to work that week")
        return data


class VersionOnlyForm(ServiceForm):
    version = version_field()


class FitNoteForm(ServiceForm):
    condition = forms.CharField(label="Condition", max_length=300, error_messages={"required": "Enter the condition"})
    fitness = forms.ChoiceField(
        label="Advice",
        choices=FitNote.Fitness.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the person is not fit for work or may be fit for work"},
    )
    adjustments = forms.MultipleChoiceField(
        label="If they may be fit for work, what would help",
        choices=Adjustment.choices,  # the same four names as the fit note's fields
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comments = forms.CharField(
        label="Comments on the functional effects of their condition",
        widget=forms.Textarea,
        required=False,
        max_length=3000,
    )
    period_from = DateField(label="From", noun="the first day the fit note covers", limit="any", example="7 12 2026")
    period_to = DateField(label="To", noun="the last day the fit note covers", limit="any", example="4 1 2027")
    reassessment_needed = forms.BooleanField(
        label="They need to be assessed again at the end of this period", required=False
    )
    assessed_on = DateField(label="Day of the assessment (optional)", noun="the day of the assessment", required=False)
    assessed_how = forms.ChoiceField(
        label="How they were assessed (optional)",
        choices=FitNote.AssessedHow.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fitness") == FitNote.Fitness.NOT_FIT and data.get("adjustments"):
            self.add_error("adjustments", "Untick the adjustments, or select 'may be fit for work'")
        if data.get("period_from") and data.get("period_to") and data["period_to"] < data["period_from"]:
            self.add_error("period_to", "The last day must be on or after the first day")
        return data


class ReceivedFitNoteForm(FitNoteForm):
    issued_on = DateField(label="Date of issue", noun="the date of issue", example="4 12 2026")
    issuer_name = forms.CharField(
        label="Issuer's name", max_length=200, error_messages={"required": "Enter the issuer's name"}
    )
    issuer_profession = forms.ChoiceField(
        label="Issuer's profession",
        choices=Profession.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the issuer's profession"},
    )


class IssueFitNoteForm(FitNoteForm):
    sickness_started_on = DateField(
        label="First day of sickness",
        noun="the first day of sickness",
        example="20 11 2026",
        help_text="The rules count from it: no fit note covers the first 7 days",
    )
