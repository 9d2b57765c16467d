"""Reading the outbox, for operators: how many messages are in each state."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from fitforwork.core.outbox.models import Message


def message_counts() -> dict[str, int]:
    """Messages per status, every status listed even when none, so a stuck queue shows as a number."""
    rows = Message.objects.order_by().values_list("status").annotate(n=Count("pk"))
    found = {status: n for status, n in rows}
    return {status: found.get(status, 0) for status in Message.Status.values}


def messages_due(now: datetime | None = None) -> int:
    """Queued messages whose time has come; if this stays high the worker is not running."""
    now = now or timezone.now()
    return Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now).count()
