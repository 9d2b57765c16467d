"""Reads about accounts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def account_is_locked(*, email: str) -> bool:
    """True when an email address has had too many failed sign-ins lately, from all addresses together."""
    if not email or "\x00" in email:
        return False  # no address holds a NUL, and the sign-in form says so
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=email.strip().lower(), attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.ACCOUNT_LOCKOUT_LIMIT
