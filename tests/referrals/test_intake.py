import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.calendar import add_working_days
from fitforwork.core.outbox.models import Message
from fitforwork.referrals.intake import ReferralRefused, referral_receive, submission_store
from fitforwork.referrals.models import Referral, Submission
from tests.organisations.factories import OrganisationFactory
from tests.referrals.conftest import referral_input

pytestmark = pytest.mark.django_db


def _receive(site, payload=None, key="", **overrides):
    return referral_receive(
        channel="gp_form",
        payload=payload or {"form": "as submitted"},
        parse=lambda _payload: referral_input(site, **overrides),
        idempotency_scope="test",
        idempotency_key=key,
    )


def test_a_referral_keeps_its_submission_as_received_and_the_rules_it_was_decided_under(workwell_site):
    referral = _receive(workwell_site, payload={"given_name": "Alex", "odd field": [1, 2]})
    assert referral.submission.payload == {"given_name": "Alex", "odd field": [1, 2]}
    assert referral.submission.outcome == Submission.Outcome.REFERRAL
    assert referral.site == workwell_site
    assert referral.rules == workwell_site.service_model.current_version
    assert referral.eligible, referral.eligibility_failures
    assert referral.reference.startswith("FW-")


def test_the_first_contact_clock_counts_working_days_from_arrival(workwell_site):
    referral = _receive(workwell_site)
    received_on = referral.received_at.astimezone().date()
    assert referral.first_contact_due == add_working_days(received_on, 2, "england_wales")


def test_routing_falls_back_to_the_postcode_district_when_the_practice_is_not_covered(workwell_site):
    other_practice = OrganisationFactory(gp_practice=True)
    referral = _receive(workwell_site, gp_practice=other_practice, postcode="le2 7ab")
    assert referral.site == workwell_site


def test_a_referral_nobody_covers_is_refused_with_the_field_but_the_submission_is_kept(workwell_site):
    with pytest.raises(ReferralRefused) as refused:
        _receive(workwell_site, gp_practice=None, postcode="DD1 4HN")
    assert refused.value.errors[0].field == "gp_practice"
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.REFUSED
    assert submission.errors[0]["field"] == "gp_practice"
    assert not Referral.objects.exists()


def test_an_ineligible_referral_lists_each_failed_rule_in_words(workwell_site):
    referral = _receive(workwell_site, consent_given=False, source="advice_line")
    rules = {failure["rule"] for failure in referral.eligibility_failures}
    assert rules == {"consent", "referral_route"}
    assert not referral.eligible
    assert all(failure["message"] for failure in referral.eligibility_failures)


def test_off_sick_without_a_first_day_off_is_refused_and_nothing_is_half_stored(workwell_site):
    with pytest.raises(ReferralRefused, match="absence_start"):
        _receive(workwell_site, absence_start=None)
    assert not Referral.objects.exists()
    assert Submission.objects.get().outcome == Submission.Outcome.REFUSED


def test_the_same_idempotency_key_returns_the_same_referral(workwell_site):
    first = _receive(workwell_site, key="abc-123")
    second = _receive(workwell_site, key="abc-123")
    assert first.pk == second.pk
    assert Submission.objects.count() == 1
    assert Referral.objects.count() == 1


def test_a_possible_duplicate_is_flagged_not_dropped(workwell_site):
    first = _receive(workwell_site, nhs_number="9434765919")
    second = _receive(workwell_site, nhs_number="9434765919", source="self")
    assert second.duplicate_status == Referral.DuplicateStatus.FLAGGED
    assert second.possible_duplicate_of == first
    by_name = _receive(workwell_site, nhs_number="", email="other@example.org")
    assert by_name.possible_duplicate_of in {first, second}


def test_receiving_tells_the_referrer_and_the_client_and_is_audited(workwell_site):
    referral = _receive(workwell_site)
    recipients = set(Message.objects.filter(reference=str(referral.pk)).values_list("recipient", flat=True))
    assert recipients == {"gp@example.org", "alex.morgan@example.org"}
    assert AuditEvent.objects.filter(action="referrals.referral.received", object_id=str(referral.pk)).exists()


def test_a_person_known_by_nhs_number_is_not_created_twice(workwell_site):
    first = _receive(workwell_site, nhs_number="9434765919")
    second = _receive(workwell_site, nhs_number="9434765919", given_name="Alexandra")
    assert first.person_id == second.person_id


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_retries_with_one_key_make_one_referral(workwell_site):
    results, errors = [], []

    def send():
        try:
            results.append(_receive(workwell_site, key="same-key").pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Referral.objects.count() == 1
    assert Submission.objects.count() == 1


def test_submission_store_commits_before_processing(workwell_site):
    submission, created = submission_store(
        channel="gp_form", payload={"x": 1}, idempotency_scope="s", idempotency_key="k"
    )
    again, created_again = submission_store(
        channel="gp_form", payload={"x": 2}, idempotency_scope="s", idempotency_key="k"
    )
    assert created
    assert not created_again
    assert again.pk == submission.pk
    assert again.payload == {"x": 1}
    assert date.today() - timedelta(days=1) <= submission.received_at.date()


def test_a_retry_of_a_refused_submission_gets_the_same_refusal_even_with_new_content(workwell_site):
    with pytest.raises(ReferralRefused):
        _receive(workwell_site, key="retry-key", absence_start=None)
    with pytest.raises(ReferralRefused) as again:
        _receive(workwell_site, key="retry-key")  # now complete, but the key was already used
    assert again.value.errors[0].field == "absence_start"
    assert not Referral.objects.exists()
    assert Submission.objects.count() == 1


def test_a_retry_is_processed_from_what_was_stored_first(workwell_site):
    submission, _ = submission_store(
        channel="gp_form", payload={"given_name": "Stored"}, idempotency_scope="test", idempotency_key="k2"
    )
    seen = []

    def parse(payload):
        seen.append(payload)
        return referral_input(workwell_site, given_name=payload["given_name"])

    referral = referral_receive(
        channel="gp_form", payload={"given_name": "Retry"}, parse=parse, idempotency_scope="test", idempotency_key="k2"
    )
    assert seen == [{"given_name": "Stored"}]
    assert referral.person.given_name == "Stored"
    assert referral.submission_id == submission.pk


def test_an_nhs_number_alone_never_attaches_a_referral_to_someone_elses_record(workwell_site):
    first = _receive(workwell_site, nhs_number="9434765919")
    stranger = _receive(
        workwell_site,
        nhs_number="9434765919",
        given_name="Mallory",
        family_name="Guess",
        date_of_birth=date(1990, 1, 1),
    )
    assert stranger.person_id != first.person_id
    assert (stranger.person.given_name, stranger.person.nhs_number) == ("Mallory", "")
    assert stranger.possible_duplicate_of == first
    assert stranger.duplicate_status == Referral.DuplicateStatus.FLAGGED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once; SQLite has one")
@pytest.mark.django_db(transaction=True)
def test_a_referral_that_loses_a_race_to_record_the_same_new_person_is_tried_again(workwell_site, monkeypatch):
    """Two referrals for someone new, with one NHS number, at once (as in two server processes): both look and
    find nobody, both insert the person, and the second insert breaks the NHS number's unique constraint once
    the first commits. That one is tried once more, finds the person the first recorded, and is made."""
    from fitforwork.people import services as people_services

    register = people_services.people_register
    both_looked = threading.Barrier(2, timeout=10)
    calls = []

    def register_once_both_have_looked(new, **options):
        calls.append(new[0][1].nhs_number)
        if len(calls) <= 2:
            both_looked.wait()  # neither inserts until both have looked for the person and found nobody
        return register(new, **options)

    monkeypatch.setattr(people_services, "people_register", register_once_both_have_looked)
    results, errors = [], []

    def send(key):
        try:
            results.append(_receive(workwell_site, nhs_number="9434765919", key=key))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(key,)) for key in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.pk for r in results}) == 2
    assert len({r.person_id for r in results}) == 1
    assert Referral.objects.count() == 2
    assert set(Submission.objects.values_list("outcome", flat=True)) == {Submission.Outcome.REFERRAL}
    assert calls == ["9434765919", "9434765919"]  # both tried to record them; the retry found them instead
