"""FHIR's asynchronous pattern for referrals: `Prefer: respond-async`, 202, then the status endpoint."""

import json

import pytest
from django_tasks_db.models import DBTaskResult
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest

from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals import intake, making
from fitforwork.referrals.models import Referral, Submission
from tests.api.conftest import run_tasks, service_request_resource

FHIR = "application/fhir+json"
ASYNC = {"Prefer": "respond-async"}


def _headers(token, **more):
    return {"Authorization": f"Bearer {token}", **more}


def _post(client, token, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/fhir/R4/ServiceRequest", data=data, content_type=FHIR, headers=_headers(token, **headers))


def _status(client, token, response):
    return client.get(response["Content-Location"], headers=_headers(token))


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST as a server would: the request's transaction commits (so its task is enqueued), then a worker runs."""

    def post(token, body, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(client, token, body, **headers)
        run_tasks()
        return response

    return post


@pytest.mark.django_db
def test_a_referral_sent_without_waiting_is_202_then_its_status_is_the_created_service_request(
    client, practice_client, send
):
    _, token = practice_client
    accepted = send(token, service_request_resource(), **ASYNC)
    assert accepted.status_code == 202
    assert accepted["Content-Type"] == FHIR
    submission = Submission.objects.get()
    assert submission.deferred
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert accepted["Content-Location"] == f"http://testserver/fhir/R4/_async/{submission.pk}"
    OperationOutcome.model_validate(accepted.json())

    answer = _status(client, token, accepted)
    assert answer.status_code == 200
    bundle = Bundle.model_validate(answer.json())
    assert bundle.type == "batch-response"
    (entry,) = bundle.entry
    referral = Referral.objects.get()
    assert entry.response.status == "201 Created"
    assert entry.response.location.startswith(f"ServiceRequest/{referral.pk}/_history/")
    assert ServiceRequest.model_validate(entry.resource.model_dump()).id == str(referral.pk)
    assert referral.submission == submission
    assert AuditEvent.objects.filter(action="api.fhir.read", object_id=str(referral.pk)).exists()


@pytest.mark.django_db
def test_what_can_be_checked_at_once_is_refused_at_once(client, practice_client):
    _, token = practice_client
    unreadable = _post(client, token, "{not json", **ASYNC)
    assert unreadable.status_code == 400
    missing = _post(client, token, service_request_resource(subject={"reference": "Patient/1"}), **ASYNC)
    assert missing.status_code == 422
    assert "Content-Location" not in missing
    assert list(Submission.objects.values_list("outcome", flat=True)) == ["refused", "refused"]


@pytest.mark.django_db
def test_a_referral_refused_later_is_a_422_entry_naming_the_field(client, workwell_site, send):
    """A practice no site covers, for a person whose postcode no site covers: stored, then refused by routing."""
    from fitforwork.api.services import apiclient_create
    from tests.organisations.factories import OrganisationFactory

    _, token = apiclient_create(name="Elsewhere", ods_code=OrganisationFactory(gp_practice=True).ods_code)
    request = service_request_resource()
    request["contained"][0]["address"][0]["postalCode"] = "ZE1 0AA"
    accepted = send(token, request, **ASYNC)
    assert accepted.status_code == 202
    answer = _status(client, token, accepted)
    assert answer.status_code == 200
    (entry,) = Bundle.model_validate(answer.json()).entry
    assert entry.response.status == "422"
    issue = entry.response.outcome.issue[0]
    assert (issue.code, issue.expression) == ("business-rule", ["ServiceRequest.requester"])
    assert Submission.objects.get().outcome == "refused"
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_retry_with_the_same_key_points_at_the_same_status(client, practice_client, send):
    _, token = practice_client
    first = send(token, service_request_resource(), **ASYNC, **{"Idempotency-Key": "k-1"})
    second = send(token, service_request_resource(), **ASYNC, **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 202
    assert first["Content-Location"] == second["Content-Location"]
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_only_the_sender_can_ask_and_unknown_ids_are_404(client, practice_client, other_practice_client):
    _, token = practice_client
    _, other_token = other_practice_client
    accepted = _post(client, token, service_request_resource(), **ASYNC)
    assert _status(client, other_token, accepted).status_code == 404
    assert client.get("/fhir/R4/_async/not-an-id", headers=_headers(token)).status_code == 404
    assert client.get(accepted["Content-Location"]).status_code == 401


@pytest.mark.django_db
def test_without_prefer_the_answer_is_still_201(client, practice_client):
    _, token = practice_client
    assert _post(client, token, service_request_resource()).status_code == 201
    assert not Submission.objects.get().deferred


@pytest.mark.django_db
def test_the_referral_is_made_by_a_task_stored_when_the_submission_commits(
    client, practice_client, django_capture_on_commit_callbacks
):
    """Durable across processes: the task is a row in the database, which any worker takes, later or elsewhere."""
    _, token = practice_client
    with django_capture_on_commit_callbacks(execute=True):
        accepted = [_post(client, token, service_request_resource(), **ASYNC) for _ in range(3)]
    assert {a.status_code for a in accepted} == {202}
    assert not Referral.objects.exists()  # nothing made in the request, nor in another thread of it
    assert DBTaskResult.objects.ready().count() == 3
    assert {_status(client, token, a).status_code for a in accepted} == {202}
    assert {r.status for r in run_tasks()} == {"SUCCESSFUL"}
    assert Referral.objects.count() == 3
    assert set(Submission.objects.values_list("outcome", flat=True)) == {"referral"}
    answers = [_status(client, token, a) for a in accepted]
    ids = {Bundle.model_validate(a.json()).entry[0].resource.id for a in answers}
    assert ids == {str(pk) for pk in Referral.objects.values_list("pk", flat=True)}


@pytest.mark.django_db
def test_a_task_run_twice_makes_one_referral(client, practice_client, django_capture_on_commit_callbacks):
    _, token = practice_client
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, token, service_request_resource(), **ASYNC)
    submission = Submission.objects.get()
    (task,) = DBTaskResult.objects.all()
    for _ in range(2):
        assert intake.referral_make_deferred(submission_id=str(submission.pk), data=task.args_kwargs["args"][1])
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_a_referral_that_failed_on_our_side_is_a_500_entry_and_a_retry_makes_it(
    client, practice_client, send, monkeypatch
):
    _, token = practice_client

    def broken(config, facts):
        raise RuntimeError("the checks broke")

    evaluate = making.evaluate
    monkeypatch.setattr(making, "evaluate", broken)
    accepted = send(token, service_request_resource(), **ASYNC, **{"Idempotency-Key": "k-9"})
    assert DBTaskResult.objects.get().status == "FAILED"
    assert Submission.objects.get().outcome == "failed"
    (entry,) = Bundle.model_validate(_status(client, token, accepted).json()).entry
    assert entry.response.status == "500"
    assert entry.response.outcome.issue[0].code == "exception"

    monkeypatch.setattr(making, "evaluate", evaluate)
    again = _post(client, token, service_request_resource(), **{"Idempotency-Key": "k-9"})
    assert again.status_code == 201
    assert Referral.objects.get().submission == Submission.objects.get()


@pytest.mark.django_db
def test_while_the_referral_is_being_made_the_status_is_202_with_retry_after(client, practice_client):
    api_client, token = practice_client
    waiting, _ = intake.submission_store(
        channel="fhir", payload=service_request_resource(), idempotency_scope=f"apiclient:{api_client.pk}"
    )
    answer = client.get(f"/fhir/R4/_async/{waiting.pk}", headers=_headers(token))
    assert answer.status_code == 202
    assert answer["Retry-After"] == "1"
    assert OperationOutcome.model_validate(answer.json()).issue[0].severity == "information"
