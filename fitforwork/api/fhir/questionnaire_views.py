"""Questionnaire, QuestionnaireResponse and Observation: read and search (ADR 0025).

Questionnaires are the instruments' definitions, public to any authenticated client. Responses and their
Observations are a person's health information: a client reads only those on cases its organisation referred
(`questionnaires.responses_visible`), anything else is a 404, and every read and search is audited as the
referral reads are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from fitforwork.api.fhir import questionnaires as q
from fitforwork.api.fhir.http import fhir_endpoint, fhir_response, http_date, not_found, outcome_response, parse_uuid
from fitforwork.api.fhir.search import RESULT_PARAMETERS, SearchError, _positive_int, _reference_id
from fitforwork.api.models import ApiClient
from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.core.audit.services import audit_record

DEFAULT_COUNT = 20
MAX_COUNT = 100
Responses = QuerySet[QuestionnaireResponse]


def _response_filter(resource_type: str) -> Callable[[Responses, str, str], Responses]:
    def apply(queryset: Responses, name: str, value: str) -> Responses:
        if name == "_id":
            ids = [parse_uuid(v) for v in value.split(",")]
            return queryset.filter(pk__in=[i for i in ids if i])
        if name in ("patient", "subject"):
            return queryset.filter(case__person_id=_reference_id(value, "Patient", name))
        if resource_type == "QuestionnaireResponse" and name == "questionnaire":
            url, _, version = value.partition("|")
            code = url.rstrip("/").rsplit("/", 1)[-1] if url.startswith(q.QUESTIONNAIRE_BASE) else None
            found = queryset.filter(instrument_code=code) if code else queryset.none()
            return found.filter(instrument_version=version) if version else found
        if resource_type == "Observation" and name == "code":
            codes = {c for v in value.split(",") for c in (q.instrument_codes_for(v) or set())}
            return queryset.filter(instrument_code__in=codes)
        raise SearchError(name, f"{resource_type} cannot be searched by {name}", code="not-supported")

    return apply


def _page(request: HttpRequest) -> tuple[int, int]:
    count = min(_positive_int(request.GET.get("_count", str(DEFAULT_COUNT)), "_count", minimum=0), MAX_COUNT)
    return count, _positive_int(request.GET.get("_page", "1"), "_page", minimum=1)


def _bundle(
    request: HttpRequest,
    resource_type: str,
    resources: list[dict[str, Any]],
    total: int,
    used: list[tuple[str, str]],
    count: int,
    page: int,
) -> dict[str, Any]:
    base = request.build_absolute_uri(reverse(f"fhir:{resource_type.lower()}-type"))

    def link(relation: str, to_page: int) -> dict[str, str]:
        return {"relation": relation, "url": f"{base}?{urlencode([*used, ('_count', count), ('_page', to_page)])}"}

    links = [link("self", page), link("first", 1)]
    if page > 1:
        links.append(link("previous", page - 1))
    if count and page * count < total:
        links.append(link("next", page + 1))
    if count:
        links.append(link("last", max(1, -(-total // count))))
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {"fullUrl": f"{base}/{resource['id']}", "resource": resource, "search": {"mode": "match"}}
            for resource in resources
        ],
    }


def _search_responses(
    request: HttpRequest, client: ApiClient, resource_type: str, to_fhir: Callable[[Any], dict[str, Any]]
) -> HttpResponse:
    queryset = q.responses_visible(client)
    apply = _response_filter(resource_type)
    used: list[tuple[str, str]] = []
    try:
        count, page = _page(request)
        for name, values in request.GET.lists():
            if name in RESULT_PARAMETERS:
                continue
            for value in values:
                queryset = apply(queryset, name, value)
                used.append((name, value))
    except SearchError as error:
        return outcome_response(400, error.code, error.message, f"{resource_type}?{error.parameter}")
    queryset = queryset.order_by("completed_at", "id")
    start = (page - 1) * count
    found = list(queryset[start : start + count]) if count else []
    total = queryset.count()
    audit_record(
        actor=None,
        action="api.fhir.search",
        obj=client,
        data={
            "api_client": client.name,
            "resource_type": resource_type,
            "query": request.GET.urlencode(),
            "returned": [f"{resource_type}/{response.pk}" for response in found],
        },
    )
    return fhir_response(_bundle(request, resource_type, [to_fhir(r) for r in found], total, used, count, page))


def _read_response(
    client: ApiClient, resource_type: str, resource_id: str, to_fhir: Callable[[Any], dict[str, Any]]
) -> HttpResponse:
    found = parse_uuid(resource_id)
    response = q.responses_visible(client).filter(pk=found).first() if found else None
    if response is None:
        return not_found(resource_type, resource_id)
    audit_record(
        actor=None,
        action="api.fhir.read",
        obj=response,
        data={"api_client": client.name, "resource": f"{resource_type}/{response.pk}", "case": str(response.case_id)},
    )
    return fhir_response(to_fhir(response), headers={"Last-Modified": http_date(response.modified_at)})


@fhir_endpoint({"GET"})
def questionnaire_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    definitions = q.definitions_served()
    used: list[tuple[str, str]] = []
    try:
        count, page = _page(request)
        for name, values in request.GET.lists():
            if name in RESULT_PARAMETERS:
                continue
            for value in values:
                if name == "_id":
                    definitions = [d for d in definitions if q.questionnaire_id(d) in value.split(",")]
                elif name == "url":
                    definitions = [d for d in definitions if q.canonical(d.code) == value.partition("|")[0]]
                elif name == "version":
                    definitions = [d for d in definitions if d.version == value]
                else:
                    raise SearchError(name, f"Questionnaire cannot be searched by {name}", code="not-supported")
                used.append((name, value))
    except SearchError as error:
        return outcome_response(400, error.code, error.message, f"Questionnaire?{error.parameter}")
    start = (page - 1) * count
    shown = definitions[start : start + count] if count else []
    resources = [q.questionnaire(d) for d in shown]
    return fhir_response(_bundle(request, "Questionnaire", resources, len(definitions), used, count, page))


@fhir_endpoint({"GET"})
def questionnaire_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    definition = q.definition_by_id(resource_id)
    if definition is None:
        return not_found("Questionnaire", resource_id)
    return fhir_response(q.questionnaire(definition))


@fhir_endpoint({"GET"})
def questionnaire_response_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    return _search_responses(request, client, "QuestionnaireResponse", q.questionnaire_response)


@fhir_endpoint({"GET"})
def questionnaire_response_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    return _read_response(client, "QuestionnaireResponse", resource_id, q.questionnaire_response)


@fhir_endpoint({"GET"})
def observation_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    return _search_responses(request, client, "Observation", q.observation)


@fhir_endpoint({"GET"})
def observation_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    return _read_response(client, "Observation", resource_id, q.observation)
