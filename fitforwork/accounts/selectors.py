"""Reads about accounts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode

from fitforwork.accounts.models import User


def account_is_locked(*, email: str) -> bool:
    """True when an email address has had too many failed sign-ins lately, from all addresses together."""
    if not email or "\x00" in email:
        return False  # no address holds a NUL, and the sign-in form says so
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=email.strip().lower(), attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.ACCOUNT_LOCKOUT_LIMIT


def user_from_link(uidb64: str, token: str) -> User | None:
    """The active account an emailed single-use link (a password reset or an invitation) was made for, or None
    when the link is made up, used already (its token covers the password) or expired."""
    try:
        user = User.objects.filter(pk=urlsafe_base64_decode(uidb64).decode(), is_active=True).first()
    except (ValueError, TypeError, OverflowError, ValidationError):
        return None
    return user if user is not None and default_token_generator.check_token(user, token) else None
