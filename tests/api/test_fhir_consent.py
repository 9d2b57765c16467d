"""Issue 16: the consent ledger as FHIR Consent. The GP practice that referred the person with consent reads
the rows about the service itself and the rows about sharing with the practice, never a consent to share with
an employer or anyone else; other clients and a referral without consent see none. Reads and searches are
audited and every resource validates."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent as FhirConsent

from fitforwork.consent.models import Consent
from fitforwork.consent.services import consent_give, consent_refuse, consent_withdraw
from fitforwork.core.audit.models import AuditEvent
from fitforwork.organisations.models import Organisation
from fitforwork.plans import services as plans
from tests.api.test_fhir_fit_notes import bearer, employer_client, referred_case  # noqa: F401 (a fixture)
from tests.plans.conftest import agreed_version, assess


@pytest.fixture
def ledger(client, practice_client, workwell_site, employer_client):  # noqa: F811
    """The ledger of a person the practice referred with consent: the referral's own row, the assessment's,
    an assessment consent given again then withdrawn, a plan version shared with the practice (one section left
    out) and with the employer, and contact with the employer refused."""
    case, manager = referred_case(client, practice_client[1], workwell_site)
    assess(case, manager)  # the assessment records its own consent on the ledger
    at_assessment = Consent.objects.get(person=case.person, purpose="assessment")
    version = agreed_version(plans.plan_create_from_assessment(case=case, actor=manager), manager)
    person, practice, employer = case.person, practice_client[0].organisation, employer_client[0].organisation
    common = {"person": person, "how": "verbal", "actor": manager}
    assessment = consent_give(purpose="assessment", **common)
    rows = {
        "referral": Consent.objects.get(person=person, purpose="referral"),
        "at_assessment": at_assessment,
        "assessment": assessment,
        "withdrawn": consent_withdraw(consent=assessment, how="verbal", actor=manager),
        "share_gp": consent_give(
            purpose="share_plan",
            recipient=practice,
            plan_version_id=version.pk,
            removed_sections=["Mental health"],
            **common,
        ),
        "share_employer": consent_give(purpose="share_plan", recipient=employer, plan_version_id=version.pk, **common),
        "contact_employer": consent_refuse(purpose="third_party_contact", recipient=employer, **common),
    }
    return case, version, rows


def read(client, token, row):
    response = client.get(f"/fhir/R4/Consent/{row.pk}", **bearer(token))
    return response.status_code, response.json()


def test_the_practice_reads_the_referral_and_its_own_share_as_valid_consents(client, practice_client, ledger):
    case, version, rows = ledger
    token = practice_client[1]
    status, body = read(client, token, rows["referral"])
    assert status == 200, body
    referral = FhirConsent.model_validate(body)
    assert (referral.status, referral.scope.coding[0].code) == ("active", "treatment")
    assert (referral.patient.reference, referral.performer[0].reference) == (f"Patient/{case.person_id}",) * 2
    assert referral.provision.type == "permit"
    assert not referral.provision.actor
    assert referral.category[0].coding[0].code == "59284-0"

    status, body = read(client, token, rows["share_gp"])
    share = FhirConsent.model_validate(body)
    assert (share.status, share.scope.coding[0].code, share.provision.type) == ("active", "patient-privacy", "permit")
    (actor,) = share.provision.actor
    assert actor.reference.identifier.value == practice_client[0].organisation.ods_code
    assert share.provision.data[0].reference.reference == f"CarePlan/{version.pk}"
    (left_out,) = share.provision.provision
    assert (left_out.type, left_out.code[0].text) == ("deny", "Mental health")
    assert str(share.dateTime) == rows["share_gp"].given_on.isoformat()
    assert AuditEvent.objects.filter(action="api.fhir.read", data__resource=f"Consent/{rows['share_gp'].pk}").exists()


def test_a_superseded_or_withdrawn_consent_is_inactive(client, practice_client, ledger):
    _, _, rows = ledger
    token = practice_client[1]
    superseded = FhirConsent.model_validate(read(client, token, rows["at_assessment"])[1])
    assert (superseded.status, superseded.provision.type) == ("inactive", "permit")
    given = FhirConsent.model_validate(read(client, token, rows["assessment"])[1])
    withdrawal = FhirConsent.model_validate(read(client, token, rows["withdrawn"])[1])
    assert (given.status, given.provision.type) == ("inactive", "permit")
    assert (withdrawal.status, withdrawal.provision.type) == ("inactive", "deny")


def test_the_practice_never_sees_what_the_person_agreed_with_the_employer(client, practice_client, ledger):
    case, _, rows = ledger
    token = practice_client[1]
    for name in ("share_employer", "contact_employer"):
        assert read(client, token, rows[name])[0] == 404
    found = client.get("/fhir/R4/Consent", {"patient": f"Patient/{case.person_id}"}, **bearer(token))
    bundle = Bundle.model_validate(found.json())
    visible = {"referral", "at_assessment", "assessment", "withdrawn", "share_gp"}
    assert {entry.resource.id for entry in bundle.entry} == {str(rows[name].pk) for name in visible}
    search = AuditEvent.objects.get(action="api.fhir.search", data__resource_type="Consent")
    assert sorted(search.data["returned"]) == sorted(f"Consent/{rows[name].pk}" for name in visible)
    by_id = client.get("/fhir/R4/Consent", {"_id": str(rows["share_employer"].pk)}, **bearer(token)).json()
    assert by_id["total"] == 0


def test_a_refusal_to_the_practice_is_rejected(client, practice_client, ledger):
    case, manager = ledger[0], ledger[0].case_manager
    refused = consent_refuse(
        person=case.person,
        purpose="third_party_contact",
        recipient=practice_client[0].organisation,
        how="verbal",
        actor=manager,
    )
    status, body = read(client, practice_client[1], refused)
    assert status == 200
    assert (FhirConsent.model_validate(body).status, body["provision"]["type"]) == ("rejected", "deny")


def test_another_practice_and_the_employer_read_no_consent(
    client,
    other_practice_client,
    employer_client,  # noqa: F811
    ledger,
):
    _, _, rows = ledger
    assert employer_client[0].organisation.kind == Organisation.Kind.EMPLOYER
    for _, token in (other_practice_client, employer_client):
        for row in rows.values():
            assert read(client, token, row)[0] == 404
        assert client.get("/fhir/R4/Consent", **bearer(token)).json()["total"] == 0


def test_a_referral_without_consent_shows_no_consent_rows(client, practice_client, workwell_site):
    token = practice_client[1]
    from tests.api.conftest import service_request_resource

    extensions = [e for e in service_request_resource()["extension"] if not e["url"].endswith("/consent")]
    case, manager = referred_case(client, token, workwell_site, extension=extensions)
    row = consent_give(person=case.person, purpose="assessment", how="verbal", actor=manager)
    assert read(client, token, row)[0] == 404
    assert client.get("/fhir/R4/Consent", **bearer(token)).json()["total"] == 0
