"""The one way in for referrals from every channel: store what arrived, then make a referral or refuse it.

1. `submission_store` commits the submission exactly as received, before anything else runs.
2. The channel parses it into a `ReferralInput`, the schema every channel shares (or field errors).
3. `referral_make` makes the referral in one transaction under a lock on the submission, so a retry (or ten
   at once) with the same idempotency key gets the same referral (ADR 0010).

A sender that asks not to wait (`referral_receive_later`) has its submission stored and checked at once; the referral
is made by a django-tasks task enqueued when the submission commits, in whichever worker takes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_tasks import default_task_backend

from fitforwork.accounts.models import User
from fitforwork.referrals.inputs import FieldError, ReferralInput, ReferralRefused
from fitforwork.referrals.models import Referral, Submission
from fitforwork.referrals.submissions import (
    INTERRUPTED_AFTER,
    IdempotencyKeyReused,
    parse_checked,
    referral_from_submission,
    referral_make_deferred,
    submission_fail,
    submission_refuse,
    submission_store,
)
from fitforwork.referrals.tasks import referral_make_later, submission_check_later

logger = logging.getLogger(__name__)

__all__ = [
    "FieldError",
    "IdempotencyKeyReused",
    "ReferralInput",
    "ReferralRefused",
    "referral_receive",
    "referral_receive_later",
    "referral_from_submission",
    "referral_make_deferred",
    "submission_fail_and_retry",
    "submission_refuse",
    "submission_store",
]


def referral_receive(
    *,
    channel: str,
    payload: Any,
    parse: Callable[[Any], ReferralInput],
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
    refuse_reuse: bool = False,
    check_later: bool = True,
) -> Referral:
    """Store, then parse and make the referral; raises ReferralRefused with field errors, having kept the submission.

    `refuse_reuse`: an idempotency key sent again with another body raises IdempotencyKeyReused (the FHIR API's
    Idempotency-Key), instead of answering as the first request was answered.
    `check_later`: enqueue the delayed check that the submission ends in an outcome, for a sender who waits and
    may be cut off (web, FHIR). The bulk import leaves it out: running the file again finishes a row it stopped
    at, and a national file would otherwise queue a task per row."""
    submission, created = submission_store(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
        refuse_reuse=refuse_reuse,
        # What arrived, and the check that it ends in an outcome, together.
        then=submission_check_enqueue if check_later else None,
    )
    if not created:
        # A retry gets the first attempt's answer, worked out from what was stored first, never from the retry.
        existing = Referral.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
        if submission.outcome == Submission.Outcome.REFUSED:
            raise ReferralRefused([FieldError(e["field"], e["message"]) for e in submission.errors])
        payload = submission.payload
    data: ReferralInput | None = None
    try:
        data = parse_checked(parse, payload)
        return referral_from_submission(submission=submission, data=data)
    except ReferralRefused as refused:
        submission_refuse(submission=submission, errors=refused.errors)
        raise
    except Exception as error:
        # A fault of ours: the submission says so (staff see it), and once it was read, a task tries again.
        logger.exception("Submission %s: making its referral failed", submission.pk)
        try:
            submission_fail_and_retry(submission=submission, error=error, data=data)
        except Exception:  # the database itself is failing: the sender's retry, or the sweep, settles it
            logger.exception("Submission %s: could not be marked failed", submission.pk)
        raise


def referral_receive_later(
    *,
    channel: str,
    payload: Any,
    parse: Callable[[Any], ReferralInput],
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
    refuse_reuse: bool = False,
) -> Submission:
    """Store and check now, make the referral in a background task: for senders who asked not to wait.

    What arrived is committed, then parsed, so a submission that cannot be read or lacks a field is refused at
    once, as `referral_receive` would (ReferralRefused). The rest (routing, eligibility, duplicates, the referral) is a
    django-tasks task, enqueued once the submission is committed; the submission's outcome says when it is done.
    A retry of an idempotency key returns the first submission, whatever became of it.

    The submission, and its refusal or its task, are one transaction: the task's row is written in the same
    database (django-tasks' database backend), so no crash leaves a submission stored with nothing to finish it.
    """
    refusal: ReferralRefused | None = None
    with transaction.atomic():
        submission, created = submission_store(
            channel=channel,
            payload=payload,
            submitted_by=submitted_by,
            idempotency_scope=idempotency_scope,
            idempotency_key=idempotency_key,
            deferred=True,
            refuse_reuse=refuse_reuse,
        )
        if not created:
            return submission
        try:
            data = parse_checked(parse, payload)
        except ReferralRefused as refused:
            submission_refuse(submission=submission, errors=refused.errors)
            refusal = refused
        else:
            referral_make_later.enqueue(str(submission.pk), data.as_json())
    if refusal is not None:
        raise refusal
    return submission


def submission_check_enqueue(submission: Submission) -> None:
    """Enqueue the delayed check that a submission its sender waits for ends in an outcome (a backend that
    cannot delay tasks leaves it to `fitforwork unfinished_submissions --mark-interrupted` on a schedule)."""
    if not default_task_backend.supports_defer:
        return
    check = submission_check_later.using(run_after=submission.received_at + INTERRUPTED_AFTER)
    check.enqueue(str(submission.pk))


@transaction.atomic
def submission_fail_and_retry(*, submission: Submission, error: Exception, data: ReferralInput | None) -> None:
    """Mark the submission failed with the error and, when it was read, enqueue the task that makes its
    referral again, in one transaction: failed is never an end the service forgets."""
    submission_fail(submission=submission, error=error)
    if data is not None:
        referral_make_later.enqueue(str(submission.pk), data.as_json())
