"""FHIR search over the referrals a client may see: the parameters the CapabilityStatement lists, each a
filter here; paging, `_sort`, `_total` and the one audit event per search naming what it returned are the
shared `searchsets.audited_search`."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fitforwork.api.fhir import extensions as ext
from fitforwork.api.fhir import mappers
from fitforwork.api.fhir.http import parse_uuid
from fitforwork.api.fhir.searchsets import SearchError, audited_search
from fitforwork.api.fhir.selectors import referrals_visible
from fitforwork.api.models import ApiClient
from fitforwork.referrals.models import Referral

SORTS = {
    "_lastUpdated": ("modified_at", "id"),
    "-_lastUpdated": ("-modified_at", "-id"),
}
DEFAULT_ORDER = ("received_at", "id")
PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
_DATE_VALUE = re.compile(
    r"(?P<year>[0-9]{4})(-(?P<month>[0-9]{2})(-(?P<day>[0-9]{2})"
    r"(T(?P<time>[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?"
)

Filter = Callable[[QuerySet[Referral], str, str], QuerySet[Referral]]


def _token(value: str) -> tuple[str | None, str]:
    system, bar, code = value.partition("|")
    return (system, code) if bar else (None, value)


def reference_id(value: str, resource_type: str, parameter: str) -> uuid.UUID:
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
        return queryset.filter(person_id=reference_id(value, "Patient", name))
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
        return queryset.filter(pk=reference_id(value, "ServiceRequest", name))
    raise SearchError(name, f"Task cannot be searched by {name}", code="not-supported")


def search(
    request: HttpRequest,
    client: ApiClient,
    resource_type: str,
    to_fhir: Callable[[Referral], dict[str, Any]],
    apply: Filter,
) -> HttpResponse:
    """A searchset Bundle of what matches among the referrals the client may see; one audit event for the
    search, listing the references returned (searchsets.audited_search)."""
    return audited_search(
        request,
        client,
        resource_type,
        referrals_visible(client),
        apply,
        to_fhir,
        default_order=DEFAULT_ORDER,
        sorts=SORTS,
    )
