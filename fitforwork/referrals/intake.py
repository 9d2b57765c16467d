"""The one way in for referrals from every channel: store what arrived, then make a referral or refuse it.

1. `submission_store` commits the submission exactly as received, before anything else runs.
2. The channel parses and validates it into a `ReferralInput` (or a list of field errors).
3. `referral_from_submission` routes it to a site, checks eligibility against that site's rules, flags
   possible duplicates and creates the referral, all in one transaction under a lock on the submission,
   so a retry (or ten at once) with the same idempotency key gets the same referral.
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.core.group_commit import BackgroundWriter, GroupCommit, write_together_or_alone
from fitforwork.referrals.inputs import FieldError, ReferralInput, ReferralRefused
from fitforwork.referrals.making import ReferralJob, referrals_make
from fitforwork.referrals.models import Referral, Submission

logger = logging.getLogger(__name__)

__all__ = [
    "FieldError",
    "ReferralInput",
    "ReferralRefused",
    "receive",
    "receive_later",
    "referral_from_submission",
    "referrals_from_submissions",
    "submission_store",
]


def _write(jobs: list[ReferralJob]) -> None:
    """`referrals_make`, with a lone job that lost a race tried once more, as a retry.

    A database constraint fails when a retry of the same submission made its referral meanwhile, or when
    another referral recorded the same new person (one NHS number) at the same moment. Either has committed,
    so the retry path finds the referral, or the person. A batch of several that fails is written job by job
    by `GroupCommit` and `BackgroundWriter`, each job then getting this second chance.
    """
    try:
        referrals_make(jobs)
    except IntegrityError:
        if len(jobs) > 1:
            raise
        jobs[0].reset()
        jobs[0].first_attempt = False
        referrals_make(jobs)


# Referrals arriving together in this process share a transaction (ADR 0009).
group_commit: GroupCommit[ReferralJob] = GroupCommit(_write)


def _finish_later(job: ReferralJob) -> None:
    if job.refused is not None:
        submission_refuse(submission=job.submission, errors=job.refused.errors)


# Referrals whose senders asked not to wait (FHIR's asynchronous pattern): written by a thread of this
# process, as many to a transaction as have arrived meanwhile.
background: BackgroundWriter[ReferralJob] = BackgroundWriter(_write, done=_finish_later, name="referral-intake")
atexit.register(background.stop)  # a process stopping writes what it holds first (the sweep is the backstop)


def referrals_from_submissions(jobs: list[ReferralJob]) -> list[tuple[ReferralJob, Exception]]:
    """Make the referrals for stored, parsed submissions in one transaction, recording each refusal: for work
    that arrives many at once (a file). If the transaction fails, each is made alone. Returns the jobs that
    failed even alone, with their errors (each logged): their submissions stay as received, for a retry."""
    failed = write_together_or_alone(_write, jobs) if jobs else []
    unwritten = {id(job) for job, _ in failed}
    for job in jobs:
        if id(job) not in unwritten:
            _finish_later(job)
    for job, error in failed:
        logger.error("Submission %s: making its referral failed", job.submission.pk, exc_info=error)
    return failed


def submission_store(
    *,
    channel: str,
    payload: Any,
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
    deferred: bool = False,
) -> tuple[Submission, bool]:
    """Keep what arrived, committed on its own; a repeat of an idempotency key returns the first one."""
    submission = Submission(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
        deferred=deferred,
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


def receive_later(
    *,
    channel: str,
    payload: Any,
    parse: Callable[[Any], ReferralInput],
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
) -> Submission:
    """Store and check now, make the referral just after: for senders who asked not to wait for it.

    What arrived is committed, then parsed, so a submission that cannot be read or lacks a field is refused
    at once, as `receive` would (ReferralRefused). The rest (routing, eligibility, duplicates, the referral)
    is handed to this process's background writer, and the submission's outcome says when it is done. A
    retry of an idempotency key returns the first submission, whatever became of it. Inside a transaction
    (a test, say) the referral is made there and then, since another thread could not see the submission.
    """
    submission, created = submission_store(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
        deferred=True,
    )
    if not created:
        return submission
    try:
        data = parse(payload)
    except ReferralRefused as refused:
        submission_refuse(submission=submission, errors=refused.errors)
        raise
    job = ReferralJob(submission=submission, data=data, first_attempt=True)
    if transaction.get_connection().in_atomic_block:
        _write([job])
        _finish_later(job)
    else:
        background.submit(job)
    return submission


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
        _write([job])
    else:
        group_commit.run(job)
    return job.result()
