"""The sweep that finishes FHIR referrals sent without waiting whose background writer never made them."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from fitforwork.api import sweep
from fitforwork.api.services import apiclient_create, apiclient_revoke
from fitforwork.referrals import intake
from fitforwork.referrals.models import Referral, Submission
from tests.api.conftest import service_request_resource, transaction_bundle
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _stored(api_client, payload=None, *, ago=timedelta(minutes=10), deferred=True):
    """A submission as `receive_later` commits it, never handed to the background writer (its process died)."""
    submission, _ = intake.submission_store(
        channel="fhir",
        payload=payload if payload is not None else service_request_resource(),
        idempotency_scope=f"apiclient:{api_client.pk}",
        deferred=deferred,
    )
    Submission.objects.filter(pk=submission.pk).update(received_at=timezone.now() - ago)
    submission.refresh_from_db()
    return submission


def _status(client, token, submission):
    return client.get(f"/fhir/R4/_async/{submission.pk}", headers={"Authorization": f"Bearer {token}"})


def test_a_submission_left_waiting_gets_its_referral_and_its_status_answers_200(client, practice_client):
    api_client, token = practice_client
    waiting = _stored(api_client)
    assert _status(client, token, waiting).status_code == 202

    assert sweep.finish_waiting() == {"made": 1, "refused": 0, "failed": 0}

    referral = Referral.objects.get()
    assert referral.submission_id == waiting.pk
    assert referral.referrer_organisation_id == api_client.organisation_id
    waiting.refresh_from_db()
    assert waiting.outcome == "referral"
    assert waiting.processed_at is not None
    answer = _status(client, token, waiting)
    assert answer.status_code == 200
    (entry,) = Bundle.model_validate(answer.json()).entry
    assert entry.response.status == "201 Created"
    assert entry.resource.id == str(referral.pk)


def test_a_transaction_bundle_is_read_as_a_bundle(practice_client):
    api_client, _ = practice_client
    waiting = _stored(api_client, transaction_bundle())
    assert sweep.finish_waiting() == {"made": 1, "refused": 0, "failed": 0}
    assert Referral.objects.get().submission_id == waiting.pk


def test_a_payload_that_no_longer_routes_is_refused_with_its_errors_stored(client, workwell_site):
    elsewhere, token = apiclient_create(name="Elsewhere", ods_code=OrganisationFactory(gp_practice=True).ods_code)
    request = service_request_resource()
    request["contained"][0]["address"][0]["postalCode"] = "ZE1 0AA"
    waiting = _stored(elsewhere, request)

    assert sweep.finish_waiting() == {"made": 0, "refused": 1, "failed": 0}

    waiting.refresh_from_db()
    assert waiting.outcome == "refused"
    assert [e["field"] for e in waiting.errors] == ["gp_practice"]
    assert waiting.payload == request  # what arrived is kept as it was
    assert not Referral.objects.exists()
    answer = _status(client, token, waiting)
    assert answer.status_code == 200
    (entry,) = Bundle.model_validate(answer.json()).entry
    assert entry.response.status == "422"
    issue = entry.response.outcome.issue[0]
    assert (issue.code, issue.expression) == ("business-rule", ["ServiceRequest.requester"])


def test_a_submission_newer_than_older_than_is_left_alone(practice_client):
    api_client, _ = practice_client
    young = _stored(api_client, ago=timedelta(seconds=30))

    assert sweep.finish_waiting(older_than=timedelta(minutes=2)) == {"made": 0, "refused": 0, "failed": 0}
    young.refresh_from_db()
    assert young.outcome == "received"
    assert not Referral.objects.exists()

    later = timezone.now() + timedelta(minutes=2)
    assert sweep.finish_waiting(older_than=timedelta(minutes=2), now=later)["made"] == 1


def test_running_the_sweep_twice_makes_no_second_referral(practice_client):
    api_client, _ = practice_client
    _stored(api_client)
    assert sweep.finish_waiting()["made"] == 1
    assert sweep.finish_waiting() == {"made": 0, "refused": 0, "failed": 0}
    assert Referral.objects.count() == 1


def test_a_referral_already_made_is_not_made_again_and_its_submission_is_marked(practice_client):
    """The writer made the referral, yet the submission still says "received": the sweep finds the referral."""
    api_client, _ = practice_client
    waiting = _stored(api_client)
    data = sweep._parse(waiting, api_client)
    made = intake.referral_from_submission(submission=waiting, data=data, first_attempt=True)
    Submission.objects.filter(pk=waiting.pk).update(outcome="received", processed_at=None)

    assert sweep.finish_waiting() == {"made": 1, "refused": 0, "failed": 0}
    assert list(Referral.objects.values_list("pk", flat=True)) == [made.pk]
    waiting.refresh_from_db()
    assert waiting.outcome == "referral"
    assert sweep.finish_waiting() == {"made": 0, "refused": 0, "failed": 0}


def test_unknown_and_revoked_clients_are_left_for_a_person(practice_client, workwell_site):
    api_client, _ = practice_client
    revoked, _ = apiclient_create(name="Old EMIS", ods_code=workwell_site.practice.ods_code)
    of_revoked = _stored(revoked)
    apiclient_revoke(name="Old EMIS")
    unknown, _ = intake.submission_store(
        channel="fhir", payload=service_request_resource(), idempotency_scope="apiclient:not-a-uuid", deferred=True
    )
    Submission.objects.filter(pk=unknown.pk).update(received_at=timezone.now() - timedelta(hours=1))
    reasons = {}

    counts = sweep.finish_waiting(on_failure=lambda s, reason: reasons.setdefault(s.pk, reason))

    assert counts == {"made": 0, "refused": 0, "failed": 2}
    assert set(reasons) == {of_revoked.pk, unknown.pk}
    assert "revoked" in reasons[of_revoked.pk]
    assert set(Submission.objects.values_list("outcome", flat=True)) == {"received"}
    assert not Referral.objects.exists()


def test_one_failure_is_counted_and_the_rest_are_finished_in_the_order_received(practice_client, monkeypatch):
    api_client, _ = practice_client
    second = _stored(api_client, ago=timedelta(minutes=5))
    broken = _stored(api_client, ago=timedelta(minutes=20))
    first = _stored(api_client, ago=timedelta(minutes=30))
    real = sweep.referral_from_submission
    seen = []

    def make(*, submission, data, first_attempt):
        seen.append(submission.pk)
        assert first_attempt is False  # the retry path, which looks for a referral made meanwhile
        if submission.pk == broken.pk:
            raise RuntimeError("the database went away")
        return real(submission=submission, data=data, first_attempt=first_attempt)

    monkeypatch.setattr(sweep, "referral_from_submission", make)

    assert sweep.finish_waiting() == {"made": 2, "refused": 0, "failed": 1}
    assert seen == [first.pk, broken.pk, second.pk]
    assert set(Referral.objects.values_list("submission_id", flat=True)) == {first.pk, second.pk}
    broken.refresh_from_db()
    assert broken.outcome == "received"


def test_other_channels_and_other_outcomes_are_not_touched(practice_client):
    api_client, _ = practice_client
    web, _ = intake.submission_store(channel="web", payload=service_request_resource())
    refused = _stored(api_client)
    Submission.objects.filter(pk=refused.pk).update(outcome="refused", errors=[{"field": "x", "message": "y"}])
    Submission.objects.filter(pk=web.pk).update(received_at=timezone.now() - timedelta(hours=1))
    assert sweep.finish_waiting() == {"made": 0, "refused": 0, "failed": 0}
    assert not Referral.objects.exists()


def test_the_command_prints_the_counts_and_writes_failures_to_stderr(capsys, client, practice_client, workwell_site):
    api_client, _ = practice_client
    _stored(api_client)
    elsewhere, _ = apiclient_create(name="Elsewhere", ods_code=OrganisationFactory(gp_practice=True).ods_code)
    request = service_request_resource()
    request["contained"][0]["address"][0]["postalCode"] = "ZE1 0AA"
    _stored(elsewhere, request)
    revoked, _ = apiclient_create(name="Old EMIS", ods_code=workwell_site.practice.ods_code)
    of_revoked = _stored(revoked)
    apiclient_revoke(name="Old EMIS")
    young = _stored(api_client, ago=timedelta(seconds=30))

    call_command("fhir", "finish-waiting")

    out, err = capsys.readouterr()
    assert out.strip() == "Made 1 referral, refused 1, 1 failed (left for a person to check)."
    assert str(of_revoked.pk) in err
    assert "revoked" in err

    call_command("fhir", "finish-waiting", "--older-than", "10")
    out, _ = capsys.readouterr()
    assert out.strip() == "Made 1 referral, refused 0, 1 failed (left for a person to check)."
    young.refresh_from_db()
    assert young.outcome == "referral"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_as_from_cron_the_referral_is_made_once(practice_client):
    """As the command runs: no transaction around it, so the referral goes through the group commit."""
    api_client, _ = practice_client
    waiting = _stored(api_client)
    assert sweep.finish_waiting() == {"made": 1, "refused": 0, "failed": 0}
    assert sweep.finish_waiting() == {"made": 0, "refused": 0, "failed": 0}
    assert Referral.objects.get().submission_id == waiting.pk
    assert Submission.objects.get().outcome == "referral"


def test_a_submission_whose_sender_waited_is_never_made_behind_their_back(practice_client):
    """A sender who waited was answered (a 500, say) and may have sent it again: the sweep leaves it alone."""
    api_client, _ = practice_client
    waited = _stored(api_client, deferred=False)
    assert sweep.finish_waiting() == {"made": 0, "refused": 0, "failed": 0}
    waited.refresh_from_db()
    assert waited.outcome == Submission.Outcome.RECEIVED
    assert not Referral.objects.exists()
