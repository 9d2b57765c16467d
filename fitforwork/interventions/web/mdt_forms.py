"""Forms for the care team, MDT notes and onward referrals; fields render with the NHS.UK macros."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases.models import CareTeamMember
from fitforwork.core.forms import DateField, ServiceForm
from fitforwork.interventions.models import Intervention, OnwardReferral
from fitforwork.interventions.services import ALLOWED_MOVES


def _name(user: User) -> str:
    return user.get_full_name() or user.email


class CareTeamAddForm(ServiceForm):
    """Who joins the care team, and as what: the discipline is asked only of someone whose discipline the
    service does not already know (`known`: user id to discipline)."""

    user = forms.ChoiceField(label="Who to add", error_messages={"required": "Select who to add to the care team"})
    discipline = forms.ChoiceField(
        label="Their discipline in this care team",
        choices=CareTeamMember.Discipline.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self, *args: Any, candidates: list[User], known: dict[uuid.UUID, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(user.pk): user for user in candidates}
        self.known = known or {}
        labels = dict(CareTeamMember.Discipline.choices)
        choices = [("", "Select a person")]
        for pk, user in self.candidates.items():
            what = labels[self.known[user.pk]] if user.pk in self.known else (user.job_title or user.get_role_display())
            choices.append((pk, f"{_name(user)} ({what})"))
        self.fields["user"].choices = choices  # type: ignore[attr-defined]
        self.fields["user"].error_messages["invalid_choice"] = "Select who to add to the care team"
        if self.known:
            self.fields["discipline"].label = "Their discipline in this care team, if it is not shown by their name"

    @property
    def asks_discipline(self) -> bool:
        """Whether anyone in the list has no known discipline, so the page needs to ask."""
        return any(user.pk not in self.known for user in self.candidates.values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = self.candidates.get(cleaned.get("user") or "")
        if not cleaned.get("discipline"):
            if chosen is not None and chosen.pk in self.known:
                cleaned["discipline"] = self.known[chosen.pk]
            elif chosen is not None or "user" in self.errors:
                self.add_error("discipline", "Select their discipline")
        return cleaned

    def chosen_user(self) -> User:
        return self.candidates[self.cleaned_data["user"]]


class MdtNoteForm(ServiceForm):
    discussed_on = DateField(label="Date of the discussion", noun="the date of the discussion")
    attendees = forms.CharField(
        label="Who took part",
        help_text="Names and disciplines, for example Mei Chen (physiotherapist)",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter who took part in the discussion"},
    )
    note = forms.CharField(
        label="What was discussed",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter what was discussed"},
    )
    actions = forms.CharField(
        label="Actions agreed (optional)",
        help_text="What will be done, and who will do it",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )


class OnwardReferralRequestForm(ServiceForm):
    intervention = forms.ChoiceField(
        label="Which intervention",
        widget=forms.RadioSelect,
        error_messages={"required": "Select an intervention", "invalid_choice": "Select an intervention"},
    )
    requested_on = DateField(label="Date requested", noun="the date requested")
    note = forms.CharField(
        label="Note for the record (optional)",
        help_text="For example, what you hope the intervention will help with",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, interventions: list[Intervention], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"requested_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.interventions = {str(item.pk): item for item in interventions}
        self.fields["intervention"].choices = [(pk, item.name) for pk, item in self.interventions.items()]  # type: ignore[attr-defined]

    def chosen_intervention(self) -> Intervention:
        return self.interventions[self.cleaned_data["intervention"]]


MOVE_LABELS = {
    "accepted": "Accepted by the provider",
    "started": "Started",
    "completed": "Completed",
    "declined": "Declined",
}


class OnwardReferralMoveForm(ServiceForm):
    to = forms.ChoiceField(
        label="What has happened",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has happened", "invalid_choice": "Select what has happened"},
    )
    on = DateField(label="Date it happened", noun="the date it happened")
    reason = forms.CharField(
        label="Reason for declining (if declined)",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, onward_referral: OnwardReferral, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(status, MOVE_LABELS[status]) for status in ALLOWED_MOVES[onward_referral.status]]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("to") == "declined" and not str(cleaned.get("reason", "")).strip():
            self.add_error("reason", "Enter why the referral was declined")
        return cleaned
