"""An Idempotency-Key sent again with a different body is answered 422, saying the key was used for another
request; the same body (whatever its key order or spacing) still gets the first answer."""

import json

import pytest

from fitforwork.referrals.models import Referral, Submission
from tests.api.conftest import patient_resource, service_request_resource, transaction_bundle
from tests.api.test_http import FHIR, outcome


@pytest.fixture
def api(client, practice_client):
    _, token = practice_client
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _post(api, path, text, key, **headers):
    return api.post(path, data=text, content_type=FHIR, headers={"Idempotency-Key": key, **headers})


@pytest.mark.django_db
def test_a_key_reused_with_a_corrected_name_is_422_and_makes_nothing_new(api, workwell_site):
    first = _post(api, "/fhir/R4/ServiceRequest", json.dumps(service_request_resource()), "k-1")
    assert first.status_code == 201
    corrected = service_request_resource(patient=patient_resource(name=[{"family": "Morgan", "given": ["Alexa"]}]))
    again = _post(api, "/fhir/R4/ServiceRequest", json.dumps(corrected), "k-1")
    result = outcome(again, 422, "business-rule", "Idempotency-Key")
    assert "used for another request" in result.issue[0].diagnostics
    assert Referral.objects.count() == 1
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_the_same_body_sent_again_with_its_keys_in_another_order_gets_the_first_answer(api, workwell_site):
    body = service_request_resource()
    first = _post(api, "/fhir/R4/ServiceRequest", json.dumps(body), "k-2")
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = _post(api, "/fhir/R4/ServiceRequest", reordered, "k-2")
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.django_db
def test_a_transaction_key_reused_with_another_bundle_is_422(api, workwell_site):
    assert _post(api, "/fhir/R4", json.dumps(transaction_bundle()), "tx-9").status_code == 200
    other = transaction_bundle(reasonCode=[{"text": "Shoulder pain"}])
    outcome(_post(api, "/fhir/R4", json.dumps(other), "tx-9"), 422, "business-rule", "Idempotency-Key")


@pytest.mark.django_db(transaction=True)
def test_an_async_key_reused_with_another_body_is_422(api, workwell_site):
    accepted = _post(
        api, "/fhir/R4/ServiceRequest", json.dumps(service_request_resource()), "a-1", Prefer="respond-async"
    )
    assert accepted.status_code == 202
    other = service_request_resource(reasonCode=[{"text": "Shoulder pain"}])
    again = _post(api, "/fhir/R4/ServiceRequest", json.dumps(other), "a-1", Prefer="respond-async")
    outcome(again, 422, "business-rule", "Idempotency-Key")
    assert Submission.objects.count() == 1
