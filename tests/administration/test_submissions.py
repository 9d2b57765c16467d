"""The administrators' list of submissions that did not go through: the error, attempts, trying one again
(through the task, audited), and what was sent, escaped, each opening audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals import submissions
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral, Submission
from fitforwork.referrals.submissions import submission_store
from fitforwork.referrals.tasks import referral_make_later
from tests.api.conftest import run_tasks
from tests.referrals.conftest import referral_input
from tests.referrals.conftest import workwell_site as workwell_site  # the fixture, shared

pytestmark = pytest.mark.django_db(transaction=True)


def _failed(site, monkeypatch, payload=None):
    real = submissions.referral_make

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(submissions, "referral_make", broken)
    with pytest.raises(RuntimeError):
        referral_receive(
            channel="gp_form",
            payload=payload or {"given_name": "Alex"},
            parse=lambda _payload: referral_input(site),
        )
    monkeypatch.setattr(submissions, "referral_make", real)
    return Submission.objects.get(outcome=Submission.Outcome.FAILED)


def test_the_list_shows_each_failed_and_stuck_submission_with_its_error_and_no_details(
    administrator_client, workwell_site, monkeypatch
):
    failed = _failed(workwell_site, monkeypatch)
    stuck, _ = submission_store(channel="fhir", payload={"given_name": "Sam"}, deferred=True)
    fresh, _ = submission_store(channel="fhir", payload={"given_name": "Kim"})
    Submission.objects.filter(pk=stuck.pk).update(received_at=timezone.now() - timedelta(hours=1))
    page = administrator_client.get(reverse("administration:submissions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "RuntimeError: database hiccup" in html
    assert "GP referral form" in html
    assert "FHIR API" in html
    assert "still waiting for the background worker" in html
    assert reverse("administration:submission", args=[failed.pk]) in html
    assert reverse("administration:submission", args=[stuck.pk]) in html
    assert reverse("administration:submission", args=[fresh.pk]) not in html  # not stuck yet
    assert "Alex" not in html
    assert "Sam" not in html
    assert failed.attempts == 1


def test_the_administration_home_links_to_the_list(administrator_client):
    html = administrator_client.get(reverse("administration:index")).content.decode()
    assert reverse("administration:submissions") in html


def test_the_detail_shows_what_was_sent_escaped_and_each_opening_is_audited(
    administrator_client, workwell_site, monkeypatch
):
    failed = _failed(workwell_site, monkeypatch, payload={"given_name": "<script>alert(1)</script>Alex"})
    url = reverse("administration:submission", args=[failed.pk])
    for _ in range(2):
        page = administrator_client.get(url)
        assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Alex" in html
    reads = AuditEvent.objects.filter(action="referrals.submission.viewed", object_id=str(failed.pk))
    assert reads.count() == 2
    assert reads.first().actor_id == administrator_client.admin.pk


def test_try_again_now_enqueues_the_retry_audited_and_it_makes_the_referral(
    administrator_client, workwell_site, monkeypatch
):
    failed = _failed(workwell_site, monkeypatch)
    retries = DBTaskResult.objects.filter(task_path=referral_make_later.module_path)
    assert retries.count() == 1  # the automatic retry, enqueued when it failed
    response = administrator_client.post(reverse("administration:submission-retry", args=[failed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:submissions")
    assert AuditEvent.objects.filter(action="referrals.submission_retried", object_id=str(failed.pk)).exists()
    assert retries.count() == 2  # and the button's: the second to run finds the referral made
    run_tasks()
    failed.refresh_from_db()
    assert failed.outcome == Submission.Outcome.REFERRAL
    assert Referral.objects.filter(submission=failed).exists()
    # Done: no longer listed, and no longer open from the list.
    assert administrator_client.get(reverse("administration:submission", args=[failed.pk])).status_code == 404


def test_try_again_needs_a_post_and_says_when_the_submission_was_never_read(administrator_client):
    cut_off, _ = submission_store(channel="fhir", payload={"sent": 1})
    Submission.objects.filter(pk=cut_off.pk).update(received_at=timezone.now() - timedelta(hours=1))
    url = reverse("administration:submission-retry", args=[cut_off.pk])
    assert administrator_client.get(url).status_code == 405
    response = administrator_client.post(url, follow=True)
    assert "cannot be tried again from here" in response.content.decode()
    assert not DBTaskResult.objects.filter(task_path=referral_make_later.module_path).exists()
    assert not AuditEvent.objects.filter(action="referrals.submission_retried").exists()


def test_only_administrators_see_the_pages(case_manager_client, workwell_site, monkeypatch):
    failed = _failed(workwell_site, monkeypatch)
    assert case_manager_client.get(reverse("administration:submissions")).status_code == 403
    assert case_manager_client.get(reverse("administration:submission", args=[failed.pk])).status_code == 403
    assert case_manager_client.post(reverse("administration:submission-retry", args=[failed.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="referrals.submission.viewed").exists()


def test_the_administrators_home_says_how_many_referrals_did_not_go_through_and_links_to_them(
    administrator_client, workwell_site, monkeypatch
):
    home = reverse("accounts:home-administrator")
    before = administrator_client.get(home).content.decode()
    assert "Every referral that reached us has gone through." in before
    assert reverse("administration:submissions") not in before

    _failed(workwell_site, monkeypatch)
    stuck, _ = submission_store(channel="fhir", payload={"given_name": "Sam"}, deferred=True)
    Submission.objects.filter(pk=stuck.pk).update(received_at=timezone.now() - timedelta(hours=1))
    page = administrator_client.get(home)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 referrals did not go through for a reason of ours." in html
    assert reverse("administration:submissions") in html


def test_the_administrators_home_is_only_theirs(case_manager_client):
    assert case_manager_client.get(reverse("accounts:home-administrator")).status_code == 403
