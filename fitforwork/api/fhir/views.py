"""The FHIR R4 facade's HTTP layer: bearer-token auth, content negotiation, and one view per endpoint.

No session, no CSRF (a token is not sent by browsers on their own); every answer is `application/fhir+json`,
every error an OperationOutcome. Referrals come in only through `fitforwork.referrals.intake.receive`, or,
for a sender that asks not to wait (`Prefer: respond-async`), `receive_later` and the status endpoint in
`asynchronous.py`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from fitforwork.api.fhir import capability, mappers, parsing
from fitforwork.api.fhir import extensions as ext
from fitforwork.api.fhir.mappers import FHIR_JSON, FhirRefused, Issue
from fitforwork.api.models import ApiClient
from fitforwork.api.services import apiclient_for_token
from fitforwork.core.audit.services import audit_record
from fitforwork.organisations.models import ServiceModelVersion
from fitforwork.people.models import Person
from fitforwork.referrals.intake import ReferralRefused, receive, receive_later
from fitforwork.referrals.models import Channel, Referral

DEFAULT_COUNT = 20
MAX_COUNT = 100

View = Callable[..., HttpResponse]


def fhir_response(resource: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(resource), status=status, content_type=FHIR_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome_response(status: int, code: str, message: str, expression: str = "") -> HttpResponse:
    return fhir_response(mappers.operation_outcome([Issue(code, expression, message)]), status=status)


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def fhir_endpoint(methods: set[str], *, public: bool = False) -> Callable[[View], View]:
    """Public to the session sign-in (a token authenticates instead), CSRF-free, methods checked, FHIR errors."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = outcome_response(
                    405, "not-supported", f"{request.method} is not supported here; see /fhir/R4/metadata"
                )
                response["Allow"] = ", ".join(sorted(methods))
                return response
            if not public:
                client = apiclient_for_token(_bearer(request))
                if client is None:
                    response = outcome_response(401, "login", "Send a valid API token: Authorization: Bearer <token>")
                    response["WWW-Authenticate"] = 'Bearer realm="fhir"'
                    return response
                client.mark_used()
                kwargs["client"] = client
            return view(request, *args, **kwargs)

        return login_not_required(csrf_exempt(wrapper))

    return decorate


def _visible(client: ApiClient) -> QuerySet[Referral]:
    """A client sees only the referrals its organisation made."""
    return Referral.objects.select_related("person", "site", "referrer_organisation", "rules__service_model").filter(
        referrer_organisation_id=client.organisation_id
    )


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _not_found(resource_type: str, resource_id: str) -> HttpResponse:
    return outcome_response(404, "not-found", f"{resource_type}/{resource_id} is not known", resource_type)


def _read_payload(request: HttpRequest) -> Any:
    """The body as JSON, or the text as received when it is not JSON (kept, then refused with a 400)."""
    text = request.body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return {"_unparsed": text}


def _parser(parse: Callable[..., Any], client: ApiClient) -> Callable[[Any], Any]:
    def run(payload: Any) -> Any:
        if isinstance(payload, dict) and set(payload) == {"_unparsed"}:
            raise FhirRefused([Issue("structure", "", "The body is not valid JSON")], status=400)
        return parse(payload, organisation=client.organisation)

    return run


def _idempotency_key(request: HttpRequest) -> str | HttpResponse:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        return outcome_response(400, "value", "The Idempotency-Key is at most 200 characters")
    return key


def wants_async(request: HttpRequest) -> bool:
    """Whether the sender asked for FHIR's asynchronous pattern (http://hl7.org/fhir/R4/async.html)."""
    return "respond-async" in {p.strip().lower() for p in request.headers.get("Prefer", "").split(",")}


def _take(request: HttpRequest, client: ApiClient, parse: Callable[..., Any], take: Callable[..., Any]) -> Any:
    """Hand the body to intake (`receive` or `receive_later`) for this client; a refusal as its OperationOutcome."""
    key = _idempotency_key(request)
    if isinstance(key, HttpResponse):
        return key
    try:
        return take(
            channel=Channel.FHIR,
            payload=_read_payload(request),
            parse=_parser(parse, client),
            submitted_by=None,
            idempotency_scope=f"apiclient:{client.pk}",
            idempotency_key=key,
        )
    except ReferralRefused as refused:
        status, issues = mappers.issues_from_refusal(refused, parsing.resource_paths(_read_payload(request)))
        return fhir_response(mappers.operation_outcome(issues), status=status)


def _accept(request: HttpRequest, client: ApiClient, parse: Callable[..., Any]) -> HttpResponse:
    """Store and check the referral now, make it just after; 202 with where to ask how it went."""
    submission = _take(request, client, parse, receive_later)
    if isinstance(submission, HttpResponse):
        return submission
    where = request.build_absolute_uri(reverse("fhir:async-status", args=[submission.pk]))
    message = "Received and stored. Ask the Content-Location address for the referral, or why it was refused."
    response = fhir_response(
        mappers.operation_outcome([Issue("informational", "", message, severity="information")]), status=202
    )
    response["Content-Location"] = where
    return response


def _create(request: HttpRequest, client: ApiClient, parse: Callable[..., Any]) -> Referral | HttpResponse:
    referral = _take(request, client, parse, receive)
    if isinstance(referral, HttpResponse):
        return referral
    if _loaded(referral):
        return referral  # just made, with everything the resource shows
    return Referral.objects.select_related("person", "site", "referrer_organisation", "rules__service_model").get(
        pk=referral.pk
    )


def _loaded(referral: Referral) -> bool:
    """Whether the relations a ServiceRequest shows are already on the referral, so it needs no reading back."""
    cached = Referral._meta.get_field
    return (
        all(cached(name).is_cached(referral) for name in ("person", "site", "rules"))  # type: ignore[union-attr]
        and (referral.referrer_organisation_id is None or cached("referrer_organisation").is_cached(referral))  # type: ignore[union-attr]
        and ServiceModelVersion._meta.get_field("service_model").is_cached(referral.rules)  # type: ignore[union-attr]
    )


def _location(request: HttpRequest, resource_type: str, referral: Referral) -> str:
    return request.build_absolute_uri(reverse(f"fhir:{resource_type.lower()}-instance", args=[referral.pk]))


@fhir_endpoint({"GET"}, public=True)
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability.capability_statement(request.build_absolute_uri(reverse("fhir:root"))))


@fhir_endpoint({"POST"})
def root(request: HttpRequest, client: ApiClient) -> HttpResponse:
    """A transaction Bundle with one Patient and one ServiceRequest (a referral), processed all or nothing."""
    result = _create(request, client, parsing.parse_transaction)
    if isinstance(result, HttpResponse):
        return result
    referral = result
    audit_record(actor=None, action="api.fhir.transaction", obj=referral, data={"api_client": client.name})
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [
            {
                "response": {
                    "status": "201 Created",
                    "location": f"Patient/{referral.person_id}",
                    "lastModified": mappers.patient(referral.person)["meta"]["lastUpdated"],
                }
            },
            {
                "resource": mappers.service_request(referral),
                "response": {
                    "status": "201 Created",
                    "location": f"ServiceRequest/{referral.pk}/_history/{mappers.version_id(referral)}",
                    "etag": mappers.etag(referral),
                    "lastModified": mappers.service_request(referral)["meta"]["lastUpdated"],
                },
            },
        ],
    }
    return fhir_response(bundle)


@fhir_endpoint({"GET", "POST"})
def service_request_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    if request.method == "POST":
        if wants_async(request):
            return _accept(request, client, parsing.parse_service_request)
        result = _create(request, client, parsing.parse_service_request)
        if isinstance(result, HttpResponse):
            return result
        return fhir_response(
            mappers.service_request(result),
            status=201,
            headers={"Location": _location(request, "ServiceRequest", result), "ETag": mappers.etag(result)},
        )
    return _search(request, client, "ServiceRequest", mappers.service_request, _service_request_filter)


@fhir_endpoint({"GET"})
def service_request_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    return _read(request, client, "ServiceRequest", resource_id, mappers.service_request)


@fhir_endpoint({"GET"})
def task_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    return _search(request, client, "Task", mappers.task, _task_filter)


@fhir_endpoint({"GET"})
def task_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    return _read(request, client, "Task", resource_id, mappers.task)


@fhir_endpoint({"GET"})
def patient_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    person_id = _uuid(resource_id)
    person = (
        Person.objects.filter(pk=person_id, referrals__referrer_organisation_id=client.organisation_id).first()
        if person_id
        else None
    )
    if person is None:
        return _not_found("Patient", resource_id)
    audit_record(actor=None, action="api.fhir.read", obj=person, data={"api_client": client.name})
    return fhir_response(mappers.patient(person))


def _read(
    request: HttpRequest, client: ApiClient, resource_type: str, resource_id: str, to_fhir: Callable[[Referral], Any]
) -> HttpResponse:
    referral_id = _uuid(resource_id)
    referral = _visible(client).filter(pk=referral_id).first() if referral_id else None
    if referral is None:
        return _not_found(resource_type, resource_id)
    audit_record(actor=None, action="api.fhir.read", obj=referral, data={"api_client": client.name})
    return fhir_response(to_fhir(referral), headers={"ETag": mappers.etag(referral)})


# --- search ---------------------------------------------------------------------------------------------


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
    found = _uuid(parts[-1])
    if found is None:
        raise SearchError(parameter, f"{value} is not a {resource_type} id")
    return found


def _common_filter(queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral] | None:
    if name == "_id":
        ids = [_uuid(v) for v in value.split(",")]
        return queryset.filter(pk__in=[i for i in ids if i])
    if name == "patient":
        return queryset.filter(person_id=_reference_id(value, "Patient", name))
    return None


def _service_request_filter(queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
    common = _common_filter(queryset, name, value)
    if common is not None:
        return common
    if name == "identifier":
        system, code = _token(value)
        if system not in (None, ext.REFERRAL_REFERENCE_SYSTEM):
            return queryset.none()
        return queryset.filter(reference=code)
    if name == "status":
        statuses = [mappers.REFERRAL_STATUS_FOR.get(v) for v in value.split(",")]
        return queryset.filter(status__in=[s for s in statuses if s])
    raise SearchError(name, f"ServiceRequest cannot be searched by {name}", code="not-supported")


def _task_filter(queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
    common = _common_filter(queryset, name, value)
    if common is not None:
        return common
    if name == "focus":
        return queryset.filter(pk=_reference_id(value, "ServiceRequest", name))
    raise SearchError(name, f"Task cannot be searched by {name}", code="not-supported")


def _search(
    request: HttpRequest,
    client: ApiClient,
    resource_type: str,
    to_fhir: Callable[[Referral], Any],
    apply: Callable[[QuerySet[Referral], str, str], QuerySet[Referral]],
) -> HttpResponse:
    queryset = _visible(client)
    used: list[tuple[str, str]] = []
    try:
        count = _positive_int(request.GET.get("_count", str(DEFAULT_COUNT)), "_count", minimum=0)
        count = min(count, MAX_COUNT)
        page = _positive_int(request.GET.get("_page", "1"), "_page", minimum=1)
        for name, values in request.GET.lists():
            if name in ("_count", "_page", "_format"):
                continue
            for value in values:
                queryset = apply(queryset, name, value)
                used.append((name, value))
    except SearchError as error:
        return outcome_response(400, error.code, error.message, f"{resource_type}?{error.parameter}")
    queryset = queryset.order_by("received_at", "id")
    total = queryset.count()
    start = (page - 1) * count
    referrals = list(queryset[start : start + count]) if count else []
    base = request.build_absolute_uri(reverse(f"fhir:{resource_type.lower()}-type"))

    def link(relation: str, to_page: int) -> dict[str, str]:
        return {"relation": relation, "url": f"{base}?{urlencode([*used, ('_count', count), ('_page', to_page)])}"}

    links = [link("self", page)]
    if count and start + count < total:
        links.append(link("next", page + 1))
    if page > 1:
        links.append(link("previous", page - 1))
    for referral in referrals:
        audit_record(actor=None, action="api.fhir.search", obj=referral, data={"api_client": client.name})
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
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


MAX_SEARCH_NUMBER = 1_000_000


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
