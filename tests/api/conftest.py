from datetime import date, timedelta

import pytest

from fitforwork.api.fhir import extensions as ext
from fitforwork.api.services import apiclient_create
from tests.organisations.factories import OrganisationFactory
from tests.referrals.conftest import workwell_site  # noqa: F401 (a fixture)

NHS_NUMBER = "9434765919"


@pytest.fixture
def practice_client(workwell_site):  # noqa: F811
    """An API client acting for the site's GP practice, and its token."""
    client, token = apiclient_create(name="Limes EMIS", ods_code=workwell_site.practice.ods_code)
    return client, token


@pytest.fixture
def other_practice_client(workwell_site):  # noqa: F811
    other = OrganisationFactory(gp_practice=True, name="Another Surgery")
    workwell_site.gp_practices.add(other)
    return apiclient_create(name="Other EMIS", ods_code=other.ods_code)


def patient_resource(**overrides):
    resource = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": ext.NHS_NUMBER_SYSTEM, "value": NHS_NUMBER}],
        "name": [{"use": "official", "family": "Morgan", "given": ["Alex"]}],
        "gender": "female",
        "birthDate": "1980-05-17",
        "address": [{"line": ["1 High Street"], "city": "Leicester", "postalCode": "LE1 6TP"}],
        "telecom": [{"system": "phone", "value": "0116 496 0000"}, {"system": "email", "value": "alex@example.org"}],
    }
    resource.update(overrides)
    return resource


def service_request_resource(*, patient=None, **overrides):
    absence_start = (date.today() - timedelta(weeks=3)).isoformat()
    resource = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "#p1"},
        "reasonCode": [{"text": "Low back pain, off work for three weeks."}],
        "extension": [
            {"url": ext.EMPLOYMENT_STATUS, "valueCode": "employed_off_sick"},
            {"url": ext.CONDITION_CATEGORY, "valueCode": "musculoskeletal"},
            {"url": ext.CONSENT, "valueBoolean": True},
            {"url": ext.ABSENCE_START, "valueDate": absence_start},
        ],
    }
    if patient is not False:
        resource["contained"] = [patient or patient_resource()]
    resource.update(overrides)
    return resource


def transaction_bundle(**service_request_overrides):
    request = service_request_resource(patient=False, subject={"reference": "urn:uuid:patient-1"})
    request.update(service_request_overrides)
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:patient-1",
                "resource": {k: v for k, v in patient_resource().items() if k != "id"},
                "request": {"method": "POST", "url": "Patient"},
            },
            {"resource": request, "request": {"method": "POST", "url": "ServiceRequest"}},
        ],
    }


def run_tasks():
    """Run every ready background task the way `fitforwork db_worker` does, one by one; returns their results."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = []
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        ran.append(result)
    return ran
