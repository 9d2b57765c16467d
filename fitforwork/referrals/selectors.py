"""Reads of referrals, each scoped to what the reader may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.people.models import Employment, Person
from fitforwork.referrals.models import Referral

DUPLICATE_LOOKBACK_DAYS = 365


@dataclass(frozen=True)
class Identity:
    """Who a referral says it is about, as the duplicate check compares them."""

    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str
    since: date  # the day the referral arrived: referrals within a year before it count as recent


def find_possible_duplicates(people: Sequence[Identity]) -> list[tuple[UUID, datetime] | None]:
    """For each person, the id and arrival time of the newest open or recent referral for the same person:
    same NHS number, or same name, date of birth and postcode (letter case and outer spaces aside). Open
    means received or accepted; recent, received within a year before `since`.

    One statement for everyone in a batch of arriving referrals, in plain SQL: on this, the busiest path,
    the ORM took longer to build the query than the database took to run it. The people sought are a
    table of values joined to people, so the plan stays the same size however many there are (a UNION of
    one query each took PostgreSQL 78 ms to plan for 100). The family name and date of birth use the index
    `person_family_dob_idx`, the NHS number its unique index.
    """
    if not people:
        return []
    ops = connection.ops
    rows: list[str] = []
    params: list[Any] = []
    for n, who in enumerate(people):
        recent = timezone.make_aware(datetime.combine(who.since - timedelta(days=DUPLICATE_LOOKBACK_DAYS), time.min))
        rows.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += [
            n,
            who.family_name.strip(),
            ops.adapt_datefield_value(who.date_of_birth),
            who.given_name.strip(),
            who.postcode.strip(),
            who.nhs_number or None,  # NULL matches nobody
            ops.adapt_datetimefield_value(recent),
        ]
    params += [Referral.Status.RECEIVED, Referral.Status.ACCEPTED]
    # Only table names from the models go into the text; every value is a parameter.
    people_table, referrals_table = Person._meta.db_table, Referral._meta.db_table
    sql = (
        "WITH wanted (n, family_name, date_of_birth, given_name, postcode, nhs_number, recent) AS"  # noqa: S608
        f" (VALUES {', '.join(rows)}),"
        # Two plain joins, each with its index, rather than one join on an OR, which no index serves.
        " matches (n, person_id, recent) AS ("
        f"  SELECT w.n, p.id, w.recent FROM wanted w JOIN {people_table} p"
        # The database upper-cases both sides, so each compares names exactly as its own UPPER does.
        "   ON UPPER(p.family_name) = UPPER(w.family_name) AND p.date_of_birth = w.date_of_birth"
        "   AND UPPER(p.given_name) = UPPER(w.given_name) AND UPPER(p.postcode) = UPPER(w.postcode)"
        # The NHS number's unique index leaves out people without one: saying so lets it be used.
        f"  UNION SELECT w.n, p.id, w.recent FROM wanted w JOIN {people_table} p"
        "   ON p.nhs_number = w.nhs_number AND NOT p.nhs_number = ''"
        " )"
        " SELECT n, id, received_at FROM ("
        "  SELECT m.n, r.id, r.received_at,"
        "   ROW_NUMBER() OVER (PARTITION BY m.n ORDER BY r.received_at DESC) AS newest"
        f"  FROM matches m JOIN {referrals_table} r ON r.person_id = m.person_id"
        "  WHERE r.status IN (%s, %s) OR r.received_at >= m.recent"
        " ) AS ranked WHERE newest = 1"
    )
    found: list[tuple[UUID, datetime] | None] = [None] * len(people)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for n, pk, received_at in cursor.fetchall():
            if isinstance(received_at, str):  # SQLite keeps UTC as text
                received_at = datetime.fromisoformat(received_at)
            if timezone.is_naive(received_at):  # and gives it back without a zone
                received_at = received_at.replace(tzinfo=UTC)
            found[n] = (pk if isinstance(pk, UUID) else UUID(pk), received_at)
    return found


def find_possible_duplicate(
    *, nhs_number: str, given_name: str, family_name: str, date_of_birth: date, postcode: str, since: date
) -> UUID | None:
    """`find_possible_duplicates` for one person: the referral's id."""
    found = find_possible_duplicates([Identity(nhs_number, given_name, family_name, date_of_birth, postcode, since)])
    return found[0][0] if found[0] else None


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
