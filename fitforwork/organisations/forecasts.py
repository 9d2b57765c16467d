"""The referrals a commissioner expects a site to receive each month (issue 18, demand)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fitforwork.core.audit.services import audit_record
from fitforwork.organisations.models import ReferralForecast, Site

LARGEST = 1_000_000


@transaction.atomic
def referral_forecast_enter(*, site: Site, month: date, expected: int, actor: Any, note: str = "") -> ReferralForecast:
    """Add the forecast for a month; an earlier one for the same month stays, and this one supersedes it."""
    errors = {}
    if month.day != 1:
        errors["month"] = "Enter the month as its first day"
    if expected < 0 or expected > LARGEST:
        errors["expected"] = f"Enter the referrals expected as a whole number from 0 to {LARGEST:,}"
    if errors:
        raise ValidationError(errors)
    before = latest_forecasts(site, month, month).get(month)
    forecast = ReferralForecast.objects.create(site=site, month=month, expected=expected, note=note, entered_by=actor)
    audit_record(
        actor=actor,
        action="organisations.referral_forecast.entered",
        obj=site,
        data={"month": f"{month:%Y-%m}", "expected": expected, "was": before.expected if before else None},
    )
    return forecast


def latest_forecasts(site: Site, first: date, last: date) -> dict[date, ReferralForecast]:
    """The forecast in force for each month from `first` to `last` that has one: its newest entry."""
    rows = ReferralForecast.objects.filter(site=site, month__gte=first, month__lte=last).order_by(
        "month", "-entered_at"
    )
    latest: dict[date, ReferralForecast] = {}
    for row in rows:
        latest.setdefault(row.month, row)
    return latest
