"""Questionnaire, QuestionnaireResponse and Observation: read and search (ADR 0025).

Questionnaires are the instruments' definitions, public to any authenticated client. Responses and their
Observations are a person's health information: a client reads only those on cases its organisation referred
(`questionnaires.responses_visible`), anything else is a 404, and every read and search is audited as the
referral reads are (the search is the shared `searchsets.audited_search`).

QuestionnaireResponse and Observation are two views of the same rows, so they share one route table,
`RESPONSE_RESOURCES`: each resource type with its mapper; `response_urls()` makes the type (search) and
instance (read) addresses of each, named `<type>-type` and `<type>-instance`, as urls.py includes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from fitforwork.api.fhir import questionnaires as q
from fitforwork.api.fhir.http import fhir_endpoint, fhir_response, http_date, not_found, outcome_response, parse_uuid
from fitforwork.api.fhir.search import reference_id
from fitforwork.api.fhir.searchsets import RESULT_PARAMETERS, SearchError, audited_search, paging, searchset_bundle
from fitforwork.api.models import ApiClient
from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.core.audit.services import audit_record

Responses = QuerySet[QuestionnaireResponse]
ToFhir = Callable[[QuestionnaireResponse], dict[str, Any]]

# The route table: the resource types made from questionnaire responses, and how each is mapped.
RESPONSE_RESOURCES: dict[str, ToFhir] = {
    "QuestionnaireResponse": q.questionnaire_response,
    "Observation": q.observation,
}


def _response_filter(resource_type: str) -> Callable[[Responses, str, str], Responses]:
    def apply(queryset: Responses, name: str, value: str) -> Responses:
        if name == "_id":
            ids = [parse_uuid(v) for v in value.split(",")]
            return queryset.filter(pk__in=[i for i in ids if i])
        if name in ("patient", "subject"):
            return queryset.filter(case__person_id=reference_id(value, "Patient", name))
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


def _search_view(resource_type: str, to_fhir: ToFhir) -> Callable[..., HttpResponse]:
    @fhir_endpoint({"GET"})
    def search(request: HttpRequest, client: ApiClient) -> HttpResponse:
        return audited_search(
            request,
            client,
            resource_type,
            q.responses_visible(client),
            _response_filter(resource_type),
            to_fhir,
            default_order=("completed_at", "id"),
        )

    search.__name__ = search.__qualname__ = f"{resource_type.lower()}_type"
    return search


def _read_view(resource_type: str, to_fhir: ToFhir) -> Callable[..., HttpResponse]:
    @fhir_endpoint({"GET"})
    def read(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
        found = parse_uuid(resource_id)
        response = q.responses_visible(client).filter(pk=found).first() if found else None
        if response is None:
            return not_found(resource_type, resource_id)
        audit_record(
            actor=None,
            action="api.fhir.read",
            obj=response,
            data={
                "api_client": client.name,
                "resource": f"{resource_type}/{response.pk}",
                "case": str(response.case_id),
            },
        )
        return fhir_response(to_fhir(response), headers={"Last-Modified": http_date(response.modified_at)})

    read.__name__ = read.__qualname__ = f"{resource_type.lower()}_instance"
    return read


def response_urls() -> list[URLPattern]:
    """The search and read address of each resource in the route table."""
    patterns = []
    for resource_type, to_fhir in RESPONSE_RESOURCES.items():
        name = resource_type.lower()
        patterns.append(path(resource_type, _search_view(resource_type, to_fhir), name=f"{name}-type"))
        patterns.append(
            path(f"{resource_type}/<str:resource_id>", _read_view(resource_type, to_fhir), name=f"{name}-instance")
        )
    return patterns


@fhir_endpoint({"GET"})
def questionnaire_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    definitions = q.definitions_served()
    used: list[tuple[str, str]] = []
    try:
        count, page = paging(request)
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
    total = len(definitions)
    bundle = searchset_bundle(
        request,
        "Questionnaire",
        [q.questionnaire(d) for d in shown],
        total=total,
        more=bool(count) and page * count < total,
        kept=used,
        count=count,
        page=page,
    )
    return fhir_response(bundle)


@fhir_endpoint({"GET"})
def questionnaire_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    definition = q.definition_by_id(resource_id)
    if definition is None:
        return not_found("Questionnaire", resource_id)
    return fhir_response(q.questionnaire(definition))
