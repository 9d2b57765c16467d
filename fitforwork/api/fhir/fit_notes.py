"""Fit notes as DocumentReference, with the printable PDF: read and search (issue 15, ADR 0034).

A client reads the fit notes of cases its organisation referred when it is the person's GP practice and the
referral was made with consent, the same rule as CarePlan (`careplans.plans_visible`); anything else is a
404, and every read and search is audited. The document's type is given as text only: we could not confirm a
SNOMED CT or LOINC code for the UK Statement of Fitness for Work, and a wrong code is worse than none.
"""

from __future__ import annotations

import base64
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from fitforwork.api.fhir.http import fhir_endpoint, fhir_response, http_date, not_found, parse_uuid
from fitforwork.api.fhir.mappers import _instant
from fitforwork.api.fhir.search import reference_id
from fitforwork.api.fhir.searchsets import SearchError, audited_search
from fitforwork.api.fhir.selectors import referred_by_the_gp_with_consent
from fitforwork.api.models import ApiClient
from fitforwork.core.audit.services import audit_record
from fitforwork.plans.documents import fit_note_document
from fitforwork.plans.fit_note_services import fit_note_pdf
from fitforwork.plans.models import FitNote

FIT_NOTE_TYPE = {"text": "Fit note (Statement of Fitness for Work)"}


def fit_notes_visible(client: ApiClient) -> QuerySet[FitNote]:
    """Fit notes on the cases this client's organisation referred as the person's GP, with consent."""
    return FitNote.objects.select_related("case__person", "case__site", "case__referral").filter(
        referred_by_the_gp_with_consent(client)
    )


def document_reference(note: FitNote) -> dict[str, Any]:
    """One fit note as a DocumentReference, its PDF inline."""
    pdf = fit_note_pdf(note)
    issuer = f"{note.issuer_name}, {note.get_issuer_profession_display().lower()}"
    return {
        "resourceType": "DocumentReference",
        "id": str(note.pk),
        "meta": {"lastUpdated": _instant(note.modified_at)},
        "status": "current",
        "type": FIT_NOTE_TYPE,
        "subject": {"reference": f"Patient/{note.case.person_id}"},
        "date": _instant(note.created_at),
        "author": [{"display": issuer}],
        "description": f"{note.get_fitness_display()}, {note.period_from:%-d %B %Y} to {note.period_to:%-d %B %Y}"
        + (" (issued by the service)" if note.source == FitNote.Source.ISSUED else ""),
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode("ascii"),
                    "title": fit_note_document(note).title,
                    "creation": note.issued_on.isoformat(),
                }
            }
        ],
        "context": {"period": {"start": note.period_from.isoformat(), "end": note.period_to.isoformat()}},
    }


def _filter(queryset: QuerySet[FitNote], name: str, value: str) -> QuerySet[FitNote]:
    if name == "_id":
        return queryset.filter(pk__in=[i for i in (parse_uuid(v) for v in value.split(",")) if i])
    if name in ("patient", "subject"):
        return queryset.filter(case__person_id=reference_id(value, "Patient", name))
    raise SearchError(name, f"DocumentReference cannot be searched by {name}", code="not-supported")


@fhir_endpoint({"GET"})
def document_reference_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    return audited_search(
        request,
        client,
        "DocumentReference",
        fit_notes_visible(client),
        _filter,
        document_reference,
        default_order=("issued_on", "id"),
    )


@fhir_endpoint({"GET"})
def document_reference_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    found = parse_uuid(resource_id)
    note = fit_notes_visible(client).filter(pk=found).first() if found else None
    if note is None:
        return not_found("DocumentReference", resource_id)
    audit_record(
        actor=None,
        action="api.fhir.read",
        obj=note,
        data={"api_client": client.name, "resource": f"DocumentReference/{note.pk}", "case": str(note.case_id)},
    )
    return fhir_response(document_reference(note), headers={"Last-Modified": http_date(note.modified_at)})
