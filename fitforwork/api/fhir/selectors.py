"""What an API client may read: only the referrals its organisation made, and the people they are about."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from fitforwork.api.models import ApiClient
from fitforwork.organisations.models import ServiceModelVersion
from fitforwork.people.models import Person
from fitforwork.referrals.models import Channel, Referral, Submission


def referrals_visible(client: ApiClient) -> QuerySet[Referral]:
    """A client sees only the referrals its organisation made, with what their resources show."""
    return Referral.objects.select_related("person", "site", "referrer_organisation", "rules__service_model").filter(
        referrer_organisation_id=client.organisation_id
    )


def referral_for(client: ApiClient, referral_id: uuid.UUID | None) -> Referral | None:
    return referrals_visible(client).filter(pk=referral_id).first() if referral_id else None


def person_sent_by(client: ApiClient, person_id: uuid.UUID | None) -> tuple[Person, Referral] | None:
    """Someone this client's organisation has referred, with its newest referral about them: a referrer reads
    back what it sent there, never the record's details another organisation or the staff gave (issue 13)."""
    if person_id is None:
        return None
    referral = referrals_visible(client).filter(person_id=person_id).order_by("-received_at", "-created_at").first()
    return (referral.person, referral) if referral is not None else None


def submission_for(client: ApiClient, submission_id: uuid.UUID | None) -> Submission | None:
    """A FHIR submission this client sent (the asynchronous pattern's status endpoint)."""
    if submission_id is None:
        return None
    return Submission.objects.filter(
        pk=submission_id, channel=Channel.FHIR, idempotency_scope=f"apiclient:{client.pk}"
    ).first()


def referral_loaded(referral: Referral, client: ApiClient) -> Referral:
    """The referral with the relations a ServiceRequest shows, read back only when they are not already on it."""
    cached = Referral._meta.get_field
    loaded = (
        all(cached(name).is_cached(referral) for name in ("person", "site", "rules"))  # type: ignore[union-attr]
        and (referral.referrer_organisation_id is None or cached("referrer_organisation").is_cached(referral))  # type: ignore[union-attr]
        and ServiceModelVersion._meta.get_field("service_model").is_cached(referral.rules)  # type: ignore[union-attr]
    )
    if loaded:
        return referral
    return Referral.objects.select_related("person", "site", "referrer_organisation", "rules__service_model").get(
        pk=referral.pk
    )


def referral_for_update(client: ApiClient, referral_id: uuid.UUID | None) -> Referral | None:
    """This client's referral, locked until the request's transaction ends (an update checks its version)."""
    if referral_id is None:
        return None
    return referrals_visible(client).select_for_update(of=("self",)).filter(pk=referral_id).first()
