"""The service's own 404 and 500 pages even when DEBUG is on, as `make run` sets it.

With DEBUG off Django already uses the handlers in config/urls.py. With it on, Django would show its
debug pages, which a person trying the service locally should not see; the traceback of a 500 still goes
to the console log. SHOW_DEBUG_ERROR_PAGES=true brings Django's debug pages back (docs/configuration.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
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
