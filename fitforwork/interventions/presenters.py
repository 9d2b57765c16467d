"""How onward referrals and the directory read on the page: status tags, dates, waits, the time to first
intervention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fitforwork.core.presenters import date_long
from fitforwork.interventions.models import Intervention, OnwardReferral, OnwardReferralStatus

STATUS_TAG_CLASSES = {
    OnwardReferralStatus.REQUESTED: "nhsuk-tag--blue",
    OnwardReferralStatus.ACCEPTED: "nhsuk-tag--purple",
    OnwardReferralStatus.STARTED: "nhsuk-tag--yellow",
    OnwardReferralStatus.COMPLETED: "nhsuk-tag--green",
    OnwardReferralStatus.DECLINED: "nhsuk-tag--red",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def status_tag(onward: OnwardReferral) -> dict[str, str]:
    return {"text": onward.get_status_display(), "classes": STATUS_TAG_CLASSES[OnwardReferralStatus(onward.status)]}


def wait_text(intervention: Intervention) -> str:
    return f"usually starts within {_plural(intervention.typical_wait_days, 'day')}"


def intervention_options(interventions: list[Intervention]) -> dict[str, str]:
    """The hint under each choice of intervention: kind, provider and typical wait."""
    return {str(item.pk): f"{item.get_kind_display()}. {item.provider}, {wait_text(item)}." for item in interventions}


def step_dates(onward: OnwardReferral) -> list[str]:
    """Each step reached, with its date: 'Requested 3 November 2026', 'Started 20 November 2026'."""
    steps = [
        ("Requested", onward.requested_on),
        ("Accepted", onward.accepted_on),
        ("Started", onward.started_on),
        ("Completed", onward.completed_on),
        ("Declined", onward.declined_on),
    ]
    return [f"{label} {date_long(day)}" for label, day in steps if day is not None]


def onward_referral_summary(onward: OnwardReferral) -> list[dict[str, Any]]:
    """The summary list of one onward referral."""
    rows = [
        ("Intervention", onward.intervention.name),
        ("Provider", onward.intervention.provider),
        ("Status", onward.get_status_display()),
        ("Dates", "; ".join(step_dates(onward))),
    ]
    if onward.note:
        rows.append(("Note", onward.note))
    if onward.decline_reason:
        rows.append(("Reason declined", onward.decline_reason))
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def first_intervention_text(timing: dict[str, Any] | None) -> str:
    """'14 days from referral to the first intervention starting', or that none has started yet."""
    if timing is None or timing.get("time_to_first_intervention") is None:
        return "No intervention has started yet."
    elapsed: timedelta = timing["time_to_first_intervention"]
    started = date_long(timing["first_intervention_on"])
    if elapsed.days == 0:
        return f"The first intervention started on the day of referral ({started})."
    return f"{_plural(elapsed.days, 'day')} from referral to the first intervention starting ({started})."
