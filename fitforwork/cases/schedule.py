"""When a case's tasks fall due, from its service model version's time standards and its site's nation.

Pure date arithmetic over `fitforwork.core.calendar`, so it can be tested without a database.
Clocks given in working days start on the day the referral was received (service-models.md: "a clock
starts when the referral is received, not when someone opens it"). Clocks given in weeks land on a
calendar date, moved to the next working day if that date is a weekend or bank holiday.
"""

from __future__ import annotations

from datetime import date, timedelta

from fitforwork.core.calendar import add_working_days, next_working_day
from fitforwork.organisations.config import ServiceModelConfig


def first_contact_due(*, received_on: date, config: ServiceModelConfig, nation: str) -> date:
    return add_working_days(received_on, config.time_standards.first_contact_working_days, nation)


def assessment_due(*, received_on: date, config: ServiceModelConfig, nation: str) -> date:
    return add_working_days(received_on, config.time_standards.assessment_working_days, nation)


def review_due(*, since: date, config: ServiceModelConfig, nation: str) -> date:
    return next_working_day(since + timedelta(weeks=config.time_standards.review_every_weeks), nation)


def case_length_weeks(*, config: ServiceModelConfig, employment_status: str) -> int | None:
    """The case length cap for someone with this employment status at referral, or None for no cap."""
    by_status = config.case_length.max_weeks_by_employment_status
    if employment_status in by_status:
        return by_status[employment_status]
    return config.case_length.max_weeks


def case_length_due(*, received_on: date, weeks: int, nation: str) -> date:
    return next_working_day(received_on + timedelta(weeks=weeks), nation)
