"""Background tasks for referrals, run by `fitforwork db_worker`; each calls one service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from fitforwork.referrals.submissions import referral_make_deferred


@task()
def referral_make_later(submission_id: str, data: dict[str, Any]) -> str:
    """Make the referral for a stored submission whose sender did not wait; enqueued when it was committed."""
    return str(referral_make_deferred(submission_id=submission_id, data=data))
