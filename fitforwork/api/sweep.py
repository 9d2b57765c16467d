"""Finishing FHIR referrals sent without waiting whose referral was never made.

A sender that asks not to wait (`Prefer: respond-async`) is answered as soon as its submission is stored
and checked; the referral is made just after by the process's background writer
(`fitforwork.referrals.intake.background`), which holds its jobs in memory only. A process that stops
before writing them (killed, crashed, redeployed) loses the jobs, and a job that fails even when written on
its own is logged and dropped. Either way the submission stays "received" and its status endpoint answers
202 for ever.

What was stored is never lost, though: the submission keeps the payload exactly as sent and the client that
sent it. `finish_waiting` (run by `fitforwork fhir finish-waiting`, from cron) takes every FHIR submission
still "received" after a while, reads it again as it was read when it arrived, and makes its referral or
records why it is refused. It goes by the retry path, which locks the submission and answers with a referral
made meanwhile, so it can run twice, or alongside a background writer still at work, without ever making
two referrals for one submission.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from fitforwork.api.fhir import parsing
from fitforwork.api.fhir.views import _parser
from fitforwork.api.models import ApiClient
from fitforwork.referrals.inputs import ReferralInput
from fitforwork.referrals.intake import ReferralRefused, referral_from_submission, submission_refuse
from fitforwork.referrals.models import Channel, Referral, Submission

logger = logging.getLogger(__name__)

SCOPE_PREFIX = "apiclient:"

__all__ = ["finish_waiting"]


class _LeftForAPerson(Exception):
    """A submission the sweep cannot finish on its own: it is left as it is, for someone to look at."""


def _client(submission: Submission) -> ApiClient:
    """The active client that sent the submission, named by its scope."""
    try:
        client_id = uuid.UUID(submission.idempotency_scope.removeprefix(SCOPE_PREFIX))
    except ValueError:
        raise _LeftForAPerson(f"its scope {submission.idempotency_scope!r} names no API client") from None
    client = ApiClient.objects.select_related("organisation").filter(pk=client_id).first()
    if client is None:
        raise _LeftForAPerson(f"the API client {client_id} no longer exists")
    if not client.is_active:
        raise _LeftForAPerson(f"the API client {client.name} has been revoked")
    return client


def _parse(submission: Submission, client: ApiClient) -> ReferralInput:
    """The payload read as the FHIR view read it when it arrived, for the client's organisation."""
    payload = submission.payload
    is_bundle = isinstance(payload, dict) and payload.get("resourceType") == "Bundle"
    parse = parsing.parse_transaction if is_bundle else parsing.parse_service_request
    result: ReferralInput = _parser(parse, client)(payload)
    return result


def _make(submission: Submission, data: ReferralInput) -> Referral:
    """The submission's referral, made now or found; its outcome is "referral" afterwards."""
    # A race lost to the background writer or to another referral for the same new person is tried once
    # more inside, and finds the referral or the person.
    referral = referral_from_submission(submission=submission, data=data, first_attempt=False)
    # A referral made earlier whose submission never recorded it: the retry path finds the referral but
    # leaves the submission as it was, so it is recorded here (or the sweep would find it every time).
    Submission.objects.filter(pk=submission.pk, outcome=Submission.Outcome.RECEIVED).update(
        outcome=Submission.Outcome.REFERRAL, processed_at=timezone.now()
    )
    return referral


def finish_waiting(
    *,
    older_than: timedelta = timedelta(minutes=2),
    now: datetime | None = None,
    on_failure: Callable[[Submission, str], None] | None = None,
) -> dict[str, int]:
    """Make the referral, or record the refusal, for each FHIR submission left "received".

    Takes the submissions received before `now - older_than` (younger ones may still be in a background
    writer's hands), in the order received. Returns how many referrals were made (or found already made),
    how many submissions were refused, and how many failed: a client unknown or revoked, or an unexpected
    error, logged and passed to `on_failure` with the reason. Those are left "received" for a person to check.
    """
    cutoff = (now or timezone.now()) - older_than
    waiting = list(
        Submission.objects.filter(
            channel=Channel.FHIR,
            outcome=Submission.Outcome.RECEIVED,
            deferred=True,  # a sender who waited was told what happened: theirs are not made behind their back
            received_at__lt=cutoff,
            idempotency_scope__startswith=SCOPE_PREFIX,
        ).order_by("received_at", "pk")
    )
    counts = {"made": 0, "refused": 0, "failed": 0}
    for submission in waiting:
        try:
            client = _client(submission)
            try:
                _make(submission, _parse(submission, client))
                counts["made"] += 1
            except ReferralRefused as refused:
                submission_refuse(submission=submission, errors=refused.errors)
                counts["refused"] += 1
        except _LeftForAPerson as left:
            _failed(submission, str(left), on_failure, counts)
        except Exception as error:  # noqa: BLE001 (one submission's failure must not stop the rest)
            logger.exception("Finishing submission %s failed", submission.pk)
            _failed(submission, f"{type(error).__name__}: {error}", on_failure, counts, logged=True)
    return counts


def _failed(
    submission: Submission,
    reason: str,
    on_failure: Callable[[Submission, str], None] | None,
    counts: dict[str, int],
    *,
    logged: bool = False,
) -> None:
    if not logged:
        logger.warning("Submission %s left for a person to check: %s", submission.pk, reason)
    counts["failed"] += 1
    if on_failure is not None:
        on_failure(submission, reason)
