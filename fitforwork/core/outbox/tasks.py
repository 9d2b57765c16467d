"""Background tasks for the outbox, run by `fitforwork db_worker`; each calls one service."""

from __future__ import annotations

from django_tasks import task

from fitforwork.core.outbox.services import deliver, send_pending


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
