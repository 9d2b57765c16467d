"""Where a sender that asked not to wait (`Prefer: respond-async`) learns what became of its referral.

FHIR's asynchronous pattern (http://hl7.org/fhir/R4/async.html): the POST answered 202 with this endpoint
in `Content-Location`. Asked here, it answers 202 while the referral is being made, then 200 with a
batch-response Bundle whose one entry is what the POST would have answered had the sender waited: the
ServiceRequest and "201 Created", an OperationOutcome and "422" for a refusal, or an OperationOutcome and
"500" when making it failed for a reason of ours (sending it again with the same Idempotency-Key, without
`Prefer: respond-async`, tries again). Only the client that sent it can ask. The referral is made by a
django-tasks task (`referrals.tasks.referral_make_later`), enqueued when the submission was committed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from fitforwork.api.fhir import mappers, parsing, selectors
from fitforwork.api.fhir.http import fhir_endpoint, fhir_response, not_found, parse_uuid
from fitforwork.api.fhir.mappers import Issue
from fitforwork.api.models import ApiClient
from fitforwork.core.audit.services import audit_record
from fitforwork.referrals.intake import FieldError, ReferralRefused
from fitforwork.referrals.models import Submission

STILL_WORKING = "Received and stored; the referral is still being made. Ask again in a second."
FAILED = (
    "Received and stored, but making the referral failed on our side. Send it again with the same"
    " Idempotency-Key to try again, or contact the service."
)


@fhir_endpoint({"GET"})
def status(request: HttpRequest, client: ApiClient, submission_id: str) -> HttpResponse:
    submission = selectors.submission_for(client, parse_uuid(submission_id))
    if submission is None:
        return not_found("status", submission_id)
    if submission.outcome == Submission.Outcome.RECEIVED:
        response = fhir_response(
            mappers.operation_outcome([Issue("informational", "", STILL_WORKING, severity="information")]), status=202
        )
        response["Retry-After"] = "1"
        return response
    if submission.outcome == Submission.Outcome.REFUSED:
        refused = ReferralRefused([FieldError(e["field"], e["message"]) for e in submission.errors])
        code, issues = mappers.issues_from_refusal(refused, parsing.resource_paths(submission.payload))
        entry = {"response": {"status": f"{code}", "outcome": mappers.operation_outcome(issues)}}
        return fhir_response({"resourceType": "Bundle", "type": "batch-response", "entry": [entry]})
    if submission.outcome == Submission.Outcome.FAILED:
        issue = Issue("exception", "", FAILED, severity="error")
        entry = {"response": {"status": "500", "outcome": mappers.operation_outcome([issue])}}
        return fhir_response({"resourceType": "Bundle", "type": "batch-response", "entry": [entry]})
    referral = selectors.referrals_visible(client).filter(submission=submission).first()
    if referral is None:  # made, but not for this client's organisation: not theirs to see
        return not_found("status", submission_id)
    audit_record(actor=None, action="api.fhir.read", obj=referral, data={"api_client": client.name})
    entry = {
        "resource": mappers.service_request(referral),
        "response": {
            "status": "201 Created",
            "location": f"ServiceRequest/{referral.pk}/_history/{mappers.version_id(referral)}",
            "etag": mappers.etag(referral),
        },
    }
    return fhir_response({"resourceType": "Bundle", "type": "batch-response", "entry": [entry]})
