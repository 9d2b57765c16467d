"""Issue 15: agreed return-to-work plan versions as CarePlan, read by the GP practice that referred the person
with consent, and by no one else; drafts are never served."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan

from fitforwork.accounts.models import Role
from fitforwork.cases.models import CaseStatus
from fitforwork.cases.services import case_transition
from fitforwork.core.audit.models import AuditEvent
from fitforwork.plans import services
from fitforwork.referrals.models import Referral
from fitforwork.referrals.services import referral_accept
from tests.accounts.factories import UserFactory
from tests.api.conftest import service_request_resource
from tests.plans.conftest import agreed_version, assess

FHIR = "application/fhir+json"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def planned(client, practice_client, workwell_site):
    """A case the practice referred through the facade, with version 1 of its plan agreed and version 2 a draft."""
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    _, token = practice_client
    sent = client.post(
        "/fhir/R4/ServiceRequest", json.dumps(service_request_resource()), content_type=FHIR, **bearer(token)
    )
    assert sent.status_code == 201, sent.content
    case = referral_accept(referral=Referral.objects.get(pk=sent.json()["id"]), actor=manager, case_manager=manager)
    case = case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)
    assess(case, manager)
    agreed = agreed_version(services.plan_create_from_assessment(case=case, actor=manager), manager)
    draft = services.version_new_draft(version=agreed, actor=manager)
    return case, agreed, draft


def test_the_referring_practice_reads_an_agreed_version_as_a_valid_care_plan(client, practice_client, planned):
    case, agreed, _ = planned
    _, token = practice_client
    response = client.get(f"/fhir/R4/CarePlan/{agreed.pk}", **bearer(token))
    assert response.status_code == 200, response.content
    plan = CarePlan.model_validate(response.json())
    assert (plan.status, plan.intent, plan.subject.reference) == ("active", "plan", f"Patient/{case.person_id}")
    assert plan.description == "May be fit for work if the advice is followed"
    (activity,) = plan.activity
    assert activity.detail.description.startswith("Workplace adjustment: altered hours. Start at 10am")
    assert activity.detail.reasonCode[0].text == "Pain"
    assert AuditEvent.objects.filter(action="api.fhir.read", data__resource=f"CarePlan/{agreed.pk}").exists()


def test_a_draft_is_not_served_and_search_finds_only_agreed_versions(client, practice_client, planned):
    case, agreed, draft = planned
    _, token = practice_client
    assert client.get(f"/fhir/R4/CarePlan/{draft.pk}", **bearer(token)).status_code == 404
    found = client.get("/fhir/R4/CarePlan", {"patient": f"Patient/{case.person_id}"}, **bearer(token))
    bundle = Bundle.model_validate(found.json())
    assert [entry.resource.id for entry in bundle.entry] == [str(agreed.pk)]


def test_another_practice_reads_no_plan(client, other_practice_client, planned):
    _, agreed, _ = planned
    _, token = other_practice_client
    assert client.get(f"/fhir/R4/CarePlan/{agreed.pk}", **bearer(token)).status_code == 404
    bundle = client.get("/fhir/R4/CarePlan", **bearer(token)).json()
    assert bundle["total"] == 0
