"""No input is a 500: each body that once crashed the FHIR facade gets a 4xx OperationOutcome naming the
element (or the body), and every submission it stored ends refused, never `received`."""

import base64
import json

import pytest

from fitforwork.referrals.models import Submission
from tests.api.conftest import patient_resource, service_request_resource, transaction_bundle
from tests.api.test_http import FHIR, outcome
from tests.api.test_http import post as post_json


@pytest.fixture
def api(client, practice_client):
    _, token = practice_client
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def post(api, path, body, **headers):
    if isinstance(body, bytes):
        return api.post(path, data=body, content_type=FHIR, headers=headers)
    return post_json(api, path, body, **headers)


def _bundle_with_string_request():
    bundle = transaction_bundle()
    bundle["entry"][0]["request"] = "POST Patient"
    return json.dumps(bundle)


def _with_nul_in_unknown_key():
    return json.dumps(service_request_resource(**{"unknown\u0000key": "a"}))


BODY_LEVEL = {
    "null": "null",
    "a list": "[]",
    "NaN": '{"resourceType": "ServiceRequest", "status": NaN}',
    "Infinity": '{"resourceType": "ServiceRequest", "status": -Infinity}',
    "1e999": '{"resourceType": "ServiceRequest", "status": 1e999}',
    "100,000 [": "[" * 100_000,
    "70 nested objects": '{"resourceType": "ServiceRequest", "a": ' + '{"a": ' * 70 + "1" + "}" * 71,
    "NUL in an unknown key": _with_nul_in_unknown_key(),
    "NUL in a value": json.dumps(service_request_resource(reasonCode=[{"text": "back\u0000pain"}])),
    "lone surrogate": '{"resourceType": "ServiceRequest", "status": "\\ud800"}',
    "lone surrogate in a key": '{"resourceType": "ServiceRequest", "\\udfff": 1}',
    "not UTF-8": b'{"resourceType": "ServiceRequest", "status": "\xff"}',
    "an integer of 5000 digits": '{"resourceType": "ServiceRequest", "status": ' + "9" * 5000 + "}",
}


def _assert_no_submission_left_received():
    assert not Submission.objects.filter(outcome=Submission.Outcome.RECEIVED).exists()
    assert Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(BODY_LEVEL))
@pytest.mark.parametrize("path", ["/fhir/R4/ServiceRequest", "/fhir/R4"])
def test_body_that_cannot_be_stored_as_json_is_refused_400_naming_the_body(api, workwell_site, name, path):
    response = post(api, path, BODY_LEVEL[name])
    result = outcome(response, 400, "structure")
    assert result.issue[0].diagnostics.startswith("The body")
    _assert_no_submission_left_received()
    assert Submission.objects.get().outcome == Submission.Outcome.REFUSED


@pytest.mark.django_db(transaction=True)
def test_nul_in_an_unknown_key_is_named_and_the_body_kept_as_sent(api, workwell_site):
    body = _with_nul_in_unknown_key()
    response = post(api, "/fhir/R4/ServiceRequest", body)
    result = outcome(response, 400, "structure", "ServiceRequest.unknown\\u0000key")
    assert "NUL" in result.issue[0].diagnostics

    assert Submission.objects.get().payload == {"_unparsed": body}  # its escape is plain text to store


@pytest.mark.django_db(transaction=True)
def test_a_raw_nul_byte_is_refused_and_the_body_kept_in_base64(api, workwell_site):
    body = b'{"resourceType": "ServiceRequest", "status": "a\x00b"}'
    response = post(api, "/fhir/R4/ServiceRequest", body)
    outcome(response, 400, "structure")
    assert base64.b64decode(Submission.objects.get().payload["_unparsed_base64"]) == body


@pytest.mark.django_db(transaction=True)
def test_async_create_with_a_nul_is_refused_and_not_left_received(api, workwell_site):
    response = post(api, "/fhir/R4/ServiceRequest", _with_nul_in_unknown_key(), Prefer="respond-async")
    outcome(response, 400, "structure")
    _assert_no_submission_left_received()


@pytest.mark.django_db(transaction=True)
def test_patient_gender_given_as_an_object_is_refused_naming_gender(api, workwell_site):
    body = service_request_resource(patient=patient_resource(gender={"a": 1}))
    response = post(api, "/fhir/R4/ServiceRequest", body)
    outcome(response, 400, expression="ServiceRequest.contained[0].gender")
    _assert_no_submission_left_received()


@pytest.mark.django_db(transaction=True)
def test_bundle_entry_whose_request_is_a_string_is_refused_naming_the_request(api, workwell_site):
    response = post(api, "/fhir/R4", _bundle_with_string_request())
    result = outcome(response, 400)
    assert any("Bundle.entry[0].request" in e for issue in result.issue for e in issue.expression or [])
    _assert_no_submission_left_received()


@pytest.mark.django_db(transaction=True)
def test_a_bundle_entry_whose_resource_type_is_null_is_refused_naming_it(api, workwell_site):
    # Found by the fuzz (test_fhir_fuzz.py): fhir.resources raised a TypeError on it.
    bundle = transaction_bundle()
    bundle["entry"][0]["resource"]["resourceType"] = None
    response = post(api, "/fhir/R4", json.dumps(bundle))
    outcome(response, 400, "structure", "Bundle.entry[0].resource.resourceType")
    _assert_no_submission_left_received()


@pytest.mark.django_db(transaction=True)
def test_a_contained_resource_of_no_fhir_type_is_refused_naming_it(api, workwell_site):
    body = service_request_resource(patient=patient_resource(resourceType="Nobody"))
    response = post(api, "/fhir/R4/ServiceRequest", json.dumps(body))
    outcome(response, 400, "structure", "ServiceRequest.contained[0].resourceType")
    _assert_no_submission_left_received()


@pytest.mark.django_db(transaction=True)
def test_contained_given_as_a_number_is_refused_naming_it(api, workwell_site):
    # Found by the fuzz: reading where the Patient was, for the refusal, raised a TypeError.
    body = service_request_resource(contained=5)
    response = post(api, "/fhir/R4/ServiceRequest", json.dumps(body))
    outcome(response, 400, expression="ServiceRequest.contained")
    _assert_no_submission_left_received()


@pytest.mark.django_db(transaction=True)
def test_a_bundle_whose_entry_is_not_a_list_is_refused_naming_it(api, workwell_site):
    # Found by the fuzz: listing the entries' types for the answer raised a TypeError.
    response = post(api, "/fhir/R4", json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": True}))
    outcome(response, 400, expression="Bundle.entry")
    _assert_no_submission_left_received()
