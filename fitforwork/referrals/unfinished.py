"""The submissions that made no referral for a reason of ours, for the administrators' page: which are
unfinished (selectors), and trying one again now (the service), through the task that retries a failed one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fitforwork.core.audit.services import audit_record
from fitforwork.referrals.models import Submission
from fitforwork.referrals.submissions import INTERRUPTED_AFTER
from fitforwork.referrals.tasks import referral_make_later

# A submission still `received` this long after it arrived is stuck: listed beside the failed ones.
STUCK_AFTER = INTERRUPTED_AFTER

CANNOT_RETRY = (
    "This submission cannot be tried again from here: it was cut off before it was read. "
    "When the sender sends it again with the same key, we make the referral."
)


def submissions_unfinished(*, now: Any = None) -> QuerySet[Submission]:
    """Failed submissions, and those still `received` after STUCK_AFTER, oldest first; no payload loaded."""
    since = (now or timezone.now()) - STUCK_AFTER
    return (
        Submission.objects.filter(
            Q(outcome=Submission.Outcome.FAILED) | Q(outcome=Submission.Outcome.RECEIVED, received_at__lt=since)
        )
        .defer("payload")
        .order_by("received_at")
    )


def submission_unfinished(*, submission_id: Any) -> Submission | None:
    return submissions_unfinished().filter(pk=submission_id).defer(None).first()


def submission_read_data(*, submission: Submission) -> dict[str, Any] | None:
    """What the submission was read as, from the last task enqueued to make its referral, or None when it was
    never read (its sender waited and was cut off first)."""
    task = (
        DBTaskResult.objects.filter(task_path=referral_make_later.module_path, args_kwargs__args__0=str(submission.pk))
        .order_by("-enqueued_at")
        .first()
    )
    if task is None:
        return None
    args = task.args_kwargs.get("args") or []
    return args[1] if len(args) > 1 and isinstance(args[1], dict) else None


def submission_can_retry(*, submission: Submission) -> bool:
    return submission_read_data(submission=submission) is not None


@transaction.atomic
def submission_retry_now(*, actor: Any, submission: Submission, request: Any = None) -> None:
    """Enqueue the task that makes the submission's referral once more, now, and audit who asked.

    Raises ValidationError when it has an outcome meanwhile, or was never read (nothing to make it from)."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.outcome not in (Submission.Outcome.FAILED, Submission.Outcome.RECEIVED):
        raise ValidationError(f"This submission has an outcome now: {locked.get_outcome_display().lower()}.")
    data = submission_read_data(submission=locked)
    if data is None:
        raise ValidationError(CANNOT_RETRY)
    referral_make_later.enqueue(str(locked.pk), data)
    audit_record(
        actor=actor,
        action="referrals.submission_retried",
        obj=locked,
        data={"attempts": locked.attempts, "outcome": locked.outcome},
        request=request,
    )
