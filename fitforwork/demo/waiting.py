"""Referrals waiting for triage: a handful at each site, so triage, its home-page counts and its panels have
something to try.

Unlike the bulk rows, these few go through the referral intake itself (`referral_from_submission`), from a
submission stored with the day it arrived: routing, eligibility, the first-contact clock, the duplicate check
and the NHS-number check run as they would for a real referral. At each site they arrived over the last few
working days, one with its first contact due today and one overdue, from a mix of channels. The main site
also has one of each kind triage treats specially: a possible duplicate of an earlier referral, an NHS number
another person record holds (kept as sent), a plain FHIR referral without employment status, condition or
consent, and a self-referral saying what help is wanted; and one accepted case nobody is allocated to, whose
first contact is overdue. The referrers' demo sign-ins then claim some of these (referrers.py), so their home
pages show referrals waiting. A fixed number per site, so the million-case load hardly notices them.

The seed decides who they are about, where and when they arrived; their keys and references are the intake's,
new each load, as the demo's users' are.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.core.calendar import add_working_days, is_working_day, next_working_day
from fitforwork.demo.areas import MAIN_SITE
from fitforwork.demo.names import FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES
from fitforwork.demo.structure import SitePlan
from fitforwork.organisations.models import Site
from fitforwork.organisations.selectors import rules_config
from fitforwork.people.models import Person
from fitforwork.referrals.inputs import ReferralInput
from fitforwork.referrals.models import Referral, Submission
from fitforwork.referrals.services import referral_accept
from fitforwork.referrals.submissions import referral_from_submission

FEWEST, MOST = 3, 8
# (channel, source), in the order each site's waiting referrals take them.
ROUTES = (
    ("gp_form", "gp"),
    ("self_form", "self"),
    ("employer_form", "employer"),
    ("jobcentre_form", "jobcentre"),
    ("community_form", "community"),
    ("advice_line", "advice_line"),
    ("gp_form", "gp"),
    ("self_form", "self"),
)
# What each of their submissions holds, so they can be told from the bulk rows.
PAYLOAD = {"demo": True, "waiting_for_triage": True}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MAIN_SITE_ROUTES = 6  # the first six ROUTES: each channel once
REASONS = (
    "Lower back pain for three weeks; off work from a warehouse job.",
    "Anxiety and low sleep; finding shifts hard to manage.",
    "Shoulder pain after a fall; cannot lift at work yet.",
    "Low mood since a bereavement; signed off for two weeks.",
    "Knee pain when standing; worried about keeping the job.",
)
JOB_TITLES = ("Warehouse operative", "Care assistant", "Bus driver", "Office administrator", "Retail assistant")
HELP_WANTED = (
    "Talking to my manager about lighter duties while my back gets better",
    "Getting back to work gradually and sleeping better",
    "Exercises for my shoulder and a plan for going back",
)


@dataclass(frozen=True)
class _Day:
    """When a waiting referral arrived: a day, and minutes after 08:00."""

    day: date
    minutes: int


def waiting_people() -> QuerySet[Person]:
    """The people these referrals are about: new records, made by the intake, apart from the seeded clients."""
    return Person.objects.filter(referrals__submission__payload__waiting_for_triage=True).distinct()


def waiting_per_site(cases: int) -> int:
    """How many referrals wait at each site: three for a tiny demo, one more for each tenfold, at most eight."""
    return max(FEWEST, min(MOST, FEWEST + int(math.log10(max(cases, 1)))))


def _received_on(*, today: date, due: date, standard: int, nation: str) -> date:
    """The latest day a referral could arrive and have its first contact due on `due`."""
    day = today
    while add_working_days(day, standard, nation) > due:
        day -= timedelta(days=1)
    return day


def _previous_working_day(day: date, nation: str) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day, nation):
        day -= timedelta(days=1)
    return day


class WaitingReferrals:
    """The waiting referrals of every site, from one seeded generator."""

    def __init__(self, *, rng: random.Random, plans: Sequence[SitePlan], cases: int, now: datetime) -> None:
        self.rng = rng
        self.plans = plans
        self.count = waiting_per_site(cases)
        self.now = now
        self.today = timezone.localdate(now)

    def make(self) -> int:
        """Make them all; return how many referrals were made."""
        made = 0
        for plan in self.plans:
            site = Site.objects.select_related("service_model").get(pk=plan.id)
            made += self._site(site, plan)
        return made

    # The days, the people and the inputs.

    def _days(self, site: Site, how_many: int) -> list[_Day]:
        """One due today, one overdue, the rest over the last two working days."""
        version = site.service_model.current_version
        standard = rules_config(version).time_standards.first_contact_working_days if version else 2
        nation = site.nation
        # Due today, or on the next working day when the demo is loaded on a weekend or bank holiday.
        due_today = _received_on(
            today=self.today, due=next_working_day(self.today, nation), standard=standard, nation=nation
        )
        overdue = _received_on(
            today=self.today, due=_previous_working_day(self.today, nation), standard=standard, nation=nation
        )
        recent = [self.today, self.today, _previous_working_day(self.today, nation)]
        days = [due_today, overdue] + [recent[index % len(recent)] for index in range(how_many - 2)]
        return [_Day(day, self.rng.randrange(0, 420)) for day in days]

    def _at(self, when: _Day) -> datetime:
        at = timezone.make_aware(datetime.combine(when.day, time(8)) + timedelta(minutes=when.minutes))
        # Never later than now, nor (just after midnight) before the day it is meant for.
        start = timezone.make_aware(datetime.combine(when.day, time(0)))
        return max(start, min(at, self.now - timedelta(minutes=5 + when.minutes % 50)))

    def _name(self) -> tuple[str, str]:
        given = self.rng.choice(FEMALE_GIVEN_NAMES if self.rng.random() < 0.5 else MALE_GIVEN_NAMES)
        return given, self.rng.choice(FAMILY_NAMES)

    def _input(self, site: Site, plan: SitePlan, route: tuple[str, str], when: _Day, **given: Any) -> ReferralInput:
        source, rng = route[1], self.rng
        given_name, family_name = self._name()
        district = plan.spec.districts[self.rng.randrange(len(plan.spec.districts))][0]
        practices = list(site.gp_practices.order_by("ods_code")[:5])
        values: dict[str, Any] = {
            "source": source,
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            "postcode": f"{district} {1 + rng.randrange(9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}",
            "phone": f"07700 900{self.rng.randrange(1000):03d}",
            "reason": self.rng.choice(REASONS),
            "condition_category": self.rng.choice(("musculoskeletal", "mental_health", "both")),
            "employment_status": "employed_off_sick",
            "absence_start": when.day - timedelta(days=7 + self.rng.randrange(35)),
            "consent_given": True,
            "job_title": rng.choice(JOB_TITLES),
            "gp_practice": practices[self.rng.randrange(len(practices))] if practices else None,
        }
        if source == "self":
            values["help_wanted"] = self.rng.choice(HELP_WANTED)
        if source == "employer":
            values["written_consent_date"] = when.day - timedelta(days=2)
            values["employer_name"] = f"{plan.spec.places[0]} Distribution Ltd"
        if source == "jobcentre":
            values.update(employment_status="unemployed", absence_start=None, job_title="")
            values["unemployed_since"] = when.day - timedelta(days=90)
        values.update(given)
        return ReferralInput(**values)

    def _receive(self, channel: str, when: _Day, data: ReferralInput) -> Referral:
        at = self._at(when)
        submission = Submission.objects.create(channel=channel, received_at=at, payload=dict(PAYLOAD))
        return referral_from_submission(submission=submission, data=data)

    # Each site's referrals.

    def _site(self, site: Site, plan: SitePlan) -> int:
        # The main site takes every route at least once, so each demo referrer sign-in can claim one.
        main = site.name == MAIN_SITE.name
        days = self._days(site, max(self.count, MAIN_SITE_ROUTES) if main else self.count)
        for index, when in enumerate(days):
            route = ROUTES[index % len(ROUTES)]
            self._receive(route[0], when, self._input(site, plan, route, when))
        if not main:
            return len(days)
        return len(days) + self._specials(site, plan, days)

    def _specials(self, site: Site, plan: SitePlan, days: list[_Day]) -> int:
        """The main site's referrals of each kind triage treats specially, and an unallocated accepted case."""
        recent = days[-1]
        made = 0
        clients = Person.objects.filter(referrals__site=site).exclude(nhs_number="").order_by("nhs_number")
        earlier, holder = clients.first(), clients.last()
        if earlier is not None:
            # The same name, date of birth and postcode as an earlier referral, with a new phone number.
            data = self._input(
                site, plan, ("self_form", "self"), recent,
                given_name=earlier.given_name, family_name=earlier.family_name,
                date_of_birth=earlier.date_of_birth, postcode=earlier.postcode,
            )  # fmt: skip
            self._receive("self_form", recent, data)
            made += 1
        if holder is not None and holder != earlier:
            # Someone else's NHS number: kept as sent, with the record holding it, for triage to check.
            data = self._input(site, plan, ("gp_form", "gp"), recent, nhs_number=holder.nhs_number)
            self._receive("gp_form", recent, data)
            made += 1
        # A GP system's plain FHIR referral: no employment status, condition category or consent.
        data = self._input(
            site, plan, ("fhir", "gp"), recent,
            condition_category="", employment_status="", consent_given=None, absence_start=None,
            referrer_name=f"{plan.spec.places[0]} Medical Practice",
        )  # fmt: skip
        self._receive("fhir", recent, data)
        made += 1
        # A self-referral saying what help they would like.
        data = self._input(site, plan, ("self_form", "self"), recent, help_wanted=HELP_WANTED[0])
        self._receive("self_form", recent, data)
        made += 1
        # Accepted by the team lead, nobody allocated yet, and its first contact overdue.
        lead = User.objects.filter(site=site, role=Role.TEAM_LEAD, is_active=True).order_by("email").first()
        if lead is not None:
            overdue = days[1]
            referral = self._receive("gp_form", overdue, self._input(site, plan, ("gp_form", "gp"), overdue))
            referral_accept(referral=referral, actor=lead, case_manager=None)
            made += 1
        return made
