"""The consent ledger as FHIR R4 Consent: read and search (issue 16, ADR 0026, ADR 0034).

Each ledger row is one Consent. Who sees which: `consents_visible`. A client sees the ledger of the people on
cases its organisation referred as their GP practice with consent (the CarePlan rule), and of that ledger only
the rows about the service itself (being referred, being assessed: no recipient) that came with no referral or
with this client's own referral, and the rows whose recipient is the client's own organisation. A consent to
share with an employer or anyone else is that person's business with them, never shown to the GP. Anything
else is a 404, and every read and search is audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from fitforwork.api.fhir import extensions as ext
from fitforwork.api.fhir.http import fhir_endpoint, fhir_response, http_date, not_found, parse_uuid
from fitforwork.api.fhir.mappers import _instant
from fitforwork.api.fhir.search import reference_id
from fitforwork.api.fhir.searchsets import SearchError, audited_search
from fitforwork.api.fhir.selectors import referred_by_the_gp_with_consent
from fitforwork.api.models import ApiClient
from fitforwork.cases.models import Case
from fitforwork.consent.models import Consent, Purpose
from fitforwork.consent.selectors import consent_current
from fitforwork.core.audit.services import audit_record

SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
PATIENT_CONSENT = {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
INFORMATION_RECIPIENT = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            "code": "IRCP",
            "display": "information recipient",
        }
    ]
}
SERVICE = {"display": "Fit for Work"}
# Being referred and being assessed are consents to care by the service; the rest are about sharing.
TREATMENT = {Purpose.REFERRAL, Purpose.ASSESSMENT}


def consents_visible(client: ApiClient) -> QuerySet[Consent]:
    """The ledger rows this client may read (the module's docstring says which, and why)."""
    people = Case.objects.filter(referred_by_the_gp_with_consent(client, "")).values("person_id")
    about_the_service = Q(purpose__in=TREATMENT, recipient__isnull=True, recipient_name="") & (
        Q(referral__isnull=True) | Q(referral__referrer_organisation_id=client.organisation_id)
    )
    return (
        Consent.objects.select_related("recipient")
        .filter(person_id__in=people)
        .filter(about_the_service | Q(recipient_id=client.organisation_id))
    )


def _status(row: Consent) -> str:
    if row.action == Consent.Action.REFUSED:
        return "rejected"
    if row.action == Consent.Action.WITHDRAWN:
        return "inactive"
    current = consent_current(
        person=row.person_id,
        purpose=row.purpose,
        recipient=row.recipient,
        recipient_name=row.recipient_name,
        plan_version_id=row.plan_version_id,
    )
    return "active" if current is not None and current.pk == row.pk else "inactive"


def _provision(row: Consent) -> dict[str, Any]:
    provision: dict[str, Any] = {"type": "permit" if row.action == Consent.Action.GIVEN else "deny"}
    if row.recipient is not None:
        organisation: dict[str, Any] = {"display": row.recipient.name}
        if row.recipient.ods_code:
            organisation["identifier"] = {"system": ext.ODS_CODE_SYSTEM, "value": row.recipient.ods_code}
        provision["actor"] = [{"role": INFORMATION_RECIPIENT, "reference": organisation}]
    if row.plan_version_id:
        provision["data"] = [{"meaning": "instance", "reference": {"reference": f"CarePlan/{row.plan_version_id}"}}]
    if row.removed_sections:
        provision["provision"] = [
            {"type": "deny", "code": [{"text": str(section)}]} for section in row.removed_sections
        ]
    return provision


def consent(row: Consent) -> dict[str, Any]:
    """One ledger row as a Consent."""
    patient = {"reference": f"Patient/{row.person_id}"}
    return {
        "resourceType": "Consent",
        "id": str(row.pk),
        "meta": {"lastUpdated": _instant(row.recorded_at)},
        "status": _status(row),
        "scope": {
            "coding": [
                {
                    "system": SCOPE_SYSTEM,
                    "code": "treatment" if row.purpose in TREATMENT else "patient-privacy",
                    "display": "Treatment" if row.purpose in TREATMENT else "Privacy Consent",
                }
            ]
        },
        "category": [{"coding": [PATIENT_CONSENT], "text": Purpose(row.purpose).label}],
        "patient": patient,
        "dateTime": row.given_on.isoformat(),
        "performer": [patient],
        "organization": [SERVICE],
        "policyRule": {"text": "The Fit for Work consent ledger: what the person said, as they said it"},
        "provision": _provision(row),
    }


def _filter(queryset: QuerySet[Consent], name: str, value: str) -> QuerySet[Consent]:
    if name == "_id":
        return queryset.filter(pk__in=[i for i in (parse_uuid(v) for v in value.split(",")) if i])
    if name in ("patient", "subject"):
        return queryset.filter(person_id=reference_id(value, "Patient", name))
    raise SearchError(name, f"Consent cannot be searched by {name}", code="not-supported")


@fhir_endpoint({"GET"})
def consent_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    return audited_search(
        request, client, "Consent", consents_visible(client), _filter, consent, default_order=("recorded_at", "id")
    )


@fhir_endpoint({"GET"})
def consent_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    found = parse_uuid(resource_id)
    row = consents_visible(client).filter(pk=found).first() if found else None
    if row is None:
        return not_found("Consent", resource_id)
    audit_record(
        actor=None,
        action="api.fhir.read",
        obj=row.person,
        data={"api_client": client.name, "resource": f"Consent/{row.pk}", "person": str(row.person_id)},
    )
    return fhir_response(consent(row), headers={"Last-Modified": http_date(row.recorded_at)})
