"""A submission its sender waits for is stored with a delayed check, in one transaction: if the request is cut
off before an outcome, the check marks it failed (staff see it), so none stays `received` without a schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Submission
from fitforwork.referrals.submissions import INTERRUPTED, INTERRUPTED_AFTER
from fitforwork.referrals.tasks import submission_check_later
from tests.api.conftest import run_tasks
from tests.referrals.conftest import referral_input

pytestmark = pytest.mark.django_db(transaction=True)
CHECK = submission_check_later.module_path


class CutOff(BaseException):
    """The process stopping mid-request: not an Exception, so nothing of ours catches it."""


def _cut_off(_payload):
    raise CutOff


def test_a_request_cut_off_after_storing_is_marked_failed_by_its_delayed_check(workwell_site):
    with pytest.raises(CutOff):
        referral_receive(channel="gp_form", payload={"sent": True}, parse=_cut_off)
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.RECEIVED
    check = DBTaskResult.objects.get(task_path=CHECK)
    assert check.args_kwargs["args"] == [str(submission.pk)]
    assert check.run_after == submission.received_at + INTERRUPTED_AFTER
    assert run_tasks() == []  # not due yet
    DBTaskResult.objects.filter(pk=check.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    run_tasks()
    submission.refresh_from_db()
    assert submission.outcome == Submission.Outcome.FAILED
    assert submission.errors == [{"field": "", "message": INTERRUPTED}]
    assert submission.attempts == 1


def test_the_check_of_a_submission_that_made_its_referral_changes_nothing(workwell_site):
    referral = referral_receive(
        channel="gp_form", payload={"sent": True}, parse=lambda _payload: referral_input(workwell_site)
    )
    DBTaskResult.objects.filter(task_path=CHECK).update(run_after=timezone.now() - timedelta(seconds=1))
    run_tasks()
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.REFERRAL
    assert submission.referral == referral
    assert DBTaskResult.objects.get(task_path=CHECK).return_value is False


def test_a_retry_with_the_same_key_enqueues_no_second_check(workwell_site):
    for _ in range(2):
        referral_receive(
            channel="gp_form",
            payload={"sent": True},
            parse=lambda _payload: referral_input(workwell_site),
            idempotency_scope="test",
            idempotency_key="k1",
        )
    assert DBTaskResult.objects.filter(task_path=CHECK).count() == 1
