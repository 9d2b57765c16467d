"""Issue 15: fit notes as DocumentReference with the PDF inline, read by the GP practice that referred the
person with consent, and by no one else (the CarePlan rule); every read and search audited."""

import base64
import io
import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.documentreference import DocumentReference
from pypdf import PdfReader

from fitforwork.accounts.models import Role
from fitforwork.api.services import apiclient_create
from fitforwork.cases.models import CaseStatus
from fitforwork.cases.services import case_transition
from fitforwork.core.audit.models import AuditEvent
from fitforwork.plans.fit_note_services import FitNoteContent, fit_note_record
from fitforwork.plans.models import FitNote
from fitforwork.referrals.models import Referral
from fitforwork.referrals.services import referral_accept
from tests.accounts.factories import TOTPDeviceFactory, UserFactory
from tests.api.conftest import service_request_resource
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import OrganisationFactory

FHIR = "application/fhir+json"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def referred_case(client, token, site, **overrides):
    """A case opened from a referral the client sent through the facade, accepted and contacted."""
    manager = UserFactory(role=Role.CASE_MANAGER, site=site)
    sent = client.post(
        "/fhir/R4/ServiceRequest", json.dumps(service_request_resource(**overrides)), content_type=FHIR, **bearer(token)
    )
    assert sent.status_code == 201, sent.content
    case = referral_accept(referral=Referral.objects.get(pk=sent.json()["id"]), actor=manager, case_manager=manager)
    return case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager), manager


def received_note(case, manager, condition="Low back pain after lifting"):
    today = date.today()
    return fit_note_record(
        case=case,
        actor=manager,
        content=FitNoteContent(
            condition=condition,
            fitness="may_be_fit",
            period_from=today - timedelta(days=3),
            period_to=today + timedelta(weeks=4),
            adjustments=("altered_hours",),
            comments="Can sit for an hour at a time.",
        ),
        issued_on=today - timedelta(days=3),
        issuer_name="Dr Sam Okafor",
        issuer_profession="doctor",
    )


@pytest.fixture
def employer_client(workwell_site):
    return apiclient_create(name="Acme HR", organisation=OrganisationFactory(employer=True))


@pytest.fixture
def noted(client, practice_client, workwell_site):
    case, manager = referred_case(client, practice_client[1], workwell_site)
    return case, received_note(case, manager)


def test_the_referring_practice_reads_a_fit_note_with_its_pdf(client, practice_client, noted):
    case, note = noted
    response = client.get(f"/fhir/R4/DocumentReference/{note.pk}", **bearer(practice_client[1]))
    assert response.status_code == 200, response.content
    document = DocumentReference.model_validate(response.json())
    assert (document.status, document.subject.reference) == ("current", f"Patient/{case.person_id}")
    assert document.type.text == "Fit note (Statement of Fitness for Work)"
    assert document.author[0].display == "Dr Sam Okafor, doctor"
    (content,) = document.content
    assert content.attachment.contentType == "application/pdf"
    assert content.attachment.creation == note.issued_on
    pdf = PdfReader(io.BytesIO(base64.b64decode(response.json()["content"][0]["attachment"]["data"])))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Low back pain after lifting" in text
    assert "Can sit for an hour at a time." in text
    assert "Altered hours" in text
    assert AuditEvent.objects.filter(
        action="api.fhir.read", data__resource=f"DocumentReference/{note.pk}", data__api_client="Limes EMIS"
    ).exists()


def test_the_pdf_is_made_once_and_every_read_and_download_hands_over_that_file(client, practice_client, noted):
    case, note = noted
    assert FitNote.objects.get(pk=note.pk).pdf is None  # nothing is made until someone asks

    def attachment():
        response = client.get(f"/fhir/R4/DocumentReference/{note.pk}", **bearer(practice_client[1]))
        return base64.b64decode(response.json()["content"][0]["attachment"]["data"])

    first = attachment()
    stored = bytes(FitNote.objects.get(pk=note.pk).pdf)
    assert first == stored
    assert attachment() == stored
    manager = case.case_manager
    TOTPDeviceFactory(user=manager)
    download = sign_in_with_two_factor(Client(), manager).get(
        reverse("cases:case-fit-note-pdf", args=[case.pk, note.pk])
    )
    assert download.status_code == 200
    assert download.content == stored  # the case manager's print is the file the practice received


def test_search_by_patient_and_id_finds_the_note_and_is_audited(client, practice_client, noted):
    case, note = noted
    token = practice_client[1]
    for query in ({"patient": f"Patient/{case.person_id}"}, {"subject": str(case.person_id)}, {"_id": str(note.pk)}):
        found = client.get("/fhir/R4/DocumentReference", query, **bearer(token))
        assert found.status_code == 200, found.content
        bundle = Bundle.model_validate(found.json())
        assert [entry.resource.id for entry in bundle.entry] == [str(note.pk)]
    other = client.get("/fhir/R4/DocumentReference", {"patient": f"Patient/{note.pk}"}, **bearer(token)).json()
    assert other["total"] == 0
    searches = AuditEvent.objects.filter(action="api.fhir.search", data__resource_type="DocumentReference")
    assert searches.count() == 4
    assert searches.first().data["returned"] == [f"DocumentReference/{note.pk}"]
    refused = client.get("/fhir/R4/DocumentReference", {"status": "current"}, **bearer(token))
    assert refused.status_code == 400


def test_another_practice_and_an_employer_read_no_fit_note(client, other_practice_client, employer_client, noted):
    _, note = noted
    for _, token in (other_practice_client, employer_client):
        assert client.get(f"/fhir/R4/DocumentReference/{note.pk}", **bearer(token)).status_code == 404
        assert client.get("/fhir/R4/DocumentReference", **bearer(token)).json()["total"] == 0


def test_a_referral_without_consent_shows_no_fit_note(client, practice_client, workwell_site):
    token = practice_client[1]
    extensions = [e for e in service_request_resource()["extension"] if not e["url"].endswith("/consent")]
    case, manager = referred_case(client, token, workwell_site, extension=extensions)
    assert not case.referral.consent_given
    note = received_note(case, manager)
    assert client.get(f"/fhir/R4/DocumentReference/{note.pk}", **bearer(token)).status_code == 404
    assert client.get("/fhir/R4/DocumentReference", **bearer(token)).json()["total"] == 0
