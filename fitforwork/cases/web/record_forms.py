"""Forms on the case record: status, discharge, reopening, risk, tasks, contacts and break-glass."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases.contacts import MAX_DURATION_MINUTES
from fitforwork.cases.models import Contact, DischargeReason, Risk, WorkStatus
from fitforwork.core.forms import DateField, ServiceForm
from fitforwork.core.versions import version_field


def _choices(choices: Any) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in choices]


class MoveForm(ServiceForm):
    version = version_field()
    reason = forms.CharField(label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea)


class DischargeForm(ServiceForm):
    version = version_field()
    reason_code = forms.ChoiceField(
        label="Why is the case being discharged?",
        choices=_choices(DischargeReason.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the case is being discharged"},
    )
    work_status = forms.ChoiceField(
        label="What is their work status now?",
        choices=_choices(WorkStatus.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select their work status now"},
    )
    return_to_work_date = DateField(label="Return to work date", required=False, limit="any")
    note = forms.CharField(label="Note", required=False, max_length=4000, widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason_code") == DischargeReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why the case is being discharged")
        # The outcome measures need the date of return (evaluation.md: time to return to work).
        returned = data.get("reason_code") == DischargeReason.RETURNED_TO_WORK
        if returned and data.get("return_to_work_date") is None and "return_to_work_date" not in self.errors:
            self.add_error("return_to_work_date", "Enter the date they went back to work")
        return data


class ReopenForm(ServiceForm):
    version = version_field()
    reason = forms.CharField(
        label="Why are you reopening the case?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter a reason for reopening the case"},
    )


class RiskForm(ServiceForm):
    version = version_field()
    risk = forms.ChoiceField(
        label="Risk",
        choices=_choices(Risk.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the risk: low, medium or high"},
    )


class TaskForm(ServiceForm):
    title = forms.CharField(
        label="What needs doing?", max_length=200, error_messages={"required": "Enter what the task is"}
    )
    due_on = DateField(label="Due date", limit="any")
    assigned_to = forms.ChoiceField(
        label="Who will do it?", widget=forms.RadioSelect, error_messages={"required": "Select who will do it"}
    )

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignees = {str(user.pk): user for user in assignees}
        self.fields["assigned_to"].choices = [  # type: ignore[attr-defined]
            (pk, user.get_full_name() or user.email) for pk, user in self.assignees.items()
        ]

    def assignee(self) -> User:
        return self.assignees[self.cleaned_data["assigned_to"]]


def _now_local() -> datetime:
    return timezone.localtime()


class TimeField(forms.CharField):
    """A time of day typed as 24-hour hours and minutes ("14:30", "9.05" or "0930"), as a `time`."""

    def clean(self, value: Any) -> time | None:  # type: ignore[override]
        text = str(super().clean(value) or "").strip().replace(".", ":")
        if not text:
            return None
        if ":" not in text and text.isdigit() and len(text) in (3, 4):
            text = f"{text[:-2]}:{text[-2:]}"
        hours, _, minutes = text[:8].partition(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
            raise forms.ValidationError("Enter the time as hours and minutes, for example 14:30")
        if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
            raise forms.ValidationError("Enter a real time, for example 14:30")
        return time(int(hours), int(minutes))


class ContactForm(ServiceForm):
    """A contact or attempt: how, what happened, when (today and now unless changed) and how long it took."""

    method = forms.ChoiceField(
        label="How did you contact them?",
        choices=_choices(Contact.Method.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you contacted them"},
    )
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=_choices(Contact.Outcome.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    on = DateField(label="Date of the contact")
    at_time = TimeField(label="Time", error_messages={"required": "Enter the time of the contact"})
    duration_minutes = forms.IntegerField(
        label="How long it took, in minutes (optional)",
        required=False,
        min_value=0,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "invalid": "Enter how long it took as a whole number of minutes, for example 15",
            "min_value": "How long it took must be 0 minutes or more",
            "max_value": f"How long it took must be {MAX_DURATION_MINUTES} minutes or fewer",
        },
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=4000, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        now = _now_local()
        kwargs.setdefault("initial", {"on": now.date(), "at_time": now.strftime("%H:%M")})
        super().__init__(*args, **kwargs)

    def at(self) -> datetime:
        """The date and time given, in the service's time zone."""
        return timezone.make_aware(datetime.combine(self.cleaned_data["on"], self.cleaned_data["at_time"]))


class BreakGlassForm(ServiceForm):
    reason = forms.CharField(
        label="Why do you need to see this case?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter why you need to see this case"},
    )


class BreakGlassReviewForm(ServiceForm):
    outcome = forms.ChoiceField(
        label="Was this access appropriate?",
        choices=[("appropriate", "Yes, it was appropriate"), ("inappropriate", "No, it was not appropriate")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the access was appropriate"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        help_text="If it was not appropriate, say what you have done about it",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "inappropriate" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter what you have done about it")
        return data
