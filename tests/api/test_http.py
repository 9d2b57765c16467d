"""Each FHIR endpoint over HTTP with Django's test client: answers, headers, errors, scoping."""

import json

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from fitforwork.api.fhir import extensions as ext
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral, Submission
from tests.api.conftest import NHS_NUMBER, service_request_resource, transaction_bundle

FHIR = "application/fhir+json"


@pytest.fixture
def api(client, practice_client):
    """The test client with the practice's token on every request."""
    _, token = practice_client
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def post(api, path, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return api.post(path, data=data, content_type=FHIR, headers=headers)


def created(api, **overrides):
    response = post(api, "/fhir/R4/ServiceRequest", service_request_resource(**overrides))
    assert response.status_code == 201, response.content
    return response.json()


def outcome(response, status, code=None, expression=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == FHIR
    result = OperationOutcome.model_validate(response.json())
    if code:
        assert code in {issue.code for issue in result.issue}
    if expression:
        assert expression in {e for issue in result.issue for e in issue.expression or []}
    return result


def test_create_returns_201_with_location_and_etag(api, workwell_site):
    response = post(api, "/fhir/R4/ServiceRequest", service_request_resource())
    assert response.status_code == 201
    assert response["Content-Type"] == FHIR
    resource = ServiceRequest.model_validate(response.json())
    referral = Referral.objects.get(pk=resource.id)
    assert response["Location"] == (
        f"http://testserver/fhir/R4/ServiceRequest/{referral.pk}/_history/{resource.meta.versionId}"
    )
    assert response["ETag"] == f'W/"{resource.meta.versionId}"'
    assert (referral.channel, referral.source, referral.site, referral.referrer_organisation) == (
        "fhir",
        "gp",
        workwell_site,
        workwell_site.practice,
    )
    assert referral.person.nhs_number == NHS_NUMBER
    assert referral.submission.payload == service_request_resource()


def test_read_returns_the_resource_and_its_etag(api):
    resource = created(api)
    response = api.get(f"/fhir/R4/ServiceRequest/{resource['id']}")
    assert response.status_code == 200
    assert response["ETag"] == f'W/"{resource["meta"]["versionId"]}"'
    assert response.json() == resource


def test_a_retry_with_the_same_idempotency_key_returns_the_same_referral(api):
    first = post(api, "/fhir/R4/ServiceRequest", service_request_resource(), **{"Idempotency-Key": "abc-1"})
    second = post(api, "/fhir/R4/ServiceRequest", service_request_resource(), **{"Idempotency-Key": "abc-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Referral.objects.count() == 1
    assert Submission.objects.count() == 1


def test_invalid_json_is_a_400_and_is_kept(api):
    outcome(post(api, "/fhir/R4/ServiceRequest", "{not json"), 400, "structure")
    submission = Submission.objects.get()
    assert (submission.outcome, submission.payload) == ("refused", {"_unparsed": "{not json"})


def test_the_wrong_resource_type_is_a_400(api):
    outcome(post(api, "/fhir/R4/ServiceRequest", {"resourceType": "Patient"}), 400, "structure")


def test_a_missing_subject_is_a_422_naming_the_path(api):
    response = post(api, "/fhir/R4/ServiceRequest", service_request_resource(subject={"reference": "Patient/1"}))
    outcome(response, 422, "required", "ServiceRequest.subject")
    assert Submission.objects.get().outcome == "refused"
    assert not Referral.objects.exists()


@pytest.mark.parametrize("prefer", [{}, {"Prefer": "respond-async"}], ids=["waiting", "not-waiting"])
def test_an_email_address_that_is_not_one_is_a_422_naming_the_patients_telecom(api, prefer):
    """The referral's schema checks the email address for every channel, so even a sender who does not wait
    is refused at once; the refusal is an answer, never a server error."""
    body = service_request_resource()
    body["contained"][0]["telecom"] = [{"system": "email", "value": "alex at example.org"}]
    response = post(api, "/fhir/R4/ServiceRequest", body, **prefer)
    issues = outcome(response, 422).issue
    assert [(i.code, i.expression, i.diagnostics) for i in issues] == [
        (
            "value",
            ["ServiceRequest.contained[0].telecom.where(system='email')"],
            "Enter an email address in the correct format, like name@example.com",
        )
    ]
    assert Submission.objects.get().outcome == "refused"
    assert Submission.objects.get().errors == [
        {"field": "email", "message": "Enter an email address in the correct format, like name@example.com"}
    ]
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_in_a_transaction_a_refused_detail_points_into_the_bundle_where_the_patient_is(api):
    bundle = transaction_bundle()
    patient = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Patient")
    bundle["entry"][patient]["resource"]["telecom"] = [{"system": "email", "value": "alex at example.org"}]
    response = post(api, "/fhir/R4/", bundle)
    result = outcome(response, 422, "value")
    assert [issue.expression for issue in result.issue] == [
        [f"Bundle.entry[{patient}].resource.telecom.where(system='email')"]
    ]


def test_a_patient_we_cannot_route_is_a_422_business_rule(client, workwell_site):
    from fitforwork.api.services import apiclient_create
    from tests.organisations.factories import OrganisationFactory

    elsewhere = OrganisationFactory(gp_practice=True)
    _, token = apiclient_create(name="Elsewhere", ods_code=elsewhere.ods_code)
    request = service_request_resource()
    request["contained"][0]["address"][0]["postalCode"] = "ZE1 0AA"
    response = client.post(
        "/fhir/R4/ServiceRequest",
        data=json.dumps(request),
        content_type=FHIR,
        headers={"Authorization": f"Bearer {token}"},
    )
    outcome(response, 422, "business-rule", "ServiceRequest.requester")


def test_unknown_and_other_clients_referrals_are_404(api, other_practice_client, client):
    resource = created(api)
    outcome(api.get("/fhir/R4/ServiceRequest/not-a-uuid"), 404, "not-found")
    outcome(api.get("/fhir/R4/Task/00000000-0000-0000-0000-000000000000"), 404, "not-found")
    _, other_token = other_practice_client
    other = {"Authorization": f"Bearer {other_token}"}
    for path in (
        f"/fhir/R4/ServiceRequest/{resource['id']}",
        f"/fhir/R4/Task/{resource['id']}",
        f"/{resource['subject']['reference'].join(['fhir/R4/', ''])}",
    ):
        client.defaults.pop("HTTP_AUTHORIZATION", None)
        outcome(client.get(path, headers=other), 404, "not-found")
    searched = client.get("/fhir/R4/ServiceRequest", headers=other).json()
    assert searched["total"] == 0


def test_search_by_identifier_patient_and_status(api):
    resource = created(api)
    reference = resource["identifier"][0]["value"]
    patient = resource["subject"]["reference"]
    for query in (
        {"identifier": reference},
        {"identifier": f"{ext.REFERRAL_REFERENCE_SYSTEM}|{reference}"},
        {"patient": patient},
        {"patient": patient.split("/")[1]},
        {"status": "active"},
        {"_id": resource["id"]},
    ):
        bundle = Bundle.model_validate(api.get("/fhir/R4/ServiceRequest", query).json())
        assert bundle.type == "searchset"
        assert [entry.resource.id for entry in bundle.entry] == [resource["id"]], query
    for query in ({"status": "revoked"}, {"identifier": "FW-NONE-0000"}, {"identifier": "http://other|" + reference}):
        assert api.get("/fhir/R4/ServiceRequest", query).json()["total"] == 0


def test_search_pages_with_count(api):
    ids = [created(api)["id"] for _ in range(5)]
    first = api.get("/fhir/R4/ServiceRequest", {"_count": 2}).json()
    assert first["total"] == 5
    assert [e["resource"]["id"] for e in first["entry"]] == ids[:2]
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "previous" not in links
    second = api.get(links["next"]).json()
    assert [e["resource"]["id"] for e in second["entry"]] == ids[2:4]
    last = api.get({link["relation"]: link["url"] for link in second["link"]}["next"]).json()
    assert [e["resource"]["id"] for e in last["entry"]] == ids[4:]
    assert "next" not in {link["relation"] for link in last["link"]}


def test_search_refuses_unsupported_parameters(api):
    outcome(api.get("/fhir/R4/ServiceRequest", {"code": "x"}), 400, "not-supported", "ServiceRequest?code")
    outcome(api.get("/fhir/R4/ServiceRequest", {"_count": "many"}), 400, "value")
    outcome(api.get("/fhir/R4/Task", {"focus": "Patient/1"}), 400, "value")


def test_the_task_follows_the_referral(api):
    resource = created(api)
    task = Task.model_validate(api.get(f"/fhir/R4/Task/{resource['id']}").json())
    assert (task.status, task.businessStatus.coding[0].code) == ("received", "received")
    bundle = api.get("/fhir/R4/Task", {"focus": f"ServiceRequest/{resource['id']}"}).json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [resource["id"]]
    Referral.objects.filter(pk=resource["id"]).update(
        status="declined", decline_reason="Not working at present", decided_at="2026-01-01T00:00:00Z"
    )
    response = api.get(f"/fhir/R4/Task/{resource['id']}")
    task = Task.model_validate(response.json())
    assert (task.status, task.businessStatus.coding[0].code, task.statusReason.text) == (
        "rejected",
        "declined",
        "Not working at present",
    )
    assert api.get(f"/fhir/R4/ServiceRequest/{resource['id']}").json()["status"] == "revoked"


def test_the_patient_can_be_read(api):
    resource = created(api)
    patient = Patient.model_validate(api.get(f"/fhir/R4/{resource['subject']['reference']}").json())
    assert patient.identifier[0].value == NHS_NUMBER


def test_a_transaction_bundle_makes_one_referral(api, workwell_site):
    response = post(api, "/fhir/R4/", transaction_bundle(), **{"Idempotency-Key": "tx-1"})
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    assert bundle.type == "transaction-response"
    assert [entry.response.status for entry in bundle.entry] == ["201 Created", "201 Created"]
    referral = Referral.objects.get()
    assert bundle.entry[1].resource.id == str(referral.pk)
    assert bundle.entry[0].response.location == f"Patient/{referral.person_id}"
    again = post(api, "/fhir/R4/", transaction_bundle(), **{"Idempotency-Key": "tx-1"})
    assert again.json()["entry"][1]["resource"]["id"] == str(referral.pk)
    assert Referral.objects.count() == 1


def test_a_bad_transaction_stores_nothing_but_the_submission(api):
    response = post(api, "/fhir/R4/", transaction_bundle(subject={"reference": "urn:uuid:nobody"}))
    outcome(response, 422, "required", "Bundle.entry[1].resource.subject")
    outcome(post(api, "/fhir/R4/", {"resourceType": "Bundle", "type": "batch"}), 400, "structure", "Bundle.type")
    assert not Referral.objects.exists()


def test_the_capability_statement_lists_exactly_what_works(api, client):
    statement = CapabilityStatement.model_validate(client.get("/fhir/R4/metadata").json())
    assert statement.fhirVersion == "4.0.1"
    rest = statement.rest[0]
    listed = {(r.type, i.code) for r in rest.resource for i in r.interaction}
    assert listed == {
        ("ServiceRequest", "read"),
        ("ServiceRequest", "vread"),
        ("ServiceRequest", "create"),
        ("ServiceRequest", "search-type"),
        ("ServiceRequest", "update"),
        ("ServiceRequest", "history-instance"),
        ("Task", "read"),
        ("Task", "vread"),
        ("Task", "search-type"),
        ("Patient", "read"),
        *(
            (kind, code)
            for kind in (
                "Questionnaire",
                "QuestionnaireResponse",
                "Observation",
                "CarePlan",
                "DocumentReference",
                "Consent",
            )
            for code in ("read", "search-type")
        ),
    }
    assert [i.code for i in rest.interaction] == ["transaction"]
    resource = created(api)
    ids = {"ServiceRequest": resource["id"], "Task": resource["id"], "Patient": resource["subject"]["reference"][8:]}
    # Each listed interaction works, with each listed search parameter.
    for r in rest.resource:
        if r.type not in ids:
            continue  # the assessments' and plans' resources: test_fhir_questionnaires.py, test_fhir_care_plans.py,
            # test_fhir_fit_notes.py, test_fhir_consent.py
        if "read" in {i.code for i in r.interaction}:
            assert api.get(f"/fhir/R4/{r.type}/{ids[r.type]}").status_code == 200
        for param in r.searchParam or []:
            value = {
                "patient": resource["subject"]["reference"],
                "subject": resource["subject"]["reference"],
                "focus": f"ServiceRequest/{resource['id']}",
                "_lastUpdated": "ge2000-01-01",
            }.get(param.name, resource["id"] if param.name == "_id" else "active")
            if param.name == "identifier":
                value = resource["identifier"][0]["value"]
            found = api.get(f"/fhir/R4/{r.type}", {param.name: value})
            assert found.status_code == 200, (r.type, param.name)
            assert found.json()["total"] == 1, (r.type, param.name)
    # And what is not listed is refused.
    for method, path in (
        ("patch", f"/fhir/R4/ServiceRequest/{resource['id']}"),
        ("put", f"/fhir/R4/Task/{resource['id']}"),
        ("delete", f"/fhir/R4/ServiceRequest/{resource['id']}"),
        ("post", "/fhir/R4/Task"),
        ("get", "/fhir/R4/"),
    ):
        outcome(getattr(api, method)(path), 405, "not-supported")
    assert api.get("/fhir/R4/Patient").status_code == 404


def test_a_new_referral_takes_a_small_fixed_number_of_queries(api, django_assert_max_num_queries):
    """This catches a change that adds queries to the intake path, such as a model check that looks something
    up, or an audit event appended on its own."""
    created(api, identifier=[{"system": "https://example.org/first", "value": "1"}])
    # One plain transaction: lock the submission, route, rules, the person, the duplicate check, the inserts
    # and the audit append at the end; each a simple ORM query (ADR 0010). Before it, the submission's insert
    # and, with it, its delayed check that it ends in an outcome (referrals.tasks.submission_check_later). The
    # person's consent to the referral is one more insert (the consent ledger, ADR 0026).
    with django_assert_max_num_queries(23):
        created(api, identifier=[{"system": "https://example.org/second", "value": "2"}])


def test_search_refuses_a_last_updated_that_is_not_a_date_and_a_sort_it_cannot_do(api):
    outcome(
        api.get("/fhir/R4/ServiceRequest", {"_lastUpdated": "ge-yesterday"}),
        400,
        "value",
        "ServiceRequest?_lastUpdated",
    )
    outcome(api.get("/fhir/R4/ServiceRequest", {"_lastUpdated": "2026-13"}), 400, "value")
    outcome(api.get("/fhir/R4/Task", {"_sort": "status"}), 400, "not-supported", "Task?_sort")
    outcome(api.get("/fhir/R4/Task", {"_total": "lots"}), 400, "not-supported", "Task?_total")


def test_last_updated_covers_the_precision_given(api):
    resource = created(api)
    updated = resource["meta"]["lastUpdated"]
    day = timezone.localtime(Referral.objects.get(pk=resource["id"]).modified_at).date().isoformat()  # dates are local
    for value in (day[:4], day[:7], day, f"eq{day}", f"ge{updated[:16]}Z"):
        bundle = api.get("/fhir/R4/ServiceRequest", {"_lastUpdated": value}).json()
        assert [e["resource"]["id"] for e in bundle["entry"]] == [resource["id"]], value
    for value in (f"ne{day}", f"gt{day}", f"lt{day[:4]}"):
        assert api.get("/fhir/R4/ServiceRequest", {"_lastUpdated": value}).json()["total"] == 0, value
