"""One transaction for a page that reads lists: its queries, then its audit events, then one commit.

A work list or home page made three transactions (the list query with its planner settings, the audit
event, and autocommit reads around them), and each commit is a round trip that waits for the disk. In one
transaction the page costs one commit. The audit events are held (`audit_batch`) and appended at the end,
after the page is rendered, so the audit chain's head row is locked only for the append and the commit,
never while a template renders.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import connection, transaction
from django.http import HttpResponse

from fitforwork.core.audit.services import audit_batch

# For a page of a few dozen rows read through indexes, parallel workers and JIT compilation cost more than
# the query (20 to 30 ms each on a busy server, when the planner's estimate of a filtered list is high).
LIST_PLANNER_SETTINGS = (
    "SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
)


def list_planner_settings() -> None:
    """Turn off parallel workers and JIT for the rest of this transaction (PostgreSQL only): one statement."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(LIST_PLANNER_SETTINGS)


def read_in_one_transaction(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a read-only page's view in one transaction, appending its audit events last."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic(), audit_batch():
            list_planner_settings()
            return view(request, *args, **kwargs)

    return wrapped
