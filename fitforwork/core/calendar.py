"""Working days per UK nation, for time standards such as "first contact within 2 working days".

Weekends and the nation's bank holidays are not working days. England and Wales share one list;
Scotland and Northern Ireland each have their own (from the `holidays` package).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db import models


class Nation(models.TextChoices):
    ENGLAND_AND_WALES = "england_wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


_SUBDIVISION = {
    Nation.ENGLAND_AND_WALES: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=16)
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=_SUBDIVISION[Nation(nation)])


def bank_holiday_name(day: date, nation: str) -> str | None:
    """The bank holiday's name on that day in that nation, or None."""
    name = _bank_holidays(nation).get(day)
    return str(name) if name else None


def is_working_day(day: date, nation: str) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(nation)


def next_working_day(day: date, nation: str) -> date:
    """The day itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day, nation):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int, nation: str) -> date:
    """The date `days` working days after `start` (a clock started on a weekend starts on Monday).

    Two working days after a referral received on Friday is Tuesday; after one received on the
    Saturday before a bank holiday Monday, it is Wednesday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current, nation):
            counted += 1
    if days == 0:
        return next_working_day(current, nation)
    return current


def working_days_between(start: date, end: date, nation: str) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, nation):
            count += 1
    return count
