"""What an outcome may hold: the checks shared by the staff form, the client's pages and the services.

Each problem is keyed by the field it is about, in the words the error summary shows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from fitforwork.cases.models import Case, WorkStatus
from fitforwork.core.presenters import date_long
from fitforwork.outcomes.models import IN_WORK

MAX_HOURS = Decimal(100)


def referral_date(case: Case) -> date:
    return timezone.localdate(case.referral.received_at)


def outcome_problems(
    *,
    case: Case,
    work_status: str,
    return_to_work_date: date | None,
    hours_per_week: Decimal | None,
    today: date,
    by_client: bool = False,
) -> dict[str, str]:
    """Every problem with an outcome, by field; empty when it may be kept."""
    you = "you" if by_client else "they"
    problems: dict[str, str] = {}
    if work_status not in WorkStatus.values:
        problems["work_status"] = "Select your work status now" if by_client else "Select their work status"
    if return_to_work_date is not None:
        referred = referral_date(case)
        if return_to_work_date < referred:
            problems["return_to_work_date"] = (
                f"The date {you} went back to work must be on or after the referral date, {date_long(referred)}"
            )
        elif return_to_work_date > today:
            problems["return_to_work_date"] = f"The date {you} went back to work must be today or in the past"
    if hours_per_week is not None and not (0 <= hours_per_week <= MAX_HOURS):
        problems["hours_per_week"] = "Hours worked a week must be between 0 and 100"
    elif hours_per_week is None and work_status in IN_WORK:
        problems["hours_per_week"] = (
            "Enter how many hours you work a week" if by_client else "Enter how many hours they work a week"
        )
    return problems
