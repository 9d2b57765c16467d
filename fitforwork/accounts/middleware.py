"""Session time limits and the two-factor gate for staff."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

SIGNED_IN_AT = "ffw_signed_in_at"
LAST_SEEN = "ffw_last_seen"
TIMED_OUT = "ffw_timed_out"
LAST_SEEN_RESOLUTION = 30  # seconds

# Pages a staff member may reach before finishing two-factor authentication.
TWO_FACTOR_EXEMPT = {"accounts:two-factor", "accounts:two-factor-setup", "accounts:sign-out"}


class SessionTimeoutMiddleware:
    """Sign out after 30 minutes without a request, and 12 hours after signing in, whichever is first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_long = now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_long:
                logout(request)
                request.session[TIMED_OUT] = "idle" if idle else "absolute"
            elif LAST_SEEN not in session or now - last_seen >= LAST_SEEN_RESOLUTION:
                # Recorded at most every half minute, so most requests do not write the session back: an idle
                # session may end up to that much before its 30 minutes.
                session[LAST_SEEN] = now
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff roles must pass two-factor authentication before any page but the two-factor ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if user.two_factor_done:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT:
            return None
        from django_otp import devices_for_user

        has_device = any(True for _ in devices_for_user(user, confirmed=True))
        target = "accounts:two-factor" if has_device else "accounts:two-factor-setup"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
