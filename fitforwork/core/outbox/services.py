"""Queueing and sending messages through the outbox.

A message is saved in the same transaction as the change that causes it, and a task to send it is
enqueued only once that transaction commits. `send_pending` sweeps up anything whose task was lost.
Sending happens outside any long transaction: a short one claims the message, the provider is
called, and a second short one records the result, so two senders never both send a message.

A message is resent only when the provider certainly does not have it. When an attempt's outcome is
unknown (Notify timed out after receiving the request, or answered in a way we cannot read) the
message is marked `unconfirmed`, and before it is sent again the provider is asked whether it has a
message with our reference: if so, that is recorded as sent; if the provider cannot be asked, the
message is failed for a person to check. Nothing is ever sent twice on a guess.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

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
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{6,19}")
_ADDRESS_LINES = [f"address_line_{n}" for n in range(1, 8)]


def _validate(channel: Message.Channel, recipient: str, personalisation: dict[str, Any]) -> None:
    if channel == Message.Channel.EMAIL:
        validate_email(recipient)
    elif channel == Message.Channel.SMS:
        if not _PHONE.fullmatch(recipient.strip()):
            raise ValidationError("Enter a phone number for a text message.", code="invalid_phone")
    else:
        lines = [str(personalisation.get(key) or "").strip() for key in _ADDRESS_LINES]
        if sum(1 for line in lines if line) < 3:
            raise ValidationError(
                "A letter needs at least 3 address lines (address_line_1 to address_line_7).",
                code="invalid_address",
            )


def _enqueue_send(message_id: UUID, run_after: datetime | None = None) -> None:
    # Imported here because the tasks module imports this one.
    from fitforwork.core.outbox.tasks import send_message

    task = send_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the send-pending sweep will pick it up when it is due
        task = task.using(run_after=run_after)
    task.enqueue(str(message_id))


def message_build(
    *,
    channel: Message.Channel | str,
    template_id: str,
    recipient: str,
    personalisation: dict[str, Any],
    reference: str = "",
    actor: AbstractBaseUser | AnonymousUser | None = None,
    template_name: str = "",
) -> Message:
    """A checked message, not yet saved: `messages_enqueue` queues it. A bad recipient raises here."""
    channel = Message.Channel(channel)
    _validate(channel, recipient, personalisation)
    message = Message(
        channel=channel,
        template_id=template_id,
        template_name=template_name,
        recipient=recipient.strip(),
        personalisation=personalisation,
        reference=reference,
        status=Message.Status.QUEUED,
    )
    message.next_attempt_at = message.created_at
    message.stamp(actor if isinstance(actor, models.Model) else None)
    return message


def message_enqueue(**fields: Any) -> Message:
    """Queue a message inside the caller's transaction, so it exists if and only if their change commits.

    Takes `message_build`'s arguments. One INSERT, so no savepoint of its own: a bad recipient raises
    before anything is written.
    """
    message = message_build(**fields)
    message.save(force_insert=True)
    # robust: if enqueueing fails after the commit, the caller's change still stands and the
    # send-pending sweep sends the message.
    transaction.on_commit(partial(_enqueue_send, message.pk), robust=True)
    return message


def messages_enqueue(messages: list[Message]) -> None:
    """Queue many built messages in one insert, inside the caller's transaction, with one task to send them
    all once it commits (a batch of referrals arriving together, say)."""
    if not messages:
        return
    Message.objects.bulk_create(messages)
    if len(messages) == 1:
        transaction.on_commit(partial(_enqueue_send, messages[0].pk), robust=True)
    else:
        transaction.on_commit(partial(_enqueue_send_all, [m.pk for m in messages]), robust=True)


def _enqueue_send_all(message_ids: list[UUID]) -> None:
    from fitforwork.core.outbox.tasks import send_messages

    send_messages.enqueue([str(pk) for pk in message_ids])


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
        transaction.on_commit(partial(_enqueue_send, message.pk, message.next_attempt_at), robust=True)
    message.save(update_fields=["status", "last_error", "unconfirmed", "next_attempt_at", "modified_at"])


def _record_lookup_failure(message: Message, error: Exception) -> None:
    """Fail a message whose earlier attempt went unconfirmed when the provider cannot say if it has it."""
    reason = f"an earlier attempt went unconfirmed and asking the provider failed ({_describe(error)})"
    message.status = Message.Status.FAILED
    message.last_error = UNCONFIRMED_ERROR.format(reason=reason)[:2000]
    message.save(update_fields=["status", "last_error", "modified_at"])


def deliver(message_id: UUID | str, *, now: datetime | None = None) -> Message | None:
    """Send one due message at most once; a failure is retried later with back-off, then given up.

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
def _expire_interrupted(now: datetime) -> int:
    """Fail messages whose sender stopped mid-send: resending might deliver them twice."""
    return Message.objects.filter(status=Message.Status.SENDING, next_attempt_at__lte=now).update(
        status=Message.Status.FAILED, last_error=INTERRUPTED_ERROR, unconfirmed=True, modified_at=timezone.now()
    )


def send_pending(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every due queued message, including those whose task was lost in a crash after commit.

    Not atomic on purpose: each message is claimed and recorded in its own short transactions.
    Returns how many messages ended in each state, plus those skipped and those interrupted.
    """
    cutoff = now or timezone.now()
    outcomes: Counter[str] = Counter({"interrupted": _expire_interrupted(cutoff)})
    due = list(
        Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in due:
        message = deliver(message_id, now=now)
        outcomes[str(message.status) if message is not None else "skipped"] += 1
    return {key: outcomes[key] for key in ("sent", "queued", "failed", "skipped", "interrupted")}
