"""Background task for the audit trail, run by `fitforwork db_worker`: write a signed checkpoint of the head."""

from __future__ import annotations

from django_tasks import task

from fitforwork.core.audit.checkpoints import checkpoint_write


@task()
def audit_checkpoint() -> str:
    """Write a checkpoint file; enqueued on a schedule by `fitforwork audit checkpoint`. Returns its name."""
    return checkpoint_write().name
