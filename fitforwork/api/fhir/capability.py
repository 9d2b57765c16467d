"""The CapabilityStatement: exactly the interactions and search parameters the views implement."""

from __future__ import annotations

from typing import Any

from fitforwork.api.fhir import extensions as ext

SOFTWARE_VERSION = "0.1.0"
# Kept beside the views it describes; tests/api checks each one works and nothing unlisted does.
PATIENT = "Patient/{id}, or with :identifier the NHS number (https://fhir.nhs.uk/Id/nhs-number|<number>)"
LAST_UPDATED = "meta.lastUpdated, with the prefixes eq, ne, gt, lt, ge and le, at the precision given"
RESOURCES: dict[str, dict[str, Any]] = {
    "ServiceRequest": {
        "interactions": ["read", "vread", "update", "history-instance", "create", "search-type"],
        "conditionalCreate": True,
        "versioning": "versioned-update",
        "readHistory": True,
        "search": {
            "_id": ("token", "The referral's id"),
            "_lastUpdated": ("date", LAST_UPDATED),
            "identifier": ("token", f"Our referral reference ({ext.REFERRAL_REFERENCE_SYSTEM})"),
            "patient": ("reference", PATIENT),
            "subject": ("reference", PATIENT),
            "status": ("token", "active (received), completed (accepted), revoked (declined or withdrawn)"),
        },
    },
    "Task": {
        "interactions": ["read", "vread", "search-type"],
        "search": {
            "_id": ("token", "The task's id (the same as its ServiceRequest's)"),
            "_lastUpdated": ("date", LAST_UPDATED),
            "focus": ("reference", "ServiceRequest/{id}"),
            "patient": ("reference", PATIENT),
            "subject": ("reference", PATIENT),
        },
    },
    "Patient": {"interactions": ["read"], "search": {}},
    # Issue 14 (ADR 0025): the instruments, the answers and the scores.
    "Questionnaire": {
        "interactions": ["read", "search-type"],
        "search": {
            "_id": ("token", "The questionnaire's id: the instrument's code and version, like phq9-1.0"),
            "url": ("uri", "The instrument's canonical URL (any |version is ignored: search version for that)"),
            "version": ("token", "The definition's version"),
        },
    },
    "QuestionnaireResponse": {
        "interactions": ["read", "search-type"],
        "search": {
            "_id": ("token", "The response's id"),
            "patient": ("reference", "Patient/{id}"),
            "subject": ("reference", "Patient/{id}"),
            "questionnaire": ("reference", "The Questionnaire's canonical URL, with |version or without"),
        },
    },
    "Observation": {
        "interactions": ["read", "search-type"],
        "search": {
            "_id": ("token", "The observation's id (the same as its QuestionnaireResponse's)"),
            "patient": ("reference", "Patient/{id}"),
            "subject": ("reference", "Patient/{id}"),
            "code": ("token", "The score's LOINC code (http://loinc.org|44261-6) or instrument code"),
        },
    },
    # Issue 15: agreed return-to-work plan versions.
    "CarePlan": {
        "interactions": ["read", "search-type"],
        "search": {
            "_id": ("token", "The plan version's id"),
            "patient": ("reference", "Patient/{id}"),
            "subject": ("reference", "Patient/{id}"),
        },
    },
    # Issues 15 and 16 (ADR 0034): fit notes with their PDF, and the consent ledger.
    "DocumentReference": {
        "interactions": ["read", "search-type"],
        "search": {
            "_id": ("token", "The fit note's id"),
            "patient": ("reference", "Patient/{id}"),
            "subject": ("reference", "Patient/{id}"),
        },
    },
    "Consent": {
        "interactions": ["read", "search-type"],
        "search": {
            "_id": ("token", "The consent ledger row's id"),
            "patient": ("reference", "Patient/{id}"),
            "subject": ("reference", "Patient/{id}"),
        },
    },
}
SYSTEM_INTERACTIONS = ["transaction"]


def capability_statement(base_url: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-01",
        "publisher": "Fit for Work",
        "kind": "instance",
        "software": {"name": "Fit for Work", "version": SOFTWARE_VERSION},
        "implementation": {"description": "Fit for Work referrals, FHIR R4 facade", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Every resource sent is checked against FHIR R4 (fhir.resources' R4B models) before it is read: "
                    "an element FHIR does not define, or a value in the wrong form, is a 400 OperationOutcome naming "
                    "it. Send JSON (application/fhir+json or application/json); anything else is a 415. "
                    "A referral need not carry our extensions: employment status, condition category and consent "
                    "left out are recorded as not given and asked at triage; consent may come as a Consent entry "
                    "in a transaction. "
                    "Search results page with _count (at most 100, default 20) and _page, with self, first, "
                    "previous, next and last links; _sort=_lastUpdated or -_lastUpdated; _total=accurate (the "
                    "default) or none. Every version of a ServiceRequest is kept: vread answers each, and "
                    "ServiceRequest/{id}/_history lists them; a Task has only its current version. Reads answer "
                    "ETag and Last-Modified, and 304 to If-None-Match. "
                    "POST ServiceRequest honours If-None-Exist (200 with the one match, 412 for several), an "
                    "Idempotency-Key header, and 'Prefer: return=minimal'. With 'Prefer: respond-async' it "
                    "answers 202 once the referral is stored and checked, with a Content-Location to poll: 202 "
                    "while it is made, then a batch-response Bundle. "
                    "PUT ServiceRequest/{id} withdraws a referral: send the resource as read with status 'revoked' "
                    'and If-Match: W/"<versionId>". Without If-Match it is a 428, with a stale one a 412, and any '
                    "other change a 422 (anything else is corrected by phoning the service). Deletes are not "
                    "supported."
                ),
                "security": {
                    "description": (
                        "Send the token issued by `fitforwork apiclient create` as 'Authorization: Bearer <token>'. "
                        "A client sees only the referrals its organisation made, and the questionnaire responses and "
                        "scores on the cases those referrals opened; a GP practice that referred with consent "
                        "also reads their agreed plans (CarePlan), fit notes (DocumentReference) and the consent "
                        "ledger's rows about the service or about sharing with the practice (Consent). "
                        "Questionnaires are open to any client. "
                        "metadata is public."
                    )
                },
                "resource": [
                    {
                        "type": resource_type,
                        "interaction": [{"code": code} for code in spec["interactions"]],
                        "versioning": spec.get("versioning", "versioned"),
                        "readHistory": spec.get("readHistory", False),
                        "updateCreate": False,
                        "conditionalCreate": spec.get("conditionalCreate", False),
                        "conditionalUpdate": False,
                        "conditionalDelete": "not-supported",
                        **(
                            {
                                "searchParam": [
                                    {"name": name, "type": kind, "documentation": doc}
                                    for name, (kind, doc) in spec["search"].items()
                                ]
                            }
                            if spec["search"]
                            else {}
                        ),
                    }
                    for resource_type, spec in RESOURCES.items()
                ],
                "interaction": [{"code": code} for code in SYSTEM_INTERACTIONS],
            }
        ],
    }
