"""The staff questionnaire form: one NHS.UK radios fieldset per item, and how the answers were given."""

from __future__ import annotations

from typing import Any

from django import forms

from fitforwork.core.forms import ServiceForm

MODE_MESSAGE = "Select how you are talking to them"
MODES = [("phone", "Phone"), ("video", "Video call"), ("face_to_face", "Face to face")]


class QuestionnaireForm(ServiceForm):
    """Every item required, with a message naming its number; `items` comes from the instrument's definition."""

    mode = forms.ChoiceField(
        label="How are you talking to them?",
        choices=MODES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you are talking to them",
            "invalid_choice": "Select how you are talking to them",
        },
    )

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mode = self.fields.pop("mode")
        for item in items:
            message = f"Select an answer to question {item['number']}"
            self.fields[item["key"]] = forms.TypedChoiceField(
                label=f"{item['number']}. {item['text']}",
                choices=item["choices"],
                coerce=int,
                empty_value=None,
                required=not item["optional"],
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
        self.fields["mode"] = mode
        self.item_keys = [item["key"] for item in items]

    def answers(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key in self.item_keys if self.cleaned_data.get(key) is not None}


class RedFlagCloseForm(ServiceForm):
    action_taken = forms.CharField(
        label="What was done",
        help_text="For example, who spoke to the person, what they agreed, and who else was told",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was done"},
    )
