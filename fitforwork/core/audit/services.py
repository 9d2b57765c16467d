"""Writing to the audit trail. Every write and every read of identifiable data comes through here."""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from fitforwork.core.audit.keys import current_key_id, secret
from fitforwork.core.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


def _label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(getattr(actor, "email", "") or actor)


def _client_ip(request: HttpRequest | None) -> str | None:
    """The address as the database will store it (IPv6 shortened), so the hash matches what is read back."""
    if request is None:
        return None
    address = request.META.get(settings.CLIENT_IP_META) or request.META.get("REMOTE_ADDR")
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _as_stored(data: dict[str, Any] | None) -> dict[str, Any]:
    """The data as JSON will give it back (string keys, dates as text), so the hash covers what is kept."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


_batches = threading.local()


@contextmanager
def audit_batch() -> Iterator[None]:
    """Hold the events recorded inside and append them in one step as the block ends.

    For a write that records several events in one transaction (a referral arriving makes a person, their
    job and the referral): the chain head is locked once, for the moment between the append and the
    commit, instead of from the first event to the commit, so concurrent writers queue far less. Use it
    inside `transaction.atomic()`: the events commit or roll back with the rest. Nested batches join the
    outer one. Inside a batch, do not catch an error and carry on: events recorded before an inner
    savepoint rolled back would still be appended when the batch ends.
    """
    if getattr(_batches, "events", None) is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_batch() holds events until it ends, so it must run inside transaction.atomic()")
    _batches.events = []
    try:
        yield
        events = _batches.events
    finally:
        _batches.events = None
    if events:
        _append(events)


def _append(events: list[AuditEvent]) -> None:
    """Chain `events` after the newest, in order; the head row's lock puts concurrent appends in order.

    Each hash is keyed with the current AUDIT_HMAC_KEYS secret, which the database never sees.
    """
    key_id = current_key_id()
    key = secret(key_id) if key_id else None
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        seq, previous = head.last_seq, head.last_hash
        for event in events:
            seq += 1
            event.seq, event.prev_hash, event.key_id = seq, previous, key_id
            event.hash = previous = event.compute_hash(key)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
        head.last_seq, head.last_hash = seq, previous
        head.save(update_fields=["last_seq", "last_hash"])


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event, chained to the newest (or, inside `audit_batch`, when the batch ends)."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_label=_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=reason,
        data=_as_stored(data),
        ip_address=_client_ip(request),
    )
    batch = getattr(_batches, "events", None)
    if batch is not None:
        batch.append(event)
    else:
        _append([event])
    return event


def audit_read(*, request: HttpRequest, obj: models.Model, reason: str = "") -> AuditEvent:
    """Log that the signed-in user looked at an identifiable record."""
    return audit_record(
        actor=request.user,
        action=f"{obj._meta.label_lower}.viewed",
        obj=obj,
        reason=reason,
        data={"path": request.path},
        request=request,
    )
