"""Form fields shared by every form in the service, with the NHS style guide's error messages."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from django import forms
from django.utils import timezone

DateLimit = Literal["past", "past_or_today", "any"]


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes, named `<field>_day`, `<field>_month` and `<field>_year` (NHS.UK date input)."""

    def __init__(self) -> None:
        super().__init__(widgets={"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput})

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]


class DateField(forms.MultiValueField):
    """A real date typed as day, month and year, with messages that say which part is wrong.

    `noun` is how messages name the date ("your date of birth"); it defaults to "the <label>". `limit` says
    whether the date must be in the past, today or in the past, or may be any date. `example`, when given, is
    the hint ("For example, 31 3 1980") and the example in the message about a date that is not real, so the
    two always agree.
    """

    widget = DateInputWidget

    def __init__(self, *, noun: str = "", limit: DateLimit = "past_or_today", example: str = "", **kwargs: Any) -> None:
        self.noun = noun or f"the {str(kwargs.get('label') or 'date').lower()}"
        self.limit = limit
        self.example = example or "27 3 2026"
        if example and "help_text" not in kwargs:
            kwargs["help_text"] = f"For example, {example}"
        parts = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        custom = kwargs.get("error_messages") or {}
        super().__init__(parts, require_all_fields=False, **kwargs)
        if "required" not in custom:
            self.error_messages["required"] = f"Enter {self.noun}"
        self.error_messages["incomplete"] = self.error_messages["required"]

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or not any(str(part or "").strip() for part in data_list):
            return None
        name = self.noun.removeprefix("your ").removeprefix("the ")
        name = name[:1].upper() + name[1:]
        parts = [str(part or "").strip() for part in data_list]
        missing = [which for which, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(part) for part in parts)
            value = date(year, month, day)
        except (TypeError, ValueError, OverflowError):
            raise forms.ValidationError(f"{name} must be a real date, for example {self.example}") from None
        if year < 1900:
            raise forms.ValidationError(f"{name} must be after 1900")
        today = timezone.localdate()
        if self.limit == "past" and value >= today:
            raise forms.ValidationError(f"{name} must be in the past")
        if self.limit == "past_or_today" and value > today:
            raise forms.ValidationError(f"{name} must be today or in the past")
        return value


NUL = "\x00"


def nul_message(label: Any) -> str:
    """What a person is told when a field holds the hidden NUL character, which we can never store."""
    name = str(label or "This answer").removesuffix(" (optional)")
    return f"{name} must not include hidden characters. Type it in again instead of pasting it"


def field_keys(name: str, widget: forms.Widget) -> list[str]:
    """The keys of the posted data a field reads: its name, or one per box of a multi-part field."""
    if isinstance(widget, forms.MultiWidget):
        return [f"{name}{suffix}" for suffix in widget.widgets_names]  # type: ignore[attr-defined]
    return [name]


class ServiceFormMixin:
    """What every form in the service does: it reads only its own fields, and refuses the NUL character.

    A NUL can never be stored (PostgreSQL text refuses it), so a field holding one gets a message for the
    error summary instead of reaching the database; a NUL in a field the form does not have is never read.
    `own_data()` is the posted data limited to the form's own fields, for the views that keep what was sent.
    """

    fields: dict[str, forms.Field]
    data: Any
    files: Any
    cleaned_data: dict[str, Any]
    _errors: Any
    error_class: Any

    if TYPE_CHECKING:

        def add_prefix(self, field_name: str) -> str: ...

    def own_data(self) -> dict[str, Any]:
        """The posted values of this form's own fields, as given (a list for a field that takes several)."""
        data = self.data
        kept: dict[str, Any] = {}
        for name, field in self.fields.items():
            for key in field_keys(self.add_prefix(name), field.widget):
                if key not in data:
                    continue
                many = getattr(field.widget, "allow_multiple_selected", False) and hasattr(data, "getlist")
                kept[key] = data.getlist(key) if many else data.get(key)
        return kept

    def nul_fields(self) -> list[str]:
        """The names of this form's fields whose posted value holds a NUL."""
        found = []
        own = self.own_data()
        for name, field in self.fields.items():
            values = [own.get(key) for key in field_keys(self.add_prefix(name), field.widget)]
            flat = [item for value in values for item in (value if isinstance(value, list) else [value])]
            if any(isinstance(item, str) and NUL in item for item in flat):
                found.append(name)
        return found

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if self._errors is None or not getattr(self, "is_bound", False):
            return
        for name in self.nul_fields():
            self._errors[name] = self.error_class([nul_message(self.fields[name].label)])
            self.cleaned_data.pop(name, None)


class ServiceForm(ServiceFormMixin, forms.Form):
    """The base of every plain form in the service (see `ServiceFormMixin`)."""
