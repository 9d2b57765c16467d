"""Reads of referrals, each scoped to what the reader may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.organisations.models import Organisation, ServiceModelVersion, Site
from fitforwork.people.models import Employment, Person
from fitforwork.people.postcodes import postcode_district
from fitforwork.referrals.models import Referral, Submission

DUPLICATE_LOOKBACK_DAYS = 365


def site_for_referral(*, gp_practice: Organisation | None, postcode: str) -> Site | None:
    """The site covering the person's GP practice, else their postcode district; the first by name on a tie."""
    if gp_practice is not None:
        site = Site.objects.filter(gp_practices=gp_practice).select_related("service_model").order_by("name").first()
        if site is not None:
            return site
    district = postcode_district(postcode)
    if not district:
        return None
    # Areas are short lists of districts per site, and a national service has tens of sites.
    for site in Site.objects.select_related("service_model").order_by("name"):
        if district in {d.upper() for d in site.postcode_districts if isinstance(d, str)}:
            return site
    return None


def latest_rules(service_model_id: Any) -> ServiceModelVersion | None:
    """The newest rules of a service model, or None when it has no version yet."""
    return (
        ServiceModelVersion.objects.select_related("service_model")
        .filter(service_model_id=service_model_id)
        .order_by("-number")
        .first()
    )


def find_possible_duplicate(
    *, nhs_number: str, given_name: str, family_name: str, date_of_birth: date, postcode: str, since: date
) -> UUID | None:
    """The newest open or recent referral for the same person: same NHS number, or same name, date of birth and
    postcode (letter case and outer spaces aside). Open means received or accepted; recent, received within a
    year before `since`. The family name and date of birth use the index `person_family_dob_idx`."""
    same_details = Q(
        family_name__iexact=family_name.strip(),
        date_of_birth=date_of_birth,
        given_name__iexact=given_name.strip(),
        postcode__iexact=postcode.strip(),
    )
    people = Person.objects.filter(same_details | Q(nhs_number=nhs_number) if nhs_number else same_details)
    recent = timezone.make_aware(datetime.combine(since - timedelta(days=DUPLICATE_LOOKBACK_DAYS), time.min))
    return (
        Referral.objects.filter(person__in=people.values("pk"))
        .filter(Q(status__in=[Referral.Status.RECEIVED, Referral.Status.ACCEPTED]) | Q(received_at__gte=recent))
        .order_by("-received_at")
        .values_list("pk", flat=True)
        .first()
    )


def previous_referral_date(*, person: Person, before: datetime) -> date | None:
    latest = Referral.objects.filter(person=person, received_at__lt=before).order_by("-received_at").first()
    return latest.received_at.date() if latest else None


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Referrers see the referrals their organisation made, advisers their own; the site's staff see their site's."""
    base = Referral.objects.select_related("person", "site", "referrer_organisation")
    if user.role in {Role.GP, Role.EMPLOYER, Role.JOBCENTRE, Role.COMMUNITY}:
        if user.organisation_id is None:
            return base.none()
        return base.filter(referrer_organisation_id=user.organisation_id)
    if user.role == Role.ADVICE_ADVISER:
        # Callers come from anywhere: an adviser follows the referrals they made themselves.
        return base.filter(referrer_user=user)
    if user.role in {Role.CASE_MANAGER, Role.TEAM_LEAD, Role.ADMINISTRATOR}:
        if user.site_id is None:
            return base.none()
        return base.filter(site_id=user.site_id)
    return base.none()


def triage_queue(user: User) -> QuerySet[Referral]:
    """Received referrals waiting for a decision, oldest first (the clock started when each arrived)."""
    return referrals_visible_to(user).filter(status=Referral.Status.RECEIVED).order_by("received_at", "id")


def current_employment(person: Person) -> Employment | None:
    """The person's current job as last recorded, with its employer, for triage."""
    jobs = Employment.objects.filter(person=person, is_current=True).select_related("employer")
    return jobs.order_by("-created_at").first()


def submission_for_key(*, scope: str, key: str) -> Submission | None:
    """The submission a sender already made with an idempotency key (their own scope), with its referral."""
    if not key:
        return None
    return Submission.objects.filter(idempotency_scope=scope, idempotency_key=key).select_related("referral").first()
