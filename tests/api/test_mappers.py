"""The mappers, without HTTP: our output validates against FHIR R4B models, and input round-trips."""

from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from fitforwork.api.fhir import capability, mappers, parsing
from fitforwork.api.fhir import extensions as ext
from fitforwork.api.fhir.mappers import FhirRefused, Issue
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral
from tests.api.conftest import NHS_NUMBER, patient_resource, service_request_resource, transaction_bundle


@pytest.fixture
def referral(workwell_site):
    organisation = workwell_site.practice
    return referral_receive(
        channel="fhir",
        payload=service_request_resource(),
        parse=lambda payload: parsing.parse_service_request(payload, organisation=organisation),
    )


def test_a_service_request_becomes_the_intakes_input(workwell_site):
    data = parsing.parse_service_request(service_request_resource(), organisation=workwell_site.practice)
    assert data.source == "gp"
    assert data.gp_practice == workwell_site.practice
    assert data.referrer_organisation == workwell_site.practice
    assert (data.given_name, data.family_name, data.date_of_birth) == ("Alex", "Morgan", date(1980, 5, 17))
    assert (data.nhs_number, data.postcode, data.sex) == (NHS_NUMBER, "LE1 6TP", "female")
    assert (data.phone, data.email, data.town, data.address_line_1) == (
        "0116 496 0000",
        "alex@example.org",
        "Leicester",
        "1 High Street",
    )
    assert (data.employment_status, data.condition_category, data.consent_given) == (
        "employed_off_sick",
        "musculoskeletal",
        True,
    )


def test_a_source_extension_overrides_the_default(workwell_site):
    request = service_request_resource()
    request["extension"].append({"url": ext.REFERRAL_SOURCE, "valueCode": "community"})
    assert parsing.parse_service_request(request, organisation=workwell_site.practice).source == "community"


def test_the_referral_round_trips(referral):
    request = mappers.service_request(referral)
    again = parsing.referral_input(
        request, mappers.patient(referral.person, referral), organisation=referral.referrer_organisation
    )
    assert again.reason == referral.reason
    assert again.employment_status == referral.employment_status
    assert again.absence_start == referral.absence_start
    assert again.condition_category == referral.condition_category
    assert again.consent_given is True
    assert again.source == referral.source
    assert (again.nhs_number, again.given_name, again.family_name, again.date_of_birth, again.postcode) == (
        referral.person.nhs_number,
        referral.person.given_name,
        referral.person.family_name,
        referral.person.date_of_birth,
        referral.person.postcode,
    )


def test_output_validates_as_fhir_r4(referral):
    request = ServiceRequest.model_validate(mappers.service_request(referral))
    assert request.status == "active"
    assert request.identifier[0].value == referral.reference
    assert request.requester.identifier.value == referral.referrer_organisation.ods_code
    assert request.performer[0].display == "WorkWell Leicester"
    assert request.reasonCode[0].text == referral.reason
    task = Task.model_validate(mappers.task(referral))
    assert task.focus.reference == f"ServiceRequest/{referral.pk}"
    assert task.businessStatus.coding[0].code == "received"
    patient = Patient.model_validate(mappers.patient(referral.person, referral))
    assert patient.identifier[0].system == ext.NHS_NUMBER_SYSTEM
    assert patient.address[0].postalCode == "LE1 6TP"
    CapabilityStatement.model_validate(capability.capability_statement("http://testserver/fhir/R4/"))
    OperationOutcome.model_validate(mappers.operation_outcome([Issue("value", "ServiceRequest.status", "No")]))


def test_a_declined_referral_is_revoked_with_a_reason_on_its_task(referral):
    Referral.objects.filter(pk=referral.pk).update(
        status="declined", decline_reason="Not in work", decided_at=referral.received_at
    )
    referral.refresh_from_db()
    assert mappers.service_request(referral)["status"] == "revoked"
    task = Task.model_validate(mappers.task(referral))
    assert (task.status, task.businessStatus.coding[0].code, task.statusReason.text) == (
        "rejected",
        "declined",
        "Not in work",
    )


def test_the_example_resources_are_valid_fhir():
    ServiceRequest.model_validate(service_request_resource())
    Bundle.model_validate(transaction_bundle())


@pytest.mark.parametrize(
    ("change", "expression", "code", "status"),
    [
        # FHIR's own rules, checked by fhir.resources first: 400.
        (lambda r: r.pop("subject"), "ServiceRequest.subject", "required", 400),
        (lambda r: r.update(authoredOn="yesterday"), "ServiceRequest.authoredOn", "value", 400),
        (lambda r: r.update(colour="blue"), "ServiceRequest.colour", "structure", 400),
        (
            lambda r: r["contained"][0].update(birthDate="17/05/1980"),
            "ServiceRequest.contained[0].birthDate",
            "value",
            400,
        ),
        # Then the service's: 422.
        (lambda r: r.update(subject={"reference": "#nobody"}), "ServiceRequest.subject", "required", 422),
        (lambda r: r.update(status="draft"), "ServiceRequest.status", "value", 422),
        (lambda r: r.pop("reasonCode"), "ServiceRequest.reasonCode", "required", 422),
        (lambda r: r["contained"][0].pop("birthDate"), "ServiceRequest.contained[0].birthDate", "required", 422),
        (lambda r: r["contained"][0].update(birthDate="1980"), "ServiceRequest.contained[0].birthDate", "value", 422),
        (
            lambda r: r["contained"][0]["identifier"][0].update(value="1234567890"),
            "ServiceRequest.contained[0].identifier",
            "value",
            422,
        ),
        (
            lambda r: r["extension"][1].update(valueCode="knees"),
            f"ServiceRequest.extension.where(url='{ext.CONDITION_CATEGORY}')",
            "code-invalid",
            422,
        ),
    ],
)
def test_each_problem_names_its_path(workwell_site, change, expression, code, status):
    request = service_request_resource()
    change(request)
    with pytest.raises(FhirRefused) as refused:
        parsing.parse_service_request(request, organisation=workwell_site.practice)
    assert refused.value.status == status
    assert (expression, code) in {(i.expression, i.code) for i in refused.value.issues}


def test_what_a_plain_referral_does_not_say_is_not_given_rather_than_refused(workwell_site):
    request = service_request_resource(extension=[])
    data = parsing.parse_service_request(request, organisation=workwell_site.practice)
    assert (data.employment_status, data.condition_category, data.consent_given) == ("", "", None)


def test_every_problem_is_reported_at_once(workwell_site):
    request = service_request_resource(patient=patient_resource(name=[], birthDate=None), reasonCode=[])
    with pytest.raises(FhirRefused) as refused:
        parsing.parse_service_request(request, organisation=workwell_site.practice)
    assert len(refused.value.issues) >= 4


def test_a_transaction_bundle_points_its_subject_at_the_patient_entry(workwell_site):
    data = parsing.parse_transaction(transaction_bundle(), organisation=workwell_site.practice)
    assert data.family_name == "Morgan"
    bundle = transaction_bundle(subject={"reference": "urn:uuid:someone-else"})
    with pytest.raises(FhirRefused) as refused:
        parsing.parse_transaction(bundle, organisation=workwell_site.practice)
    assert refused.value.issues[0].expression == "Bundle.entry[1].resource.subject"


def test_the_wrong_resource_is_a_400(workwell_site):
    with pytest.raises(FhirRefused) as refused:
        parsing.parse_service_request({"resourceType": "Patient"}, organisation=workwell_site.practice)
    assert refused.value.status == 400
    assert refused.value.issues[0].expression == "ServiceRequest.resourceType"
