"""Queueing and sending messages through the outbox.

A message is saved in the same transaction as the change that causes it, and a task to send it is
enqueued only once that transaction commits. `send_pending` sweeps up anything whose task was lost.
Sending happens outside any long transaction: a short one claims the message, the provider is
called, and a second short one records the result, so two senders never both send a message.

The imports run one way: this module enqueues the tasks (`tasks.py`), the tasks send through
`delivery.py`, and delivery enqueues nothing. `deliver` and `send_pending` live with the tasks, because
they hand retries to the worker, and are named here so that callers have one module to import.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from fitforwork.core.outbox.delivery import BACKOFF, INTERRUPTED_ERROR, MAX_ATTEMPTS, UNCONFIRMED_ERROR
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.tasks import deliver, enqueue_send, enqueue_send_all, send_pending

__all__ = [
    "BACKOFF",
    "INTERRUPTED_ERROR",
    "MAX_ATTEMPTS",
    "UNCONFIRMED_ERROR",
    "deliver",
    "message_build",
    "messages_cancel",
    "message_enqueue",
    "messages_enqueue",
    "send_pending",
]

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
    transaction.on_commit(partial(enqueue_send, message.pk), robust=True)
    return message


def messages_enqueue(messages: list[Message]) -> None:
    """Queue many built messages in one insert, inside the caller's transaction, with one task to send them
    all once it commits (a batch of referrals arriving together, say)."""
    if not messages:
        return
    Message.objects.bulk_create(messages)
    if len(messages) == 1:
        transaction.on_commit(partial(enqueue_send, messages[0].pk), robust=True)
    else:
        transaction.on_commit(partial(enqueue_send_all, [m.pk for m in messages]), robust=True)


def messages_cancel(*, references: list[str], reason: str) -> int:
    """Cancel the messages with these references that are not yet sent (queued, or failed without having reached
    the provider), saying why; one being sent right now is left to finish. Returns how many were cancelled."""
    unsent = models.Q(status=Message.Status.QUEUED) | models.Q(status=Message.Status.FAILED, unconfirmed=False)
    return Message.objects.filter(unsent, reference__in=references).update(
        status=Message.Status.CANCELLED, cancelled_reason=reason, modified_at=timezone.now()
    )
