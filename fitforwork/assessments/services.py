"""Recording questionnaire responses: checked against the instrument, scored by the engine, stored with the
versions that scored them, audited, and any flags handed to the safety hook, all in one transaction.

Staff record a whole response at once (`response_record`). A client answering online keeps their answers as
they go (`response_save_partial`) and finishes with `response_complete`; for them `actor` is None (the link's
own checks stand in for staff access rules) and the mode is client_online.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.assessments import registry, safety
from fitforwork.assessments.definitions import DefinitionError, InstrumentDefinition, definition_parse
from fitforwork.assessments.models import InstrumentDefinition as LoadedDefinition
from fitforwork.assessments.models import Mode, QuestionnaireResponse
from fitforwork.assessments.scoring import ENGINE_VERSION, AnswerError, Result, answers_clean, score
from fitforwork.cases.models import Case
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.core.audit.services import audit_record

__all__ = [
    "AnswerError",
    "AssessmentError",
    "definition_load",
    "response_answer",
    "response_complete",
    "response_record",
    "response_save_partial",
    "response_start",
]


class AssessmentError(ValueError):
    """A response that cannot be recorded as asked, in words to show the person."""


def _check_actor(case: Case, mode: str, actor: User | None) -> None:
    if mode not in Mode.values:
        raise AssessmentError("Select how the questionnaire was completed")
    if actor is None:
        if mode != Mode.CLIENT_ONLINE:
            raise AssessmentError("Only a client answering online records a questionnaire without a member of staff")
        return
    ensure_can_work_case(actor, case)


def _as_given(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to keep: as given, without empty ones."""
    return {key: value for key, value in answers.items() if value is not None and value != ""}


def _apply(response: QuestionnaireResponse, result: Result) -> None:
    response.engine_version = ENGINE_VERSION
    response.score = result.score
    response.band = result.band
    response.band_label = result.band_label
    response.flags = result.flag_codes
    response.percentages = {k: None if v is None else str(v) for k, v in result.percentages.items()}
    response.profile = result.profile
    response.not_scorable_reason = result.not_scorable_reason
    response.items_imputed = list(result.items_imputed)


def _finish(response: QuestionnaireResponse, definition: InstrumentDefinition, actor: User | None) -> None:
    result = score(definition, response.answers, cutoffs=registry.cutoffs())
    _apply(response, result)
    response.status = QuestionnaireResponse.Status.COMPLETED
    response.completed_at = timezone.now()
    response.stamp(actor)
    response.save()
    audit_record(
        actor=actor,
        action="assessments.response.completed",
        obj=response.case,
        data={
            "response": response.pk,
            "instrument": definition.code,
            "version": definition.version,
            "engine_version": ENGINE_VERSION,
            "mode": response.mode,
            "score": None if result.score is None else str(result.score),
            "band": result.band,
            "flags": result.flag_codes,
            "not_scorable": bool(result.not_scorable_reason),
        },
    )
    if response.flags:
        safety.on_flags(response=response, actor=actor)


@transaction.atomic
def response_record(
    *,
    case: Case,
    instrument_code: str,
    answers: Mapping[str, Any],
    mode: str,
    actor: User | None,
    recorded_at: datetime | None = None,
    submission_key: uuid.UUID | None = None,
) -> QuestionnaireResponse:
    """Record a whole response: every answer as given (some may be missing), scored where the instrument's
    missing-data rule allows, else stored as not scorable with the reason. Raises AnswerError naming each item
    that is unknown or out of range, AssessmentError or PermissionDenied.

    `submission_key` is the staff form's one-off key: a form posted again with it returns the response it
    recorded the first time, recording nothing (so no second red flag or task)."""
    _check_actor(case, mode, actor)
    if submission_key is not None:
        earlier = QuestionnaireResponse.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.case_id != case.pk or earlier.instrument_code != instrument_code:
                raise AssessmentError("This form has already been used for another questionnaire")
            return earlier
    try:
        definition = registry.definition_get(instrument_code)
    except registry.UnknownInstrument as error:
        raise AssessmentError(str(error)) from None
    kept = _as_given(answers)
    answers_clean(definition, kept)
    response = QuestionnaireResponse(
        case=case,
        instrument_code=definition.code,
        instrument_version=definition.version,
        engine_version=ENGINE_VERSION,
        answers=kept,
        mode=mode,
        recorded_by=actor,
        recorded_at=recorded_at or timezone.now(),
        submission_key=submission_key,
    )
    _finish(response, definition, actor)
    return response


@transaction.atomic
def response_save_partial(
    *,
    case: Case,
    instrument_code: str,
    answers: Mapping[str, Any],
    actor: User | None = None,
    mode: str = Mode.CLIENT_ONLINE,
    response: QuestionnaireResponse | None = None,
) -> QuestionnaireResponse:
    """Keep the answers given so far on an in-progress response (made on the first call; later calls pass it
    back and their answers are added, an empty answer clearing one). Nothing is scored yet."""
    _check_actor(case, mode, actor)
    if response is None:
        try:
            definition = registry.definition_get(instrument_code)
        except registry.UnknownInstrument as error:
            raise AssessmentError(str(error)) from None
        response = QuestionnaireResponse(
            case=case,
            instrument_code=definition.code,
            instrument_version=definition.version,
            engine_version=ENGINE_VERSION,
            answers={},
            mode=mode,
            recorded_by=actor,
            status=QuestionnaireResponse.Status.IN_PROGRESS,
        )
    else:
        response = QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)
        if response.case_id != case.pk or response.instrument_code != instrument_code:
            raise AssessmentError("This response belongs to another questionnaire")
        if response.is_completed:
            raise AssessmentError("This questionnaire has already been completed")
        definition = registry.definition_get(response.instrument_code, response.instrument_version)
    merged = dict(response.answers)
    for key, value in answers.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    answers_clean(definition, merged)
    response.answers = merged
    response.stamp(actor)
    adding = response._state.adding
    response.save()
    if adding:
        audit_record(
            actor=actor,
            action="assessments.response.started",
            obj=case,
            data={"response": response.pk, "instrument": definition.code, "mode": mode},
        )
    return response


@transaction.atomic
def response_complete(
    *, response: QuestionnaireResponse, actor: User | None = None, answers: Mapping[str, Any] | None = None
) -> QuestionnaireResponse:
    """Finish an in-progress response (adding any last answers) and score it with the definition version it
    was started on."""
    if answers:
        response = response_save_partial(
            case=response.case,
            instrument_code=response.instrument_code,
            answers=answers,
            actor=actor,
            mode=response.mode,
            response=response,
        )
    locked = QuestionnaireResponse.objects.select_for_update().select_related("case").get(pk=response.pk)
    _check_actor(locked.case, locked.mode, actor)
    if locked.is_completed:
        raise AssessmentError("This questionnaire has already been completed")
    _finish(locked, registry.definition_get(locked.instrument_code, locked.instrument_version), actor)
    return locked


def response_start(
    *, case: Case, instrument_code: str, mode: str = Mode.CLIENT_ONLINE, actor: User | None = None
) -> QuestionnaireResponse:
    """Open an in-progress response with no answers yet (the client online, or staff going item by item)."""
    return response_save_partial(case=case, instrument_code=instrument_code, answers={}, actor=actor, mode=mode)


def response_answer(
    *, response: QuestionnaireResponse, item_id: str, value: Any, actor: User | None = None
) -> QuestionnaireResponse:
    """Keep one answer as it is given (None or "" clears it); AnswerError names the item if it does not fit."""
    return response_save_partial(
        case=response.case,
        instrument_code=response.instrument_code,
        answers={item_id: value},
        actor=actor,
        mode=response.mode,
        response=response,
    )


@transaction.atomic
def definition_load(*, data: Any, actor: User | None = None, licence_note: str = "") -> LoadedDefinition:
    """Load (or replace) an administrator's definition, such as a licensed instrument's, from its parsed JSON.
    DefinitionError lists every problem; a shipped instrument's code and version cannot be replaced."""
    definition = definition_parse(data)
    if definition.key in registry.shipped_definitions():
        raise DefinitionError([f"code: {definition.code} {definition.version} is shipped with the project"])
    row, created = LoadedDefinition.objects.update_or_create(
        code=definition.code,
        version=definition.version,
        defaults={
            "title": definition.title,
            "definition": definition.model_dump(mode="json"),
            "licence_note": licence_note or definition.licence,
            "loaded_by": actor,
            "loaded_at": timezone.now(),
            "enabled": True,
        },
    )
    audit_record(
        actor=actor,
        action="assessments.definition.loaded",
        obj=row,
        data={"code": definition.code, "version": definition.version, "replaced": not created},
    )
    return row
