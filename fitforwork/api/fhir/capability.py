"""The CapabilityStatement: exactly the interactions and search parameters the views implement."""

from __future__ import annotations

from typing import Any

from fitforwork.api.fhir import extensions as ext

SOFTWARE_VERSION = "0.1.0"
# Kept beside the views it describes; tests/api checks each one works and nothing unlisted does.
RESOURCES: dict[str, dict[str, Any]] = {
    "ServiceRequest": {
        "interactions": ["read", "create", "search-type"],
        "search": {
            "_id": ("token", "The referral's id"),
            "identifier": ("token", f"Our referral reference ({ext.REFERRAL_REFERENCE_SYSTEM})"),
            "patient": ("reference", "Patient/{id}"),
            "status": ("token", "active (received), completed (accepted), revoked (declined)"),
        },
    },
    "Task": {
        "interactions": ["read", "search-type"],
        "search": {
            "_id": ("token", "The task's id (the same as its ServiceRequest's)"),
            "focus": ("reference", "ServiceRequest/{id}"),
            "patient": ("reference", "Patient/{id}"),
        },
    },
    "Patient": {"interactions": ["read"], "search": {}},
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
                    "Search results page with _count (at most 100, default 20) and _page; the Bundle links are "
                    "self, next and previous. POST ServiceRequest and transactions honour an Idempotency-Key header. "
                    "POST ServiceRequest with 'Prefer: respond-async' answers 202 once the referral is stored and "
                    "checked, with a Content-Location to poll: 202 while it is made, then a batch-response Bundle."
                ),
                "security": {
                    "description": (
                        "Send the token issued by `fitforwork apiclient create` as 'Authorization: Bearer <token>'. "
                        "A client sees only the referrals its organisation made. metadata is public."
                    )
                },
                "resource": [
                    {
                        "type": resource_type,
                        "interaction": [{"code": code} for code in spec["interactions"]],
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
