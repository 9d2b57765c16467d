"""referral_make: one referral from one stored submission, in one transaction."""

import itertools
from datetime import date, timedelta

import pytest

from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.organisations.models import ServiceModel
from fitforwork.people.models import Person
from fitforwork.referrals.intake import ReferralRefused, referral_receive, submission_store
from fitforwork.referrals.making import referral_make
from fitforwork.referrals.models import Referral, Submission
from tests.organisations.factories import OrganisationFactory, SiteFactory
from tests.referrals.conftest import referral_input

pytestmark = pytest.mark.django_db

NHS = "9434765919"
_keys = itertools.count()


def _make(site, **overrides):
    key = f"key-{next(_keys)}"
    return referral_receive(
        channel="gp_form",
        payload={"key": key},
        parse=lambda _payload: referral_input(site, **overrides),
        idempotency_scope="t",
        idempotency_key=key,
    )


def _refused(site, **overrides):
    with pytest.raises(ReferralRefused) as refused:
        _make(site, **overrides)
    return [(e.field, e.message) for e in refused.value.errors]


def _person(n):
    return {"given_name": f"Given{n}", "family_name": f"Family{n}", "email": f"person{n}@example.org"}


def test_the_second_of_two_for_the_same_person_is_flagged_as_a_duplicate_of_the_first(workwell_site):
    first, second = _make(workwell_site), _make(workwell_site)
    assert first.duplicate_status == ""
    assert first.possible_duplicate_of_id is None
    assert second.duplicate_status == Referral.DuplicateStatus.FLAGGED
    assert second.possible_duplicate_of == first


def test_one_new_nhs_number_twice_with_matching_details_is_one_person(workwell_site):
    first = _make(workwell_site, nhs_number=NHS)
    second = _make(workwell_site, nhs_number=NHS, given_name="Alexandra", email="alexandra@example.org")
    person = Person.objects.get(nhs_number=NHS)
    assert first.person_id == second.person_id == person.pk
    assert AuditEvent.objects.filter(action="people.person_created").count() == 1
    assert second.possible_duplicate_of == first
    # What the second sender gave is kept on its referral, though the person's record is not changed by it.
    assert (second.sent_details["given_name"], second.sent_details["email"]) == ("Alexandra", "alexandra@example.org")


def test_an_employer_after_a_gp_sees_that_the_gp_referred_first(workwell_site):
    """Under the national rules an employer may refer only if the GP has not."""
    practice = OrganisationFactory(gp_practice=True)
    site = SiteFactory(
        service_model=ServiceModel.objects.get(key="fit-for-work-national"),
        postcode_districts=["NE1"],
        gp_practices=[practice],
    )
    site.practice = practice
    common = {"postcode": "NE1 4ST", "absence_start": date.today() - timedelta(weeks=6)}
    employer = {"source": "employer", "written_consent_date": date.today(), "employer_name": "Acme Ltd"}
    gp = _make(site, nhs_number=NHS, **common)
    by_employer = _make(site, nhs_number=NHS, **common, **employer)
    assert gp.eligible, gp.eligibility_failures
    assert "route_gp_referred" in {failure["rule"] for failure in by_employer.eligibility_failures}
    assert not by_employer.eligible


def test_refusals_name_the_field_and_write_no_referral(workwell_site):
    assert _refused(workwell_site, **_person(2), absence_start=None)[0][0] == "absence_start"
    assert _refused(workwell_site, **_person(3), gp_practice=None, postcode="DD1 4HN")[0][0] == "gp_practice"
    assert _refused(workwell_site, **{**_person(5), "email": "alex at example.org"}) == [
        ("email", "Enter an email address in the correct format, like name@example.com")
    ]
    assert _refused(workwell_site, **_person(8), phone="07700 900123 (evenings only)") == [
        ("phone", "Enter the phone number in 20 characters or fewer")
    ]
    assert _refused(workwell_site, **_person(6), referrer_phone="0116 496 0000 (ask for Dr Shah)") == [
        ("referrer_phone", "Enter the referrer's phone number in 20 characters or fewer")
    ]
    assert _refused(workwell_site, **_person(7), referrer_email="gp surgery")[0][0] == "referrer_email"
    assert not Referral.objects.exists()
    assert not Person.objects.exists()
    assert not Message.objects.exists()
    assert set(Submission.objects.values_list("outcome", flat=True)) == {Submission.Outcome.REFUSED}


def test_a_known_persons_bad_email_is_refused_as_a_new_persons_is(workwell_site):
    _make(workwell_site, nhs_number=NHS)
    assert _refused(workwell_site, nhs_number=NHS, email="alex at example.org") == [
        ("email", "Enter an email address in the correct format, like name@example.com")
    ]


def test_the_referrers_email_must_fit_and_a_long_name_is_cut_to_fit(workwell_site):
    assert _refused(workwell_site, **_person(1), referrer_email="gp." + "x" * 250 + "@example.org") == [
        ("referrer_email", "Enter the referrer's email address in 254 characters or fewer")
    ]
    stored = _make(workwell_site, **_person(2), referrer_name="Dr " + "Long" * 60)
    assert Referral.objects.get(pk=stored.pk).referrer_name == ("Dr " + "Long" * 60)[:200]


def test_a_retry_gets_the_referral_its_submission_already_has(workwell_site):
    submission, _ = submission_store(channel="gp_form", payload={}, idempotency_scope="t", idempotency_key="x")
    first = referral_make(submission=submission, data=referral_input(workwell_site))
    again = referral_make(submission=submission, data=referral_input(workwell_site, given_name="Changed"))
    assert again.pk == first.pk
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(action="referrals.referral.received").count() == 1
    assert not Person.objects.filter(given_name="Changed").exists()


def test_the_audit_events_are_appended_last_in_order(workwell_site):
    """The person, their job, their consent and the referral: appended together at the end, so the chain head's
    lock is short."""
    referral = _make(workwell_site)
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-4:] == [
        "people.person_created", "people.employment_added", "consent.consent.given", "referrals.referral.received"
    ]  # fmt: skip
    assert AuditEvent.objects.get(action="referrals.referral.received").object_id == str(referral.pk)


def test_names_beyond_plain_letters_match_whatever_their_case(workwell_site):
    """The database upper-cases both sides, so 'zoë strauß' finds 'Zoë Strauß' on SQLite and PostgreSQL."""
    first = _make(workwell_site, given_name="Zoë", family_name="Strauß")
    again = _make(workwell_site, given_name="zoë", family_name="strauß")
    assert again.possible_duplicate_of_id == first.pk
