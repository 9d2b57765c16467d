"""Explicit mappings between our referrals and FHIR R4 resources (plain dicts), in both directions.

Out: a Referral is a ServiceRequest (what was asked for) and a Task (BSeR: its progress); its Person is a
Patient. In: a ServiceRequest with its Patient becomes a `ReferralInput` for the intake, or a list of issues
that each name the FHIRPath of what failed. Nothing here touches the database beyond reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fitforwork.api.fhir import extensions as ext
from fitforwork.organisations.models import Organisation
from fitforwork.people.models import Person
from fitforwork.referrals.intake import FieldError, ReferralRefused
from fitforwork.referrals.models import Referral, Source

FHIR_JSON = "application/fhir+json"
SNOMED = "http://snomed.info/sct"
PATIENT_REFERRAL = {"system": SNOMED, "code": "3457005", "display": "Patient referral"}

# Referral status -> ServiceRequest.status: a received referral is still being acted on; an accepted one has
# been fulfilled as a request (a case is open, followed elsewhere); a declined one is withdrawn by us, a
# withdrawn one by its referrer.
SERVICE_REQUEST_STATUS = {
    Referral.Status.RECEIVED: "active",
    Referral.Status.ACCEPTED: "completed",
    Referral.Status.DECLINED: "revoked",
    Referral.Status.WITHDRAWN: "revoked",
}
REFERRAL_STATUSES_FOR: dict[str, list[str]] = {}
for _status, _fhir_status in SERVICE_REQUEST_STATUS.items():
    REFERRAL_STATUSES_FOR.setdefault(_fhir_status, []).append(_status)
TASK_STATUS = {
    Referral.Status.RECEIVED: "received",
    Referral.Status.ACCEPTED: "accepted",
    Referral.Status.DECLINED: "rejected",
    Referral.Status.WITHDRAWN: "cancelled",
}
GENDER_TO_SEX = {"male": "male", "female": "female", "other": "other", "unknown": "not_stated"}
SEX_TO_GENDER = {value: key for key, value in GENDER_TO_SEX.items()}
DEFAULT_SOURCE_FOR_KIND = {
    Organisation.Kind.GP_PRACTICE: Source.GP,
    Organisation.Kind.EMPLOYER: Source.EMPLOYER,
    Organisation.Kind.JOBCENTRE: Source.JOBCENTRE,
    Organisation.Kind.VOLUNTARY_SECTOR: Source.COMMUNITY,
    Organisation.Kind.LOCAL_AUTHORITY: Source.COMMUNITY,
}
# Where the intake's own refusals point, as FHIRPath.
INTAKE_FIELD_EXPRESSIONS = {
    "absence_start": [f"ServiceRequest.extension.where(url='{ext.ABSENCE_START}')"],
    "written_consent_date": [f"ServiceRequest.extension.where(url='{ext.WRITTEN_CONSENT_DATE}')"],
    "gp_practice": ["ServiceRequest.requester", "Patient.address.postalCode"],
    "site": ["ServiceRequest.performer"],
    "referrer_email": ["ServiceRequest.requester"],
    "referrer_name": ["ServiceRequest.requester"],
    "referrer_phone": ["ServiceRequest.requester"],
}
# A value of the patient's that the person checks refused (an email address that is not one, say).
PATIENT_FIELD_EXPRESSIONS = {
    "nhs_number": ["Patient.identifier"],
    "given_name": ["Patient.name.given"],
    "family_name": ["Patient.name.family"],
    "date_of_birth": ["Patient.birthDate"],
    "sex": ["Patient.gender"],
    "email": ["Patient.telecom.where(system='email')"],
    "phone": ["Patient.telecom.where(system='phone')"],
    "address_line_1": ["Patient.address.line"],
    "address_line_2": ["Patient.address.line"],
    "town": ["Patient.address.city"],
    "postcode": ["Patient.address.postalCode"],
    "employment_status": [f"ServiceRequest.extension.where(url='{ext.EMPLOYMENT_STATUS}')"],
}


# --- errors ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One OperationOutcome issue: an IssueType code, the FHIRPath that failed and why, in words."""

    code: str
    expression: str
    message: str
    severity: str = "error"


class FhirRefused(ReferralRefused):
    """A FHIR submission we cannot take: 400 when it is not a resource we understand, 422 when it breaks a rule."""

    def __init__(self, issues: list[Issue], status: int = 422) -> None:
        super().__init__([FieldError(issue.expression, issue.message) for issue in issues])
        self.issues = issues
        self.status = status


def issues_from_refusal(
    refused: ReferralRefused, paths: tuple[str, str] = ("ServiceRequest", "Patient")
) -> tuple[int, list[Issue]]:
    """The refusal as OperationOutcome issues. `paths` says where the ServiceRequest and its Patient are in
    what was sent (`parsing.resource_paths`), so a refusal found after parsing points where the parser's do."""
    if isinstance(refused, FhirRefused):
        return refused.status, refused.issues
    request_path, patient_path = paths

    def located(expression: str) -> str:
        for resource, path in (("ServiceRequest", request_path), ("Patient", patient_path)):
            if expression == resource or expression.startswith(f"{resource}."):
                return path + expression.removeprefix(resource)
        return expression

    issues: list[Issue] = []
    for error in refused.errors:
        if error.field in PATIENT_FIELD_EXPRESSIONS:
            issues.extend(
                Issue("value", located(path), error.message) for path in PATIENT_FIELD_EXPRESSIONS[error.field]
            )
            continue
        for expression in INTAKE_FIELD_EXPRESSIONS.get(error.field, [error.field]):
            issues.append(Issue("business-rule", located(expression), error.message))
    return 422, issues


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": issue.severity,
                "code": issue.code,
                "diagnostics": issue.message,
                **({"expression": [issue.expression]} if issue.expression else {}),
            }
            for issue in issues
        ],
    }


# --- out ------------------------------------------------------------------------------------------------


def version_id(referral: Referral) -> str:
    """Changes whenever the referral row does (status, decision, duplicate review)."""
    return str(int(referral.modified_at.timestamp() * 1_000_000))


def etag(referral: Referral) -> str:
    return f'W/"{version_id(referral)}"'


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _meta(referral: Referral) -> dict[str, str]:
    return {"versionId": version_id(referral), "lastUpdated": _instant(referral.modified_at)}


def _organisation_reference(organisation: Organisation | None) -> dict[str, Any] | None:
    if organisation is None:
        return None
    reference: dict[str, Any] = {"type": "Organization", "display": organisation.name}
    if organisation.ods_code:
        reference["identifier"] = {"system": ext.ODS_CODE_SYSTEM, "value": organisation.ods_code}
    return reference


def _site_reference(referral: Referral) -> dict[str, Any]:
    return {
        "type": "Organization",
        "display": referral.site.name,
        "identifier": {"system": ext.SITE_SYSTEM, "value": str(referral.site_id)},
    }


def _patient_reference(referral: Referral) -> dict[str, Any]:
    """The referral's person, named as its sender named them (never the record's name: see `patient`)."""
    sent = _as_sent(referral)
    display = " ".join(part for part in (sent.get("given_name"), sent.get("family_name")) if part)
    reference: dict[str, Any] = {"reference": f"Patient/{referral.person_id}", "display": display or "The person"}
    if sent.get("nhs_number"):
        reference["identifier"] = {"system": ext.NHS_NUMBER_SYSTEM, "value": sent["nhs_number"]}
    return reference


def service_request(referral: Referral) -> dict[str, Any]:
    # What the sender did not give is left out, as they left it out.
    extension: list[dict[str, Any]] = [{"url": ext.REFERRAL_SOURCE, "valueCode": referral.source}]
    if referral.employment_status:
        extension.append({"url": ext.EMPLOYMENT_STATUS, "valueCode": referral.employment_status})
    if referral.condition_category:
        extension.append({"url": ext.CONDITION_CATEGORY, "valueCode": referral.condition_category})
    if referral.consent_given is not None:
        extension.append({"url": ext.CONSENT, "valueBoolean": referral.consent_given})
    if referral.absence_start:
        extension.append({"url": ext.ABSENCE_START, "valueDate": referral.absence_start.isoformat()})
    if referral.expected_absence_weeks is not None:
        extension.append({"url": ext.EXPECTED_ABSENCE_WEEKS, "valueInteger": referral.expected_absence_weeks})
    if referral.written_consent_date:
        extension.append({"url": ext.WRITTEN_CONSENT_DATE, "valueDate": referral.written_consent_date.isoformat()})
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": _meta(referral),
        "extension": extension,
        "identifier": [{"system": ext.REFERRAL_REFERENCE_SYSTEM, "value": referral.reference}],
        "status": SERVICE_REQUEST_STATUS[Referral.Status(referral.status)],
        "intent": "order",
        "category": [{"coding": [PATIENT_REFERRAL]}],
        "subject": _patient_reference(referral),
        "authoredOn": _instant(referral.received_at),
        "performer": [_site_reference(referral)],
        "reasonCode": [{"text": referral.reason}],
    }
    requester = _organisation_reference(referral.referrer_organisation)
    if requester:
        resource["requester"] = requester
    return resource


def task(referral: Referral) -> dict[str, Any]:
    """The referral's progress, BSeR style: focus is the ServiceRequest, owner the site."""
    status = Referral.Status(referral.status)
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(referral.pk),
        "meta": _meta(referral),
        "identifier": [{"system": ext.REFERRAL_REFERENCE_SYSTEM, "value": referral.reference}],
        "status": TASK_STATUS[status],
        "businessStatus": {
            "coding": [{"system": ext.BUSINESS_STATUS_SYSTEM, "code": status.value, "display": status.label}],
            "text": status.label,
        },
        "intent": "order",
        "focus": {"reference": f"ServiceRequest/{referral.pk}"},
        "for": _patient_reference(referral),
        "authoredOn": _instant(referral.received_at),
        "lastModified": _instant(referral.modified_at),
        "owner": _site_reference(referral),
    }
    if status == Referral.Status.DECLINED and referral.decline_reason:
        resource["statusReason"] = {"text": referral.decline_reason}
    if status == Referral.Status.WITHDRAWN:
        resource["statusReason"] = {"text": "Withdrawn by the referrer"}
    requester = _organisation_reference(referral.referrer_organisation)
    if requester:
        resource["requester"] = requester
    if referral.eligibility_failures:
        failures = "; ".join(failure["message"] for failure in referral.eligibility_failures)
        resource["note"] = [{"text": f"Does not meet the service's criteria ({referral.rules}): {failures}"}]
    return resource


def _as_sent(referral: Referral) -> dict[str, str]:
    """The person's details as this referral's sender gave them. A referral from before they were kept (no
    `sent_details`) shows only what identified the person, never the record's contact details."""
    if referral.sent_details:
        return {name: str(value or "") for name, value in referral.sent_details.items()}
    return {
        "nhs_number": referral.nhs_number,
        "family_name": referral.person.family_name,
        "date_of_birth": referral.person.date_of_birth.isoformat(),
    }


def patient(person: Person, referral: Referral) -> dict[str, Any]:
    """The Patient as a referrer may read it: what it sent on its newest referral about the person, never the
    record's details, which another organisation or the service's staff may have given (issue 13)."""
    sent = _as_sent(referral)
    name: dict[str, Any] = {"use": "official", "family": sent.get("family_name") or person.family_name}
    if sent.get("given_name"):
        name["given"] = [sent["given_name"]]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "meta": {"lastUpdated": _instant(referral.created_at)},
        "name": [name],
        "gender": SEX_TO_GENDER.get(sent.get("sex", ""), "unknown"),
        "birthDate": sent.get("date_of_birth") or person.date_of_birth.isoformat(),
    }
    if sent.get("nhs_number"):
        resource["identifier"] = [{"system": ext.NHS_NUMBER_SYSTEM, "value": sent["nhs_number"]}]
    telecom = [{"system": system, "value": sent[system]} for system in ("phone", "email") if sent.get(system)]
    if telecom:
        resource["telecom"] = telecom
    address: dict[str, Any] = {}
    lines = [sent[line] for line in ("address_line_1", "address_line_2") if sent.get(line)]
    if lines:
        address["line"] = lines
    if sent.get("town"):
        address["city"] = sent["town"]
    if sent.get("postcode"):
        address["postalCode"] = sent["postcode"]
    if address:
        resource["address"] = [address]
    return resource


def transaction_response(referral: Referral, order: list[str], status: str = "201 Created") -> dict[str, Any]:
    """The transaction-response Bundle: one entry per request entry, in the request's order. A Consent is not
    a resource of its own here: it is recorded as the referral's agreement, which the entry says. `status` is
    "200 OK" when a conditional create found the referral already made."""
    request_meta = _meta(referral)
    entries: dict[str, dict[str, Any]] = {
        "Patient": {
            "response": {
                "status": status,
                "location": f"Patient/{referral.person_id}",
                "lastModified": _instant(referral.person.modified_at),
            }
        },
        "ServiceRequest": {
            "resource": service_request(referral),
            "response": {
                "status": status,
                "location": f"ServiceRequest/{referral.pk}/_history/{version_id(referral)}",
                "etag": etag(referral),
                "lastModified": request_meta["lastUpdated"],
            },
        },
        "Consent": {
            "response": {
                "status": "200 OK",
                "outcome": operation_outcome(
                    [
                        Issue(
                            "informational",
                            "",
                            f"Recorded as the person's agreement to be referred, on ServiceRequest/{referral.pk}",
                            severity="information",
                        )
                    ]
                ),
            }
        },
    }
    return {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [entries[resource_type] for resource_type in order if resource_type in entries],
    }
