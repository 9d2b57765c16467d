"""Display helpers shared by every app: dates as the NHS style guide writes them."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def date_long(value: date | None) -> str:
    """'9 March 2026', with no leading zero, as NHS content style asks."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def datetime_long(value: datetime | None) -> str:
    """'9 March 2026 at 2:05pm' in the service's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{date_long(local.date())} at {hour}:{local:%M}{suffix}"
