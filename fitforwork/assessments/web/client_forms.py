"""The pages of a questionnaire answered online: which questions each page holds, and the form for a page.

A definition that allows it is asked one question a page; otherwise every question is on one page. A
question that is not asked given the earlier answers (its `asked_when`) is left out of the pages.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from fitforwork.assessments.definitions import InstrumentDefinition, Item
from fitforwork.core.forms import ServiceFormMixin

NOT_APPLICABLE = "na"


def _as_decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def is_asked(item: Item, answers: dict[str, Any]) -> bool:
    """Every condition holds; an unanswered condition leaves the question asked."""
    for condition in item.asked_when:
        given = _as_decimal(answers.get(condition.item)) if answers.get(condition.item) not in (None, "") else None
        if given is None:
            continue
        if condition.op == "eq" and given != condition.value:
            return False
        if condition.op == "gt" and not given > condition.value:
            return False
    return True


def asked_items(definition: InstrumentDefinition, answers: dict[str, Any]) -> list[Item]:
    return [item for item in definition.items if is_asked(item, answers)]


def pages(definition: InstrumentDefinition, answers: dict[str, Any]) -> list[list[Item]]:
    """The questions of each page, in order."""
    items = asked_items(definition, answers)
    if definition.one_question_per_page:
        return [[item] for item in items]
    return [items]


def first_unanswered_page(definition: InstrumentDefinition, answers: dict[str, Any]) -> int | None:
    """The 1-based number of the first page with a question not yet answered, or None when all are. A question
    that may be left out (`optional`) does not hold the client back: they can answer it from the check page."""
    for number, page in enumerate(pages(definition, answers), start=1):
        if any(answers.get(item.id) in (None, "") and not item.optional for item in page):
            return number
    return None


def choices(item: Item) -> list[tuple[str, str]]:
    """The answers a question takes, as (value, words) for radios; a number question has none."""
    found: list[tuple[str, str]] = []
    if item.options:
        found = [(str(option.value), option.label) for option in item.options]
    elif item.scale is not None:
        anchors = {int(k): v for k, v in (getattr(item.scale, "anchors", None) or {}).items()}
        low_words = getattr(item.scale, "min_label", "") or ""
        high_words = getattr(item.scale, "max_label", "") or ""
        for point in range(item.scale.min, item.scale.max + 1):
            words = anchors.get(point) or (low_words if point == item.scale.min else "")
            words = words or (high_words if point == item.scale.max else "")
            found.append((str(point), f"{point} - {words}" if words else str(point)))
    if item.not_applicable_label:
        found.append((NOT_APPLICABLE, item.not_applicable_label))
    return found


def answer_words(item: Item, value: Any) -> str:
    """How an answer reads on the check-your-answers page."""
    if value in (None, ""):
        return "Not answered"
    for key, words in choices(item):
        if key == str(value):
            return words
    unit = f" {item.number.unit}" if item.number is not None and item.number.unit else ""
    return f"{value}{unit}"


class QuestionPageForm(ServiceFormMixin, forms.Form):
    """One page's questions: radios for options and scales, a box for a number."""

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            label = f"{item.text} (optional)" if item.optional else item.text
            message = "Select an answer" if choices(item) else "Enter a number"
            if item.number is not None:
                self.fields[item.id] = forms.DecimalField(
                    label=label,
                    required=not item.optional,
                    min_value=item.number.min,
                    max_value=item.number.max,
                    decimal_places=item.number.decimal_places,
                    error_messages={"required": message},
                )
            else:
                self.fields[item.id] = forms.ChoiceField(
                    label=label,
                    required=not item.optional,
                    choices=choices(item),
                    widget=forms.RadioSelect,
                    error_messages={"required": message, "invalid_choice": message},
                )

    def answers(self) -> dict[str, Any]:
        """The answers as kept: whole numbers as int, "na" as given, a number as text."""
        kept: dict[str, Any] = {}
        for item in self.items:
            value = self.cleaned_data.get(item.id)
            if value in (None, ""):
                kept[item.id] = None
            elif isinstance(value, Decimal):
                kept[item.id] = int(value) if value == value.to_integral_value() else str(value)
            elif value == NOT_APPLICABLE:
                kept[item.id] = NOT_APPLICABLE
            else:
                kept[item.id] = int(value)
        return kept


def field_kind(item: Item) -> str:
    return "input" if item.number is not None else "radios"
