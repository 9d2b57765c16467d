"""Issue 14: the instruments as Questionnaires, the answers as QuestionnaireResponses and the scores as
Observations, read and searched by the client that referred the person, and by no one else (ADR 0025)."""

import json
import os

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse
from fhirpy import SyncFHIRClient

from fitforwork.accounts.models import Role
from fitforwork.assessments.services import response_record
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.models import Referral
from fitforwork.referrals.services import referral_accept
from tests.accounts.factories import UserFactory
from tests.api.conftest import service_request_resource

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FHIR = "application/fhir+json"
PHQ_MILD = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1, "q6": 1, "q7": 1, "q8": 1, "q9": 0, "difficulty": 1}


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def referred(client, practice_client, workwell_site, manager):
    """A referral the practice sent through the facade, accepted: its case, with a PHQ-9 and a WSAS that
    cannot be scored."""
    _, token = practice_client
    sent = client.post(
        "/fhir/R4/ServiceRequest", json.dumps(service_request_resource()), content_type=FHIR, **bearer(token)
    )
    assert sent.status_code == 201, sent.content
    case = referral_accept(referral=Referral.objects.get(pk=sent.json()["id"]), actor=manager, case_manager=manager)
    phq = response_record(case=case, instrument_code="phq9", answers=PHQ_MILD, mode="phone", actor=manager)
    wsas = response_record(case=case, instrument_code="wsas", answers={"q3": 4, "q4": 2}, mode="video", actor=manager)
    return case, phq, wsas


def get(client, token, path, **params):
    return client.get(f"/fhir/R4/{path}", params, **bearer(token))


def test_each_shipped_instrument_is_a_valid_questionnaire_with_its_loinc_codes(client, practice_client):
    _, token = practice_client
    found = get(client, token, "Questionnaire")
    assert found.status_code == 200
    bundle = Bundle.model_validate(found.json())
    ids = {entry.resource.id for entry in bundle.entry}
    assert {"phq9-1.0", "gad7-1.0", "wsas-1.0", "wpai-gh-2.0"} <= ids
    assert bundle.link[0].relation == "self"
    phq = Questionnaire.model_validate(get(client, token, "Questionnaire/phq9-1.0").json())
    assert (phq.url, phq.version, phq.status) == (
        "https://fitforwork.example.org/fhir/Questionnaire/phq9",
        "1.0",
        "active",
    )
    assert phq.code[0].system == "http://loinc.org"
    assert phq.code[0].code == "44249-1"
    assert "Pfizer" in phq.copyright
    first = phq.item[0]
    assert (first.linkId, first.type, first.code[0].code) == ("q1", "choice", "44250-9")
    assert [(o.valueCoding.code, o.valueCoding.display) for o in first.answerOption][:2] == [
        ("0", "Not at all"),
        ("1", "Several days"),
    ]
    # An instrument without a known LOINC code carries none rather than a guess.
    wsas = get(client, token, "Questionnaire/wsas-1.0").json()
    assert "code" not in wsas
    assert all("code" not in item for item in wsas["item"])
    assert get(client, token, "Questionnaire/nope-1.0").status_code == 404
    assert (
        get(client, token, "Questionnaire", url="https://fitforwork.example.org/fhir/Questionnaire/gad7").json()[
            "total"
        ]
        == 1
    )
    assert client.get("/fhir/R4/Questionnaire").status_code == 401


def test_a_recorded_response_reads_back_with_its_score(client, practice_client, referred, manager):
    _, token = practice_client
    case, phq, wsas = referred
    read = get(client, token, f"QuestionnaireResponse/{phq.pk}")
    assert read.status_code == 200
    resource = FhirResponse.model_validate(read.json())
    assert resource.questionnaire == "https://fitforwork.example.org/fhir/Questionnaire/phq9|1.0"
    assert resource.status == "completed"
    assert resource.subject.reference == f"Patient/{case.person_id}"
    assert resource.author is not None
    assert resource.authored is not None
    answers = {item.linkId: item.answer[0].valueCoding for item in resource.item}
    assert (answers["q1"].code, answers["q1"].display) == ("1", "Several days")
    assert answers["q9"].code == "0"

    observation = Observation.model_validate(get(client, token, f"Observation/{phq.pk}").json())
    assert observation.valueInteger == 8 == phq.score
    assert [(c.system, c.code) for c in observation.code.coding][0] == ("http://loinc.org", "44261-6")
    assert observation.interpretation[0].text == phq.band_label
    assert observation.derivedFrom[0].reference == f"QuestionnaireResponse/{phq.pk}"

    unscored = Observation.model_validate(get(client, token, f"Observation/{wsas.pk}").json())
    assert unscored.valueInteger is None
    assert unscored.valueQuantity is None
    assert unscored.dataAbsentReason.text == wsas.not_scorable_reason
    assert all(c.system != "http://loinc.org" for c in unscored.code.coding)


def test_search_by_patient_and_code(client, practice_client, referred):
    _, token = practice_client
    case, phq, wsas = referred
    patient = f"Patient/{case.person_id}"
    responses = Bundle.model_validate(get(client, token, "QuestionnaireResponse", patient=patient).json())
    assert {e.resource.id for e in responses.entry} == {str(phq.pk), str(wsas.pk)}
    assert responses.link[0].relation == "self"
    assert "patient=" in responses.link[0].url
    assert get(client, token, "QuestionnaireResponse", subject=patient).json()["total"] == 2
    by_questionnaire = get(
        client,
        token,
        "QuestionnaireResponse",
        questionnaire="https://fitforwork.example.org/fhir/Questionnaire/phq9|1.0",
    ).json()
    assert [e["resource"]["id"] for e in by_questionnaire["entry"]] == [str(phq.pk)]
    scores = get(client, token, "Observation", patient=patient, code="http://loinc.org|44261-6").json()
    Bundle.model_validate(scores)
    assert [e["resource"]["id"] for e in scores["entry"]] == [str(phq.pk)]
    assert get(client, token, "Observation", patient=patient).json()["total"] == 2
    assert get(client, token, "Observation", colour="blue").status_code == 400


def test_another_client_sees_nothing_and_every_read_is_audited(
    client, practice_client, other_practice_client, referred
):
    _, token = practice_client
    _, other = other_practice_client
    case, phq, _ = referred
    for path in (f"QuestionnaireResponse/{phq.pk}", f"Observation/{phq.pk}"):
        assert get(client, other, path).status_code == 404
    for kind in ("QuestionnaireResponse", "Observation"):
        assert get(client, other, kind, patient=f"Patient/{case.person_id}").json()["total"] == 0
    # Questionnaires are not anyone's record: every client reads them.
    assert get(client, other, "Questionnaire/phq9-1.0").status_code == 200

    reads_before = AuditEvent.objects.filter(action="api.fhir.read").count()
    get(client, token, f"QuestionnaireResponse/{phq.pk}")
    get(client, token, f"Observation/{phq.pk}")
    reads = list(AuditEvent.objects.filter(action="api.fhir.read").order_by("occurred_at"))[reads_before:]
    assert [e.data["resource"] for e in reads] == [f"QuestionnaireResponse/{phq.pk}", f"Observation/{phq.pk}"]
    assert all(e.object_id == str(phq.pk) and e.data["api_client"] == "Limes EMIS" for e in reads)
    get(client, token, "Observation", patient=f"Patient/{case.person_id}")
    search = AuditEvent.objects.filter(action="api.fhir.search").latest("occurred_at")
    assert search.data["resource_type"] == "Observation"
    assert len(search.data["returned"]) == 2


def test_the_capability_statement_lists_the_three(client):
    statement = client.get("/fhir/R4/metadata").json()
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    for kind in ("Questionnaire", "QuestionnaireResponse", "Observation"):
        assert {i["code"] for i in resources[kind]["interaction"]} == {"read", "search-type"}
    assert {p["name"] for p in resources["Observation"]["searchParam"]} >= {"patient", "code"}


@pytest.mark.django_db(transaction=True)
def test_a_fhir_client_reads_the_scores(live_server, practice_client, referred):
    _, token = practice_client
    case, phq, _ = referred
    fhir = SyncFHIRClient(f"{live_server.url}/fhir/R4", authorization=f"Bearer {token}")
    questionnaire = fhir.reference("Questionnaire", "phq9-1.0").to_resource()
    assert questionnaire["item"][0]["code"][0]["code"] == "44250-9"
    scores = fhir.resources("Observation").search(patient=f"Patient/{case.person_id}", code="44261-6").fetch()
    assert [o["valueInteger"] for o in scores] == [8]
    response = fhir.reference("QuestionnaireResponse", scores[0]["derivedFrom"][0]["reference"].split("/")[1])
    assert response.to_resource()["questionnaire"].endswith("phq9|1.0")


def test_every_instrument_scored_reads_as_a_valid_observation(client, practice_client, referred, manager):
    """WPAI's decimal hours and percentages, and WSAS scored, each go out as a valid FHIR resource."""
    _, token = practice_client
    case, _, _ = referred
    wpai = response_record(
        case=case,
        instrument_code="wpai_gh",
        answers={"q1": 1, "q2": 4, "q3": 0, "q4": 36, "q5": 3, "q6": 5},
        mode="phone",
        actor=manager,
    )
    read = FhirResponse.model_validate(get(client, token, f"QuestionnaireResponse/{wpai.pk}").json())
    assert {item.linkId: item.answer[0].valueDecimal for item in read.item}["q2"] == 4
    observation = Observation.model_validate(get(client, token, f"Observation/{wpai.pk}").json())
    assert {c.code.text for c in observation.component} == set(wpai.percentages)
    for code in ("ompsq10", "gad7", "who5", "was"):
        assert get(client, token, f"Questionnaire/{code}-1.0").status_code == 200, code


@pytest.mark.parametrize("change", ["employer", "no_consent"])
def test_a_referrer_that_is_not_the_gp_practice_or_had_no_consent_reads_no_scores(
    client, practice_client, referred, change
):
    """Health scores are the GP practice's to read back, and only with the person's consent: an employer that
    referred them (or a referral without consent) reads none through the API until the consent ledger exists."""
    _, token = practice_client
    case, phq, _ = referred
    assert get(client, token, f"Observation/{phq.pk}").status_code == 200
    referral = case.referral
    if change == "employer":
        organisation = referral.referrer_organisation
        organisation.kind = organisation.Kind.EMPLOYER
        organisation.save(update_fields=["kind"])
    else:
        Referral.objects.filter(pk=referral.pk).update(consent_given=False)
    for path in (f"QuestionnaireResponse/{phq.pk}", f"Observation/{phq.pk}"):
        assert get(client, token, path).status_code == 404
    for kind in ("QuestionnaireResponse", "Observation"):
        assert get(client, token, kind, patient=f"Patient/{case.person_id}").json()["total"] == 0
