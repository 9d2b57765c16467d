"""Background tasks for the outbox, run by `fitforwork db_worker`, and the handing of sends to the worker.

Each task calls `delivery.attempt` through `deliver`, which also hands a retry to the worker when an
attempt failed and will be tried again. This module imports `delivery` and never `services`, so the
imports run one way: services -> tasks -> delivery.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import partial
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fitforwork.core.outbox import delivery
from fitforwork.core.outbox.models import Message


def enqueue_send(message_id: UUID, run_after: datetime | None = None) -> None:
    """Hand one message to the worker, now or when it falls due."""
    send = send_message
    if run_after is not None:
        if not send.get_backend().supports_defer:
            return  # the send-pending sweep will pick it up when it is due
        send = send.using(run_after=run_after)
    send.enqueue(str(message_id))


def enqueue_send_all(message_ids: list[UUID]) -> None:
    """Hand messages queued together to the worker as one task."""
    send_messages.enqueue([str(pk) for pk in message_ids])


def deliver(message_id: UUID | str, *, now: datetime | None = None) -> Message | None:
    """Send one due message at most once; a failure is retried later with back-off, then given up.

    Returns the message as it ended, or None if there was nothing to do (see `delivery.attempt`).
    """
    message = delivery.attempt(message_id, now=now)
    if message is not None and message.status == Message.Status.QUEUED:
        # robust: if enqueueing the retry fails, the send-pending sweep sends it when it is due.
        transaction.on_commit(partial(enqueue_send, message.pk, message.next_attempt_at), robust=True)
    return message


def send_pending(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every due queued message, including those whose task was lost in a crash after commit.

    Not atomic on purpose: each message is claimed and recorded in its own short transactions.
    Returns how many messages ended in each state, plus those skipped and those interrupted.
    """
    cutoff = now or timezone.now()
    outcomes: Counter[str] = Counter({"interrupted": delivery.expire_interrupted(cutoff)})
    for message_id in delivery.due_message_ids(cutoff, limit):
        message = deliver(message_id, now=now)
        outcomes[str(message.status) if message is not None else "skipped"] += 1
    return {key: outcomes[key] for key in ("sent", "queued", "failed", "skipped", "interrupted")}


@task()
def send_message(message_id: str) -> str | None:
    """Send one message; enqueued when the transaction that queued it commits."""
    message = deliver(message_id)
    return str(message.status) if message is not None else None


@task()
def send_messages(message_ids: list[str]) -> dict[str, int]:
    """Send messages queued together, one after another; enqueued when their transaction commits."""
    statuses: dict[str, int] = {}
    for message_id in message_ids:
        message = deliver(message_id)
        status = str(message.status) if message is not None else "not sent"
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


@task()
def send_pending_messages() -> dict[str, int]:
    """Send every due message, including any whose own task was lost."""
    return send_pending()
