"""Nobody reads what another organisation supplied: two organisations refer the same person (same NHS number,
date of birth and last name), each with its own contact details; each reads back only what it sent, and the
second's details are offered to staff at triage as a possible update, neither applied nor dropped."""

import json

import pytest

from fitforwork.api.services import apiclient_create
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral
from fitforwork.referrals.presenters import sent_differences
from tests.api.conftest import patient_resource, service_request_resource
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FIRST = {
    "name": [{"use": "official", "family": "Morgan", "given": ["Alex"]}],
    "telecom": [{"system": "phone", "value": "0116 496 0000"}, {"system": "email", "value": "alex@example.org"}],
    "address": [{"line": ["1 High Street"], "city": "Leicester", "postalCode": "LE1 6TP"}],
}
SECOND = {
    "name": [{"use": "official", "family": "Morgan", "given": ["Alexandra"]}],
    "telecom": [{"system": "phone", "value": "07700 900999"}],
    "address": [{"line": ["9 Low Road"], "city": "Wigston", "postalCode": "LE18 4AB"}],
}


def _refer(client, token, details):
    body = service_request_resource(patient=patient_resource(**details))
    response = client.post(
        "/fhir/R4/ServiceRequest",
        data=json.dumps(body),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    return response.json()


def _read(client, token, path):
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def two_referrers(workwell_site):
    _, first = apiclient_create(name="Limes EMIS", ods_code=workwell_site.practice.ods_code)
    other = OrganisationFactory(gp_practice=True, name="Another Surgery")
    workwell_site.gp_practices.add(other)
    _, second = apiclient_create(name="Other EMIS", ods_code=other.ods_code)
    return first, second


def test_two_organisations_referring_the_same_person_each_read_back_only_their_own_details(client, two_referrers):
    first, second = two_referrers
    first_request = _refer(client, first, FIRST)
    second_request = _refer(client, second, SECOND)
    person = Person.objects.get()  # the same person: one record
    assert first_request["subject"]["reference"] == second_request["subject"]["reference"] == f"Patient/{person.pk}"

    read_by_first = _read(client, first, f"/fhir/R4/Patient/{person.pk}")
    read_by_second = _read(client, second, f"/fhir/R4/Patient/{person.pk}")
    assert (read_by_first["name"], read_by_first["telecom"], read_by_first["address"]) == (
        FIRST["name"],
        FIRST["telecom"],
        FIRST["address"],
    )
    assert (read_by_second["name"], read_by_second["telecom"], read_by_second["address"]) == (
        SECOND["name"],
        SECOND["telecom"],
        SECOND["address"],
    )
    shown_to_second = json.dumps(read_by_second) + json.dumps(
        _read(client, second, f"/fhir/R4/ServiceRequest/{second_request['id']}")
    )
    for first_only in ("0116 496 0000", "alex@example.org", "1 High Street", '"Alex"', "Alex Morgan"):
        assert first_only not in shown_to_second


def test_the_service_request_names_the_person_as_its_sender_did(client, two_referrers):
    first, second = two_referrers
    _refer(client, first, FIRST)
    second_request = _refer(client, second, SECOND)
    assert second_request["subject"]["display"] == "Alexandra Morgan"


def test_the_second_referrers_details_are_offered_to_staff_at_triage(client, two_referrers):
    first, second = two_referrers
    _refer(client, first, FIRST)
    second_request = _refer(client, second, SECOND)
    referral = Referral.objects.get(pk=second_request["id"])
    offered = {row["key"]["text"]: row["value"]["text"] for row in sent_differences(referral)}
    assert offered["Phone number"].startswith("07700 900999")
    assert offered["Address"].startswith("9 Low Road")
    assert offered["First name"].startswith("Alexandra")
    person = Person.objects.get()
    assert (person.phone, person.given_name) == ("0116 496 0000", "Alex")  # not silently applied


def test_a_referrer_that_never_referred_the_person_cannot_read_them(client, two_referrers, workwell_site):
    first, _ = two_referrers
    _refer(client, first, FIRST)
    person = Person.objects.get()
    other = OrganisationFactory(gp_practice=True, name="Third Surgery")
    _, third = apiclient_create(name="Third EMIS", ods_code=other.ods_code)
    response = client.get(f"/fhir/R4/Patient/{person.pk}", headers={"Authorization": f"Bearer {third}"})
    assert response.status_code == 404
