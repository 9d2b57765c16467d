"""Forms for the work lists: the team view's filters, reallocating a case, and setting up cover."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from fitforwork.accounts.models import User
from fitforwork.cases.models import CaseStatus, Risk, Task
from fitforwork.cases.selectors import CASE_LIST_SORTS, OPEN_STATUSES, TASK_SORTS, TEAM_SORTS, ListFilters, TeamFilters
from fitforwork.core.forms import DateField, ServiceForm
from fitforwork.core.versions import version_field

UNALLOCATED = "unallocated"


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(str(value))


def _manager_or_unallocated(value: str) -> uuid.UUID | str:
    return UNALLOCATED if value == UNALLOCATED else _uuid(value)


def _person(user: User) -> str:
    return user.get_full_name() or user.email


PAGE_SIZES = [(25, "25"), (50, "50"), (100, "100")]
OPEN_STATUS_CHOICES = [(value, label) for value, label in CaseStatus.choices if value in OPEN_STATUSES]
RISK_CHOICES = [("", "Any risk"), *Risk.choices, ("none", "Not yet assessed")]


class PageSizeField(forms.IntegerField):
    """The page size: offered as 25, 50 or 100 (a select box), any size from 1 to 100 accepted from a link."""

    def __init__(self, label: str) -> None:
        super().__init__(label=label, required=False, min_value=1, max_value=100)
        self.choices = PAGE_SIZES


def page_size(form: forms.Form) -> int:
    """The page size the person chose (25, 50 or 100), 25 when they chose none."""
    size = form.cleaned_data.get("size") if form.is_valid() else None
    return int(size) if size else PAGE_SIZES[0][0]


class CaseloadFilterForm(ServiceForm):
    """GET parameters of the caseload; anything unexpected falls back to the default."""

    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All open cases"), *OPEN_STATUS_CHOICES])
    risk = forms.ChoiceField(label="Risk", required=False, choices=RISK_CHOICES)
    breach = forms.BooleanField(label="Only cases with a task past its due date", required=False)
    not_contacted = forms.BooleanField(required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("opened", "Date opened"),
            ("status", "Status"),
            ("next_due", "Next task due"),
            ("last_contact", "Last contact, longest ago first"),
        ],
    )
    size = PageSizeField(label="Cases on a page")

    def __init__(self, *args: Any, contact_weeks: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["not_contacted"].label = f"Only cases not contacted for {contact_weeks} weeks"

    def filters(self, *, not_contacted_since: Any) -> tuple[ListFilters, str]:
        if not self.is_valid():
            return ListFilters(), "opened"
        data = self.cleaned_data
        sort = data["sort"] if data["sort"] in CASE_LIST_SORTS else "opened"
        return (
            ListFilters(
                status=data["status"] or "open",
                risk=data["risk"] or "",
                breach=bool(data["breach"]),
                not_contacted_since=not_contacted_since if data["not_contacted"] else None,
            ),
            sort,
        )


class TaskFilterForm(ServiceForm):
    """GET parameters of the task list."""

    status = forms.ChoiceField(label="Case status", required=False, choices=[("", "Any status"), *OPEN_STATUS_CHOICES])
    risk = forms.ChoiceField(label="Risk", required=False, choices=RISK_CHOICES)
    kind = forms.ChoiceField(label="Kind of task", required=False, choices=[("", "Any kind"), *Task.Kind.choices])
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("due", "Due date"), ("last_contact", "Last contact, longest ago first")],
    )
    size = PageSizeField(label="Tasks on a page")

    def choices(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "due"
        return {
            "status": data.get("status", ""),
            "risk": data.get("risk", ""),
            "kind": data.get("kind", ""),
            "sort": sort if sort in TASK_SORTS else "due",
        }


class TeamFilterForm(ServiceForm):
    """GET parameters of the team view; anything unexpected falls back to the default."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("open", "All open cases"), *CaseStatus.choices],
    )
    risk = forms.ChoiceField(
        label="Risk", required=False, choices=[("", "Any risk"), *Risk.choices, ("none", "Not yet assessed")]
    )
    case_manager = forms.TypedChoiceField(
        label="Case manager", required=False, coerce=_manager_or_unallocated, empty_value=None
    )
    breach = forms.BooleanField(label="Only cases with a task past its due date", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("opened", "Date opened"),
            ("status", "Status"),
            ("case_manager", "Case manager"),
            ("next_due", "Next task due"),
            ("last_contact", "Last contact, longest ago first"),
        ],
    )
    size = PageSizeField(label="Cases on a page")

    def __init__(self, *args: Any, case_managers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case_manager"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [
            ("", "Any case manager"),
            (UNALLOCATED, "Unallocated"),
            *((str(user.pk), _person(user)) for user in case_managers),
        ]

    def filters(self) -> tuple[TeamFilters, str]:
        if not self.is_valid():
            return TeamFilters(), "opened"
        data = self.cleaned_data
        sort = data["sort"] if data["sort"] in TEAM_SORTS else "opened"
        return (
            TeamFilters(
                status=data["status"] or "open",
                risk=data["risk"] or "",
                case_manager=None if data["case_manager"] == UNALLOCATED else data["case_manager"],
                unallocated=data["case_manager"] == UNALLOCATED,
                breach=bool(data["breach"]),
            ),
            sort,
        )


class ReallocateForm(ServiceForm):
    version = version_field()
    to_user = forms.TypedChoiceField(
        label="Who should work this case?",
        coerce=_uuid,
        error_messages={"required": "Select a case manager", "invalid_choice": "Select a case manager"},
    )
    reason = forms.CharField(
        label="Why are you reallocating this case?",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Enter why you are reallocating this case"},
    )

    def __init__(self, *args: Any, case_managers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_managers = {user.pk: user for user in case_managers}
        field = self.fields["to_user"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [(str(user.pk), _person(user)) for user in case_managers]


class CoverForm(ServiceForm):
    from_user = forms.TypedChoiceField(
        label="Who is away?",
        coerce=_uuid,
        error_messages={"required": "Select who is away", "invalid_choice": "Select who is away"},
    )
    to_user = forms.TypedChoiceField(
        label="Who will cover their cases?",
        coerce=_uuid,
        error_messages={"required": "Select who will cover", "invalid_choice": "Select who will cover"},
    )
    starts_on = DateField(label="First day of cover", limit="any")
    ends_on = DateField(label="Last day of cover", limit="any")
    reason = forms.CharField(
        label="Why is cover needed?",
        max_length=1000,
        help_text="For example, annual leave",
        error_messages={"required": "Enter why cover is needed"},
    )

    def __init__(self, *args: Any, case_managers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_managers = {user.pk: user for user in case_managers}
        choices = [(str(user.pk), _person(user)) for user in case_managers]
        for name in ("from_user", "to_user"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
            field.choices = [("", "Select a case manager"), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day of cover must be the same as or after the first day")
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", "Select someone other than the person who is away")
        return data
