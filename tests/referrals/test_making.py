"""referrals_make: several referrals in one transaction, each as if made on its own."""

import itertools
import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection

from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.group_commit import GroupCommit
from fitforwork.core.outbox.models import Message
from fitforwork.organisations.models import ServiceModel
from fitforwork.people.models import Employment, Person
from fitforwork.referrals import intake
from fitforwork.referrals.intake import receive, submission_store
from fitforwork.referrals.making import ReferralJob, referrals_make
from fitforwork.referrals.models import Referral, ReferralStatusChange, Submission
from tests.organisations.factories import OrganisationFactory, SiteFactory
from tests.referrals.conftest import referral_input

pytestmark = pytest.mark.django_db

NHS = "9434765919"
ACTIONS = ("referrals.referral.received", "people.person_created", "people.employment_added")
_keys = itertools.count()


def _job(site, *, first_attempt=True, submission=None, **overrides):
    if submission is None:
        key = f"key-{next(_keys)}"
        submission, created = submission_store(
            channel="gp_form", payload={"key": key}, idempotency_scope="t", idempotency_key=key
        )
        assert created
    return ReferralJob(submission=submission, data=referral_input(site, **overrides), first_attempt=first_attempt)


def _person(n):
    return {"given_name": f"Given{n}", "family_name": f"Family{n}", "email": f"person{n}@example.org"}


def _counts():
    counts = {
        "referrals": Referral.objects.count(),
        "received": ReferralStatusChange.objects.filter(from_status="", to_status=Referral.Status.RECEIVED).count(),
        "people": Person.objects.count(),
        "employments": Employment.objects.count(),
        "submissions made": Submission.objects.filter(outcome=Submission.Outcome.REFERRAL).count(),
        "messages": Message.objects.count(),
    }
    counts.update({action: AuditEvent.objects.filter(action=action).count() for action in ACTIONS})
    return counts


def _delta(before, after):
    return {name: after[name] - before[name] for name in after}


def test_a_batch_of_three_stores_what_three_made_one_at_a_time_would(workwell_site):
    start = _counts()
    batch = [_job(workwell_site, **_person(n)) for n in range(3)]
    referrals_make(batch)
    after_batch = _counts()
    for n in range(3, 6):
        referrals_make([_job(workwell_site, **_person(n))])
    after_one_by_one = _counts()

    assert _delta(start, after_batch) == _delta(after_batch, after_one_by_one)
    assert _delta(start, after_batch) == {
        "referrals": 3,
        "received": 3,
        "people": 3,
        "employments": 3,
        "submissions made": 3,
        "messages": 6,
        "referrals.referral.received": 3,
        "people.person_created": 3,
        "people.employment_added": 3,
    }
    referrals = [job.referral for job in batch]
    assert all(job.refused is None for job in batch)
    assert len({r.pk for r in referrals}) == 3
    assert len({r.person_id for r in referrals}) == 3
    for n, (job, referral) in enumerate(zip(batch, referrals, strict=True)):
        stored = Referral.objects.get(pk=referral.pk)
        assert stored.submission_id == job.submission.pk
        assert stored.person.given_name == f"Given{n}"
        assert stored.duplicate_status == ""
        assert stored.eligible, stored.eligibility_failures
        assert list(ReferralStatusChange.objects.filter(referral=stored).values_list("to_status", flat=True)) == [
            Referral.Status.RECEIVED
        ]
        assert Submission.objects.get(pk=job.submission.pk).outcome == Submission.Outcome.REFERRAL
        assert AuditEvent.objects.filter(action=ACTIONS[0], object_id=str(referral.pk)).count() == 1
        assert AuditEvent.objects.filter(action=ACTIONS[1], object_id=str(stored.person_id)).count() == 1
        recipients = set(Message.objects.filter(reference=str(referral.pk)).values_list("recipient", flat=True))
        assert recipients == {"gp@example.org", f"person{n}@example.org"}


def test_the_second_of_two_for_the_same_person_in_a_batch_is_flagged_as_a_duplicate_of_the_first(workwell_site):
    first, second = _job(workwell_site), _job(workwell_site)
    referrals_make([first, second])
    assert first.referral.duplicate_status == ""
    assert first.referral.possible_duplicate_of_id is None
    stored = Referral.objects.get(pk=second.referral.pk)
    assert stored.duplicate_status == Referral.DuplicateStatus.FLAGGED
    assert stored.possible_duplicate_of == first.referral


def test_one_new_nhs_number_twice_in_a_batch_with_matching_details_is_one_person(workwell_site):
    first = _job(workwell_site, nhs_number=NHS)
    second = _job(workwell_site, nhs_number=NHS, given_name="Alexandra", email="alexandra@example.org")
    referrals_make([first, second])
    person = Person.objects.get(nhs_number=NHS)
    assert Person.objects.count() == 1
    assert first.referral.person_id == second.referral.person_id == person.pk
    assert AuditEvent.objects.filter(action="people.person_created").count() == 1
    stored = Referral.objects.get(pk=second.referral.pk)
    assert stored.duplicate_status == Referral.DuplicateStatus.FLAGGED
    assert stored.possible_duplicate_of == first.referral


def test_an_employer_second_in_a_batch_sees_that_the_gp_referred_first(workwell_site):
    """Under the national rules an employer may refer only if the GP has not; a GP referral earlier in the
    same batch counts, just as one committed before would."""
    practice = OrganisationFactory(gp_practice=True)
    site = SiteFactory(
        service_model=ServiceModel.objects.get(key="fit-for-work-national"),
        postcode_districts=["NE1"],
        gp_practices=[practice],
    )
    site.practice = practice
    common = {"postcode": "NE1 4ST", "absence_start": date.today() - timedelta(weeks=6)}
    employer = {"source": "employer", "written_consent_date": date.today(), "employer_name": "Acme Ltd"}

    def rules(referral):
        return {failure["rule"] for failure in referral.eligibility_failures}

    gp, by_employer = _job(site, nhs_number=NHS, **common), _job(site, nhs_number=NHS, **common, **employer)
    referrals_make([gp, by_employer])
    assert gp.referral.eligible, gp.referral.eligibility_failures
    assert "route_gp_referred" in rules(by_employer.referral)
    assert not by_employer.referral.eligible

    other = {**common, **_person(9), "nhs_number": "4010232137"}
    gp_alone, employer_alone = _job(site, **other), _job(site, **other, **employer)
    referrals_make([gp_alone])
    referrals_make([employer_alone])
    assert rules(employer_alone.referral) == rules(by_employer.referral)


def test_an_nhs_number_alone_never_joins_a_stranger_to_the_person_earlier_in_the_batch(workwell_site):
    first = _job(workwell_site, nhs_number=NHS)
    stranger = _job(
        workwell_site, nhs_number=NHS, given_name="Mallory", family_name="Guess", date_of_birth=date(1990, 1, 1)
    )
    referrals_make([first, stranger])
    assert Person.objects.count() == 2
    assert stranger.referral.person_id != first.referral.person_id
    person = Person.objects.get(pk=stranger.referral.person_id)
    assert (person.given_name, person.nhs_number) == ("Mallory", "")
    assert Person.objects.get(pk=first.referral.person_id).nhs_number == NHS
    stored = Referral.objects.get(pk=stranger.referral.pk)
    assert stored.duplicate_status == Referral.DuplicateStatus.FLAGGED
    assert stored.possible_duplicate_of == first.referral


def test_refused_jobs_name_the_field_and_leave_the_rest_of_the_batch_to_be_made(workwell_site):
    good = _job(workwell_site, **_person(1))
    no_first_day = _job(workwell_site, **_person(2), absence_start=None)
    nobody_covers = _job(workwell_site, **_person(3), gp_practice=None, postcode="DD1 4HN")
    not_an_email = _job(workwell_site, **{**_person(5), "email": "alex at example.org"})
    long_phone = _job(workwell_site, **_person(8), phone="07700 900123 (evenings only)")
    referrer_phone = _job(workwell_site, **_person(6), referrer_phone="0116 496 0000 (ask for Dr Shah)")
    referrer_email = _job(workwell_site, **_person(7), referrer_email="gp surgery")
    last = _job(workwell_site, **_person(4))
    referrals_make([good, no_first_day, nobody_covers, not_an_email, long_phone, referrer_phone, referrer_email, last])

    assert no_first_day.referral is None
    assert [e.field for e in no_first_day.refused.errors] == ["absence_start"]
    assert nobody_covers.referral is None
    assert [e.field for e in nobody_covers.refused.errors] == ["gp_practice"]
    # The person's and the referrer's details are checked too, and refuse only their own job.
    assert [(e.field, e.message) for e in not_an_email.refused.errors] == [
        ("email", "Enter an email address in the correct format, like name@example.com")
    ]
    assert [(e.field, e.message) for e in referrer_phone.refused.errors] == [
        ("referrer_phone", "Enter the referrer's phone number in 20 characters or fewer")
    ]
    assert [(e.field, e.message) for e in long_phone.refused.errors] == [
        ("phone", "Enter the phone number in 20 characters or fewer")
    ]
    assert [e.field for e in referrer_email.refused.errors] == ["referrer_email"]
    for refused in (no_first_day, nobody_covers, not_an_email, long_phone, referrer_phone, referrer_email):
        assert refused.referral is None
        stored = Submission.objects.get(pk=refused.submission.pk)
        assert stored.outcome == Submission.Outcome.RECEIVED  # recording the refusal is the caller's
        assert stored.processed_at is None
    assert good.refused is None
    assert last.refused is None
    assert set(Referral.objects.values_list("pk", flat=True)) == {good.referral.pk, last.referral.pk}
    assert Person.objects.count() == 2
    assert Message.objects.count() == 4
    assert AuditEvent.objects.filter(action="referrals.referral.received").count() == 2


def test_a_refused_job_leaves_its_nhs_number_to_a_later_job_in_the_batch(workwell_site):
    refused = _job(workwell_site, **{**_person(1), "nhs_number": NHS, "email": "not an email"})
    later = _job(workwell_site, **{**_person(1), "nhs_number": NHS})
    referrals_make([refused, later])
    assert refused.referral is None
    assert later.referral.person.nhs_number == NHS
    assert later.referral.duplicate_status == ""
    assert Person.objects.get().pk == later.referral.person_id


def test_the_referrers_email_must_fit_and_a_long_name_is_cut_to_fit(workwell_site):
    long_email = _job(workwell_site, **_person(1), referrer_email="gp." + "x" * 250 + "@example.org")
    long_name = _job(workwell_site, **_person(2), referrer_name="Dr " + "Long" * 60)
    referrals_make([long_email, long_name])
    assert [(e.field, e.message) for e in long_email.refused.errors] == [
        ("referrer_email", "Enter the referrer's email address in 254 characters or fewer")
    ]
    stored = Referral.objects.get()  # on PostgreSQL, a value too long for its column would fail the insert
    assert stored.referrer_name == ("Dr " + "Long" * 60)[:200]
    assert stored.submission_id == long_name.submission.pk


def test_a_retry_gets_the_referral_its_submission_already_has(workwell_site):
    first = _job(workwell_site)
    referrals_make([first])
    retry = _job(workwell_site, submission=first.submission, first_attempt=False, given_name="Changed")
    newcomer = _job(workwell_site, **_person(5))
    referrals_make([retry, newcomer])
    assert retry.referral.pk == first.referral.pk
    assert retry.refused is None
    assert Referral.objects.filter(submission=first.submission).count() == 1
    assert Referral.objects.count() == 2
    assert AuditEvent.objects.filter(action="referrals.referral.received").count() == 2
    assert Person.objects.filter(given_name="Changed").count() == 0


def test_a_retry_whose_first_attempt_made_nothing_makes_the_referral(workwell_site):
    submission, _ = submission_store(channel="gp_form", payload={}, idempotency_scope="t", idempotency_key="lost")
    retry = _job(workwell_site, submission=submission, first_attempt=False)
    referrals_make([retry])
    assert Referral.objects.get().pk == retry.referral.pk
    assert retry.referral.submission_id == submission.pk


def test_a_first_attempt_and_its_retry_in_one_batch_make_one_referral_and_share_it(workwell_site):
    """A sender retrying while its first attempt waits in the queue: both land in one batch."""
    first = _job(workwell_site)
    retry = _job(workwell_site, submission=first.submission, first_attempt=False)
    other = _job(workwell_site, **_person(6))
    referrals_make([first, retry, other])  # one transaction: a second referral for the submission would fail it
    assert first.referral is not None
    assert retry.referral is first.referral
    assert Referral.objects.filter(submission=first.submission).count() == 1
    assert Referral.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs writers at once; SQLite has one")
@pytest.mark.django_db(transaction=True)
def test_ten_referrals_at_once_share_transactions(workwell_site, monkeypatch):
    """The first batch is held until the other nine are waiting, so they are written together after it."""
    count = 10
    held = threading.Event()

    def write(jobs):
        if not held.is_set():
            held.set()
            deadline = time.monotonic() + 20
            while len(group._waiting) < count - 1 and time.monotonic() < deadline:
                time.sleep(0.005)
        referrals_make(jobs)

    group = GroupCommit(write)
    monkeypatch.setattr(intake, "group_commit", group)
    start = threading.Barrier(count, timeout=20)
    results, errors = [], []

    def send(n):
        try:
            start.wait()
            data = referral_input(workwell_site, **_person(n))
            referral = receive(
                channel="gp_form",
                payload={"n": n},
                parse=lambda _payload: data,
                idempotency_scope="test",
                idempotency_key=f"at-once-{n}",
            )
            results.append(referral.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(set(results)) == count
    assert Referral.objects.count() == count
    assert Person.objects.count() == count
    assert set(Submission.objects.values_list("outcome", flat=True)) == {Submission.Outcome.REFERRAL}
    assert group.jobs == count
    assert group.batches == 2  # the held one, then the nine that queued behind it


def _newest_or_first(site, batched, nhs_number, names):
    """A (details X, no NHS number), B (other given name, NHS number N), C (details X, NHS number N): which of
    A and B is C flagged as a possible duplicate of?"""
    x = {"given_name": "Sam", **names}
    jobs = [
        _job(site, **x),
        _job(site, **{**x, "given_name": "Samuel"}, nhs_number=nhs_number),
        _job(site, **x, nhs_number=nhs_number),
    ]
    if batched:
        referrals_make(jobs)
    else:
        for job in jobs:
            referrals_make([job])
    return [job.referral.pk for job in jobs].index(
        Referral.objects.get(pk=jobs[2].referral.pk).possible_duplicate_of_id
    )


def test_a_duplicate_found_two_ways_in_a_batch_is_the_newest_as_one_at_a_time(workwell_site):
    one_at_a_time = _newest_or_first(workwell_site, False, NHS, {"family_name": "Alpha"})
    batched = _newest_or_first(workwell_site, True, "4010232137", {"family_name": "Beta"})
    assert one_at_a_time == 1  # find_possible_duplicate answers the newest match
    assert batched == one_at_a_time


def test_a_batch_with_a_stored_match_and_an_earlier_one_in_the_batch_points_at_the_newest(workwell_site):
    stored = _job(workwell_site, **_person(7))
    referrals_make([stored])
    second, third = _job(workwell_site, **_person(7)), _job(workwell_site, **_person(7))
    referrals_make([second, third])  # compares the stored match's time with the batch's: both must carry a zone
    assert Referral.objects.get(pk=second.referral.pk).possible_duplicate_of_id == stored.referral.pk
    assert Referral.objects.get(pk=third.referral.pk).possible_duplicate_of_id == second.referral.pk


def test_names_beyond_plain_letters_match_whatever_their_case(workwell_site):
    """The database upper-cases both sides, so 'zoë strauß' finds 'Zoë Strauß' on SQLite and PostgreSQL."""
    first = _job(workwell_site, given_name="Zoë", family_name="Strauß")
    referrals_make([first])
    again = _job(workwell_site, given_name="zoë", family_name="strauß")
    referrals_make([again])
    assert Referral.objects.get(pk=again.referral.pk).possible_duplicate_of_id == first.referral.pk
