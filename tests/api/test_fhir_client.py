"""The FHIR facade as a GP system's FHIR client finds it (issue 12): fhirpy against the running server, with
every response body checked by fhir.resources' R4B models. Where a test needs the HTTP headers (ETag,
Location, 304, 415), it sends the request with `requests`, the library fhirpy itself sends with."""

import json
import os
from datetime import timedelta

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import MultipleResourcesFound
from fhirpy.base.exceptions import OperationOutcome as OutcomeRaised

from fitforwork.accounts.models import Role
from fitforwork.api.fhir import extensions as ext
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.api.conftest import NHS_NUMBER
from tests.conftest import sign_in_with_two_factor

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
FHIR = "application/fhir+json"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition"
CONDITION = "identifier=https://emis.example.org/referral|EMIS-001"


def checked(body):
    """A response body, validated by its own R4B model."""
    return get_fhir_model_class(body["resourceType"]).model_validate(dict(body))


def uk_core_patient(**overrides):
    """A Patient as a GP system sends it: UK Core, NHS number verified, no local extensions."""
    patient = {
        "resourceType": "Patient",
        "meta": {"profile": [f"{UK_CORE}/UKCore-Patient"]},
        "identifier": [
            {
                "extension": [
                    {
                        "url": f"{UK_CORE}/Extension-UKCore-NHSNumberVerificationStatus",
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland",
                                    "code": "01",
                                    "display": "Number present and verified",
                                }
                            ]
                        },
                    }
                ],
                "system": ext.NHS_NUMBER_SYSTEM,
                "value": NHS_NUMBER,
            }
        ],
        "name": [{"use": "official", "family": "Morgan", "given": ["Alex"]}],
        "birthDate": "1980-05-17",
        "telecom": [{"system": "phone", "value": "07700 900123", "use": "mobile"}],
        "address": [{"line": ["1 High Street"], "city": "Leicester", "postalCode": "LE1 6TP"}],
    }
    patient.update(overrides)
    return patient


def uk_core_request(**overrides):
    """A ServiceRequest as a GP system sends it: requester, reason as text, notes, and none of our extensions."""
    request = {
        "resourceType": "ServiceRequest",
        "meta": {"profile": [f"{UK_CORE}/UKCore-ServiceRequest"]},
        "contained": [{**uk_core_patient(), "id": "patient"}],
        "identifier": [{"system": "https://emis.example.org/referral", "value": "EMIS-001"}],
        "status": "active",
        "intent": "order",
        "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "3457005"}]}],
        "subject": {"reference": "#patient"},
        "authoredOn": timezone.now().isoformat(),
        "requester": {"display": "Dr Priya Shah, Limes Medical Practice"},
        "reasonCode": [{"text": "Low back pain for three weeks; struggling to keep working as a carer."}],
        "note": [{"text": "Keen to stay in work. Please contact by mobile."}],
    }
    request.update(overrides)
    return request


@pytest.fixture
def fhir_url(live_server):
    return f"{live_server.url}/fhir/R4"


@pytest.fixture
def token(practice_client):
    return practice_client[1]


@pytest.fixture
def fhir(fhir_url, token):
    return SyncFHIRClient(fhir_url, authorization=f"Bearer {token}")


@pytest.fixture
def raw(fhir_url, token):
    """A plain HTTP request to the facade, for the headers; the body, if any, is checked by its model."""

    def send(method, path="", *, body=None, headers=None, content_type=FHIR):
        all_headers = {"Authorization": f"Bearer {token}", "Accept": FHIR, **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = content_type
        data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
        response = requests.request(method, f"{fhir_url}{path}", data=data, headers=all_headers, timeout=30)
        if response.content:
            assert response.headers["Content-Type"] == FHIR, response.content
            response.resource = checked(response.json())
        return response

    return send


def other(value):
    return {"system": "https://emis.example.org/referral", "value": value}


def created(fhir, **overrides):
    request = fhir.resource("ServiceRequest", **uk_core_request(**overrides))
    request.save()
    checked(request.serialize())
    return request


def test_a_plain_uk_core_referral_is_accepted_and_triage_shows_what_it_did_not_give(fhir, client, workwell_site):
    request = created(fhir)

    referral = Referral.objects.get(pk=request.id)
    assert (referral.employment_status, referral.condition_category, referral.consent_given) == ("", "", None)
    assert referral.not_given == ["employment_status", "condition_category", "consent_given"]
    assert "Keen to stay in work" in referral.reason
    assert referral.person.phone == "07700 900123"
    # Nothing it did not send is made up in what we send back.
    assert {e["url"] for e in request["extension"]} == {ext.REFERRAL_SOURCE}

    user = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)
    sign_in_with_two_factor(client, user)
    page = client.get(reverse("referrals:triage-referral", args=[referral.pk])).content.decode()
    missing = page[page.index("Not given by the referrer") :]
    for words in ("Work situation", "Main health condition", "Agreement to be referred"):
        assert words in missing
    assert "did not say whether the person agrees to be referred" in page


def test_a_transaction_to_the_base_without_a_slash_takes_a_consent_and_answers_in_request_order(fhir, fhir_url):
    patient = uk_core_patient()
    request = uk_core_request(subject={"reference": "urn:uuid:pat-1"})
    request.pop("contained")
    consent = {
        "resourceType": "Consent",
        "status": "active",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "treatment"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": "urn:uuid:pat-1"},
        "provision": {"type": "permit"},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": consent, "request": {"method": "POST", "url": "Consent"}},
            {"resource": request, "request": {"method": "POST", "url": "ServiceRequest", "ifNoneExist": CONDITION}},
            {"fullUrl": "urn:uuid:pat-1", "resource": patient, "request": {"method": "POST", "url": "Patient"}},
        ],
    }

    answer = checked(fhir.execute(fhir_url, method="post", data=bundle))

    assert answer.type == "transaction-response"
    referral = Referral.objects.get()
    assert [entry.response.location for entry in answer.entry] == [
        None,
        f"ServiceRequest/{referral.pk}/_history/{answer.entry[1].resource.meta.versionId}",
        f"Patient/{referral.person_id}",
    ]
    assert referral.consent_given is True
    assert referral.not_given == ["employment_status", "condition_category"]

    # Sent again, its conditional create finds the referral already made.
    again = checked(fhir.execute(fhir_url, method="post", data=bundle))
    assert [entry.response.status for entry in again.entry] == ["200 OK", "200 OK", "200 OK"]
    assert again.entry[1].resource.id == str(referral.pk)
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "element"),
    [
        ({"authoredOn": "yesterday"}, "ServiceRequest.authoredOn"),
        ({"subject": "Patient/1"}, "ServiceRequest.subject"),
        ({"urgency": "high"}, "ServiceRequest.urgency"),
    ],
    ids=["malformed-date", "not-a-reference", "unknown-element"],
)
def test_a_resource_that_breaks_fhir_is_a_400_naming_the_element(fhir, change, element):
    with pytest.raises(OutcomeRaised) as raised:
        created(fhir, **change)
    outcome = OperationOutcome.model_validate(raised.value.resource)
    assert element in {e for issue in outcome.issue for e in issue.expression or []}
    assert not Referral.objects.exists()


def test_a_bad_entry_in_a_transaction_is_named_by_its_place_in_the_bundle(raw):
    request = uk_core_request(subject={"reference": "urn:uuid:pat-1"})
    request.pop("contained")
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:pat-1", "resource": uk_core_patient(birthDate="17/05/1980")},
            {"resource": request, "request": {"method": "POST", "url": "ServiceRequest"}},
        ],
    }
    response = raw("POST", "", body=bundle)
    assert response.status_code == 400
    assert ["Bundle.entry[0].resource.birthDate"] in [issue.expression for issue in response.resource.issue]


def test_unknown_paths_methods_ids_and_content_types_answer_operation_outcomes(raw, settings, fhir, token):
    settings.DEBUG = False
    request = created(fhir)
    for method, path, status in (
        ("GET", "/Condition", 404),
        ("GET", "/ServiceRequest/x/y/z", 404),
        ("GET", "/ServiceRequest/00000000-0000-0000-0000-000000000000", 404),
        ("DELETE", f"/ServiceRequest/{request.id}", 405),
        ("PATCH", "/ServiceRequest", 405),
        ("GET", "", 405),
    ):
        response = raw(method, path)
        assert response.status_code == status, (method, path)
        assert isinstance(response.resource, OperationOutcome)
    xml = raw("POST", "/ServiceRequest", body="<ServiceRequest/>", content_type="application/fhir+xml")
    assert xml.status_code == 415
    assert xml.resource.issue[0].code == "not-supported"


def test_if_none_exist_makes_a_retry_safe_without_an_idempotency_key(fhir, fhir_url, token, raw):
    condition = {"If-None-Exist": CONDITION}
    sender = SyncFHIRClient(fhir_url, authorization=f"Bearer {token}", extra_headers=condition)
    first = raw("POST", "/ServiceRequest", body=uk_core_request(), headers=condition)
    again = raw("POST", "/ServiceRequest", body=uk_core_request(), headers=condition)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.resource.id == again.resource.id
    third = sender.resource("ServiceRequest", **uk_core_request())
    third.save()
    assert third.id == first.resource.id
    assert Referral.objects.count() == 1

    # fhirpy's get_or_create sends the condition on the URL: that works too.
    _, was_created = (
        fhir.resources("ServiceRequest")
        .search(**{"patient:identifier": NHS_NUMBER})
        .get_or_create(fhir.resource("ServiceRequest", **uk_core_request()))
    )
    assert not was_created
    raw("POST", "/ServiceRequest", body=uk_core_request(identifier=[other("EMIS-002")]))  # the same person again
    with pytest.raises(MultipleResourcesFound):
        fhir.resources("ServiceRequest").search(**{"patient:identifier": NHS_NUMBER}).get_or_create(
            fhir.resource("ServiceRequest", **uk_core_request())
        )
    assert Referral.objects.count() == 2


def test_versions_etags_and_conditional_reads(raw, fhir_url):
    made = raw("POST", "/ServiceRequest", body=uk_core_request())
    resource = made.resource
    version = resource.meta.versionId
    assert made.status_code == 201
    assert made.headers["Location"] == f"{fhir_url}/ServiceRequest/{resource.id}/_history/{version}"
    assert made.headers["ETag"] == f'W/"{version}"'
    assert made.headers["Last-Modified"].endswith("GMT")

    vread = raw("GET", made.headers["Location"].removeprefix(fhir_url))
    assert (vread.status_code, vread.resource.id, vread.headers["ETag"]) == (200, resource.id, f'W/"{version}"')
    assert raw("GET", f"/ServiceRequest/{resource.id}/_history/1").status_code == 404
    assert raw("GET", f"/Task/{resource.id}/_history/{version}").resource.focus.reference.endswith(resource.id)

    unchanged = raw("GET", f"/ServiceRequest/{resource.id}", headers={"If-None-Match": f'W/"{version}"'})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    changed = raw("GET", f"/ServiceRequest/{resource.id}", headers={"If-None-Match": 'W/"1"'})
    assert changed.status_code == 200

    minimal = raw(
        "POST",
        "/ServiceRequest",
        body=uk_core_request(identifier=[other("EMIS-003")]),
        headers={"Prefer": "return=minimal"},
    )
    assert (minimal.status_code, minimal.content) == (201, b"")
    assert "/_history/" in minimal.headers["Location"]


def test_search_by_last_updated_patient_identifier_sort_and_total_with_one_audit_event(fhir, raw):
    first = created(fhir, identifier=[other("EMIS-004")])
    second = created(fhir, identifier=[other("EMIS-005")])
    Referral.objects.filter(pk=first.id).update(modified_at=timezone.now() - timedelta(days=10))
    day = (timezone.localdate() - timedelta(days=5)).isoformat()
    search = fhir.resources("ServiceRequest")

    assert [r.id for r in search.search(_lastUpdated=f"ge{day}").fetch()] == [second.id]
    assert [r.id for r in search.search(_lastUpdated=f"gt{day}").fetch()] == [second.id]
    assert [r.id for r in search.search(_lastUpdated=f"lt{day}").fetch()] == [first.id]
    assert [r.id for r in search.search(_lastUpdated=f"le{day}").fetch()] == [first.id]
    for name in ("patient:identifier", "subject:identifier"):
        found = search.search(**{name: f"{ext.NHS_NUMBER_SYSTEM}|{NHS_NUMBER}"}).fetch()
        assert {r.id for r in found} == {first.id, second.id}
        assert search.search(**{name: f"{ext.NHS_NUMBER_SYSTEM}|9999999999"}).fetch() == []
    assert [r.id for r in search.sort("-_lastUpdated").fetch()] == [second.id, first.id]
    assert [r.id for r in search.sort("_lastUpdated").fetch()] == [first.id, second.id]
    assert search.count() == 2

    searches_before = AuditEvent.objects.filter(action="api.fhir.search").count()
    page = raw("GET", "/ServiceRequest?_count=1&_sort=_lastUpdated").resource
    assert isinstance(page, Bundle)
    assert page.total == 2
    links = {link.relation: link.url for link in page.link}
    assert {"self", "first", "next", "last"} <= set(links)
    assert "_page=2" in links["last"]
    last = raw("GET", links["last"].split("/fhir/R4", 1)[1]).resource
    assert [entry.resource.id for entry in last.entry] == [second.id]
    assert "next" not in {link.relation for link in last.link}
    without_total = raw("GET", "/ServiceRequest?_total=none").resource
    assert without_total.total is None
    assert len(without_total.entry) == 2
    events = list(AuditEvent.objects.filter(action="api.fhir.search").order_by("occurred_at"))[searches_before:]
    assert [event.data["returned"] for event in events] == [
        [f"ServiceRequest/{first.id}"],
        [f"ServiceRequest/{second.id}"],
        [f"ServiceRequest/{first.id}", f"ServiceRequest/{second.id}"],
    ]


def test_the_capability_statement_says_what_is_supported(fhir):
    statement = CapabilityStatement.model_validate(dict(fhir.execute("metadata", method="get")))
    rest = statement.rest[0]
    service_request = next(r for r in rest.resource if r.type == "ServiceRequest")
    assert {i.code for i in service_request.interaction} >= {"read", "vread", "create", "search-type"}
    assert service_request.conditionalCreate is True
    assert {"update", "history-instance"} <= {i.code for i in service_request.interaction}
    assert (service_request.versioning, service_request.readHistory) == ("versioned-update", True)
    assert service_request.updateCreate is False
    task = next(r for r in rest.resource if r.type == "Task")
    assert (task.versioning, task.readHistory) == ("versioned", False)
    params = {p.name: p for p in service_request.searchParam}
    assert {"_lastUpdated", "patient", "subject", "identifier"} <= set(params)
    assert ":identifier" in params["patient"].documentation
    assert "If-None-Exist" in rest.documentation
    assert ServiceRequest  # the model the facade's own answers are built through
