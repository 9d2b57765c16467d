"""What was sent is kept (issue 11), and the same details get the same answer on every channel (issue 12).

A referral whose NHS number another person record holds (another name or date of birth) keeps the number and
every detail as sent, is marked for the triage team, who see both versions and say whether it is that person.
"""

import json
from datetime import date

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.people.models import Person
from fitforwork.referrals import services
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral, Submission
from tests.accounts.factories import UserFactory
from tests.api.conftest import patient_resource, practice_client, service_request_resource  # noqa: F401
from tests.conftest import sign_in_with_two_factor
from tests.referrals.conftest import referral_input
from tests.referrals.test_bulk_import import _import, _row, _write
from tests.referrals.test_web_referring import form_data

pytestmark = pytest.mark.django_db

NHS = "9434765919"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"


@pytest.fixture
def holder(workwell_site):
    """Someone already recorded with the NHS number: Alex Morgan, born 17 May 1980."""
    referral = referral_receive(
        channel="gp_form", payload={}, parse=lambda _: referral_input(workwell_site, nhs_number=NHS)
    )
    return referral.person


def _by_web(client, workwell_site, **changes):
    user = UserFactory(role=Role.GP, organisation=workwell_site.practice)
    client.force_login(user)
    return client.post(reverse("referrals:new"), form_data(nhs_number=NHS, **changes))


def _by_fhir(client, token, **patient):
    body = service_request_resource(patient=patient_resource(**patient))
    return client.post(
        "/fhir/R4/ServiceRequest",
        data=json.dumps(body),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _by_file(tmp_path, **changes):
    return _import(_write(tmp_path, [_row(nhs_number=NHS, **changes)]))


def _conflicted():
    referral = Referral.objects.exclude(nhs_number_conflict="").get()
    return referral


def _assert_kept(referral, holder, given_name):
    assert referral.nhs_number == NHS  # as sent, on the referral
    assert referral.nhs_number_conflict == Referral.NhsNumberConflict.OPEN
    assert referral.nhs_number_holder == holder
    assert referral.person != holder
    assert referral.sent_details["nhs_number"] == NHS
    assert referral.sent_details["given_name"] == given_name
    assert referral.sent_details["date_of_birth"] == "1990-01-01"


STRANGER = {"given_name": "Mallory", "family_name": "Guess"}


def test_a_web_referral_with_someone_elses_nhs_number_keeps_it_and_marks_the_conflict(client, workwell_site, holder):
    response = _by_web(client, workwell_site, **STRANGER, date_of_birth_day="1", date_of_birth_month="1",
                       date_of_birth_year="1990")  # fmt: skip
    assert response.status_code == 302
    _assert_kept(_conflicted(), holder, "Mallory")


def test_a_fhir_referral_with_someone_elses_nhs_number_keeps_it_and_marks_the_conflict(
    client,
    holder,
    practice_client,  # noqa: F811
):
    _, token = practice_client
    response = _by_fhir(client, token, name=[{"family": "Guess", "given": ["Mallory"]}], birthDate="1990-01-01")
    assert response.status_code == 201, response.content
    _assert_kept(_conflicted(), holder, "Mallory")


def test_a_file_row_with_someone_elses_nhs_number_keeps_it_and_marks_the_conflict(tmp_path, holder):
    output = _by_file(tmp_path, **STRANGER, date_of_birth="1990-01-01")
    assert "1 made" in output
    _assert_kept(_conflicted(), holder, "Mallory")


@pytest.fixture
def conflicted(workwell_site, holder):
    return referral_receive(
        channel="gp_form",
        payload={},
        parse=lambda _: referral_input(workwell_site, nhs_number=NHS, **STRANGER, date_of_birth=date(1990, 1, 1)),
    )


@pytest.fixture
def triager(client, workwell_site):
    user = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)
    sign_in_with_two_factor(client, user)
    client.user = user
    return client


def test_triage_shows_both_versions_and_the_nhs_number_as_sent(triager, conflicted, holder):
    page = triager.get(reverse("referrals:triage-referral", args=[conflicted.pk])).content.decode()
    assert "Check whose NHS number this is" in page
    assert "943 476 5919" in page  # on the referral's own details too, not "Not given"
    assert "Mallory Guess" in page
    assert "Alex Morgan" in page
    assert "1 January 1990" in page
    assert "17 May 1980" in page
    assert "Same person: attach to the existing record" in page
    # Seeing the other record beside it is a read of that record.
    assert AuditEvent.objects.filter(action="people.person.viewed", object_id=str(holder.pk)).exists()


def test_the_referral_cannot_be_accepted_until_the_nhs_number_is_checked(triager, conflicted):
    response = triager.post(reverse("referrals:triage-referral", args=[conflicted.pk]), {"action": "accept"})
    assert response.status_code == 400
    assert "Check whose NHS number this is before you accept the referral." in response.content.decode()
    assert Referral.objects.get(pk=conflicted.pk).status == "received"


def test_same_person_attaches_the_referral_to_the_existing_record_audited(triager, conflicted, holder):
    made_for_it = conflicted.person
    url = reverse("referrals:nhs-number-check", args=[conflicted.pk])
    response = triager.post(url, {"decision": "same_person"})
    assert response.status_code == 302
    referral = Referral.objects.get(pk=conflicted.pk)
    assert referral.person == holder
    assert referral.nhs_number_conflict == Referral.NhsNumberConflict.SAME_PERSON
    assert referral.sent_details["given_name"] == "Mallory"  # what was sent stays
    assert not Person.objects.filter(pk=made_for_it.pk).exists()
    event = AuditEvent.objects.get(action="referrals.referral.nhs_number_checked")
    assert (event.actor_id, event.data["decision"]) == (triager.user.pk, "same_person")
    assert AuditEvent.objects.filter(action="people.person_merged", object_id=str(made_for_it.pk)).exists()
    triager.post(reverse("referrals:triage-referral", args=[conflicted.pk]), {"action": "accept"})
    assert Referral.objects.get(pk=conflicted.pk).status == "accepted"


def test_not_the_same_person_keeps_the_new_record_and_notes_the_conflict(triager, conflicted, holder):
    triager.post(reverse("referrals:nhs-number-check", args=[conflicted.pk]), {"decision": "not_same_person"})
    referral = Referral.objects.get(pk=conflicted.pk)
    assert referral.person == conflicted.person != holder
    assert (referral.nhs_number, referral.nhs_number_conflict) == (NHS, "not_same_person")
    page = triager.get(reverse("referrals:triage-referral", args=[conflicted.pk])).content.decode()
    assert "Checked: not the same person as the record holding the NHS number." in page
    assert AuditEvent.objects.get(action="referrals.referral.nhs_number_checked").data["decision"] == "not_same_person"
    with pytest.raises(services.InvalidTransition):
        services.referral_nhs_number_resolve(referral=referral, actor=triager.user, same_person=True)


# --- the same answer on every channel: a known person's email address is checked as a new person's ------------


def test_a_known_persons_bad_email_is_refused_on_the_web_form(client, workwell_site, holder):
    response = _by_web(client, workwell_site, email="alex at example.org")
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    assert Referral.objects.count() == 1


def test_a_known_persons_bad_email_is_refused_by_fhir(client, holder, practice_client):  # noqa: F811
    _, token = practice_client
    response = _by_fhir(client, token, telecom=[{"system": "email", "value": "alex at example.org"}])
    assert response.status_code == 422
    assert EMAIL_MESSAGE in response.content.decode()
    assert Submission.objects.filter(outcome="refused").count() == 1
    assert Referral.objects.count() == 1


def test_a_known_persons_bad_email_is_refused_by_the_file_import(tmp_path, holder):
    output = _by_file(tmp_path, email="alex at example.org")
    assert f"email: {EMAIL_MESSAGE}" in output
    assert Referral.objects.count() == 1


def test_details_sent_for_a_known_person_that_differ_from_their_record_are_shown_at_triage(
    triager, workwell_site, holder
):
    again = referral_receive(
        channel="gp_form",
        payload={},
        parse=lambda _: referral_input(workwell_site, nhs_number=NHS, phone="07700 900999", email="new@example.org"),
    )
    assert again.person == holder
    assert Person.objects.get(pk=holder.pk).phone != "07700 900999"  # the record is not changed by a referral
    page = triager.get(reverse("referrals:triage-referral", args=[again.pk])).content.decode()
    assert "Sent on this referral, different from the person" in page
    assert "07700 900999 (the record has: nothing)" in page
    assert "new@example.org (the record has: alex.morgan@example.org)" in page
