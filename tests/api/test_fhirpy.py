"""An ordinary FHIR client (fhirpy) against the running server: create, read, search, and safe retries."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from fhirpy import SyncFHIRClient

from fitforwork.referrals.models import Referral, Submission
from tests.api.conftest import NHS_NUMBER, service_request_resource

# fhirpy's sync client runs its requests on an event loop in this thread; the tests' own ORM calls stay sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def fhir_url(live_server):
    return f"{live_server.url}/fhir/R4"


def test_a_fhir_client_creates_reads_and_searches_a_referral(fhir_url, practice_client):
    _, token = practice_client
    fhir = SyncFHIRClient(fhir_url, authorization=f"Bearer {token}")
    request = fhir.resource("ServiceRequest", **service_request_resource())
    request.save()
    assert request.id
    referral = Referral.objects.get(pk=request.id)

    read = fhir.reference("ServiceRequest", request.id).to_resource()
    assert read["identifier"][0]["value"] == referral.reference
    assert read["subject"]["identifier"]["value"] == NHS_NUMBER

    by_identifier = fhir.resources("ServiceRequest").search(identifier=referral.reference).fetch()
    assert [r.id for r in by_identifier] == [request.id]
    by_patient = fhir.resources("ServiceRequest").search(patient=read["subject"]["reference"]).fetch()
    assert [r.id for r in by_patient] == [request.id]
    tasks = fhir.resources("Task").search(focus=f"ServiceRequest/{request.id}").fetch()
    assert [t["businessStatus"]["coding"][0]["code"] for t in tasks] == ["received"]


def test_ten_concurrent_retries_with_one_key_make_one_referral(fhir_url, practice_client):
    _, token = practice_client

    def send(_):
        fhir = SyncFHIRClient(fhir_url, authorization=f"Bearer {token}", extra_headers={"Idempotency-Key": "retry-42"})
        request = fhir.resource("ServiceRequest", **service_request_resource())
        request.save()
        return request.id

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = list(pool.map(send, range(10)))
    assert len(set(ids)) == 1
    assert Referral.objects.count() == 1
    assert Submission.objects.count() == 1
