"""The one way in for referrals from every channel: store what arrived, then make a referral or refuse it.

1. `submission_store` commits the submission exactly as received, before anything else runs.
2. The channel parses and validates it into a `ReferralInput` (or a list of field errors).
3. `referral_from_submission` routes it to a site, checks eligibility against that site's rules, flags
   possible duplicates and creates the referral, all in one transaction under a lock on the submission,
   so a retry (or ten at once) with the same idempotency key gets the same referral.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.core.group_commit import GroupCommit
from fitforwork.referrals.inputs import FieldError, ReferralInput, ReferralRefused
from fitforwork.referrals.making import ReferralJob, referrals_make
from fitforwork.referrals.models import Referral, Submission

__all__ = ["FieldError", "ReferralInput", "ReferralRefused", "receive", "referral_from_submission", "submission_store"]

# Referrals arriving together in this process share a transaction (ADR 0009).
group_commit: GroupCommit[ReferralJob] = GroupCommit(referrals_make)


def submission_store(
    *,
    channel: str,
    payload: Any,
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
) -> tuple[Submission, bool]:
    """Keep what arrived, committed on its own; a repeat of an idempotency key returns the first one."""
    submission = Submission(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope if idempotency_key else "",
        idempotency_key=idempotency_key,
    )
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                submission.save(force_insert=True)
        else:
            submission.save(force_insert=True)  # one statement, committed as it runs
        return submission, True
    except IntegrityError:
        if not idempotency_key:
            raise
        return Submission.objects.get(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key), False


def receive(
    *,
    channel: str,
    payload: Any,
    parse: Callable[[Any], ReferralInput],
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
) -> Referral:
    """Store, then parse and make the referral; raises ReferralRefused with field errors, having kept the submission."""
    submission, created = submission_store(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
    )
    if not created:
        # A retry gets the first attempt's answer, worked out from what was stored first, never from the retry.
        existing = Referral.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
        if submission.outcome == Submission.Outcome.REFUSED:
            raise ReferralRefused([FieldError(e["field"], e["message"]) for e in submission.errors])
        payload = submission.payload
    try:
        data = parse(payload)
        return referral_from_submission(submission=submission, data=data, first_attempt=created)
    except ReferralRefused as refused:
        submission_refuse(submission=submission, errors=refused.errors)
        raise
    except IntegrityError:
        # A retry of this submission made its referral while this attempt was working: answer with that one.
        existing = Referral.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
        # Another referral recorded the same new person (the same NHS number) at the same moment. That one
        # has committed, so this attempt, tried once more, finds the person instead of making them again.
        try:
            return referral_from_submission(submission=submission, data=data)
        except ReferralRefused as refused:
            submission_refuse(submission=submission, errors=refused.errors)
            raise


@transaction.atomic
def submission_refuse(*, submission: Submission, errors: list[FieldError]) -> None:
    """Record why a submission made no referral; the submission itself stays as it was received."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.outcome == Submission.Outcome.REFERRAL:
        return
    locked.outcome = Submission.Outcome.REFUSED
    locked.errors = [{"field": e.field, "message": e.message} for e in errors]
    locked.processed_at = timezone.now()
    locked.save(update_fields=["outcome", "errors", "processed_at"])


def referral_from_submission(*, submission: Submission, data: ReferralInput, first_attempt: bool = False) -> Referral:
    """Make the referral for a stored submission, once; a concurrent retry waits and gets the same one.

    Outside a transaction, and unless settings.REFERRAL_GROUP_COMMIT is off, it joins the referrals arriving
    at the same moment in this process in one transaction; inside the caller's, it is made there, alone.
    """
    job = ReferralJob(submission=submission, data=data, first_attempt=first_attempt)
    if transaction.get_connection().in_atomic_block or not getattr(settings, "REFERRAL_GROUP_COMMIT", True):
        referrals_make([job])
    else:
        group_commit.run(job)
    return job.result()
