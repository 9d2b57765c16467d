"""Whether a referral meets a service model version's rules, and if not, why, in a referrer's words.

Pure functions over plain facts: no database, so every preset's rules can be property-tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fitforwork.core.calendar import Nation
from fitforwork.core.choices import EmploymentStatus
from fitforwork.core.presenters import date_long
from fitforwork.organisations.config import ReferralSource, ServiceModelConfig

SIZE_BAND_ORDER = ["micro", "small", "medium", "large"]
SIZE_BAND_WORDS = {
    "micro": "fewer than 10 employees",
    "small": "fewer than 50 employees",
    "medium": "fewer than 250 employees",
    "large": "any number of employees",
}
SOURCE_WORDS = {
    ReferralSource.GP: "a GP practice",
    ReferralSource.EMPLOYER: "an employer",
    ReferralSource.SELF: "the person themselves",
    ReferralSource.JOBCENTRE: "a Jobcentre",
    ReferralSource.COMMUNITY: "a community service",
    ReferralSource.ADVICE_LINE: "the advice line",
    ReferralSource.NHS24_MSK: "NHS 24's MSK triage",
}


@dataclass(frozen=True, kw_only=True)
class ReferralFacts:
    """What the referral says, as the rules need it."""

    source: str
    received_on: date
    employment_status: str
    absence_start: date | None = None
    expected_absence_weeks: int | None = None  # the GP's expectation, where given
    return_expected_within_months: int | None = None
    employer_size_band: str | None = None
    nation: str | None = None  # where the person lives
    in_area: bool = True  # lives in, or is registered with a GP practice in, the site's area
    previous_referral_on: date | None = None
    consent_given: bool | None = False  # None: not given by the referrer
    written_consent_confirmed: bool = False  # the employer holds the employee's written consent
    gp_has_referred: bool = False
    unemployed_since: date | None = None
    fit_note_requested_or_at_risk: bool = False


@dataclass(frozen=True)
class Failure:
    rule: str
    message: str


@dataclass(frozen=True)
class Decision:
    failures: tuple[Failure, ...]

    @property
    def eligible(self) -> bool:
        return not self.failures

    def as_json(self) -> list[dict[str, str]]:
        return [{"rule": failure.rule, "message": failure.message} for failure in self.failures]


def weeks_between(start: date, end: date) -> int:
    return max(0, (end - start).days // 7)


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def evaluate(config: ServiceModelConfig, facts: ReferralFacts) -> Decision:
    """Every rule the referral fails; eligible when there are none."""
    rules = config.eligibility
    failures: list[Failure] = []

    def fail(rule: str, message: str) -> None:
        failures.append(Failure(rule, message))

    route = config.route(facts.source)
    if route is None:
        allowed = [SOURCE_WORDS.get(r.source, r.source) for r in config.referral_routes]
        fail(
            "referral_route",
            f"This service does not take referrals from {SOURCE_WORDS.get(facts.source, facts.source)}. "
            f"It takes referrals from {_join(allowed)}.",
        )
    else:
        weeks_off = weeks_between(facts.absence_start, facts.received_on) if facts.absence_start else 0
        if route.min_absence_weeks and weeks_off < route.min_absence_weeks:
            fail(
                "route_absence",
                f"Referrals from {SOURCE_WORDS[route.source]} can only be made after {route.min_absence_weeks} weeks "
                f"off sick. This person has been off for {weeks_off} weeks.",
            )
        if route.only_if_gp_has_not_referred and facts.gp_has_referred:
            fail(
                "route_gp_referred", "Their GP has already referred this person, so an employer cannot refer them too."
            )
        if route.requires_written_consent and not facts.written_consent_confirmed:
            fail(
                "route_written_consent",
                "You must confirm that the employee has given written consent to this referral, and when.",
            )

    if rules.requires_explicit_consent and facts.consent_given is None:
        fail("consent_not_given", "The referrer did not say whether the person agrees to be referred. Ask them.")
    elif rules.requires_explicit_consent and not facts.consent_given:
        fail("consent", "The person must agree to be referred.")

    status = facts.employment_status
    if not status:
        fail("employment_status_not_given", "The referrer did not say whether the person is in work. Ask them.")
    elif status == EmploymentStatus.SELF_EMPLOYED and not rules.self_employed_allowed:
        fail("self_employed", "This service is for employees. It cannot help people who are self-employed.")
    elif status not in rules.employment_statuses:
        allowed = [EmploymentStatus(s).label.lower() for s in rules.employment_statuses]
        fail("employment_status", f"This service is for people who are {_join(allowed, 'or')}.")

    if rules.min_absence_weeks and status:
        weeks_off = weeks_between(facts.absence_start, facts.received_on) if facts.absence_start else 0
        expected = facts.expected_absence_weeks or 0
        if weeks_off < rules.min_absence_weeks and not (
            rules.absence_or_expected and expected >= rules.min_absence_weeks
        ):
            needed = f"off sick for at least {rules.min_absence_weeks} weeks"
            if rules.absence_or_expected:
                needed += f", or expected by their GP to be off for at least {rules.min_absence_weeks} weeks"
            fail("absence_length", f"The person must be {needed}. They have been off for {weeks_off} weeks.")

    return_limit = rules.return_expected_within_months
    expected_return = facts.return_expected_within_months
    if return_limit and expected_return and expected_return > return_limit:
        fail("return_expected", f"There must be a reasonable chance of a return to work within {return_limit} months.")

    if _employer_too_big(rules.max_employer_size_band, facts):
        band_words = SIZE_BAND_WORDS[rules.max_employer_size_band or "large"]
        fail("employer_size", f"This service is for people working for employers with {band_words}.")

    if facts.nation is not None and facts.nation not in rules.nations:
        places = [Nation(n).label for n in rules.nations]
        fail("nation", f"This service is for people who live in {_join(places, 'or')}.")

    if rules.residence_or_gp_in_area and not facts.in_area:
        fail("area", "The person must live in this service's area or be registered with a GP practice in it.")

    window = rules.re_referral_window_months
    previous = facts.previous_referral_on
    if window and previous is not None and _months_between(previous, facts.received_on) < window:
        fail(
            "re_referral",
            f"This person was referred on {date_long(previous)}. "
            f"They can be referred again {window} months after that.",
        )

    limit = rules.within_weeks_of_unemployment
    if limit and status == EmploymentStatus.UNEMPLOYED and not _recently_unemployed(facts, limit):
        fail("unemployment_length", f"People out of work can be referred within {limit} weeks of leaving their job.")

    if rules.fit_note_requested_or_at_risk and not facts.fit_note_requested_or_at_risk:
        fail("fit_note", "This service is for patients asking for a fit note, or at risk of needing one.")

    return Decision(tuple(failures))


def _employer_too_big(max_band: str | None, facts: ReferralFacts) -> bool:
    if not max_band or not facts.employer_size_band or facts.employment_status == EmploymentStatus.SELF_EMPLOYED:
        return False
    return SIZE_BAND_ORDER.index(facts.employer_size_band) > SIZE_BAND_ORDER.index(max_band)


def _recently_unemployed(facts: ReferralFacts, limit_weeks: int) -> bool:
    return (
        facts.unemployed_since is not None and weeks_between(facts.unemployed_since, facts.received_on) <= limit_weeks
    )


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
