"""The outcome forms: the staff one on the case record and the client's from a follow-up link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from fitforwork.cases.models import Case, WorkStatus
from fitforwork.core.forms import DateField, ServiceForm
from fitforwork.outcomes.models import OutcomeMode
from fitforwork.outcomes.rules import outcome_problems

STAFF_MODES = [
    (m.value, m.label) for m in (OutcomeMode.PHONE, OutcomeMode.VIDEO, OutcomeMode.FACE_TO_FACE, OutcomeMode.LETTER)
]
CLIENT_STATUS_LABELS = {
    WorkStatus.IN_WORK_USUAL: "Working, doing my usual job",
    WorkStatus.IN_WORK_ADJUSTED: "Working, with changes to my job or hours (such as a phased return)",
    WorkStatus.OFF_SICK: "Off sick from my job",
    WorkStatus.LEFT_JOB: "I have left my job",
    WorkStatus.NEW_JOB: "Working in a new job",
    WorkStatus.UNEMPLOYED_SEEKING: "Not working, and looking for work",
    WorkStatus.NOT_SEEKING: "Not working, and not looking for work",
}


class _OutcomeForm(ServiceForm):
    by_client = False

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "work_status" not in data:
            return data
        problems = outcome_problems(
            case=self.case,
            work_status=data["work_status"],
            return_to_work_date=data.get("return_to_work_date"),
            hours_per_week=data.get("hours_per_week"),
            today=timezone.localdate(),
            by_client=self.by_client,
        )
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class OutcomeForm(_OutcomeForm):
    work_status = forms.ChoiceField(
        label="What is their work status?",
        choices=[(str(v), str(label)) for v, label in WorkStatus.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Select their work status"},
    )
    return_to_work_date = DateField(label="Date they went back to work", required=False, limit="any")
    hours_per_week = forms.DecimalField(
        label="Hours worked a week",
        required=False,
        max_digits=4,
        decimal_places=1,
        error_messages={"invalid": "Hours worked a week must be a number, like 37.5"},
    )
    mode = forms.ChoiceField(
        label="How did you find out?",
        choices=STAFF_MODES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you found out"},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=4000, widget=forms.Textarea)


class ClientOutcomeForm(_OutcomeForm):
    by_client = True
    work_status = forms.ChoiceField(
        label="Which of these best describes you now?",
        choices=[(str(v), CLIENT_STATUS_LABELS[WorkStatus(v)]) for v in WorkStatus.values],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the answer that best describes you now"},
    )
    return_to_work_date = DateField(
        label="If you went back to work, when was your first day back?",
        noun="the date you went back to work",
        required=False,
        limit="any",
    )
    hours_per_week = forms.DecimalField(
        label="If you are working, how many hours a week do you work?",
        required=False,
        max_digits=4,
        decimal_places=1,
        error_messages={"invalid": "Enter the hours as a number, like 30"},
    )
