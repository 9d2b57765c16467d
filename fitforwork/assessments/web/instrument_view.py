"""The questionnaire pages' view of the instruments: their items as radios, and each case's scores over time
(the engine itself is in definitions.py, registry.py, scoring.py, services.py and selectors.py)."""

from __future__ import annotations

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
    """Staff record here the instruments whose every item is a choice (radios); not those asking for numbers."""
    return all(_as_radios(item) is not None for item in definition.items)


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


def items(definition: InstrumentDefinition) -> list[dict[str, Any]]:
    """Each item as the form needs it: its key, number, words, choices, and whether it may be left out."""
    return [
        {
            "key": item.id,
            "number": n,
            "text": item.text,
            "choices": _as_radios(item) or [],
            "optional": item.optional or not item.scored,
        }
        for n, item in enumerate(definition.items, start=1)
    ]


def record(*, case: Case, code: str, answers: dict[str, int], mode: str, actor: User | None) -> QuestionnaireResponse:
    return services.response_record(case=case, instrument_code=code, answers=answers, mode=mode, actor=actor)


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
