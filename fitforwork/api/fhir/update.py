"""PUT ServiceRequest/{id}: the one change a referrer may make through FHIR is to withdraw its referral.

The client sends back the resource it read with `status: revoked` and `If-Match: W/"<versionId>"`. A
missing If-Match is a 428, a stale one a 412 (never a silent overwrite), any other change a 422 naming
each element, since everything else about a referral is corrected by phoning the service. The whole
request is one transaction, with the referral locked from the If-Match check to the change.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from fhir.resources.R4B.servicerequest import ServiceRequest

from fitforwork.api.fhir import mappers, selectors, validation
from fitforwork.api.fhir.http import (
    body_refused,
    empty_response,
    etag_matches,
    fhir_response,
    http_date,
    not_found,
    outcome_response,
    parse_uuid,
    prefers,
    read_payload,
)
from fitforwork.api.fhir.mappers import FhirRefused, Issue
from fitforwork.api.models import ApiClient
from fitforwork.referrals.models import Referral
from fitforwork.referrals.services import InvalidTransition, referral_withdraw

WITHDRAWN = "revoked"
# What may differ from the resource as we serve it: its status (the change), and what a server sets.
IGNORED = {"meta", "text", "status"}
CORRECTIONS = (
    "Only the status can be changed here, to 'revoked' to withdraw the referral. To correct anything else, "
    "phone the service (its number is on the service's contact page)."
)


def _normalised(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource as its R4B model writes it, so a value sent in another form (a time zone) is not a change."""
    return dict(json.loads(ServiceRequest.model_validate(resource).model_dump_json()))


def _changes(sent: dict[str, Any], current: dict[str, Any]) -> list[Issue]:
    """Every element other than status that differs from what we serve, as 422 issues; and a status other
    than revoked."""
    ours, theirs = _normalised(current), _normalised(sent)
    issues = [
        Issue("business-rule", f"ServiceRequest.{name}", f"{name} cannot be changed. {CORRECTIONS}")
        for name in sorted((set(ours) | set(theirs)) - IGNORED)
        if ours.get(name) != theirs.get(name)
    ]
    if theirs.get("status") not in (ours.get("status"), WITHDRAWN):
        issues.append(
            Issue("business-rule", "ServiceRequest.status", f"status cannot be {theirs.get('status')!r}. {CORRECTIONS}")
        )
    return issues


def _answer(request: HttpRequest, referral: Referral) -> HttpResponse:
    version = mappers.version_id(referral)
    headers = {
        "ETag": mappers.etag(referral),
        "Last-Modified": http_date(referral.modified_at),
        "Location": request.build_absolute_uri(reverse("fhir:servicerequest-version", args=[referral.pk, version])),
    }
    if prefers(request, "return=minimal"):
        return empty_response(200, headers)
    return fhir_response(mappers.service_request(referral), headers=headers)


def _refused(issues: list[Issue], status: int) -> HttpResponse:
    return fhir_response(mappers.operation_outcome(issues), status=status)


@transaction.atomic
def update(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    """404 unless it is this client's referral; 428, 400, 412, 422 as above; 200 with the withdrawn referral
    (or, when nothing changed, with it as it is)."""
    referral = selectors.referral_for_update(client, parse_uuid(resource_id))
    if referral is None:
        return not_found("ServiceRequest", resource_id)
    if_match = request.headers.get("If-Match", "").strip()
    if not if_match:
        return outcome_response(
            428,
            "required",
            f"Send If-Match: {mappers.etag(referral)} (the ETag of the version you read), so that a change made "
            "since you read it is not overwritten",
            "If-Match",
        )
    body = read_payload(request)
    if body.problem:
        return body_refused(body)
    payload = body.payload
    if payload.get("resourceType") != "ServiceRequest":
        return outcome_response(400, "structure", "Send a ServiceRequest to ServiceRequest/{id}", "resourceType")
    try:
        validation.validate(payload, "ServiceRequest")
    except FhirRefused as refused:
        return _refused(refused.issues, refused.status)
    if payload.get("id") != resource_id:
        return outcome_response(
            400, "value", f"The resource's id must be {resource_id}, as in the URL", "ServiceRequest.id"
        )
    if not etag_matches(if_match, mappers.etag(referral)):
        return outcome_response(
            412,
            "conflict",
            f"ServiceRequest/{resource_id} has changed since version {if_match}: it is now {mappers.etag(referral)}. "
            "Read it again, then send your change.",
            "If-Match",
        )
    current = mappers.service_request(referral)
    issues = _changes(payload, current)
    if issues:
        return _refused(issues, 422)
    if payload["status"] == current["status"]:
        return _answer(request, referral)
    try:
        withdrawn = referral_withdraw(referral=referral, organisation=client.organisation, by=client.name)
    except InvalidTransition as refused:
        return outcome_response(409, "business-rule", str(refused), "ServiceRequest.status")
    return _answer(request, selectors.referral_loaded(withdrawn, client))
