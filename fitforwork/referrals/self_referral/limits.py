"""How many self-referrals one client address may send an hour without signing in (SELF_REFERRAL_LIMIT_PER_HOUR).

Counted from the AnonymousSend rows in the database, not in a process's memory, so every app server agrees.
The address is kept only as an HMAC keyed with SECRET_KEY, which says whether two sends came from the same
address and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fitforwork.referrals.models import AnonymousSend

WINDOW = timedelta(hours=1)


def client_of(request: HttpRequest) -> str:
    """The keyed hash of the client's address, from the CLIENT_IP_META setting as the audit trail reads it."""
    address = str(request.META.get(settings.CLIENT_IP_META) or request.META.get("REMOTE_ADDR") or "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(errors="replace"), hashlib.sha256).hexdigest()


def over_limit(client: str) -> bool:
    since = timezone.now() - WINDOW
    limit: int = settings.SELF_REFERRAL_LIMIT_PER_HOUR
    return AnonymousSend.objects.filter(client=client, sent_at__gte=since).count() >= limit


@transaction.atomic
def send_record(*, client: str) -> None:
    """Count one send; rows older than the window are no longer needed and go at the same time."""
    AnonymousSend.objects.filter(sent_at__lt=timezone.now() - WINDOW).delete()
    AnonymousSend.objects.create(client=client)
