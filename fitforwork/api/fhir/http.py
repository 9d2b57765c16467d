"""The FHIR R4 facade's HTTP layer: bearer-token auth, content types, conditional headers and error answers.

No session, no CSRF (a token is not sent by browsers on their own); every answer is `application/fhir+json`
and is built through its fhir.resources R4B model, and every error is an OperationOutcome, never HTML:
an unknown path, a method the endpoint does not take, or a fault of ours.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.R4B import get_fhir_model_class

from fitforwork.api.fhir import mappers
from fitforwork.api.fhir.body import Body, read_body
from fitforwork.api.fhir.mappers import FHIR_JSON, Issue
from fitforwork.api.services import apiclient_for_token

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]
# What a client may send a resource as: FHIR's own JSON type, or plain JSON (FHIR allows both).
ACCEPTED_CONTENT_TYPES = {FHIR_JSON, "application/json"}
# Methods that carry a resource in the body.
WITH_BODY = {"POST", "PUT"}


def to_json(resource: dict[str, Any]) -> str:
    """The resource as FHIR JSON, through its R4B model: what we send is checked as strictly as what we read."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return str(model.model_dump_json())


def fhir_response(resource: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(to_json(resource), status=status, content_type=FHIR_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome_response(status: int, code: str, message: str, expression: str = "") -> HttpResponse:
    return fhir_response(mappers.operation_outcome([Issue(code, expression, message)]), status=status)


def empty_response(status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    """An answer with no body (304 Not Modified; 201 with `Prefer: return=minimal`)."""
    response = HttpResponse(status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found(resource_type: str, resource_id: str) -> HttpResponse:
    return outcome_response(404, "not-found", f"{resource_type}/{resource_id} is not known", resource_type)


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def http_date(value: datetime) -> str:
    """A datetime as HTTP's Last-Modified wants it."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _content_type_refused(request: HttpRequest) -> HttpResponse | None:
    """415 for a body sent as anything but JSON: FHIR's XML and RDF forms are not supported."""
    if request.method not in WITH_BODY:
        return None
    content_type = request.content_type or ""
    if content_type.lower() in ACCEPTED_CONTENT_TYPES:
        return None
    return outcome_response(
        415,
        "not-supported",
        f"Send the resource as {FHIR_JSON}; {content_type or 'no Content-Type'} is not supported",
    )


def fhir_endpoint(methods: set[str], *, public: bool = False) -> Callable[[View], View]:
    """Public to the session sign-in (a token authenticates instead), CSRF-free, the token checked first,
    then the method and the body's type; anything that goes wrong inside answers an OperationOutcome."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not public:
                client = apiclient_for_token(_bearer(request))
                if client is None:
                    response = outcome_response(401, "login", "Send a valid API token: Authorization: Bearer <token>")
                    response["WWW-Authenticate"] = 'Bearer realm="fhir"'
                    return response
                client.mark_used()
                kwargs["client"] = client
            if request.method not in methods:
                response = outcome_response(
                    405, "not-supported", f"{request.method} is not supported here; see /fhir/R4/metadata"
                )
                response["Allow"] = ", ".join(sorted(methods))
                return response
            refused = _content_type_refused(request)
            if refused is not None:
                return refused
            try:
                return view(request, *args, **kwargs)
            except RequestDataTooBig:
                return outcome_response(413, "too-costly", "The body is too big: send one referral at a time")
            except Exception:
                logger.exception("FHIR %s %s failed", request.method, request.path)
                return outcome_response(500, "exception", "Something went wrong on our side; it has been logged")

        return login_not_required(csrf_exempt(wrapper))

    return decorate


def read_payload(request: HttpRequest) -> Body:
    """The body as JSON, or as received with the reason it cannot be read (kept, then refused with a 400)."""
    return read_body(request.body)


def body_refused(body: Body) -> HttpResponse:
    """The 400 for a body that cannot be read as a resource, naming where in it, or the body."""
    return outcome_response(400, "structure", body.problem, body.where)


def prefers(request: HttpRequest, value: str) -> bool:
    """Whether the Prefer header holds `value` (respond-async, return=minimal)."""
    return value in {p.strip().lower() for p in request.headers.get("Prefer", "").split(",")}


def wants_async(request: HttpRequest) -> bool:
    """Whether the sender asked for FHIR's asynchronous pattern (http://hl7.org/fhir/R4/async.html)."""
    return prefers(request, "respond-async")


def etag_matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match or If-Match header names this ETag (weak comparison, as FHIR's are weak)."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags
