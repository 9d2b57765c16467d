"""Background tasks for referrals, run by `fitforwork db_worker`; each calls one service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from fitforwork.referrals.submissions import referral_make_deferred, submission_mark_interrupted


@task()
def referral_make_later(submission_id: str, data: dict[str, Any]) -> str:
    """Make the referral for a stored submission whose sender did not wait; enqueued when it was committed."""
    return str(referral_make_deferred(submission_id=submission_id, data=data))


@task()
def submission_check_later(submission_id: str) -> bool:
    """Enqueued, to run INTERRUPTED_AFTER later, with each submission its sender waits for, in the transaction
    that stores it: if the request was cut off before an outcome, marks it failed (staff see it). True if so."""
    return submission_mark_interrupted(submission_id=submission_id)
