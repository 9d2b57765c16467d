"""Finding a case from the header's search box: what was typed, what kind of search it is, and the cases found.

One box takes a name, an NHS number, a referral reference, a date of birth or a postcode. `parse_query` tells
which (each kind has a shape of its own: ten digits, FW and eight characters, a date, a UK postcode, or
letters), and `search_cases` answers with the cases the user may see (`cases_visible_to`), never more than
`LIMIT`. The exact kinds read plain b-tree indexes; a name a prefix index on the family name (ADR 14).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases.access import BREAK_GLASS_ROLES, CASE_TEAM_ROLES, cases_visible_to
from fitforwork.cases.models import BreakGlass, CareTeamMember, Case, Delegation
from fitforwork.people.models import Person
from fitforwork.people.nhs_number import normalise_nhs_number
from fitforwork.people.postcodes import normalise_postcode
from fitforwork.referrals.references import ALPHABET

LIMIT = 50
MAX_LENGTH = 100
MIN_NAME_LENGTH = 2
NAME_CANDIDATES = 1000  # a name search sorts at most this many of the user's cases, then shows LIMIT


class Kind(StrEnum):
    NAME = "name"
    NHS_NUMBER = "nhs_number"
    REFERENCE = "reference"
    DATE_OF_BIRTH = "date_of_birth"
    POSTCODE = "postcode"


KIND_LABELS = {
    Kind.NAME: "name",
    Kind.NHS_NUMBER: "NHS number",
    Kind.REFERENCE: "referral reference",
    Kind.DATE_OF_BIRTH: "date of birth",
    Kind.POSTCODE: "postcode",
}


@dataclass(frozen=True)
class Query:
    """What to look for. `value` is the normalised form (ten digits, 'FW-XXXX-XXXX', an ISO date, 'LE1 6TP');
    for a name, `family` and `given` are the words to match the start of the family and first names with."""

    kind: Kind
    value: str
    family: str = ""
    given: str = ""
    born: str = ""  # a name search narrowed by a date of birth: 'Smith 3/4/1980'


@dataclass(frozen=True)
class SearchResult:
    query: Query
    cases: list[Case]
    limit: int
    more: bool  # there are more than LIMIT: the search should be narrowed


_DIGITS_AND_SEPARATORS = re.compile(r"[0-9\s-]+")
_REFERENCE = re.compile(rf"FW[{ALPHABET}]{{8}}")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.\s-]+([0-9]{1,2})[/.\s-]+([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_NAME = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _date_of_birth(text: str) -> date | None:
    """3/4/1980, 03-04-1980, 3.4.1980 and 3 4 1980 are day first, as people in the UK write them; 1980-04-03
    is ISO. Two-digit years are refused: 3/4/80 could be 1980 or 2080 to a computer."""
    if match := _ISO.fullmatch(text):
        return _date(*match.groups())
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
        return _date(year, month, day)
    return None


def parse_query(text: str) -> Query | None:
    """The kind of search `text` asks for, or None when it is none of them (or too short to be a name)."""
    text = " ".join(text.split())[:MAX_LENGTH]
    if not text:
        return None
    if _DIGITS_AND_SEPARATORS.fullmatch(text) and len(digits := normalise_nhs_number(text)) == 10:
        return Query(Kind.NHS_NUMBER, digits)
    compact = re.sub(r"[\s-]", "", text).upper()
    if _REFERENCE.fullmatch(compact):
        return Query(Kind.REFERENCE, f"FW-{compact[2:6]}-{compact[6:]}")
    if (born := _date_of_birth(text)) is not None:
        return Query(Kind.DATE_OF_BIRTH, born.isoformat())
    if (postcode := normalise_postcode(text)) is not None:
        return Query(Kind.POSTCODE, postcode)
    return _name_query(text)


def _name_query(text: str) -> Query | None:
    """'Smith' is a family name; 'Priya Shah' a first and a family name; 'Shah, Priya' the other way round; a
    date of birth may follow ('Smith 3/4/1980'). Each word matches the start of the name, so 'Pri Sha' finds
    Priya Shah and 'Smith' finds Smithson."""
    family_first = "," in text
    words = [word for part in text.split(",") for word in part.split()]
    born = _date_of_birth(words[-1]) if words else None
    if born is not None:
        words = words[:-1]
    if not words or not all(_NAME.fullmatch(word) for word in words):
        return None
    if len(words) == 1:
        family, given = words[0], ""
    elif family_first:
        family, given = words[0], words[1]
    else:
        given, family = words[0], words[-1]
    if len(family) < MIN_NAME_LENGTH:
        return None
    value = " ".join([*words, born.isoformat()] if born else words)
    return Query(Kind.NAME, value, family=family, given=given, born=born.isoformat() if born else "")


def _matching(query: Query) -> Q:
    """The exact kinds, each one b-tree lookup."""
    if query.kind == Kind.NHS_NUMBER:
        return Q(person__nhs_number=query.value) & ~Q(person__nhs_number="")
    if query.kind == Kind.REFERENCE:
        return Q(referral__reference=query.value)
    if query.kind == Kind.DATE_OF_BIRTH:
        return Q(person__date_of_birth=query.value)
    # Kept as given in capitals, so with or without its space: both are index lookups.
    return Q(person__postcode__in=[query.value, query.value.replace(" ", "")])


def _named(query: Query) -> QuerySet[Person, Any]:
    """The ids of the people whose name starts so: on PostgreSQL read from one index alone (migration 0004)."""
    people = Person.objects.filter(family_name__istartswith=query.family)
    if query.given:
        people = people.filter(Q(given_name__istartswith=query.given) | Q(preferred_name__istartswith=query.given))
    if query.born:
        people = people.filter(date_of_birth=query.born)
    return people.order_by().values("pk")


def _relationship_branches(user: User) -> list[Q]:
    """`relationship_filter` and break-glass (`cases_visible_to`) with each subquery answered first, as plain
    values, one filter for each way of seeing a case. The same cases; but the planner can count these (a team
    is one case in a few hundred) where it takes an EXISTS to let half the rows through, and each branch can
    be read from its own index. test_search proves they find the same cases for everyone in the access
    matrix."""
    if not user.is_authenticated or user.role not in BREAK_GLASS_ROLES:
        return []
    now = timezone.now()
    today = timezone.localdate(now)
    case_ids = [
        *CareTeamMember.objects.filter(user=user, removed_at__isnull=True).values_list("case_id", flat=True),
        *BreakGlass.objects.filter(user=user, expires_at__gt=now).values_list("case_id", flat=True),
    ]
    branches = [Q(pk__in=case_ids)] if case_ids else []
    if user.role in CASE_TEAM_ROLES:
        covered = Delegation.objects.filter(
            to_user=user, starts_on__lte=today, ends_on__gte=today, cancelled_at__isnull=True
        ).values_list("from_user_id", flat=True)
        branches.append(Q(case_manager_id__in=[user.pk, *covered]))
        if team_ids := list(user.teams.values_list("pk", flat=True)):
            branches.append(Q(team_id__in=team_ids))
        if user.site_id is not None:
            branches.append(Q(team__isnull=True, site_id=user.site_id))
    return branches


def _relationships_now(user: User) -> Q:
    """The branches as one filter."""
    visible = Q(pk__in=[])
    for branch in _relationship_branches(user):
        visible |= branch
    return visible


ORDER = ("person__family_name", "person__given_name", "person__date_of_birth", "-opened_at", "pk")


def matching_cases(user: User, query: Query) -> QuerySet[Case]:
    """Every case `user` may see that matches `query`, in the order results are shown: by name, then date of
    birth, the newest case of a person first."""
    if query.kind == Kind.NAME:
        cases = cases_visible_to(user).filter(pk__in=_named_case_ids(user, query))
    else:
        cases = cases_visible_to(user).filter(_matching(query))
    return cases.select_related("person", "referral", "case_manager").order_by(*ORDER)


def _named_case_ids(user: User, query: Query) -> list[Any]:
    """The cases `user` may see of the people so named, at most NAME_CANDIDATES of them, in no order.

    A common family name alone belongs to thousands of people nationally but to a few dozen of one team's
    cases. Two sets are found apart, each from its indexes alone where it can be: the ids of the people so
    named (the family name prefix index), and the ids of the user's cases with their people, one branch for
    each way of seeing a case (the team's covering index, the case manager's, the site's). Materialised, the
    planner cannot fold them into one plan that reads one case or one person per row of the other, so the
    cost is the two sets and a hash join of ids (ADR 14). Only the cases found are read, through
    `cases_visible_to` again, and sorted."""
    if query.given or query.born:
        # A first name or a date of birth leaves a few people nationally: start from them, case by case.
        cases = Case.objects.filter(_relationships_now(user), person__in=_named(query)).order_by()
        return list(cases.values_list("pk", flat=True)[:NAME_CANDIDATES])
    branches = [Case.objects.filter(q).order_by().values_list("pk", "person_id") for q in _relationship_branches(user)]
    if not branches:
        return []
    # A case seen two ways is twice in `mine`: harmless, as the ids are only looked up again.
    mine = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    named_sql, named_params = _named(query).query.sql_with_params()
    mine_sql, mine_params = mine.query.sql_with_params()
    sql = (
        f"WITH named (id) AS MATERIALIZED ({named_sql}), "  # noqa: S608 - both parts are the ORM's, with parameters
        f"mine (id, person_id) AS MATERIALIZED ({mine_sql}) "
        "SELECT mine.id FROM mine INNER JOIN named ON named.id = mine.person_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*named_params, *mine_params, NAME_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def search_cases(user: User, query: Query, *, limit: int | None = None) -> SearchResult:
    """Up to `limit` (LIMIT unless given) of the cases `user` may see that match `query`, and whether there
    were more: it asks for one more than it shows, so nothing counts every match."""
    limit = limit or LIMIT
    found = list(matching_cases(user, query)[: limit + 1])
    return SearchResult(query=query, cases=found[:limit], limit=limit, more=len(found) > limit)
