"""Clients as rows: each a Person with one current Employment and one main Condition.

Rows are plain tuples in the column order below, made in chunks, so a million clients never sit in
memory at once and no model instance is built on PostgreSQL. The seeded generator is the only
source of chance, so a seed always gives the same people, NHS numbers and relations.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate
from typing import Any, TypeVar

from fitforwork.demo import names
from fitforwork.demo.structure import BAND_ORDER, INWARD_LETTERS, SitePlan
from fitforwork.demo.values import day_text, id_maker
from fitforwork.people.models import Condition, Employment, Person

# Dates are relative to this day, not today, so a seed gives the same rows whenever it is run.
REFERENCE_DATE = date(2026, 11, 1)
MIN_AGE, MAX_AGE = 18, 66

PERSON_COLUMNS = (
    "id", "created_at", "modified_at", "nhs_number", "given_name", "family_name", "preferred_name",
    "date_of_birth", "sex", "email", "phone", "address_line_1", "address_line_2", "town", "postcode",
    "preferred_contact_method", "ok_to_leave_voicemail", "preferred_language", "needs_interpreter",
    "communication_needs", "gp_practice_id",
)  # fmt: skip
EMPLOYMENT_COLUMNS = (
    "id", "created_at", "modified_at", "person_id", "status", "employer_id", "employer_name", "job_title",
    "hours_per_week", "absence_start", "work_ended_on", "is_current",
)  # fmt: skip
CONDITION_COLUMNS = ("id", "created_at", "modified_at", "person_id", "category", "description", "is_main", "onset")

Row = tuple[Any, ...]
T = TypeVar("T")

Status = Employment.Status
Category = Condition.Category
Sex = Person.Sex
Contact = Person.ContactMethod

# Roughly 40% musculoskeletal, 40% mental health, 10% both, 10% other, as in these services' caseloads.
# Choice values as plain strings, which the database drivers take as they are.
CATEGORY_MIX = (
    (Category.MUSCULOSKELETAL.value, 0.40, names.MUSCULOSKELETAL_CONDITIONS),
    (Category.MENTAL_HEALTH.value, 0.40, names.MENTAL_HEALTH_CONDITIONS),
    (Category.BOTH.value, 0.10, names.BOTH_CONDITIONS),
    (Category.OTHER.value, 0.10, names.OTHER_CONDITIONS),
)
FEMALE, MALE = Sex.FEMALE.value, Sex.MALE.value
SEX_MIX = ((FEMALE, 0.55), (MALE, 0.435), (Sex.OTHER.value, 0.005), (Sex.NOT_STATED.value, 0.01))
PHONE, EMAIL = Contact.PHONE.value, Contact.EMAIL.value
CONTACT_MIX = ((PHONE, 0.45), (Contact.SMS.value, 0.25), (EMAIL, 0.25), (Contact.LETTER.value, 0.05))
OFF_SICK, AT_WORK, SELF_EMPLOYED = (
    Status.EMPLOYED_OFF_SICK.value,
    Status.EMPLOYED_AT_WORK.value,
    Status.SELF_EMPLOYED.value,
)
SMALL_FIRM_SUFFIXES = (" Ltd", " and Co", " Services", " Trading", " and Sons")


@dataclass
class Chunk:
    persons: list[Row]
    employments: list[Row]
    conditions: list[Row]
    # For the referral and case generator: (person id, site id, employment status, absence start, condition).
    clients: list[Row] = field(default_factory=list)


def _cumulative(pairs: tuple[tuple[Any, float], ...]) -> tuple[list[Any], list[float]]:
    values = [value for value, _ in pairs]
    cumulative = list(accumulate(weight for _, weight in pairs))
    return values, [weight / cumulative[-1] for weight in cumulative]


class _SiteTables:
    """One site's weighted choices, flattened into lists for the inner loop."""

    def __init__(self, plan: SitePlan) -> None:
        spec = plan.spec
        self.site_id = str(plan.id)
        self.districts = list(spec.districts)
        self.towns = dict(spec.districts)
        self.practice_ids = [str(pk) for pk in plan.practice_ids]
        self.practice_districts = plan.practice_districts
        self.practice_cumulative = list(accumulate(plan.practice_weights))
        limit = BAND_ORDER.index(plan.max_employer_band) if plan.max_employer_band else len(BAND_ORDER)
        eligible = [i for i, band in enumerate(plan.employer_bands) if BAND_ORDER.index(band) <= limit]
        self.employer_ids = [str(plan.employer_ids[i]) for i in eligible]
        self.employer_industries = [plan.employer_industries[i] for i in eligible]
        self.employer_cumulative = list(accumulate(plan.employer_weights[i] for i in eligible))
        self.statuses, self.status_cumulative = _cumulative(tuple(plan.employment_statuses.items()))
        self.region = spec.region
        female, male, family = names.FEMALE_GIVEN_NAMES, names.MALE_GIVEN_NAMES, names.FAMILY_NAMES
        if spec.region == "wales":
            female += names.FEMALE_GIVEN_NAMES_WALES * 3
            male += names.MALE_GIVEN_NAMES_WALES * 3
            family += names.FAMILY_NAMES_WALES * 6
        elif spec.region == "scotland":
            female += names.FEMALE_GIVEN_NAMES_SCOTLAND * 3
            male += names.MALE_GIVEN_NAMES_SCOTLAND * 3
            family += names.FAMILY_NAMES_SCOTLAND * 5
        self.female, self.male, self.family = female, male, family


class ClientGenerator:
    """Makes client rows for the given sites, spread by each site's share of the service."""

    def __init__(self, *, rng: random.Random, plans: list[SitePlan], now: datetime) -> None:
        self.rng = rng
        self.random = rng.random
        self.now = str(now)  # text, as the rows hold every date and time (see values.py)
        self._uuid = id_maker(rng)
        self.sites = [_SiteTables(plan) for plan in plans]
        self.site_cumulative = list(accumulate(plan.spec.share for plan in plans))
        self.reference = REFERENCE_DATE.toordinal()
        # NHS numbers: 9 then eight digits stepping through a seeded permutation of 0..10^8-1, so they
        # never repeat and do not look sequential; numbers with no valid check digit are skipped.
        multiplier = rng.randrange(10**7, 10**8) | 1
        self.nhs_multiplier = multiplier + 2 if multiplier % 5 == 0 else multiplier
        self.nhs_offset = rng.randrange(10**8)
        self.nhs_counter = 0
        self.categories = [(category, share, *_cumulative(conditions)) for category, share, conditions in CATEGORY_MIX]
        self.category_cumulative = list(accumulate(share for _, share, *_ in self.categories))
        self.sexes, self.sex_cumulative = _cumulative(SEX_MIX)
        self.contacts, self.contact_cumulative = _cumulative(CONTACT_MIX)
        self.full_time = [Decimal(hours) for hours in names.FULL_TIME_HOURS]
        self.part_time = [Decimal(hours) for hours in names.PART_TIME_HOURS]
        self.industries = list(names.JOBS_BY_INDUSTRY)
        # Whole values made once and picked with one draw, rather than put together for every client.
        self.inward_codes = [f"{digit}{a}{b}" for digit in range(10) for a in INWARD_LETTERS for b in INWARD_LETTERS]
        self.phones = [f"07700 900{n:03d}" for n in range(1000)]
        self.streets = [f"{word} {kind}" for word in names.STREET_WORDS for kind in names.STREET_KINDS]
        # The check digit's weighted sum of the eight digits after the leading 9, in two table look-ups.
        self.nhs_high = [sum(int(d) * w for d, w in zip(f"{n:04d}", (9, 8, 7, 6), strict=True)) for n in range(10**4)]
        self.nhs_low = [sum(int(d) * w for d, w in zip(f"{n:04d}", (5, 4, 3, 2), strict=True)) for n in range(10**4)]

    def chunks(self, total: int, size: int) -> Iterator[Chunk]:
        made = 0
        while made < total:
            count = min(size, total - made)
            chunk = Chunk([], [], [])
            for _ in range(count):
                self._client(chunk)
            made += count
            yield chunk

    # Quicker than Random.choice and Random.randint, which matters a million times over.
    def _pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def _between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def _nhs_number(self) -> str:
        """The next number: the same modulus 11 check digit as `check_digit`, from the look-up tables."""
        high, low = self.nhs_high, self.nhs_low
        while True:
            value = (self.nhs_multiplier * self.nhs_counter + self.nhs_offset) % 10**8
            self.nhs_counter += 1
            remainder = 11 - (90 + high[value // 10**4] + low[value % 10**4]) % 11
            if remainder != 10:
                return f"9{value:08d}{0 if remainder == 11 else remainder}"

    def _client(self, chunk: Chunk) -> None:
        rng, now = self.rng, self.now
        random_ = self.random
        site = self.sites[min(bisect(self.site_cumulative, random_() * self.site_cumulative[-1]),
                              len(self.sites) - 1)]  # fmt: skip
        person_id = self._uuid()

        practice = bisect(site.practice_cumulative, random_() * site.practice_cumulative[-1])
        practice = min(practice, len(site.practice_ids) - 1)
        # Most people live near their practice; some further out in the site's area.
        district = site.practice_districts[practice] if random_() < 0.7 else self._pick(site.districts)[0]
        postcode = f"{district} {self._pick(self.inward_codes)}"

        sex = self.sexes[bisect(self.sex_cumulative, random_())]
        # People who give another sex, or none, get a name from either list.
        is_female = sex == FEMALE or (sex != MALE and random_() < 0.5)
        given = self._pick(site.female if is_female else site.male)
        family = self._pick(site.family)
        age = min(MAX_AGE, max(MIN_AGE, int(rng.gauss(44, 11))))
        date_of_birth = day_text(self.reference - int(age * 365.25) - self._between(0, 364))

        email = ""
        if random_() < 0.8:
            email = f"{given}.{family.replace(chr(39), '')}{self._between(10, 99)}@example.com".lower()
        contact = self.contacts[bisect(self.contact_cumulative, random_())]
        if contact == EMAIL and not email:
            contact = PHONE
        language, interpreter = "English", False
        chance = random_()
        if site.region == "wales" and chance < 0.03:
            language = "Welsh"
        elif chance > 0.93:
            language = self._pick(names.OTHER_LANGUAGES)
            interpreter = random_() < 0.5
        needs = self._pick(names.COMMUNICATION_NEEDS) if random_() < 0.03 else ""

        number = self._between(1, 240)
        street = self._pick(self.streets)
        if random_() < 0.12:
            line_1, line_2 = f"Flat {self._between(1, 24)}", f"{number} {street}"
        else:
            line_1, line_2 = f"{number} {street}", ""

        chunk.persons.append((
            person_id, now, now, self._nhs_number(), given, family, "", date_of_birth, sex, email,
            self._pick(self.phones), line_1, line_2, site.towns[district], postcode, contact,
            random_() < 0.6, language, interpreter, needs, site.practice_ids[practice],
        ))  # fmt: skip
        ended_or_absent = self._employment(chunk, site, person_id)
        self._condition(chunk, person_id, ended_or_absent)
        employment, condition = chunk.employments[-1], chunk.conditions[-1]
        chunk.clients.append((person_id, site.site_id, employment[4], employment[9], condition[4]))

    def _employment(self, chunk: Chunk, site: _SiteTables, person_id: str) -> int | None:
        """Add the current employment; return the day (as an ordinal) the absence began or work ended."""
        random_ = self.random
        status = site.statuses[bisect(site.status_cumulative, random_())]
        employer_id, employer_name, hours = None, "", None
        absence_start = work_ended_on = None
        day: int | None = None
        if status in (OFF_SICK, AT_WORK):
            if site.employer_ids and random_() < 0.85:
                index = bisect(site.employer_cumulative, random_() * site.employer_cumulative[-1])
                index = min(index, len(site.employer_ids) - 1)
                employer_id, industry = site.employer_ids[index], site.employer_industries[index]
            else:
                industry = self._pick(self.industries)
                employer_name = self._pick(names.FAMILY_NAMES) + self._pick(SMALL_FIRM_SUFFIXES)
            job_title = self._pick(names.JOBS_BY_INDUSTRY[industry])
            hours = self._pick(self.full_time if random_() < 0.72 else self.part_time)
            if status == OFF_SICK:
                # Mostly off for 1 to 26 weeks; some longer.
                day = self.reference - (self._between(7, 182) if random_() < 0.85 else self._between(183, 365))
                absence_start = day_text(day)
        elif status == SELF_EMPLOYED:
            job_title = self._pick(names.SELF_EMPLOYED_JOBS)
            hours = self._pick(self.full_time if random_() < 0.6 else self.part_time)
        else:
            # Recently out of work: the last job, ended within the last 12 weeks.
            job_title = self._pick(names.JOBS_BY_INDUSTRY[self._pick(self.industries)])
            day = self.reference - self._between(7, 84)
            work_ended_on = day_text(day)
        chunk.employments.append((
            self._uuid(), self.now, self.now, person_id, status, employer_id, employer_name, job_title, hours,
            absence_start, work_ended_on, True,
        ))  # fmt: skip
        return day

    def _condition(self, chunk: Chunk, person_id: str, ended_or_absent: int | None) -> None:
        rng = self.rng
        index = min(bisect(self.category_cumulative, rng.random()), len(self.categories) - 1)
        category, _, descriptions, cumulative = self.categories[index]
        description = descriptions[bisect(cumulative, rng.random())]
        if ended_or_absent is not None:
            onset = day_text(ended_or_absent - self._between(0, 120))
        else:
            onset = day_text(self.reference - self._between(14, 540))
        chunk.conditions.append((self._uuid(), self.now, self.now, person_id, category, description, True, onset))
