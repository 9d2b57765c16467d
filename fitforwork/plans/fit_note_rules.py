"""The rules for issuing a fit note, each refusal said in words (issue 15; service-models.md, "Fit note").

- No fit note covers the first 7 days of sickness: the person self-certifies them. Day 1 is the first day off
  sick, so the earliest a note may start is day 8.
- In the first 6 months of sickness a note covers at most 3 months: a note starting on 10 January may run to
  9 April, not 10 April.
- Only a doctor, registered nurse, occupational therapist, pharmacist or physiotherapist may issue one, and only
  where the site's service model lets the service issue fit notes (`service_issues_fit_notes`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from fitforwork.core.presenters import date_long
from fitforwork.plans.models import Profession

SELF_CERTIFICATION_DAYS = 7
FIRST_MONTHS_OF_SICKNESS = 6
MOST_MONTHS_EARLY = 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 January + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_start(sickness_started_on: date) -> date:
    """Day 8 of sickness: the first day a fit note may cover."""
    return sickness_started_on + timedelta(days=SELF_CERTIFICATION_DAYS)


def latest_end_early(period_from: date) -> date:
    """The last day a note starting on `period_from` may run to within the first 6 months of sickness."""
    return add_months(period_from, MOST_MONTHS_EARLY) - timedelta(days=1)


def issue_refusals(
    *,
    allowed_by_service_model: bool,
    profession: str | None,
    sickness_started_on: date | None,
    period_from: date,
    period_to: date,
) -> list[str]:
    """Every reason this fit note may not be issued, in words; none means it may."""
    if not allowed_by_service_model:
        return ["This site's service model does not issue fit notes: record one the person has received instead"]
    refusals = []
    if profession not in Profession.values:
        refusals.append(
            "Only a doctor, registered nurse, occupational therapist, pharmacist or physiotherapist may issue a fit "
            "note, and your profession is not recorded as one of these"
        )
    if period_to < period_from:
        refusals.append("The fit note must end on or after the day it starts")
    if sickness_started_on is None:
        refusals.append("Enter the first day of sickness: the rules count from it")
        return refusals
    if period_from < sickness_started_on:
        refusals.append("The fit note cannot start before the first day of sickness")
    elif period_from < earliest_start(sickness_started_on):
        earliest = date_long(earliest_start(sickness_started_on))
        refusals.append(
            f"No fit note covers the first 7 days of sickness: the person self-certifies them. Sickness began on "
            f"{date_long(sickness_started_on)}, so the fit note can start on {earliest} at the earliest"
        )
    in_first_months = period_from < add_months(sickness_started_on, FIRST_MONTHS_OF_SICKNESS)
    if in_first_months and period_to > latest_end_early(period_from):
        refusals.append(
            f"In the first 6 months of sickness a fit note covers at most 3 months: one starting on "
            f"{date_long(period_from)} can run to {date_long(latest_end_early(period_from))} at the latest"
        )
    return refusals
