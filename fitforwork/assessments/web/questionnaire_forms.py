"""The staff questionnaire form, one field per item by its type: NHS.UK radios for options and 0-10 scales, a
number box for hours (WPAI-GH); and how the answers were given. A question asked only after some answers
(WPAI's work questions, asked when they are employed) is required only when those answers ask it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms

from fitforwork.core.forms import ServiceForm

MODE_MESSAGE = "Select how you are talking to them"
MODES = [("phone", "Phone"), ("video", "Video call"), ("face_to_face", "Face to face")]


def _asked(conditions: list[dict[str, Any]], answers: dict[str, Any]) -> bool:
    """Every condition holds; an unanswered condition leaves the question asked (so it is not skipped)."""
    for condition in conditions:
        given = answers.get(condition["item"])
        if given is None:
            continue
        value = Decimal(given)
        if condition["op"] == "eq" and value != condition["value"]:
            return False
        if condition["op"] == "gt" and not value > condition["value"]:
            return False
    return True


class QuestionnaireForm(ServiceForm):
    """Every item required (unless optional or not asked), with a message naming its number; `items` comes
    from the instrument's definition (instrument_view.items). `submission` is a one-off key: the same form
    posted twice (a second click, the browser's back and resubmit) records one response."""

    mode = forms.ChoiceField(
        label="How are you talking to them?",
        choices=MODES,
        widget=forms.RadioSelect,
        error_messages={"required": MODE_MESSAGE, "invalid_choice": MODE_MESSAGE},
    )
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)
        mode, submission = self.fields.pop("mode"), self.fields.pop("submission")
        self.items = items
        for item in items:
            required = not item["optional"] and not item["asked_when"]
            if item["kind"] == "number":
                message = f"Enter a number for question {item['number']}"
                self.fields[item["key"]] = forms.DecimalField(
                    label=f"{item['number']}. {item['text']}",
                    help_text=item["hint"],
                    required=required,
                    min_value=item["min"],
                    max_value=item["max"],
                    decimal_places=item["decimal_places"],
                    error_messages={
                        "required": message,
                        "invalid": message,
                        "min_value": f"Question {item['number']} must be {item['min']} or more",
                        "max_value": f"Question {item['number']} must be {item['max']} or less",
                        "max_decimal_places": f"Question {item['number']} can have up to "
                        f"{item['decimal_places']} decimal place{'s' if item['decimal_places'] != 1 else ''}",
                    },
                )
            else:
                message = f"Select an answer to question {item['number']}"
                self.fields[item["key"]] = forms.TypedChoiceField(
                    label=f"{item['number']}. {item['text']}",
                    help_text=item["hint"],
                    choices=item["choices"],
                    coerce=int,
                    empty_value=None,
                    required=required,
                    widget=forms.RadioSelect,
                    error_messages={"required": message, "invalid_choice": message},
                )
        self.fields["mode"] = mode
        self.fields["submission"] = submission
        self.item_keys = [item["key"] for item in items]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = {key: cleaned.get(key) for key in self.item_keys if cleaned.get(key) is not None}
        for item in self.items:
            if not item["asked_when"]:
                continue
            asked = _asked(item["asked_when"], given)
            if not asked:
                # Not asked given the earlier answers (not employed): an answer typed anyway is not kept.
                given.pop(item["key"], None)
                cleaned[item["key"]] = None
            elif cleaned.get(item["key"]) is None and not item["optional"] and item["key"] not in self.errors:
                verb = "Enter a number for" if item["kind"] == "number" else "Select an answer to"
                self.add_error(item["key"], f"{verb} question {item['number']}")
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The answers as the services take them: whole numbers as int, a fraction of an hour as text."""
        kept: dict[str, Any] = {}
        for key in self.item_keys:
            value = self.cleaned_data.get(key)
            if value is None:
                continue
            if isinstance(value, Decimal):
                kept[key] = int(value) if value == value.to_integral_value() else str(value.normalize())
            else:
                kept[key] = value
        return kept


class RedFlagCloseForm(ServiceForm):
    action_taken = forms.CharField(
        label="What was done",
        help_text="For example, who spoke to the person, what they agreed, and who else was told",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was done"},
    )
