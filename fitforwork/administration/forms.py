"""The administration pages' forms, with the NHS style guide's messages; fields render with the NHS.UK macros."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from fitforwork.accounts.models import Role
from fitforwork.core.calendar import Nation
from fitforwork.core.forms import ServiceForm
from fitforwork.organisations.models import Organisation, ServiceModel, Site, Team

# Team members: the roles that work in a team. Administrators are made by a superuser in Django's admin.
TEAM_ROLES = [(role.value, role.label) for role in (Role.CASE_MANAGER, Role.PRACTITIONER, Role.TEAM_LEAD)]
TEAM_ROLES.append((Role.ADVICE_ADVISER.value, Role.ADVICE_ADVISER.label))


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names where the form has it, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, [message for e in errors for message in e.messages])
    else:
        form.add_error(None, error.messages)


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class StaffAddForm(ServiceForm):
    first_name = forms.CharField(label="First name", max_length=150, error_messages=_required("Enter their first name"))
    last_name = forms.CharField(label="Last name", max_length=150, error_messages=_required("Enter their last name"))
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=100, required=False)
    role = forms.ChoiceField(
        label="Role", choices=TEAM_ROLES, widget=forms.RadioSelect, error_messages=_required("Select their role")
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.select_related("site").order_by("site__name", "name"),
        empty_label="Select a team",
        error_messages={"required": "Select their team", "invalid_choice": "Select their team"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].error_messages["invalid_choice"] = "Select their role"
        self.fields["team"].label_from_instance = lambda team: f"{team.name}, {team.site.name}"  # type: ignore[attr-defined]


class DeactivateForm(ServiceForm):
    reason = forms.CharField(
        label="Why are you deactivating this account?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("Enter why you are deactivating this account"),
    )


class TeamForm(ServiceForm):
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.order_by("name"),
        empty_label="Select a site",
        error_messages={"required": "Select the team's site", "invalid_choice": "Select the team's site"},
    )
    name = forms.CharField(label="Team name", max_length=200, error_messages=_required("Enter the team's name"))


class SiteForm(ServiceForm):
    name = forms.CharField(label="Site name", max_length=200, error_messages=_required("Enter the site's name"))
    provider = forms.ModelChoiceField(
        label="Provider (the organisation that runs it)",
        queryset=Organisation.objects.exclude(kind__in=[Organisation.Kind.GP_PRACTICE, Organisation.Kind.EMPLOYER]),
        empty_label="Select the provider",
        error_messages={"required": "Select the provider", "invalid_choice": "Select the provider"},
    )
    nation = forms.ChoiceField(
        label="Nation", choices=Nation.choices, widget=forms.RadioSelect, error_messages=_required("Select the nation")
    )
    service_model = forms.ModelChoiceField(
        label="Service model",
        queryset=ServiceModel.objects.order_by("name"),
        empty_label="Select the service model",
        error_messages={"required": "Select the service model", "invalid_choice": "Select the service model"},
    )
    postcode_districts = forms.CharField(
        label="Postcode districts covered",
        help_text="The first half of the postcodes, separated by spaces or commas, for example LE1 LE2 LE3",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    safety_protocol = forms.CharField(
        label="Safety protocol",
        help_text=(
            "What staff should do when a client's answers raise a red flag, such as thoughts of self-harm. "
            "It is shown on the case. Leave it blank to use the standard text."
        ),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nation"].error_messages["invalid_choice"] = "Select the nation"


class OrganisationForm(ServiceForm):
    kind = forms.ChoiceField(
        label="Type of organisation",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Select the type of organisation"),
    )
    name = forms.CharField(label="Name", max_length=200, error_messages=_required("Enter the organisation's name"))
    ods_code = forms.CharField(
        label="ODS code",
        help_text="The Organisation Data Service code. GP practices must have one, for example C82001",
        max_length=10,
        required=False,
    )
    size_band = forms.ChoiceField(
        label="Size (employers only)",
        choices=[("", "Not an employer"), *Organisation.SizeBand.choices],
        required=False,
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    email = forms.EmailField(
        label="Email address for letters (optional)",
        help_text="GP practices: where the service emails its letters about their patients",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.nhs.uk"},
    )
    nation = forms.ChoiceField(label="Nation", choices=[("", "Not given"), *Nation.choices], required=False)
    is_active = forms.BooleanField(label="Open (uncheck when the organisation closes)", required=False, initial=True)


class ServiceModelDraftForm(ServiceForm):
    """A draft of a service model's next version: its rules as JSON, and why they changed."""

    config = forms.CharField(
        label="Rules (JSON)",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
        error_messages=_required("Enter the rules"),
    )
    change_note = forms.CharField(
        label="What changed and why",
        max_length=300,
        error_messages=_required("Enter a change note saying what changed and why"),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_config(self) -> Any:
        try:
            return json.loads(self.cleaned_data["config"])
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"The rules are not valid JSON: {error.msg} on line {error.lineno}, column {error.colno}"
            ) from None


class ServiceModelDetailsForm(ServiceForm):
    """A service model's name and descriptive text; its rules change only by a new version."""

    name = forms.CharField(label="Name", max_length=200, error_messages=_required("Enter the service model's name"))
    description = forms.CharField(label="Description (optional)", required=False, widget=forms.Textarea)
    source = forms.CharField(
        label="Where the rules come from (optional)",
        help_text="Such as the commissioning specification or evaluation report",
        required=False,
        widget=forms.Textarea,
    )


class ServiceModelAddForm(ServiceModelDetailsForm):
    key = forms.SlugField(
        label="Short name",
        help_text="Lower-case letters, numbers and hyphens, for example workwell-leicester. It cannot change later.",
        max_length=60,
        error_messages={
            "required": "Enter a short name",
            "invalid": "Enter a short name using only lower-case letters, numbers and hyphens",
        },
    )
    start_from = forms.ModelChoiceField(
        label="Start from the rules of",
        queryset=ServiceModel.objects.order_by("name"),
        empty_label="Select a service model",
        help_text="Its newest version is copied as version 1; make a new version to change it",
        error_messages={"required": "Select the service model to start from", "invalid_choice": "Select one"},
    )

    field_order = ["name", "key", "description", "source", "start_from"]
