"""Every version of a referral's ServiceRequest, so vread of an earlier one and `_history` work.

The current version is the referral itself. Just before the referral row changes (any service's `save()`,
in its transaction), the version it is leaving is written as it was served: a `ServiceRequestVersion` row.
A referral made by `bulk_create` has no signal, but nothing is lost: its first version is written when it
first changes. A row changed with `QuerySet.update()` (the demo data, tests) keeps no earlier version.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db.models.signals import pre_save

from fitforwork.api.fhir import mappers
from fitforwork.api.models import ServiceRequestVersion
from fitforwork.referrals.models import Referral

RELATED = ("person", "site", "referrer_organisation", "rules__service_model")


def _keep_the_version_being_left(sender: Any, *, instance: Referral, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance._state.adding:
        return
    previous = Referral.objects.select_related(*RELATED).filter(pk=instance.pk).first()
    if previous is None:
        return
    version = mappers.version_id(previous)
    if ServiceRequestVersion.objects.filter(referral_id=previous.pk, version_id=version).exists():
        return
    ServiceRequestVersion.objects.create(
        referral_id=previous.pk,
        version_id=version,
        last_updated=previous.modified_at,
        resource=mappers.service_request(previous),
    )


def connect() -> None:
    pre_save.connect(_keep_the_version_being_left, sender=Referral, dispatch_uid="api-fhir-keep-version")


def earlier(referral: Referral, version_id: str) -> ServiceRequestVersion | None:
    """An earlier version of this referral's ServiceRequest, if it is kept."""
    return ServiceRequestVersion.objects.filter(referral=referral, version_id=version_id).first()


def history_bundle(referral: Referral, base_url: str) -> dict[str, Any]:
    """A `history` Bundle, newest first: the current version, then each earlier one kept."""
    current = mappers.version_id(referral)
    versions: list[tuple[str, Any, dict[str, Any]]] = [
        (current, referral.modified_at, mappers.service_request(referral))
    ]
    for row in ServiceRequestVersion.objects.filter(referral=referral).order_by("-last_updated", "-id"):
        if row.version_id != current:
            versions.append((row.version_id, row.last_updated, row.resource))
    entries = []
    for number, (version, last_updated, resource) in enumerate(versions):
        first = number == len(versions) - 1
        url = f"ServiceRequest/{referral.pk}"
        entries.append(
            {
                "fullUrl": f"{base_url}{url}",
                "resource": resource,
                "request": {"method": "POST" if first else "PUT", "url": "ServiceRequest" if first else url},
                "response": {
                    "status": "201 Created" if first else "200 OK",
                    "etag": f'W/"{version}"',
                    "lastModified": last_updated.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                },
            }
        )
    return {"resourceType": "Bundle", "type": "history", "total": len(entries), "entry": entries}
