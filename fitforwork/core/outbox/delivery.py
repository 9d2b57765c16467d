"""Sending one message at most once: claim it, call the provider, record what happened.

Nothing here enqueues a task: a failed attempt leaves the message queued with the time of its next
attempt, and `fitforwork.core.outbox.tasks` hands that retry to the worker. So the tasks import this
module and this module imports no task.

A message is resent only when the provider certainly does not have it. When an attempt's outcome is
unknown (Notify timed out after receiving the request, or answered in a way we cannot read) the
message is marked `unconfirmed`, and before it is sent again the provider is asked whether it has a
message with our reference: if so, that is recorded as sent; if the provider cannot be asked, the
message is failed for a person to check. Nothing is ever sent twice on a guess.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.backends import SendError, SendUnconfirmed, get_backend
from fitforwork.core.outbox.models import Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The wait after each failed attempt; the fifth failure is final.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# How long a sender may take before its send is treated as interrupted.
SENDING_LEASE = timedelta(minutes=10)
INTERRUPTED_ERROR = (
    "Sending was interrupted before the result was recorded, so the message may or may not have "
    "been delivered. Check with the provider before sending it again."
)
UNCONFIRMED_ERROR = (
    "The provider may or may not have this message: {reason}. Check with the provider before sending it again."
)


def _claim(message_id: UUID, now: datetime) -> Message | None:
    """Take a due, queued message for this sender; None if it is not due or another sender has it."""
    with transaction.atomic():
        # SKIP LOCKED on PostgreSQL; SQLite ignores it, its write transactions run one at a time.
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Message.Status.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        message.status = Message.Status.SENDING
        message.attempts += 1
        # The lease runs on the real clock even when `now` is given, so a long sweep cannot expire it.
        message.next_attempt_at = max(now, timezone.now()) + SENDING_LEASE
        message.save(update_fields=["status", "attempts", "next_attempt_at", "modified_at"])
        return message


def _record_sent(message: Message, provider_id: str, now: datetime) -> None:
    message.status = Message.Status.SENT
    message.provider_id = provider_id
    message.sent_at = now
    message.last_error = ""
    message.unconfirmed = False
    message.save(update_fields=["status", "provider_id", "sent_at", "last_error", "unconfirmed", "modified_at"])
    # Sent, in the audit trail too: a GP letter's sending is looked up by its reference ("letter:<id>").
    audit_record(
        actor=None,
        action="outbox.message.sent",
        obj=message,
        data={"reference": message.reference, "channel": message.channel, "template": message.template_name},
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _record_failure(message: Message, error: Exception, now: datetime) -> None:
    """Queue the message to try again after a back-off, or fail it for good.

    A message whose attempt went unconfirmed stays so: its next attempt asks the provider first.
    """
    permanent = isinstance(error, SendError) and error.permanent
    unconfirmed = isinstance(error, SendUnconfirmed)
    message.last_error = _describe(error)[:2000]
    message.unconfirmed = message.unconfirmed or unconfirmed
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = Message.Status.FAILED
        if unconfirmed:
            reason = f"the last attempt went unconfirmed ({_describe(error)})"
            message.last_error = UNCONFIRMED_ERROR.format(reason=reason)[:2000]
    else:
        message.status = Message.Status.QUEUED
        message.next_attempt_at = now + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
    message.save(update_fields=["status", "last_error", "unconfirmed", "next_attempt_at", "modified_at"])


def _record_lookup_failure(message: Message, error: Exception) -> None:
    """Fail a message whose earlier attempt went unconfirmed when the provider cannot say if it has it."""
    reason = f"an earlier attempt went unconfirmed and asking the provider failed ({_describe(error)})"
    message.status = Message.Status.FAILED
    message.last_error = UNCONFIRMED_ERROR.format(reason=reason)[:2000]
    message.save(update_fields=["status", "last_error", "modified_at"])


def attempt(message_id: UUID | str, *, now: datetime | None = None) -> Message | None:
    """Send one due message at most once; a failure is queued again with back-off, then given up.

    An unconfirmed message is first looked up at the provider, and sent only if the provider does
    not have it. Not atomic on purpose: the provider is called between two short transactions so
    that no lock is held during a network call. Returns the message as it ended, or None if there
    was nothing to do (not due, already sent or failed, or another sender has it).
    """
    now = now or timezone.now()
    message = _claim(UUID(str(message_id)), now)
    if message is None:
        return None
    provider_id = None
    if message.unconfirmed:
        try:
            provider_id = get_backend().find(message)
        except Exception as error:  # cannot tell whether it was delivered: a person must check
            logger.warning("Message %s could not be looked up: %s", message.pk, type(error).__name__)
            with transaction.atomic():
                _record_lookup_failure(message, error)
            return message
    if provider_id is None:
        try:
            provider_id = get_backend().send(message)
        except Exception as error:  # any failure to send is recorded on the message, never lost
            logger.warning("Message %s attempt %s failed: %s", message.pk, message.attempts, type(error).__name__)
            with transaction.atomic():
                _record_failure(message, error, now)
            return message
    with transaction.atomic():
        _record_sent(message, provider_id, now)
    return message


@transaction.atomic
def expire_interrupted(now: datetime) -> int:
    """Fail messages whose sender stopped mid-send: resending might deliver them twice."""
    return Message.objects.filter(status=Message.Status.SENDING, next_attempt_at__lte=now).update(
        status=Message.Status.FAILED, last_error=INTERRUPTED_ERROR, unconfirmed=True, modified_at=timezone.now()
    )


def due_message_ids(now: datetime, limit: int) -> list[UUID]:
    """The queued messages whose next attempt is due, oldest first."""
    return list(
        Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
