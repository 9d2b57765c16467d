"""The adviser's contact form, the public chat and message forms, and the administrators' forms."""

from __future__ import annotations

from typing import Any

from django import forms

from fitforwork.advice_line.models import CallerType, Channel, Snippet, Topic
from fitforwork.advice_line.selectors import employers_directory, snippets_active
from fitforwork.core.calendar import Nation
from fitforwork.core.forms import ServiceForm
from fitforwork.organisations.models import Organisation

PUBLIC_CALLER_TYPES = [
    (CallerType.EMPLOYER_OWNER.value, "An employer or manager"),
    (CallerType.EMPLOYEE.value, "An employee"),
    (CallerType.GP.value, "A GP or practice staff"),
    (CallerType.OTHER.value, "Someone else"),
]


def _choices(choices: Any) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in choices]


class ContactForm(ServiceForm):
    """One page an adviser fills in while talking. Only `channel` and `caller_type` are needed."""

    channel = forms.ChoiceField(
        label="How did they contact us?",
        choices=_choices(Channel.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they contacted us"},
    )
    caller_type = forms.ChoiceField(
        label="Who is calling?",
        choices=_choices(CallerType.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is calling"},
    )
    caller_name = forms.CharField(label="Caller's name (optional)", required=False, max_length=200)
    caller_phone = forms.CharField(label="Phone number (optional)", required=False, max_length=30)
    caller_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    organisation_name = forms.CharField(
        label="Organisation (optional)",
        required=False,
        max_length=200,
        help_text="Start typing to pick from the directory, or type the name if it is not there",
    )
    size_band = forms.ChoiceField(
        label="Size of organisation (optional)",
        required=False,
        choices=_choices(Organisation.SizeBand.choices),
        widget=forms.RadioSelect,
        help_text="Leave blank for an organisation in the directory: its size is known",
    )
    nation = forms.ChoiceField(
        label="Where are they? (optional)", required=False, choices=_choices(Nation.choices), widget=forms.RadioSelect
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select topics from the list"},
    )
    snippet = forms.ModelChoiceField(
        label="Advice snippet",
        queryset=Snippet.objects.none(),
        required=False,
        empty_label="Choose a snippet",
        error_messages={"invalid_choice": "Select a snippet from the list"},
    )
    advice = forms.CharField(label="Advice given", required=False, widget=forms.Textarea, max_length=10000)
    follow_up = forms.CharField(
        label="Follow-up promised (optional)",
        required=False,
        max_length=500,
        help_text="What you promised to do, such as 'Send the fit note guidance by email'",
    )
    follow_up_days = forms.IntegerField(
        label="Due in how many working days?",
        required=False,
        min_value=0,
        max_value=60,
        error_messages={
            "invalid": "Enter the number of working days as a whole number, like 2",
            "min_value": "The number of working days must be 0 or more",
            "max_value": "The number of working days must be 60 or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        snippet_field: Any = self.fields["snippet"]
        snippet_field.queryset = snippets_active()
        snippet_field.label_from_instance = lambda snippet: f"{snippet.topic.name}: {snippet.title}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("follow_up") and data.get("follow_up_days") is None and "follow_up_days" not in self.errors:
            self.add_error("follow_up_days", "Enter when the follow-up is due, in working days")
        if data.get("follow_up_days") is not None and not data.get("follow_up"):
            self.add_error("follow_up", "Enter the follow-up you promised")
        name = (data.get("organisation_name") or "").strip()
        data["organisation"] = employers_directory().filter(name__iexact=name).first() if name else None
        return data

    def with_snippet(self) -> dict[str, Any]:
        """The posted answers, as a fresh form's starting values, with the chosen snippet's text (and guidance
        link) added to the advice: the page comes back for the adviser to edit, with no errors shown yet."""
        initial: dict[str, Any] = {name: self.data.get(name, "") for name in self.fields if name != "topics"}
        initial["topics"] = self.data.getlist("topics") if hasattr(self.data, "getlist") else []
        snippet = getattr(self, "cleaned_data", {}).get("snippet")
        if snippet is not None:
            addition = snippet.text + (f"\n{snippet.guidance_url}" if snippet.guidance_url else "")
            advice = str(initial.get("advice") or "").rstrip()
            initial["advice"] = f"{advice}\n\n{addition}" if advice else addition
        initial["snippet"] = ""
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("snippet", None)
        data["organisation_name"] = (data.get("organisation_name") or "").strip()
        return data


class FindForm(ServiceForm):
    q = forms.CharField(label="Organisation, phone number or name", required=False, max_length=200)


class ChatStartForm(ServiceForm):
    caller_type = forms.ChoiceField(
        label="Who are you?",
        choices=PUBLIC_CALLER_TYPES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are"},
    )
    caller_name = forms.CharField(label="Your first name (optional)", required=False, max_length=100)
    text = forms.CharField(
        label="What would you like to ask?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter your question", "max_length": "Enter 2000 characters or fewer"},
    )


class ChatSayForm(ServiceForm):
    text = forms.CharField(
        label="Your message",
        max_length=2000,
        error_messages={"required": "Enter a message", "max_length": "Enter 2000 characters or fewer"},
    )


class MessageForm(ChatStartForm):
    caller_phone = forms.CharField(label="Phone number (optional)", required=False, max_length=30)
    caller_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("caller_phone") and not data.get("caller_email") and "caller_email" not in self.errors:
            self.add_error("caller_phone", "Enter a phone number or an email address so we can reply")
        return data


class SnippetForm(ServiceForm):
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.all(),
        empty_label="Choose a topic",
        error_messages={"required": "Select the topic", "invalid_choice": "Select a topic from the list"},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the snippet's title"})
    text = forms.CharField(
        label="Text", widget=forms.Textarea, error_messages={"required": "Enter the advice the snippet gives"}
    )
    guidance_url = forms.URLField(
        assume_scheme="https",
        label="Link to public guidance (optional)",
        required=False,
        error_messages={"invalid": "Enter the link as a full web address, like https://www.gov.uk/..."},
    )
    is_active = forms.BooleanField(label="Advisers can use it", required=False, initial=True)


class TopicForm(ServiceForm):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter the topic's name"})
    position = forms.IntegerField(
        label="Place in the list",
        min_value=0,
        max_value=999,
        error_messages={
            "required": "Enter the topic's place in the list",
            "invalid": "Enter the place as a whole number, like 3",
            "min_value": "The place must be 0 or more",
            "max_value": "The place must be 999 or fewer",
        },
    )
    is_active = forms.BooleanField(label="Advisers can choose it", required=False, initial=True)
