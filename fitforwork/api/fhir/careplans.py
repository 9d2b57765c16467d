"""Agreed return-to-work plan versions as CarePlan: read and search (issue 15, as ADR 0025 does for scores).

Only agreed versions are served (a draft is not a plan yet), each a CarePlan with an activity per
recommendation; a later version `replaces` the one before, and only the newest is `active`. A client reads
the plans of cases its organisation referred when it is the person's GP practice and the referral was made
with consent, as for questionnaire responses; anything else is a 404, and every read and search is audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse

from fitforwork.api.fhir.http import fhir_endpoint, fhir_response, http_date, not_found, parse_uuid
from fitforwork.api.fhir.mappers import _instant
from fitforwork.api.fhir.search import reference_id
from fitforwork.api.fhir.searchsets import SearchError, audited_search
from fitforwork.api.fhir.selectors import referred_by_the_gp_with_consent
from fitforwork.api.models import ApiClient
from fitforwork.core.audit.services import audit_record
from fitforwork.plans.documents import recommendation_text
from fitforwork.plans.models import PlanVersion, RecommendationKind

ACTIVITY_KIND: dict[str, str] = {
    RecommendationKind.ONWARD_REFERRAL: "ServiceRequest",
    RecommendationKind.SIGNPOSTING: "CommunicationRequest",
}


def plans_visible(client: ApiClient) -> QuerySet[PlanVersion]:
    """Agreed versions on the cases this client's organisation referred as the person's GP, with consent."""
    return (
        PlanVersion.objects.select_related("plan__case")
        .prefetch_related("recommendations__intervention", "recommendations__obstacle")
        .filter(referred_by_the_gp_with_consent(client, "plan__case__"), status=PlanVersion.Status.AGREED)
    )


def care_plan(version: PlanVersion, newest_agreed: int) -> dict[str, Any]:
    """One agreed version as a CarePlan."""
    case = version.plan.case
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(version.pk),
        "meta": {"lastUpdated": _instant(version.modified_at)},
        "status": "active" if version.number == newest_agreed else "revoked",
        "intent": "plan",
        "title": f"Return-to-work plan, version {version.number}",
        "description": version.get_fitness_display(),
        "subject": {"reference": f"Patient/{case.person_id}"},
        "period": {"start": version.period_from.isoformat(), "end": version.period_to.isoformat()}  # type: ignore[union-attr]
        if version.period_from
        else None,
        "created": _instant(version.agreed_at) if version.agreed_at else None,
        "activity": [
            {
                "detail": {
                    **({"kind": ACTIVITY_KIND[r.kind]} if r.kind in ACTIVITY_KIND else {}),
                    "code": {"text": RecommendationKind(r.kind).label},
                    "reasonCode": [{"text": r.obstacle.label}],
                    "status": "scheduled" if r.onward_referral_id else "not-started",
                    "description": recommendation_text(
                        r.kind, r.adjustment, r.text, r.intervention.name if r.intervention else ""
                    ),
                }
            }
            for r in version.recommendations.all()
        ],
        "note": [{"text": f"Further sources of help: {version.further_help}"}] if version.further_help else [],
    }
    if version.based_on_number:
        resource["replaces"] = [{"display": f"Return-to-work plan, version {version.based_on_number}"}]
    return {key: value for key, value in resource.items() if value not in (None, [])}


def _newest_agreed(version: PlanVersion) -> int:
    found = PlanVersion.objects.filter(plan_id=version.plan_id, status=PlanVersion.Status.AGREED).aggregate(
        newest=Max("number")
    )
    return int(found["newest"] or version.number)


def _filter(queryset: QuerySet[PlanVersion], name: str, value: str) -> QuerySet[PlanVersion]:
    if name == "_id":
        return queryset.filter(pk__in=[i for i in (parse_uuid(v) for v in value.split(",")) if i])
    if name in ("patient", "subject"):
        return queryset.filter(plan__case__person_id=reference_id(value, "Patient", name))
    raise SearchError(name, f"CarePlan cannot be searched by {name}", code="not-supported")


@fhir_endpoint({"GET"})
def care_plan_type(request: HttpRequest, client: ApiClient) -> HttpResponse:
    return audited_search(
        request,
        client,
        "CarePlan",
        plans_visible(client),
        _filter,
        lambda version: care_plan(version, _newest_agreed(version)),
        default_order=("agreed_at", "id"),
    )


@fhir_endpoint({"GET"})
def care_plan_instance(request: HttpRequest, client: ApiClient, resource_id: str) -> HttpResponse:
    found = parse_uuid(resource_id)
    version = plans_visible(client).filter(pk=found).first() if found else None
    if version is None:
        return not_found("CarePlan", resource_id)
    audit_record(
        actor=None,
        action="api.fhir.read",
        obj=version,
        data={"api_client": client.name, "resource": f"CarePlan/{version.pk}", "case": str(version.plan.case_id)},
    )
    return fhir_response(
        care_plan(version, _newest_agreed(version)), headers={"Last-Modified": http_date(version.modified_at)}
    )
