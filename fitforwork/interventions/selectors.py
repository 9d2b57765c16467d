"""Reads of the directory and of onward referrals, scoped to what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, Min, Q, QuerySet
from django.db.models.functions import TruncDate

from fitforwork.cases.models import Case
from fitforwork.interventions.models import Intervention, OnwardReferral


def interventions_for_case(case: Case) -> QuerySet[Intervention]:
    """The directory a case can be referred on to: active services for its site or for every site."""
    return Intervention.objects.filter(Q(site__isnull=True) | Q(site_id=case.site_id), is_active=True).order_by(
        "name", "provider"
    )


def onward_referrals_for_case(case: Case) -> QuerySet[OnwardReferral]:
    """A case's onward referrals, newest request first. The caller got the case through cases.access."""
    return (
        OnwardReferral.objects.filter(case=case)
        .select_related("intervention", "requested_by")
        .order_by("-requested_on", "-created_at")
    )


def referral_to_first_intervention(cases: QuerySet[Case]) -> QuerySet[Any, Any]:
    """For each case in `cases` (already scoped by the caller), the date its referral was received (London),
    the date its first intervention started, and the time between, computed in SQL; cases with no
    intervention started have None."""
    return (
        cases.annotate(
            received_on=TruncDate("referral__received_at"),
            first_intervention_on=Min("onward_referrals__started_on"),
        )
        .annotate(
            time_to_first_intervention=ExpressionWrapper(
                F("first_intervention_on") - F("received_on"), output_field=DurationField()
            )
        )
        .values("pk", "received_on", "first_intervention_on", "time_to_first_intervention")
        .order_by("pk")
    )


def help_given(case: Case) -> list[str]:
    """A line per onward referral for the GP's discharge letter: what, who provides it and how far it got."""
    lines = []
    for onward in OnwardReferral.objects.filter(case=case).select_related("intervention").order_by("requested_on"):
        step, on = {
            OnwardReferral.Status.REQUESTED: ("requested", onward.requested_on),
            OnwardReferral.Status.ACCEPTED: ("accepted", onward.accepted_on),
            OnwardReferral.Status.STARTED: ("started", onward.started_on),
            OnwardReferral.Status.COMPLETED: ("completed", onward.completed_on),
            OnwardReferral.Status.DECLINED: ("declined", onward.declined_on),
        }[OnwardReferral.Status(onward.status)]
        when = f" on {on.day} {on:%B %Y}" if on is not None else ""
        lines.append(f"{onward.intervention.name} ({onward.intervention.provider}): referred, {step}{when}")
    return lines
