"""How many chat messages one anonymous address may send an hour (ADVICE_LINE_MESSAGES_PER_HOUR, default 30).

Counted from the messages in the database, not in a process's memory, so every app server agrees; the address
is kept only as an HMAC keyed with SECRET_KEY, as the self-referral limit keeps it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from fitforwork.advice_line.models import ChatMessage

WINDOW = timedelta(hours=1)
DEFAULT_LIMIT = 30


def client_of(request: HttpRequest) -> str:
    address = str(request.META.get(settings.CLIENT_IP_META) or request.META.get("REMOTE_ADDR") or "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(errors="replace"), hashlib.sha256).hexdigest()


def over_limit(client: str) -> bool:
    limit: int = getattr(settings, "ADVICE_LINE_MESSAGES_PER_HOUR", DEFAULT_LIMIT)
    since = timezone.now() - WINDOW
    return ChatMessage.objects.filter(client=client, sent_at__gte=since).count() >= limit
