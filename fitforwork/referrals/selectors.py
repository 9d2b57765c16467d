"""Reads of referrals, each scoped to what the reader may see."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import Q, QuerySet

from fitforwork.accounts.models import Role, User
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral

DUPLICATE_LOOKBACK_DAYS = 365


def find_possible_duplicate(
    *, nhs_number: str, given_name: str, family_name: str, date_of_birth: date, postcode: str, since: date
) -> UUID | None:
    """The id of the newest open or recent referral for the same person: same NHS number, or same name, date
    of birth and postcode. Only the id, since every referral arriving runs this."""
    same_person = Q(
        person__given_name__iexact=given_name.strip(),
        person__family_name__iexact=family_name.strip(),
        person__date_of_birth=date_of_birth,
        person__postcode__iexact=postcode.strip(),
    )
    if nhs_number:
        same_person |= Q(person__nhs_number=nhs_number)
    open_or_recent = Q(status__in=[Referral.Status.RECEIVED, Referral.Status.ACCEPTED]) | Q(
        received_at__date__gte=since - timedelta(days=DUPLICATE_LOOKBACK_DAYS)
    )
    return (
        Referral.objects.filter(same_person & open_or_recent)
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
