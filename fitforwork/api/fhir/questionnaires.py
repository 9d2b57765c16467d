"""Assessments as FHIR (issue 14, ADR 0025): each instrument definition a Questionnaire, each completed response
a QuestionnaireResponse, and its score an Observation derived from it. Plain dicts, built through their R4B
models by `http.fhir_response`; what a client may read of them is `responses_visible`.

A client may read the responses of a case only where it referred the person: the case's referral was made by
the client's organisation, as it reads back the ServiceRequest and Patient it sent (selectors.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from fitforwork.api.fhir import extensions as ext
from fitforwork.api.fhir.mappers import _instant
from fitforwork.api.fhir.selectors import referred_by_the_gp_with_consent
from fitforwork.api.models import ApiClient
from fitforwork.assessments import registry
from fitforwork.assessments.definitions import Condition, InstrumentDefinition, Item
from fitforwork.assessments.models import QuestionnaireResponse

LOINC = "http://loinc.org"
QUESTIONNAIRE_BASE = f"{ext.LOCAL_BASE}/Questionnaire"
INSTRUMENT_SYSTEM = f"{ext.LOCAL_BASE}/CodeSystem/instrument"
ANSWER_SYSTEM_BASE = f"{ext.LOCAL_BASE}/CodeSystem/answer"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
NOT_APPLICABLE = "na"


def questionnaire_id(definition: InstrumentDefinition) -> str:
    """`phq9-1.0`: a FHIR id allows letters, digits, `-` and `.`, so a code's `_` becomes `-`."""
    return f"{definition.code.replace('_', '-')}-{definition.version}"


def canonical(code: str) -> str:
    return f"{QUESTIONNAIRE_BASE}/{code}"


def answer_system(code: str, item_id: str) -> str:
    return f"{ANSWER_SYSTEM_BASE}/{code}/{item_id}"


def definitions_served() -> list[InstrumentDefinition]:
    """Every shipped definition (each version) and each enabled loaded one; a disabled licensed one is not
    served, and no licensed text is ever in the repository (it is loaded from a file the service holds)."""
    found = dict(registry.shipped_definitions())
    for definition in registry._loaded():
        found.setdefault(definition.key, definition)
    return sorted(found.values(), key=lambda d: (d.code, d.version))


def definition_by_id(resource_id: str) -> InstrumentDefinition | None:
    return next((d for d in definitions_served() if questionnaire_id(d) == resource_id), None)


def _options(definition: InstrumentDefinition, item: Item) -> list[dict[str, Any]]:
    system = answer_system(definition.code, item.id)
    if item.options:
        pairs = [(str(option.value), option.label) for option in item.options]
    elif item.scale is not None:
        anchors = item.scale.anchors
        pairs = [
            (str(point), f"{point}: {anchors[point]}" if point in anchors else str(point))
            for point in range(item.scale.min, item.scale.max + 1)
        ]
    else:
        return []
    if item.not_applicable_label:
        pairs.append((NOT_APPLICABLE, item.not_applicable_label))
    return [{"valueCoding": {"system": system, "code": code, "display": label}} for code, label in pairs]


def _enable_answer(definition: InstrumentDefinition, condition: Condition) -> dict[str, Any]:
    if condition.op == "eq" and definition.item(condition.item).number is None:
        return {
            "answerCoding": {"system": answer_system(definition.code, condition.item), "code": str(condition.value)}
        }
    return {"answerDecimal": float(condition.value)}


def _question(definition: InstrumentDefinition, item: Item) -> dict[str, Any]:
    question: dict[str, Any] = {"linkId": item.id, "text": item.text}
    if item.loinc:
        question["code"] = [{"system": LOINC, "code": item.loinc}]
    if item.number is not None:
        question["type"] = "decimal"
    else:
        question["type"] = "choice"
        question["answerOption"] = _options(definition, item)
    question["required"] = not item.optional and not item.asked_when
    if item.asked_when:
        question["enableWhen"] = [
            {
                "question": condition.item,
                "operator": "=" if condition.op == "eq" else ">",
                **(
                    {
                        "answerCoding": {
                            "system": answer_system(definition.code, condition.item),
                            "code": str(condition.value),
                        }
                    }
                    if condition.op == "eq" and definition.item(condition.item).number is None
                    else {"answerDecimal": float(condition.value)}
                ),
            }
            for condition in item.asked_when
        ]
        if len(item.asked_when) > 1:
            question["enableBehavior"] = "all"
    return question


def questionnaire(definition: InstrumentDefinition) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(definition),
        "url": canonical(definition.code),
        "identifier": [{"system": INSTRUMENT_SYSTEM, "value": definition.code}],
        "version": definition.version,
        "name": definition.code.upper(),
        "title": definition.title,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "Fit for Work",
        "description": definition.source,
        "copyright": definition.licence,
        "item": [_question(definition, item) for item in definition.items],
    }
    if definition.loinc_panel:
        resource["code"] = [{"system": LOINC, "code": definition.loinc_panel}]
    if definition.instructions:
        resource["purpose"] = definition.instructions
    return resource


def responses_visible(client: ApiClient) -> QuerySet[QuestionnaireResponse]:
    """Completed responses on the cases this client's organisation referred, when that organisation is the
    person's GP practice and the referral was made with their consent (ADR 0025). An employer, a Jobcentre or
    any other referrer never reads health scores through the API: sharing with them waits for the consent
    ledger (issue 16)."""
    return QuestionnaireResponse.objects.select_related("case", "recorded_by").filter(
        referred_by_the_gp_with_consent(client), status=QuestionnaireResponse.Status.COMPLETED
    )


def _definition_of(response: QuestionnaireResponse) -> InstrumentDefinition | None:
    try:
        return registry.definition_get(response.instrument_code, response.instrument_version)
    except registry.UnknownInstrument:
        return None


def _answer(definition: InstrumentDefinition | None, code: str, item_id: str, value: Any) -> dict[str, Any]:
    """An answer as given: a number item's as valueDecimal, any other as valueCoding with the option's words."""
    item = next((i for i in definition.items if i.id == item_id), None) if definition else None
    if item is not None and item.number is not None and value != NOT_APPLICABLE:
        return {"valueDecimal": float(Decimal(str(value)))}
    coding: dict[str, Any] = {"system": answer_system(code, item_id), "code": str(value)}
    if definition is not None and item is not None:
        labels = {
            option["valueCoding"]["code"]: option["valueCoding"]["display"] for option in _options(definition, item)
        }
        if str(value) in labels:
            coding["display"] = labels[str(value)]
    return {"valueCoding": coding}


def _subject(response: QuestionnaireResponse) -> dict[str, str]:
    return {"reference": f"Patient/{response.case.person_id}"}


def questionnaire_response(response: QuestionnaireResponse) -> dict[str, Any]:
    definition = _definition_of(response)
    order = [item.id for item in definition.items] if definition else []
    answered = sorted(response.answers, key=lambda i: (order.index(i) if i in order else len(order), i))
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "meta": {"lastUpdated": _instant(response.modified_at)},
        "questionnaire": f"{canonical(response.instrument_code)}|{response.instrument_version}",
        "status": "completed",
        "subject": _subject(response),
        "authored": _instant(response.completed_at or response.recorded_at),
        "item": [
            {
                "linkId": item_id,
                **({"text": definition.item(item_id).text} if definition and item_id in order else {}),
                "answer": [_answer(definition, response.instrument_code, item_id, response.answers[item_id])],
            }
            for item_id in answered
        ],
    }
    if response.recorded_by is not None:
        resource["author"] = {"type": "Practitioner", "display": response.recorded_by.get_full_name() or "Staff"}
        resource["source"] = resource["author"]
    else:
        resource["source"] = {**_subject(response), "display": "The client, online"}
    if not resource["item"]:
        del resource["item"]
    return resource


def _score_code(response: QuestionnaireResponse, definition: InstrumentDefinition | None) -> dict[str, Any]:
    title = definition.short_title or definition.title if definition else response.instrument_code
    coding = [{"system": INSTRUMENT_SYSTEM, "code": response.instrument_code, "display": f"{title} score"}]
    if definition and definition.loinc_score:
        coding.insert(0, {"system": LOINC, "code": definition.loinc_score})
    return {"coding": coding, "text": f"{title} score"}


def observation(response: QuestionnaireResponse) -> dict[str, Any]:
    definition = _definition_of(response)
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(response.pk),
        "meta": {"lastUpdated": _instant(response.modified_at)},
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": _score_code(response, definition),
        "subject": _subject(response),
        "effectiveDateTime": _instant(response.completed_at or response.recorded_at),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{response.pk}"}],
    }
    if response.score is not None:
        if response.score == response.score.to_integral_value():
            resource["valueInteger"] = int(response.score)
        else:
            resource["valueQuantity"] = {"value": float(response.score), "unit": "score"}
    elif response.profile:
        resource["valueString"] = response.profile
    else:
        reason = response.not_scorable_reason or "Not scored"
        resource["dataAbsentReason"] = {"coding": [{"system": DATA_ABSENT, "code": "unknown"}], "text": reason}
    if response.band_label:
        resource["interpretation"] = [{"text": response.band_label}]
    components = [
        {
            "code": {"text": name},
            **({"valueQuantity": {"value": float(value), "unit": "%"}} if value is not None else {}),
            **({"dataAbsentReason": {"coding": [{"system": DATA_ABSENT, "code": "unknown"}]}} if value is None else {}),
        }
        for name, value in response.percentage_values().items()
    ]
    if components:
        resource["component"] = components
    return resource


def instrument_codes_for(value: str) -> set[str] | None:
    """The instrument codes an Observation `code` token matches (LOINC or our instrument system); None if the
    system is one we do not use."""
    system, bar, code = value.partition("|")
    if not bar:
        system, code = "", value
    definitions = definitions_served()
    if system in ("", LOINC):
        found = {d.code for d in definitions if d.loinc_score == code}
        if system == LOINC or found:
            return found
    if system in ("", INSTRUMENT_SYSTEM):
        return {d.code for d in definitions if d.code == code}
    return None
