"""The service's own 404 and 500 pages even when DEBUG is on, as `make run` sets it.

With DEBUG off Django already uses the handlers in config/urls.py. With it on, Django would show its
debug pages, which a person trying the service locally should not see; the traceback of a 500 still goes
to the console log. SHOW_DEBUG_ERROR_PAGES=true brings Django's debug pages back (docs/configuration.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse

from fitforwork.core.views import bad_request, page_not_found, server_error

logger = logging.getLogger("django.request")


def _active() -> bool:
    return bool(settings.DEBUG and not getattr(settings, "SHOW_DEBUG_ERROR_PAGES", False))


class ServiceErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL matched: Django's debug 404 page, which lists every URL pattern. Show ours instead.
        if _active() and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _active() or isinstance(exception, PermissionDenied):
            return None  # PermissionDenied already gets our 403 page whatever DEBUG says
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return bad_request(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return server_error(request)


class NulCharacter(BadRequest):
    """A NUL character was about to reach the database, which can never store one."""


def _holds_nul(value: object, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 50:
        return False
    if isinstance(value, dict):
        return any(_holds_nul(k, depth + 1) or _holds_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item, depth + 1) for item in value)
    wrapped = getattr(value, "obj", None)  # psycopg's Json/Jsonb adapters hold the Python value
    return wrapped is not None and _holds_nul(wrapped, depth + 1)


def refuse_nul(execute: Callable[..., object], sql: str, params: object, many: bool, context: object) -> object:
    """A database execute wrapper: a query whose parameters hold a NUL is refused (400), never sent."""
    rows = params if many and isinstance(params, list | tuple) else [params]
    if any(_holds_nul(row) for row in rows if row is not None):
        raise NulCharacter("The request held a NUL character, which cannot be stored")
    return execute(sql, params, many, context)


class NulGuardMiddleware:
    """Whatever a view does with a NUL in the query or the body, it never reaches the database.

    Forms refuse a NUL in their own fields with a message and never read the others (core/forms.py); this is
    the net below them: any query a request makes with a NUL in its parameters is refused, so the person gets
    the bad-request page (400) rather than a server error or a stored NUL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(refuse_nul))
            return self.get_response(request)
