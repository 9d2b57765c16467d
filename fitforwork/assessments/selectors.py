"""Reading a case's questionnaire results: the latest per instrument, the history of one, and the change
between consecutive administrations. The caller has already scoped the case (cases.access `case_for`)."""

from __future__ import annotations

from dataclasses import dataclass

from fitforwork.assessments import registry
from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.assessments.scoring import Change, change_between, measure_value
from fitforwork.cases.models import Case


def _completed(case: Case):  # type: ignore[no-untyped-def]
    return QuestionnaireResponse.objects.filter(case=case, status=QuestionnaireResponse.Status.COMPLETED)


def responses_latest(case: Case) -> dict[str, QuestionnaireResponse]:
    """The latest completed response of each instrument given to the case, by instrument code."""
    latest: dict[str, QuestionnaireResponse] = {}
    for response in _completed(case).order_by("instrument_code", "-completed_at", "-id"):
        latest.setdefault(response.instrument_code, response)
    return latest


def response_history(case: Case, instrument_code: str) -> list[QuestionnaireResponse]:
    """Every completed response of one instrument for the case, oldest first."""
    return list(_completed(case).filter(instrument_code=instrument_code).order_by("completed_at", "id"))


def responses_in_progress(case: Case) -> list[QuestionnaireResponse]:
    return list(
        QuestionnaireResponse.objects.filter(case=case, status=QuestionnaireResponse.Status.IN_PROGRESS).order_by(
            "recorded_at"
        )
    )


def response_change(before: QuestionnaireResponse, after: QuestionnaireResponse) -> Change:
    """Change between two responses of one instrument, read with the later one's definition (its threshold
    and direction)."""
    if before.instrument_code != after.instrument_code:
        raise ValueError("Change is only between two administrations of one instrument")
    definition = registry.definition_get(after.instrument_code, after.instrument_version)
    return change_between(
        definition,
        measure_value(definition, before.score, before.percentages),
        measure_value(definition, after.score, after.percentages),
    )


@dataclass(frozen=True)
class HistoryRow:
    response: QuestionnaireResponse
    change: Change | None  # from the one before; None for the first


def response_history_with_change(case: Case, instrument_code: str) -> list[HistoryRow]:
    """The history of one instrument, oldest first, each with its change from the one before."""
    history = response_history(case, instrument_code)
    return [
        HistoryRow(response, response_change(history[n - 1], response) if n else None)
        for n, response in enumerate(history)
    ]
