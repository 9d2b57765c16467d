"""The outcome schedule of a case, from its service model version's rules: pure dates, no database.

Baseline at assessment, at discharge, and a follow-up `outcome_schedule.follow_up_months` after discharge
(3 and 6 unless the rules say otherwise). A follow-up is missed once `GRACE_DAYS` have passed after its due
date with nothing recorded.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from fitforwork.organisations.config import ServiceModelConfig

DEFAULT_GRACE_DAYS = 30


def grace_days() -> int:
    """Days after a follow-up's due date before it counts as missed: FFW_OUTCOME_GRACE_DAYS, 30 unless set."""
    return int(getattr(settings, "FFW_OUTCOME_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 January + 1 is 28 February)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def missed_after(due_on: date) -> date:
    """The last day an outcome can be recorded before the time point counts as missed."""
    return due_on + timedelta(days=grace_days())


@dataclass(frozen=True)
class PlannedPoint:
    kind: str
    offset_months: int
    due_on: date


def schedule_for(config: ServiceModelConfig, *, assessed_on: date | None, discharged_on: date) -> list[PlannedPoint]:
    """The time points a case discharged on `discharged_on` gets, in order."""
    rules = config.outcome_schedule
    points: list[PlannedPoint] = []
    if rules.baseline_at_assessment and assessed_on is not None:
        points.append(PlannedPoint("baseline", 0, assessed_on))
    if rules.at_discharge:
        points.append(PlannedPoint("discharge", 0, discharged_on))
    points.extend(PlannedPoint("follow_up", m, add_months(discharged_on, m)) for m in rules.follow_up_months)
    return points
