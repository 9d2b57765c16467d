"""The questionnaire pages' view of the instruments: their items as radios or number boxes, and each case's
scores over time (the engine itself is in definitions.py, registry.py, scoring.py, services.py, selectors.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.assessments import registry, selectors, services
from fitforwork.assessments.definitions import InstrumentDefinition, Item
from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.assessments.scoring import number
from fitforwork.cases.models import Case
from fitforwork.core.presenters import date_long


def _as_radios(item: Item) -> list[tuple[int, str]] | None:
    if item.options:
        return [(option.value, option.label) for option in item.options]
    if item.scale is not None:
        anchors = item.scale.anchors
        return [
            (value, f"{value}: {anchors[value]}" if value in anchors else str(value))
            for value in range(item.scale.min, item.scale.max + 1)
        ]
    return None


def recordable(definition: InstrumentDefinition) -> bool:
    """Staff record here every instrument whose items are choices (radios) or numbers (a box each)."""
    return all(_as_radios(item) is not None or item.number is not None for item in definition.items)


def definitions() -> list[InstrumentDefinition]:
    return [definition for definition in registry.definitions_available() if recordable(definition)]


def definition(code: str) -> InstrumentDefinition | None:
    try:
        found = registry.definition_get(code)
    except registry.UnknownInstrument:
        return None
    return found if recordable(found) else None


def title(definition: InstrumentDefinition) -> str:
    return definition.short_title or definition.title


def intro(definition: InstrumentDefinition) -> str:
    return definition.instructions


def _hint(item: Item, definition: InstrumentDefinition) -> str:
    """When a question is asked only after some answers, say so (the page shows every question at once)."""
    if not item.asked_when:
        return f"In {item.number.unit}" if item.number is not None and item.number.unit else ""
    parts = []
    for condition in item.asked_when:
        earlier = definition.item(condition.item)
        number = definition.items.index(earlier) + 1
        if condition.op == "eq":
            words = next(
                (option.label for option in earlier.options or [] if option.value == condition.value),
                str(condition.value),
            )
            parts.append(f"question {number} is {words.lower()}")
        else:
            parts.append(f"question {number} is more than {condition.value}")
    unit = f"In {item.number.unit}. " if item.number is not None and item.number.unit else ""
    return f"{unit}Only if {' and '.join(parts)}"


def items(definition: InstrumentDefinition) -> list[dict[str, Any]]:
    """Each item as the form needs it: its key, number, words, kind (choice or number), choices or range,
    whether it may be left out, and the conditions under which it is asked."""
    shown = []
    for n, item in enumerate(definition.items, start=1):
        entry: dict[str, Any] = {
            "key": item.id,
            "number": n,
            "text": item.text,
            "kind": "number" if item.number is not None else "choice",
            "choices": _as_radios(item) or [],
            "optional": item.optional or not item.scored,
            "hint": _hint(item, definition),
            "asked_when": [
                {"item": condition.item, "op": condition.op, "value": condition.value} for condition in item.asked_when
            ],
        }
        if item.number is not None:
            entry |= {"min": item.number.min, "max": item.number.max, "decimal_places": item.number.decimal_places}
        shown.append(entry)
    return shown


def record(
    *,
    case: Case,
    code: str,
    answers: dict[str, Any],
    mode: str,
    actor: User | None,
    submission: uuid.UUID | None = None,
) -> QuestionnaireResponse:
    return services.response_record(
        case=case, instrument_code=code, answers=answers, mode=mode, actor=actor, submission_key=submission
    )


def _tag(response: QuestionnaireResponse, definition: InstrumentDefinition) -> dict[str, str]:
    colour = next((band.colour for band in definition.bands if band.code == response.band), "grey")
    text = response.band_label or ("Not scored" if response.score is None else "No band")
    return {"text": text, "classes": f"nhsuk-tag--{colour}"}


def _when(response: QuestionnaireResponse) -> str:
    at = response.completed_at or response.recorded_at
    return date_long(timezone.localdate(at)) if at else ""


def overview(case: Case) -> list[dict[str, Any]]:
    """Each recordable instrument: its latest score and band, the change from the one before, and every score."""
    shown = []
    for found in definitions():
        history = selectors.response_history_with_change(case, found.code)
        entry: dict[str, Any] = {
            "code": found.code,
            "title": title(found),
            "max_score": number(found.scoring.max),
            # WPAI's score is its activity impairment, a percentage, not a count out of a maximum.
            "measure": "% activity impairment" if found.scoring.kind == "wpai" else "",
            "latest": None,
            "history": [],
        }
        if history:
            last = history[-1]
            entry["latest"] = {
                "score": number(last.response.score) if last.response.score is not None else "Not scored",
                "tag": _tag(last.response, found),
                "date": _when(last.response),
                "change": f"{last.change.summary} since the time before." if last.change is not None else "",
            }
            entry["history"] = [
                {
                    "date": _when(row.response),
                    "score": number(row.response.score) if row.response.score is not None else "Not scored",
                    "tag": _tag(row.response, found),
                    "how": row.response.get_mode_display(),
                    "change": row.change.summary if row.change is not None else "First time",
                }
                for row in reversed(history)
            ]
        shown.append(entry)
    return shown
