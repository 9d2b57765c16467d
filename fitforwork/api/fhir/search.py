"""FHIR search over the referrals a client may see: the parameters the CapabilityStatement lists, paging by
`_count` and `_page` with first, previous, next and last links, `_sort`, `_total`, and one audit event per
search naming what it returned."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from fitforwork.api.fhir import extensions as ext
from fitforwork.api.fhir import mappers
from fitforwork.api.fhir.http import fhir_response, outcome_response, parse_uuid
from fitforwork.api.fhir.selectors import referrals_visible
from fitforwork.api.models import ApiClient
from fitforwork.core.audit.services import audit_record
from fitforwork.referrals.models import Referral

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_SEARCH_NUMBER = 1_000_000
# Parameters about the answer rather than which resources match.
# `_totalMethod` is fhirpy's (Aidbox's) way to ask for a count: the total is counted anyway.
RESULT_PARAMETERS = {"_count", "_page", "_format", "_sort", "_total", "_totalMethod"}
SORTS = {
    "_lastUpdated": ("modified_at", "id"),
    "-_lastUpdated": ("-modified_at", "-id"),
}
DEFAULT_ORDER = ("received_at", "id")
TOTALS = {"accurate", "none", "estimate"}
PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
_DATE_VALUE = re.compile(
    r"(?P<year>[0-9]{4})(-(?P<month>[0-9]{2})(-(?P<day>[0-9]{2})"
    r"(T(?P<time>[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?"
)

Filter = Callable[[QuerySet[Referral], str, str], QuerySet[Referral]]


class SearchError(Exception):
    def __init__(self, parameter: str, message: str, code: str = "value") -> None:
        super().__init__(message)
        self.parameter, self.message, self.code = parameter, message, code


def _token(value: str) -> tuple[str | None, str]:
    system, bar, code = value.partition("|")
    return (system, code) if bar else (None, value)


def _reference_id(value: str, resource_type: str, parameter: str) -> uuid.UUID:
    """The id in `id`, `Type/id` or an absolute URL ending in `Type/id`."""
    parts = value.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] != resource_type:
        raise SearchError(parameter, f"{parameter} must be a {resource_type} reference")
    found = parse_uuid(parts[-1])
    if found is None:
        raise SearchError(parameter, f"{value} is not a {resource_type} id")
    return found


def _range(value: str, parameter: str) -> tuple[datetime, datetime]:
    """The instants a FHIR date value covers, from its start to just after its end, at its own precision."""
    found = _DATE_VALUE.fullmatch(value)
    if found is None:
        raise SearchError(parameter, f"{parameter} must be a date or date and time, like ge2026-03-27")
    zone = timezone.get_current_timezone()
    try:
        if found["time"]:
            text = f"{value[:10]}T{found['time']}{found['zone'] or ''}".replace("Z", "+00:00")
            start = datetime.fromisoformat(text)
            if start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            precision = len(found["time"])
            step = timedelta(minutes=1) if precision == 5 else timedelta(seconds=1)
            if precision > 8:
                step = timedelta(microseconds=1)
            return start, start + step
        year, month, day = int(found["year"]), int(found["month"] or 1), int(found["day"] or 1)
        first = date(year, month, day)
        if found["day"]:
            last = first + timedelta(days=1)
        elif found["month"]:
            last = date(year + month // 12, month % 12 + 1, 1)
        else:
            last = date(year + 1, 1, 1)
    except ValueError:
        raise SearchError(parameter, f"{value} is not a date") from None
    return (
        datetime(first.year, first.month, first.day, tzinfo=zone),
        datetime(last.year, last.month, last.day, tzinfo=zone),
    )


def last_updated_filter(queryset: QuerySet[Referral], value: str) -> QuerySet[Referral]:
    """`_lastUpdated` with FHIR's prefixes, each value covering its own precision (a day, a month, a second)."""
    prefix = value[:2] if value[:2] in PREFIXES else "eq"
    start, end = _range(value[2:] if value[:2] in PREFIXES else value, "_lastUpdated")
    within = Q(modified_at__gte=start, modified_at__lt=end)
    conditions = {
        "eq": within,
        "ne": ~within,
        "gt": Q(modified_at__gte=end),
        "ge": Q(modified_at__gte=start),
        "lt": Q(modified_at__lt=start),
        "le": Q(modified_at__lt=end),
    }
    return queryset.filter(conditions[prefix])


def _patient_identifier_filter(queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
    """`patient:identifier` and `subject:identifier`: the person's NHS number, with or without its system."""
    system, number = _token(value)
    if system not in (None, "", ext.NHS_NUMBER_SYSTEM):
        return queryset.none()
    if not number:
        raise SearchError(name, f"{name} needs a value: {ext.NHS_NUMBER_SYSTEM}|<NHS number>")
    return queryset.filter(person__nhs_number=number.replace(" ", ""))


def _common_filter(queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral] | None:
    if name == "_id":
        ids = [parse_uuid(v) for v in value.split(",")]
        return queryset.filter(pk__in=[i for i in ids if i])
    if name in ("patient", "subject"):
        return queryset.filter(person_id=_reference_id(value, "Patient", name))
    if name in ("patient:identifier", "subject:identifier"):
        return _patient_identifier_filter(queryset, name, value)
    if name == "_lastUpdated":
        return last_updated_filter(queryset, value)
    return None


def service_request_filter(queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
    common = _common_filter(queryset, name, value)
    if common is not None:
        return common
    if name == "identifier":
        system, code = _token(value)
        if system not in (None, ext.REFERRAL_REFERENCE_SYSTEM):
            return queryset.none()
        return queryset.filter(reference=code)
    if name == "status":
        statuses = [s for v in value.split(",") for s in mappers.REFERRAL_STATUSES_FOR.get(v, [])]
        return queryset.filter(status__in=statuses)
    raise SearchError(name, f"ServiceRequest cannot be searched by {name}", code="not-supported")


def task_filter(queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
    common = _common_filter(queryset, name, value)
    if common is not None:
        return common
    if name == "focus":
        return queryset.filter(pk=_reference_id(value, "ServiceRequest", name))
    raise SearchError(name, f"Task cannot be searched by {name}", code="not-supported")


def _positive_int(value: str, name: str, *, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SearchError(name, f"{name} must be a whole number") from None
    if number < minimum:
        raise SearchError(name, f"{name} must be at least {minimum}")
    if number > MAX_SEARCH_NUMBER:
        raise SearchError(name, f"{name} must be at most {MAX_SEARCH_NUMBER}")
    return number


def _one(request: HttpRequest, name: str, default: str, allowed: set[str] | dict[str, Any]) -> str:
    value = request.GET.get(name, default)
    if value not in allowed:
        raise SearchError(name, f"{name} must be one of {', '.join(sorted(allowed))}", code="not-supported")
    return value


def search(
    request: HttpRequest,
    client: ApiClient,
    resource_type: str,
    to_fhir: Callable[[Referral], dict[str, Any]],
    apply: Filter,
) -> HttpResponse:
    """A searchset Bundle of what matches; one audit event for the search, listing the references returned."""
    queryset = referrals_visible(client)
    used: list[tuple[str, str]] = []
    try:
        count = min(_positive_int(request.GET.get("_count", str(DEFAULT_COUNT)), "_count", minimum=0), MAX_COUNT)
        page = _positive_int(request.GET.get("_page", "1"), "_page", minimum=1)
        sort = request.GET.get("_sort", "")
        if sort:
            _one(request, "_sort", "", SORTS)
        total_mode = _one(request, "_total", "accurate", TOTALS)
        for name, values in request.GET.lists():
            if name in RESULT_PARAMETERS:
                continue
            for value in values:
                queryset = apply(queryset, name, value)
                used.append((name, value))
    except SearchError as error:
        return outcome_response(400, error.code, error.message, f"{resource_type}?{error.parameter}")
    queryset = queryset.order_by(*SORTS.get(sort, DEFAULT_ORDER))
    start = (page - 1) * count
    fetched = list(queryset[start : start + count + 1]) if count else []
    referrals, more = fetched[:count], len(fetched) > count
    total = queryset.count() if total_mode != "none" else None
    if total is not None:
        more = start + count < total if count else False
    kept = [*used, *((name, request.GET[name]) for name in ("_sort", "_total") if name in request.GET)]
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
    audit_record(
        actor=None,
        action="api.fhir.search",
        obj=client,
        data={
            "api_client": client.name,
            "resource_type": resource_type,
            "query": request.GET.urlencode(),
            "returned": [f"{resource_type}/{referral.pk}" for referral in referrals],
        },
    )
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        **({"total": total} if total is not None else {}),
        "link": links,
        "entry": [
            {
                "fullUrl": request.build_absolute_uri(
                    reverse(f"fhir:{resource_type.lower()}-instance", args=[referral.pk])
                ),
                "resource": to_fhir(referral),
                "search": {"mode": "match"},
            }
            for referral in referrals
        ],
    }
    return fhir_response(bundle)
