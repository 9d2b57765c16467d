"""Withdrawing a referral by FHIR update (PUT with If-Match), and the versions it leaves: a GP system's FHIR
client sends back the ServiceRequest it read with `status: revoked`. Every body is checked by its R4B model
(`raw` and `checked` from test_fhir_client); requests is used where the headers matter."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome as OutcomeRaised

from fitforwork.accounts.models import Role
from fitforwork.cases.models import CaseStatus, Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.models import Referral
from fitforwork.referrals.services import referral_accept, referral_decline
from tests.accounts.factories import UserFactory
from tests.api import test_fhir_client as client_tests
from tests.api.test_fhir_client import checked, uk_core_request
from tests.conftest import sign_in_with_two_factor

# The FHIR client's fixtures: fhirpy and plain requests against the running server.
fhir_url, token, fhir, raw = client_tests.fhir_url, client_tests.token, client_tests.fhir, client_tests.raw


def _made(raw):
    """A referral made by the client, and the resource and ETag it read back."""
    made = raw("POST", "/ServiceRequest", body=uk_core_request())
    assert made.status_code == 201
    read = raw("GET", f"/ServiceRequest/{made.resource.id}")
    return read.json(), read.headers["ETag"]


def _withdraw(raw, resource, etag, **changes):
    body = {**resource, "status": "revoked", **changes}
    headers = {"If-Match": etag} if etag else {}
    return raw("PUT", f"/ServiceRequest/{resource['id']}", body=body, headers=headers)


@pytest.fixture
def triage_lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site)


def test_a_referrer_withdraws_with_the_version_it_read_and_the_earlier_version_is_kept(raw):
    resource, etag = _made(raw)

    answer = _withdraw(raw, resource, etag)

    assert answer.status_code == 200
    assert answer.resource.status == "revoked"
    assert answer.headers["ETag"] != etag
    assert answer.headers["ETag"] == f'W/"{answer.resource.meta.versionId}"'
    referral = Referral.objects.get(pk=resource["id"])
    assert referral.status == Referral.Status.WITHDRAWN
    change = referral.status_changes.last()
    assert (change.from_status, change.to_status) == ("received", "withdrawn")
    assert "Limes EMIS" in change.reason
    assert AuditEvent.objects.filter(action="referrals.referral.withdrawn", object_id=str(referral.pk)).exists()
    task = raw("GET", f"/Task/{referral.pk}").resource
    assert (task.status, task.statusReason.text) == ("cancelled", "Withdrawn by the referrer")

    # Version 1 is still read as it was served: active.
    first = raw("GET", f"/ServiceRequest/{referral.pk}/_history/{resource['meta']['versionId']}")
    assert (first.status_code, first.resource.status, first.headers["ETag"]) == (200, "active", etag)
    assert first.resource.meta.versionId == resource["meta"]["versionId"]

    history = raw("GET", f"/ServiceRequest/{referral.pk}/_history")
    assert history.status_code == 200
    assert isinstance(history.resource, Bundle)
    assert (history.resource.type, history.resource.total) == ("history", 2)
    assert [entry.resource.status for entry in history.resource.entry] == ["revoked", "active"]
    assert [entry.response.etag for entry in history.resource.entry] == [answer.headers["ETag"], etag]
    assert [entry.request.method for entry in history.resource.entry] == ["PUT", "POST"]

    # Sent again with its new version, nothing changes and no version is added.
    again = _withdraw(raw, answer.json(), answer.headers["ETag"])
    assert (again.status_code, again.headers["ETag"]) == (200, answer.headers["ETag"])
    assert raw("GET", f"/ServiceRequest/{referral.pk}/_history").resource.total == 2


def test_a_stale_version_is_a_412_and_after_triage_the_open_case_stays_open_with_a_task(
    raw, triage_lead, workwell_site
):
    resource, etag = _made(raw)
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    case = referral_accept(referral=Referral.objects.get(pk=resource["id"]), actor=triage_lead, case_manager=manager)

    stale = _withdraw(raw, resource, etag)

    assert stale.status_code == 412
    assert isinstance(stale.resource, OperationOutcome)
    assert stale.resource.issue[0].code == "conflict"
    assert stale.resource.issue[0].expression == ["If-Match"]
    assert Referral.objects.get(pk=resource["id"]).status == Referral.Status.ACCEPTED

    current = raw("GET", f"/ServiceRequest/{resource['id']}")
    assert current.resource.status == "completed"
    withdrawn = _withdraw(raw, current.json(), current.headers["ETag"])

    assert (withdrawn.status_code, withdrawn.resource.status) == (200, "revoked")
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED  # not closed for them
    task = Task.objects.get(case=case, title__contains="withdrew the referral")
    assert task.assigned_to == manager
    assert task.completed_at is None
    history = raw("GET", f"/ServiceRequest/{resource['id']}/_history").resource
    assert [entry.resource.status for entry in history.entry] == ["revoked", "completed", "active"]


def test_without_if_match_fhirpys_save_is_a_428_and_with_it_the_save_withdraws(fhir, raw, fhir_url, token):
    resource, etag = _made(raw)
    request = fhir.resources("ServiceRequest").search(_id=resource["id"]).get()
    request["status"] = "revoked"

    with pytest.raises(OutcomeRaised) as raised:
        request.save()  # fhirpy sends no If-Match

    outcome = checked(raised.value.resource)
    assert isinstance(outcome, OperationOutcome)
    assert (outcome.issue[0].code, outcome.issue[0].expression) == ("required", ["If-Match"])
    # With the ETag it read as If-Match, fhirpy's own save() withdraws it.
    sender = SyncFHIRClient(fhir_url, authorization=f"Bearer {token}", extra_headers={"If-Match": etag})
    again = sender.resources("ServiceRequest").search(_id=resource["id"]).get()
    again["status"] = "revoked"
    again.save()
    assert checked(again.serialize()).status == "revoked"
    assert Referral.objects.get(pk=resource["id"]).status == Referral.Status.WITHDRAWN


def test_without_if_match_the_428_names_the_etag_to_send(raw):
    resource, _ = _made(raw)
    answer = _withdraw(raw, resource, etag="")
    assert answer.status_code == 428
    assert resource["meta"]["versionId"] in answer.resource.issue[0].diagnostics
    assert Referral.objects.get(pk=resource["id"]).status == Referral.Status.RECEIVED


def test_any_change_but_withdrawing_is_a_422_naming_each_element(raw):
    resource, etag = _made(raw)

    answer = _withdraw(raw, resource, etag, reasonCode=[{"text": "Changed my mind"}], priority="urgent")

    assert answer.status_code == 422
    assert [issue.expression for issue in answer.resource.issue] == [
        ["ServiceRequest.priority"],
        ["ServiceRequest.reasonCode"],
    ]
    assert all("phone the service" in issue.diagnostics for issue in answer.resource.issue)
    other_status = _withdraw(raw, resource, etag, status="completed")
    assert other_status.status_code == 422
    assert other_status.resource.issue[0].expression == ["ServiceRequest.status"]
    # A time in another zone is the same value, not a change.
    same = {**resource, "authoredOn": resource["authoredOn"].replace("Z", "+00:00")}
    assert _withdraw(raw, same, etag).status_code == 200


def test_an_update_that_breaks_fhir_or_names_another_id_is_a_400(raw):
    resource, etag = _made(raw)
    assert _withdraw(raw, resource, etag, authoredOn="yesterday").status_code == 400
    assert _withdraw(raw, resource, etag, id="00000000-0000-0000-0000-000000000000").status_code == 400
    assert Referral.objects.get(pk=resource["id"]).status == Referral.Status.RECEIVED


def test_another_clients_referral_is_a_404(raw, fhir_url, other_practice_client):
    resource, etag = _made(raw)
    other_token = other_practice_client[1]
    headers = {"Authorization": f"Bearer {other_token}", "If-Match": etag, "Content-Type": "application/fhir+json"}
    for method, path in (("PUT", ""), ("GET", "/_history")):
        answer = requests.request(
            method,
            f"{fhir_url}/ServiceRequest/{resource['id']}{path}",
            json={**resource, "status": "revoked"},
            headers=headers,
            timeout=30,
        )
        assert answer.status_code == 404, method
        assert checked(answer.json()).issue[0].code == "not-found"
    assert Referral.objects.get(pk=resource["id"]).status == Referral.Status.RECEIVED


def test_a_declined_referral_is_already_revoked_so_sending_it_back_changes_nothing(raw, triage_lead):
    resource, _ = _made(raw)
    referral_decline(referral=Referral.objects.get(pk=resource["id"]), actor=triage_lead, reason="Not in the area")
    current = raw("GET", f"/ServiceRequest/{resource['id']}")

    answer = _withdraw(raw, current.json(), current.headers["ETag"])

    assert (answer.status_code, answer.resource.status) == (200, "revoked")
    assert Referral.objects.get(pk=resource["id"]).status == Referral.Status.DECLINED


def test_the_referrer_and_the_triage_team_see_the_withdrawal(raw, client, workwell_site):
    resource, etag = _made(raw)
    assert _withdraw(raw, resource, etag).status_code == 200

    referrer = UserFactory(role=Role.GP, organisation=workwell_site.practice)
    client.force_login(referrer)
    listed = client.get(reverse("referrals:list")).content.decode()
    assert "Withdrawn by the referrer" in listed
    detail = client.get(reverse("referrals:detail", args=[resource["id"]])).content.decode()
    assert "You withdrew this referral" in detail

    client.logout()
    sign_in_with_two_factor(client, UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True))
    queue = client.get(reverse("referrals:triage")).content.decode()
    reference = Referral.objects.get(pk=resource["id"]).reference
    assert reference not in queue
    page = client.get(reverse("referrals:triage-referral", args=[resource["id"]])).content.decode()
    assert "Withdrawn by the referrer" in page
    assert "The referrer withdrew this referral" in page
    assert "Accept" not in page


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_sent_at_once_with_the_same_version_change_it_once(raw, workwell_site):
    resource, etag = _made(raw)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: _withdraw(raw, resource, etag), range(2)))

    assert sorted(answer.status_code for answer in answers) == [200, 412]
    referral = Referral.objects.get(pk=resource["id"])
    assert referral.status_changes.filter(to_status="withdrawn").count() == 1
