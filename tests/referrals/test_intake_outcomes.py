"""Every stored submission reaches an outcome: made, refused with reasons, or failed with the error and a task
that tries again. None is left `received` by a crash between storing it and what finishes it."""

import pytest

from fitforwork.referrals import intake, submissions
from fitforwork.referrals.intake import ReferralRefused, referral_receive, referral_receive_later
from fitforwork.referrals.models import Referral, Submission
from tests.api.conftest import run_tasks
from tests.referrals.conftest import referral_input

pytestmark = pytest.mark.django_db(transaction=True)


def _later(site, key="", **overrides):
    return referral_receive_later(
        channel="fhir",
        payload={"sent": True},
        parse=lambda _payload: referral_input(site, **overrides),
        idempotency_scope="test",
        idempotency_key=key,
    )


def test_a_crash_before_the_task_is_enqueued_leaves_no_submission_received(workwell_site, monkeypatch):
    class Crashing:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("the process died here")

    monkeypatch.setattr(intake, "referral_make_later", Crashing())
    with pytest.raises(RuntimeError):
        _later(workwell_site)
    # Stored and enqueued are one transaction: neither happened, so the sender was not told it was received.
    assert not Submission.objects.exists()


def test_a_deferred_submission_and_its_task_are_committed_together(workwell_site):
    from django_tasks_db.models import DBTaskResult

    submission = _later(workwell_site)
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"][0] == str(submission.pk)
    run_tasks()
    submission.refresh_from_db()
    assert submission.outcome == Submission.Outcome.REFERRAL


def test_a_deferred_submission_refused_at_once_keeps_its_reasons_and_enqueues_nothing(workwell_site):
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(ReferralRefused):
        _later(workwell_site, given_name="x" * 101)
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.REFUSED
    assert submission.errors[0]["field"] == "given_name"
    assert not DBTaskResult.objects.exists()


def test_a_fault_of_ours_marks_the_submission_failed_and_a_task_makes_it_later(workwell_site, monkeypatch):
    real = submissions.referral_make
    calls = []

    def fails_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real(**kwargs)

    monkeypatch.setattr(submissions, "referral_make", fails_once)
    with pytest.raises(RuntimeError):
        referral_receive(
            channel="gp_form",
            payload={"sent": True},
            parse=lambda _payload: referral_input(workwell_site),
            idempotency_scope="test",
            idempotency_key="k1",
        )
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.FAILED
    assert "database hiccup" in submission.errors[0]["message"]
    run_tasks()
    submission.refresh_from_db()
    assert submission.outcome == Submission.Outcome.REFERRAL
    assert Referral.objects.filter(submission=submission).exists()


def test_staff_can_list_a_failed_submission_with_its_error(workwell_site, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(submissions, "referral_make", broken)
    with pytest.raises(RuntimeError):
        referral_receive(
            channel="gp_form",
            payload={"given_name": "Alex"},
            parse=lambda _payload: referral_input(workwell_site),
        )
    out = StringIO()
    call_command("unfinished_submissions", stdout=out)
    listed = out.getvalue()
    assert "failed  RuntimeError: database hiccup" in listed
    assert "1 unfinished submissions" in listed
    assert "Alex" not in listed


def test_a_waited_for_submission_cut_off_mid_way_is_marked_failed_not_left_received(workwell_site):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from fitforwork.referrals.submissions import submission_store

    # Stored, then the process stopped before the referral was made; a deferred one has its task instead.
    cut_off, _ = submission_store(channel="fhir", payload={"sent": 1})
    deferred, _ = submission_store(channel="fhir", payload={"sent": 2}, deferred=True)
    Submission.objects.update(received_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("unfinished_submissions", "--mark-interrupted", stdout=out)
    assert "1 interrupted submissions marked failed" in out.getvalue()
    cut_off.refresh_from_db()
    deferred.refresh_from_db()
    assert cut_off.outcome == Submission.Outcome.FAILED
    assert "Interrupted" in cut_off.errors[0]["message"]
    assert deferred.outcome == Submission.Outcome.RECEIVED
