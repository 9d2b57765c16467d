"""One audited FHIR search, shared by every searchable resource (ServiceRequest and Task over referrals in
search.py; QuestionnaireResponse and Observation over questionnaire responses in questionnaire_views.py).

`audited_search` applies each search parameter through the resource's own filter, pages by `_count` and
`_page` with self, first, previous, next and last links, and records one audit event naming the client, the
query and every resource it returned. `_sort` and `_total` are honoured where the resource offers sorts;
elsewhere they are ignored (and the total always counted), as before. `searchset_bundle` makes the Bundle
for a list already filtered in memory (the Questionnaires, which are definitions, not rows)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from fitforwork.api.fhir.http import fhir_response, outcome_response
from fitforwork.api.models import ApiClient
from fitforwork.core.audit.services import audit_record

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_SEARCH_NUMBER = 1_000_000
# Parameters about the answer rather than which resources match.
# `_totalMethod` is fhirpy's (Aidbox's) way to ask for a count: the total is counted anyway.
RESULT_PARAMETERS = {"_count", "_page", "_format", "_sort", "_total", "_totalMethod"}
TOTALS = {"accurate", "none", "estimate"}

M = TypeVar("M", bound=Model)


class SearchError(Exception):
    def __init__(self, parameter: str, message: str, code: str = "value") -> None:
        super().__init__(message)
        self.parameter, self.message, self.code = parameter, message, code


def positive_int(value: str, name: str, *, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SearchError(name, f"{name} must be a whole number") from None
    if number < minimum:
        raise SearchError(name, f"{name} must be at least {minimum}")
    if number > MAX_SEARCH_NUMBER:
        raise SearchError(name, f"{name} must be at most {MAX_SEARCH_NUMBER}")
    return number


def paging(request: HttpRequest) -> tuple[int, int]:
    """`_count` (at most MAX_COUNT) and `_page`, or SearchError."""
    count = min(positive_int(request.GET.get("_count", str(DEFAULT_COUNT)), "_count", minimum=0), MAX_COUNT)
    return count, positive_int(request.GET.get("_page", "1"), "_page", minimum=1)


def one_of(request: HttpRequest, name: str, default: str, allowed: set[str] | Mapping[str, Any]) -> str:
    value = request.GET.get(name, default)
    if value not in allowed:
        raise SearchError(name, f"{name} must be one of {', '.join(sorted(allowed))}", code="not-supported")
    return value


def searchset_bundle(
    request: HttpRequest,
    resource_type: str,
    resources: Sequence[dict[str, Any]],
    *,
    total: int | None,
    more: bool,
    kept: Sequence[tuple[str, Any]],
    count: int,
    page: int,
) -> dict[str, Any]:
    """A searchset Bundle of `resources` (each with its id), its links keeping the parameters in `kept`."""
    base = request.build_absolute_uri(reverse(f"fhir:{resource_type.lower()}-type"))

    def link(relation: str, to_page: int) -> dict[str, str]:
        return {"relation": relation, "url": f"{base}?{urlencode([*kept, ('_count', count), ('_page', to_page)])}"}

    links = [link("self", page), link("first", 1)]
    if page > 1:
        links.append(link("previous", page - 1))
    if more:
        links.append(link("next", page + 1))
    if total is not None and count:
        links.append(link("last", max(1, -(-total // count))))
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        **({"total": total} if total is not None else {}),
        "link": links,
        "entry": [
            {"fullUrl": f"{base}/{resource['id']}", "resource": resource, "search": {"mode": "match"}}
            for resource in resources
        ],
    }


def audited_search(
    request: HttpRequest,
    client: ApiClient,
    resource_type: str,
    queryset: QuerySet[M],
    apply: Callable[[QuerySet[M], str, str], QuerySet[M]],
    to_fhir: Callable[[M], dict[str, Any]],
    *,
    default_order: Sequence[str],
    sorts: Mapping[str, Sequence[str]] | None = None,
) -> HttpResponse:
    """A searchset Bundle of what matches in `queryset` (already limited to what the client may see), and
    one audit event for the search listing the references returned. A parameter the resource cannot be
    searched by is a 400 OperationOutcome naming it."""
    used: list[tuple[str, str]] = []
    sort, total_mode = "", "accurate"
    try:
        count, page = paging(request)
        if sorts is not None:
            sort = request.GET.get("_sort", "")
            if sort:
                one_of(request, "_sort", "", sorts)
            total_mode = one_of(request, "_total", "accurate", TOTALS)
        for name, values in request.GET.lists():
            if name in RESULT_PARAMETERS:
                continue
            for value in values:
                queryset = apply(queryset, name, value)
                used.append((name, value))
    except SearchError as error:
        return outcome_response(400, error.code, error.message, f"{resource_type}?{error.parameter}")
    queryset = queryset.order_by(*((sorts or {}).get(sort) or default_order))
    start = (page - 1) * count
    fetched = list(queryset[start : start + count + 1]) if count else []
    found, more = fetched[:count], len(fetched) > count
    total = queryset.count() if total_mode != "none" else None
    if total is not None:
        more = start + count < total if count else False
    kept = used
    if sorts is not None:
        kept = [*used, *((name, request.GET[name]) for name in ("_sort", "_total") if name in request.GET)]
    audit_record(
        actor=None,
        action="api.fhir.search",
        obj=client,
        data={
            "api_client": client.name,
            "resource_type": resource_type,
            "query": request.GET.urlencode(),
            "returned": [f"{resource_type}/{row.pk}" for row in found],
        },
    )
    resources = [to_fhir(row) for row in found]
    bundle = searchset_bundle(
        request, resource_type, resources, total=total, more=more, kept=kept, count=count, page=page
    )
    return fhir_response(bundle)
