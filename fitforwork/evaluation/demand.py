"""Demand and capacity for a site (issue 18): referrals expected against received, penetration of the area's
population, and the open caseload per case manager now and in 4, 8 and 12 weeks.

Past services planned for 34,000 referrals a month that came to 650. The forecast is what the commissioner
entered (`organisations.forecasts`); what was received counts every referral to the site, whatever became of it.

The capacity forecast takes the last 12 weeks' cases opened per week as the arrival rate, and the mean length of
the cases discharged in the last 26 weeks as the case length; each week, the open caseload gains the arrivals and
loses its share at that length (open ÷ length in weeks), so it moves towards arrivals × length (Little's law).
With no case discharged in 26 weeks there is no length to go on, and the forecast adds arrivals only (said so).

Counts from 1 to 4 are hidden as everywhere a commissioner looks (`suppression.py`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case, CaseStatus
from fitforwork.evaluation.suppression import PRIMARY, SECONDARY, small, suppress_cells
from fitforwork.organisations.forecasts import latest_forecasts
from fitforwork.organisations.models import Site
from fitforwork.referrals.models import Referral

ARRIVAL_WEEKS = 12
LENGTH_WEEKS = 26
HORIZONS = (4, 8, 12)


def _months(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def expected_against_actual(site: Site, first: date, last: date, today: date) -> dict[str, Any]:
    """Each month from `first` to `last` (first days) up to today's: the forecast, the part of it due so far
    (the whole month once it is over, the share of its days gone in the current one), and the referrals received."""
    months = [month for month in _months(first, last) if month <= today]
    forecasts = latest_forecasts(site, first, last)
    end = last + timedelta(days=calendar.monthrange(last.year, last.month)[1])  # the first day after `last`
    received = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in Referral.objects.filter(site=site, received_at__date__gte=first, received_at__date__lt=end)
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("id"))
    }
    rows = []
    for month in months:
        days = calendar.monthrange(month.year, month.month)[1]
        forecast = forecasts.get(month)
        share = 1.0 if (month.year, month.month) != (today.year, today.month) else today.day / days
        due = round(forecast.expected * share, 1) if forecast else None
        actual = received.get(month, 0)
        rows.append(
            {
                "month": month,
                "expected": forecast.expected if forecast else None,
                "expected_so_far": due,
                "received": actual,
                "percent_of_expected": round(100 * actual / due, 1) if due else None,
            }
        )
    totals = {
        "expected_so_far": round(sum(row["expected_so_far"] for row in rows if row["expected_so_far"] is not None), 1),
        "received": sum(row["received"] for row in rows),
    }
    return _suppressed_months(rows, totals)


def _suppressed_months(rows: list[dict[str, Any]], totals: dict[str, Any]) -> dict[str, Any]:
    cells = suppress_cells({f"{row['month']:%Y-%m}": row["received"] for row in rows} | {"total": totals["received"]})
    for row in rows:
        row["received"] = cells[f"{row['month']:%Y-%m}"]
        if row["received"] in (PRIMARY, SECONDARY) and row["percent_of_expected"] is not None:
            row["percent_of_expected"] = SECONDARY  # the share of a shown forecast would give the count back
    totals["received"] = cells["total"]
    return {"months": rows, "totals": totals}


def penetration(site: Site, today: date) -> dict[str, Any]:
    """Referrals received in the 365 days to today per 1,000 of the area's population (as configured)."""
    since = today - timedelta(days=364)
    referrals = Referral.objects.filter(site=site, received_at__date__gte=since, received_at__date__lte=today).count()
    result: dict[str, Any] = {
        "from": since,
        "to": today,
        "referrals": PRIMARY if small(referrals) else referrals,
        "population": site.population,
        "basis": site.get_population_basis_display(),
        "per_1000": None,
    }
    if site.population:
        result["per_1000"] = SECONDARY if small(referrals) else round(1000 * referrals / site.population, 2)
    return result


@dataclass(frozen=True)
class Week:
    weeks: int
    open_cases: float | str
    per_case_manager: float | None
    over_limit: bool | None


def capacity_forecast(site: Site, today: date) -> dict[str, Any]:
    """The open caseload per case manager now and at each horizon, against the site's caseload limit."""
    cases = Case.objects.filter(site=site)
    managers = User.objects.filter(site=site, role=Role.CASE_MANAGER, is_active=True).count()
    open_now = cases.exclude(status=CaseStatus.DISCHARGED).count()
    arrivals = cases.filter(
        opened_at__date__gt=today - timedelta(weeks=ARRIVAL_WEEKS), opened_at__date__lte=today
    ).count()
    rate = arrivals / ARRIVAL_WEEKS
    spans = cases.filter(
        status=CaseStatus.DISCHARGED, discharged_at__date__gt=today - timedelta(weeks=LENGTH_WEEKS)
    ).values_list("opened_at", "discharged_at")
    lengths = [(discharged - opened).total_seconds() / (7 * 86400) for opened, discharged in spans if discharged]
    length = sum(lengths) / len(lengths) if lengths else None

    def week(weeks: int, open_cases: float) -> Week:
        per = round(open_cases / managers, 1) if managers else None
        return Week(weeks, round(open_cases, 1), per, None if per is None else per > site.caseload_limit)

    projected, open_cases = [], float(open_now)
    for number in range(1, max(HORIZONS) + 1):
        leaving = min(open_cases, open_cases / length) if length else 0.0
        open_cases = open_cases + rate - leaving
        if number in HORIZONS:
            projected.append(week(number, open_cases))
    if small(open_now):  # with the rate and length shown, a projection would give the count back
        projected = [Week(w.weeks, SECONDARY, None, None) for w in projected]
    return {
        "case_managers": managers,
        "caseload_limit": site.caseload_limit,
        "now": week(0, float(open_now)) if not small(open_now) else Week(0, PRIMARY, None, None),
        "arrivals_per_week": round(rate, 2),
        "case_length_weeks": round(length, 1) if length else None,
        "length_known": length is not None,
        "weeks": projected,
    }
