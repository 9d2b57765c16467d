"""What an API client may read: only the referrals its organisation made, and the people they are about."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from fitforwork.api.models import ApiClient
from fitforwork.organisations.models import Organisation, ServiceModelVersion
from fitforwork.people.models import Person
from fitforwork.referrals.models import Channel, Referral, Submission


def referrals_visible(client: ApiClient) -> QuerySet[Referral]:
    """A client sees only the referrals its organisation made, with what their resources show."""
    return Referral.objects.select_related("person", "site", "referrer_organisation", "rules__service_model").filter(
        referrer_organisation_id=client.organisation_id
    )


def referred_by_the_gp_with_consent(client: ApiClient, case: str = "case__") -> Q:
    """The rule for a person's clinical record (ADR 0025): on a case this client's organisation referred, as the
    person's GP practice, with their consent. `case` is the path from the model filtered to its case ("" for a
    case itself). An employer, a Jobcentre or any other referrer reads no clinical record through the API;
    what is shared with them goes through the consent ledger."""
    return Q(
        **{
            f"{case}referral__referrer_organisation_id": client.organisation_id,
            f"{case}referral__referrer_organisation__kind": Organisation.Kind.GP_PRACTICE,
            f"{case}referral__consent_given": True,
        }
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
