"""Stored submissions and the referral each becomes: what the intake (intake.py) and the background task
(tasks.py) share, kept apart from both so neither imports the other's caller."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pydantic
from django.db import IntegrityError, transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.referrals.inputs import FieldError, ReferralInput, ReferralRefused, refusal_from_schema
from fitforwork.referrals.making import referral_make
from fitforwork.referrals.models import Referral, Submission

logger = logging.getLogger(__name__)


class IdempotencyKeyReused(Exception):
    """An idempotency key sent again with a different body: the key was used for another request."""

    def __init__(self, submission: Submission) -> None:
        super().__init__(f"The idempotency key was used for another request ({submission.received_at:%Y-%m-%d})")
        self.submission = submission


def body_hash(payload: Any) -> str:
    """The payload's SHA-256 as canonical JSON (sorted keys, no spaces), so key order and spacing do not count."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def submission_store(
    *,
    channel: str,
    payload: Any,
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
    deferred: bool = False,
    refuse_reuse: bool = False,
    then: Callable[[Submission], None] | None = None,
) -> tuple[Submission, bool]:
    """Keep what arrived, committed on its own (with what `then` writes, for a new one, in the same
    transaction); a repeat of an idempotency key returns the first one, or, with `refuse_reuse`, raises
    IdempotencyKeyReused when its body differs from the first's."""
    digest = body_hash(payload)
    submission = Submission(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
        body_hash=digest,
        deferred=deferred,
    )
    try:
        if then is not None or transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                submission.save(force_insert=True)
                if then is not None:
                    then(submission)
        else:
            submission.save(force_insert=True)  # one statement, committed as it runs
        return submission, True
    except IntegrityError:
        if not idempotency_key:
            raise
        first = Submission.objects.get(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key)
        if refuse_reuse and first.body_hash and first.body_hash != digest:
            raise IdempotencyKeyReused(first) from None
        return first, False


def parse_checked(parse: Callable[[Any], ReferralInput], payload: Any) -> ReferralInput:
    """The channel's parse, with the shared schema's errors as a refusal naming the fields."""
    try:
        return parse(payload)
    except pydantic.ValidationError as invalid:
        raise refusal_from_schema(invalid) from None


def referral_make_deferred(*, submission_id: str, data: dict[str, Any]) -> str:
    """Make the referral for a submission whose sender did not wait, or record why not; returns the outcome.

    Run by a task, perhaps twice: the submission's lock and its one referral make a second run find the first's.
    An error of ours marks the submission failed (its status answers so) and is raised, for the task's record.
    """
    submission = Submission.objects.get(pk=submission_id)
    try:
        referral_from_submission(submission=submission, data=parse_checked(ReferralInput.from_json, data))
    except ReferralRefused as refused:
        submission_refuse(submission=submission, errors=refused.errors)
        return Submission.Outcome.REFUSED
    except Exception as error:
        logger.exception("Submission %s: making its referral failed", submission_id)
        submission_fail(submission=submission, error=error)
        raise
    return Submission.Outcome.REFERRAL


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


@transaction.atomic
def submission_fail(*, submission: Submission, error: Exception) -> None:
    """Record that making a submission's referral failed for a reason of ours; a retry of it tries again."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.outcome == Submission.Outcome.REFERRAL:
        return
    locked.outcome = Submission.Outcome.FAILED
    locked.errors = [{"field": "", "message": f"{type(error).__name__}: {error}"[:300]}]
    locked.processed_at = timezone.now()
    locked.attempts += 1
    locked.save(update_fields=["outcome", "errors", "processed_at", "attempts"])


INTERRUPTED = "Interrupted before an outcome was recorded; the sender's retry with its key makes the referral"

# A submission its sender waited for that is still `received` this long after it arrived was cut off: the
# delayed check enqueued with it (tasks.submission_check_later) marks it failed then, as the sweep does.
INTERRUPTED_AFTER = timedelta(minutes=15)


def submission_mark_interrupted(*, submission_id: Any) -> bool:
    """Mark failed one submission its sender waited for, if it is still `received`; True when it was."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if locked is None or locked.outcome != Submission.Outcome.RECEIVED or locked.deferred:
            return False
        locked.outcome = Submission.Outcome.FAILED
        locked.errors = [{"field": "", "message": INTERRUPTED}]
        locked.processed_at = timezone.now()
        locked.attempts += 1
        locked.save(update_fields=["outcome", "errors", "processed_at", "attempts"])
        logger.warning("Submission %s: interrupted before its outcome, marked failed", submission_id)
        return True


def submissions_mark_interrupted(*, before: datetime) -> int:
    """Mark failed each submission a sender waited for that is still `received` long after it arrived: its
    request was cut off (the process stopped) between storing it and making its referral. Deferred ones are
    left alone: each has its task, committed with it. Returns how many were marked."""
    stale = Submission.objects.filter(outcome=Submission.Outcome.RECEIVED, deferred=False, received_at__lt=before)
    return sum(submission_mark_interrupted(submission_id=pk) for pk in stale.values_list("pk", flat=True))


def referral_from_submission(*, submission: Submission, data: ReferralInput) -> Referral:
    """`referral_make`, tried once more if it lost a race: to a retry of the same submission that made the
    referral meanwhile, or to another referral recording the same new person (one NHS number) at the same
    moment. Either has committed, so the second try finds the referral, or the person."""
    try:
        return referral_make(submission=submission, data=data)
    except IntegrityError:
        if transaction.get_connection().in_atomic_block and transaction.get_connection().needs_rollback:
            raise
        return referral_make(submission=submission, data=data)
