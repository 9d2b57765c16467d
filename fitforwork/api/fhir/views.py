"""One view per FHIR endpoint: authorise (http.fhir_endpoint), parse, call intake or a selector, answer.

Referrals come in only through `fitforwork.referrals.intake.referral_receive`, or, for a sender that asks not to wait
(`Prefer: respond-async`), `referral_receive_later` and the status endpoint in `asynchronous.py`. Search is in
search.py, what a client may read in selectors.py, and headers and errors in http.py. The one update, a referrer
withdrawing its referral, is in update.py, and the versions vread and _history serve in versions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone

from fitforwork.api.fhir import bundles, capability, mappers, parsing, selectors, update, versions
from fitforwork.api.fhir.body import Body, is_unreadable
from fitforwork.api.fhir.http import (
    empty_response,
    etag_matches,
    fhir_endpoint,
    fhir_response,
    http_date,
    not_found,
    outcome_response,
    parse_uuid,
    prefers,
    read_payload,
    wants_async,
)
from fitforwork.api.fhir.mappers import FhirRefused, Issue
from fitforwork.api.fhir.search import SearchError, search, service_request_filter, task_filter
from fitforwork.api.models import ApiClient
from fitforwork.core.audit.services import audit_record
from fitforwork.referrals.intake import IdempotencyKeyReused, ReferralRefused, referral_receive, referral_receive_later
from fitforwork.referrals.models import Channel, Referral

ALL_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# A retry by If-None-Exist alone is made safe with the intake's idempotency, under a key of its own.
IF_NONE_EXIST_KEY = "if-none-exist:"


def _parser(parse: Callable[..., Any], client: ApiClient, body: Body) -> Callable[[Any], Any]:
    def run(payload: Any) -> Any:
        if body.problem or is_unreadable(payload):
            problem = body.problem or "The body is not valid JSON"
            raise FhirRefused([Issue("structure", body.where, problem)], status=400)
        return parse(payload, organisation=client.organisation)

    return run


def _idempotency_key(request: HttpRequest, if_none_exist: str) -> str | HttpResponse:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key and if_none_exist:
        key = IF_NONE_EXIST_KEY + if_none_exist
    if len(key) > 200:
        return outcome_response(400, "value", "The Idempotency-Key (or If-None-Exist) is at most 200 characters")
    return key


def _take(
    request: HttpRequest,
    client: ApiClient,
    parse: Callable[..., Any],
    take: Callable[..., Any],
    if_none_exist: str = "",
) -> Any:
    """Hand the body to intake (`referral_receive` or `referral_receive_later`) for this client; a refusal as
    its OperationOutcome."""
    key = _idempotency_key(request, if_none_exist)
    if isinstance(key, HttpResponse):
        return key
    body = read_payload(request)
    payload = body.payload
    try:
        return take(
            channel=Channel.FHIR,
            payload=payload,
            parse=_parser(parse, client, body),
            submitted_by=None,
            idempotency_scope=f"apiclient:{client.pk}",
            idempotency_key=key,
            # An If-None-Exist retry is answered by its match whatever its body; an Idempotency-Key's is not.
            refuse_reuse=bool(request.headers.get("Idempotency-Key", "").strip()),
        )
    except IdempotencyKeyReused:
        return outcome_response(
            422,
            "business-rule",
            "This Idempotency-Key was used for another request with a different body: send a new key for a new "
            "request, or the same body to get the first answer again",
            "Idempotency-Key",
        )
    except ReferralRefused as refused:
        status, issues = mappers.issues_from_refusal(refused, parsing.resource_paths(payload))
        return fhir_response(mappers.operation_outcome(issues), status=status)


def _accept(request: HttpRequest, client: ApiClient, parse: Callable[..., Any]) -> HttpResponse:
    """Store and check the referral now, make it just after; 202 with where to ask how it went."""
    submission = _take(request, client, parse, referral_receive_later)
    if isinstance(submission, HttpResponse):
        return submission
    where = request.build_absolute_uri(reverse("fhir:async-status", args=[submission.pk]))
    message = "Received and stored. Ask the Content-Location address for the referral, or why it was refused."
    response = fhir_response(
        mappers.operation_outcome([Issue("informational", "", message, severity="information")]), status=202
    )
    response["Content-Location"] = where
    return response


def _existing(client: ApiClient, if_none_exist: str) -> list[Referral] | HttpResponse:
    """The referrals an If-None-Exist query matches: by the search parameters, or an earlier create that sent the
    same query (so a sender's own identifier, which we do not search on, still stops a second referral)."""
    queryset = selectors.referrals_visible(client)
    try:
        for name, values in QueryDict(if_none_exist).lists():
            for value in values:
                queryset = service_request_filter(queryset, name, value)
    except SearchError as error:
        if error.code != "not-supported":
            return outcome_response(400, error.code, error.message, "If-None-Exist")
        queryset = queryset.none()
    found = list(queryset[:2])
    if not found:
        key = IF_NONE_EXIST_KEY + if_none_exist
        found = list(
            selectors.referrals_visible(client).filter(
                submission__idempotency_scope=f"apiclient:{client.pk}", submission__idempotency_key=key
            )
        )
    return found


def _headers(request: HttpRequest, referral: Referral) -> dict[str, str]:
    version = mappers.version_id(referral)
    return {
        "Location": request.build_absolute_uri(reverse("fhir:servicerequest-version", args=[referral.pk, version])),
        "ETag": mappers.etag(referral),
        "Last-Modified": http_date(referral.modified_at),
    }


def _created(request: HttpRequest, referral: Referral, status: int) -> HttpResponse:
    headers = _headers(request, referral)
    if prefers(request, "return=minimal"):
        return empty_response(status, headers)
    return fhir_response(mappers.service_request(referral), status=status, headers=headers)


def _condition(text: str) -> str:
    """An If-None-Exist query as we compare and key it: without a leading `?` or `ServiceRequest?`."""
    return text.strip().lstrip("?").removeprefix("ServiceRequest?")


def _match(client: ApiClient, if_none_exist: str) -> Referral | HttpResponse | None:
    """The one referral an If-None-Exist query matches (audited as a read, since it is answered), None for no
    match, or the 412 for several."""
    existing = _existing(client, if_none_exist)
    if isinstance(existing, HttpResponse):
        return existing
    if len(existing) > 1:
        return outcome_response(412, "duplicate", "If-None-Exist matches more than one referral", "If-None-Exist")
    if not existing:
        return None
    audit_record(actor=None, action="api.fhir.read", obj=existing[0], data={"api_client": client.name})
    return selectors.referral_loaded(existing[0], client)


def _create(request: HttpRequest, client: ApiClient) -> HttpResponse:
    """POST ServiceRequest: 201 with the new referral; with If-None-Exist, 200 with the one it matches, 412 if
    it matches several."""
    # The header, or (as fhirpy's get_or_create sends it) the same query on the POST's URL.
    if_none_exist = _condition(request.headers.get("If-None-Exist", "") or request.GET.urlencode())
    if if_none_exist:
        found = _match(client, if_none_exist)
        if isinstance(found, HttpResponse):
            return found
        if found is not None:
            return _created(request, found, 200)
    started = timezone.now()
    result = _take(request, client, parsing.parse_service_request, referral_receive, if_none_exist)
    if isinstance(result, HttpResponse):
        return result
    referral = selectors.referral_loaded(result, client)
    # A retry by Idempotency-Key is answered as the first attempt was; one by If-None-Exist that raced the first
    # past the check above, as If-None-Exist answers a match.
    return _created(request, referral, 200 if if_none_exist and not _made_since(referral, started) else 201)


def _made_since(referral: Referral, started: datetime) -> bool:
    return referral.created_at >= started


@fhir_endpoint({"GET"}, public=True)
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability.capability_statement(request.build_absolute_uri(reverse("fhir:root"))))


@fhir_endpoint({"POST"})
def root(request: HttpRequest, client: ApiClient) -> HttpResponse:
    """A transaction Bundle with one Patient, one ServiceRequest and perhaps a Consent, all or nothing; the
    response's entries answer the request's in the same order. The ServiceRequest entry's
    `request.ifNoneExist` makes it conditional, as the If-None-Exist header does for POST ServiceRequest."""
    payload = read_payload(request).payload
    order = bundles.entry_types(payload)
    if_none_exist = _condition(bundles.transaction_if_none_exist(payload))
    if if_none_exist:
        found = _match(client, if_none_exist)
        if isinstance(found, HttpResponse):
            return found
        if found is not None:
            return fhir_response(mappers.transaction_response(found, order, status="200 OK"))
    result = _take(request, client, parsing.parse_transaction, referral_receive, if_none_exist)
    if isinstance(result, HttpResponse):
        return result
    referral = selectors.referral_loaded(result, client)
    audit_record(actor=None, action="api.fhir.transaction", obj=referral, data={"api_client": client.name})
    return fhir_response(mappers.transaction_response(referral, order))


@fhir_endpoint({"GET", "POST"})
def service_request_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    if request.method == "POST":
        if wants_async(request):
            return _accept(request, client, parsing.parse_service_request)
        return _create(request, client)
    return search(request, client, "ServiceRequest", mappers.service_request, service_request_filter)


@fhir_endpoint({"GET", "PUT"})
def service_request_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    if request.method == "PUT":
        return update.update(request, client, resource_id)
    return _read(request, client, "ServiceRequest", resource_id, mappers.service_request)


@fhir_endpoint({"GET"})
def service_request_history(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    """Every version of the referral's ServiceRequest, newest first; one audit event."""
    referral = selectors.referral_for(client, parse_uuid(resource_id))
    if referral is None:
        return not_found("ServiceRequest", resource_id)
    audit_record(actor=None, action="api.fhir.history", obj=referral, data={"api_client": client.name})
    return fhir_response(versions.history_bundle(referral, request.build_absolute_uri(reverse("fhir:root"))))


@fhir_endpoint({"GET"})
def service_request_version(request: HttpRequest, client: ApiClient, resource_id: str, version_id: str) -> HttpResponse:
    return _read(request, client, "ServiceRequest", resource_id, mappers.service_request, version_id)


@fhir_endpoint({"GET"})
def task_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    return search(request, client, "Task", mappers.task, task_filter)


@fhir_endpoint({"GET"})
def task_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    return _read(request, client, "Task", resource_id, mappers.task)


@fhir_endpoint({"GET"})
def task_version(request: HttpRequest, client: ApiClient, resource_id: str, version_id: str) -> HttpResponse:
    return _read(request, client, "Task", resource_id, mappers.task, version_id)


@fhir_endpoint({"GET"})
def patient_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    """The person as this client sent them on its newest referral about them (selectors.person_sent_by)."""
    found = selectors.person_sent_by(client, parse_uuid(resource_id))
    if found is None:
        return not_found("Patient", resource_id)
    person, referral = found
    audit_record(actor=None, action="api.fhir.read", obj=person, data={"api_client": client.name})
    return fhir_response(mappers.patient(person, referral), headers={"Last-Modified": http_date(referral.created_at)})


@fhir_endpoint(ALL_METHODS)
def unknown(request: HttpRequest, client: ApiClient, path: str = "") -> HttpResponse:
    """Anything under /fhir/R4 that is not an endpoint: a FHIR answer, never the site's HTML 404 page."""
    return outcome_response(
        404, "not-supported", f"There is nothing at /fhir/R4/{path}; see /fhir/R4/metadata for what is", path
    )


def _read(
    request: HttpRequest,
    client: ApiClient,
    resource_type: str,
    resource_id: str,
    to_fhir: Callable[[Referral], Any],
    version_id: str | None = None,
) -> HttpResponse:
    """read and vread: a ServiceRequest's earlier versions are kept (versions.py); a Task's only its current."""
    referral = selectors.referral_for(client, parse_uuid(resource_id))
    if referral is None:
        return not_found(resource_type, resource_id)
    if version_id is not None and version_id != mappers.version_id(referral):
        return _read_earlier(client, resource_type, referral, version_id)
    headers = {"ETag": mappers.etag(referral), "Last-Modified": http_date(referral.modified_at)}
    if etag_matches(request.headers.get("If-None-Match", ""), mappers.etag(referral)):
        return empty_response(304, headers)
    audit_record(actor=None, action="api.fhir.read", obj=referral, data={"api_client": client.name})
    return fhir_response(to_fhir(referral), headers=headers)


def _read_earlier(client: ApiClient, resource_type: str, referral: Referral, version_id: str) -> HttpResponse:
    kept = versions.earlier(referral, version_id) if resource_type == "ServiceRequest" else None
    if kept is None:
        which = "" if resource_type == "ServiceRequest" else f" (only a {resource_type}'s current version is kept)"
        return outcome_response(
            404,
            "not-found",
            f"{resource_type}/{referral.pk} has no version {version_id}{which}; its history lists those kept",
            resource_type,
        )
    audit_record(
        actor=None, action="api.fhir.read", obj=referral, data={"api_client": client.name, "version": version_id}
    )
    headers = {"ETag": f'W/"{kept.version_id}"', "Last-Modified": http_date(kept.last_updated)}
    return fhir_response(kept.resource, headers=headers)
