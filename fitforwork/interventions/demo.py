"""Onward referrals for the demo, as rows the demo's writers bulk-load (COPY on PostgreSQL).

Nothing here writes: `onward_referral_rows` returns batches of (model, columns, rows) in the demo's
writer format, with dates that keep every database constraint (each status has the dates of its steps, in
order, none after today). The demo decides which cases get them and writes one audit event for the load.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone

from fitforwork.interventions.models import OnwardReferral, OnwardReferralStatus, OnwardReferralStatusChange

# Of cases that reached assessment, the share referred on; of referrals, the share declined.
REFERRED_ON_SHARE = 0.45
DECLINED_SHARE = 0.1
REFERRAL_COLUMNS = (
    "id", "case_id", "intervention_id", "status", "requested_on", "accepted_on", "started_on", "completed_on",
    "declined_on", "decline_reason", "requested_by_id", "note", "created_at", "modified_at", "created_by_id",
    "modified_by_id",
)  # fmt: skip
CHANGE_COLUMNS = ("onward_referral_id", "from_status", "to_status", "on", "actor_id", "reason", "at")
DECLINE_REASONS = (
    "Client chose not to go ahead",
    "Outside the provider's criteria",
    "Client already receiving this support",
)


@dataclass(frozen=True)
class DemoCase:
    case_id: uuid.UUID
    assessed_on: date
    case_manager_id: Any


@dataclass(frozen=True)
class DemoIntervention:
    intervention_id: uuid.UUID
    typical_wait_days: int


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def onward_referral_rows(
    *,
    rng: random.Random,
    cases: Sequence[DemoCase],
    interventions: Sequence[DemoIntervention],
    today: date,
) -> list[tuple[type[Model], Sequence[str], list[tuple[Any, ...]]]]:
    """Onward referrals for some of `cases` (assessed ones), each moved as far as its dates allow by today."""
    referrals: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    for case in cases:
        if not interventions or rng.random() >= REFERRED_ON_SHARE:
            continue
        chosen = rng.choice(interventions)
        requested = min(case.assessed_on + timedelta(days=rng.randint(0, 14)), today)
        steps: list[tuple[str, date]] = [(OnwardReferralStatus.REQUESTED, requested)]
        reason = ""
        accepted = requested + timedelta(days=rng.randint(1, 7))
        if rng.random() < DECLINED_SHARE:
            declined = requested + timedelta(days=rng.randint(1, 10))
            if declined <= today:
                steps.append((OnwardReferralStatus.DECLINED, declined))
                reason = rng.choice(DECLINE_REASONS)
        elif accepted <= today:
            steps.append((OnwardReferralStatus.ACCEPTED, accepted))
            wait = max(1, round(rng.gauss(chosen.typical_wait_days, chosen.typical_wait_days / 4)))
            started = max(accepted, requested + timedelta(days=wait))
            if started <= today:
                steps.append((OnwardReferralStatus.STARTED, started))
                completed = started + timedelta(weeks=rng.randint(4, 12))
                if completed <= today:
                    steps.append((OnwardReferralStatus.COMPLETED, completed))
        dates = dict(steps)
        pk = uuid.uuid4()
        status = steps[-1][0]
        created, modified = _at(requested), _at(steps[-1][1])
        referrals.append(
            (
                pk, case.case_id, chosen.intervention_id, status, requested,
                dates.get(OnwardReferralStatus.ACCEPTED), dates.get(OnwardReferralStatus.STARTED),
                dates.get(OnwardReferralStatus.COMPLETED), dates.get(OnwardReferralStatus.DECLINED), reason,
                case.case_manager_id, "", created, modified, case.case_manager_id, case.case_manager_id,
            )
        )  # fmt: skip
        previous = ""
        for to, on in steps:
            changes.append((pk, previous, to, on, case.case_manager_id, reason if to == "declined" else "", _at(on)))
            previous = to
    return [(OnwardReferral, REFERRAL_COLUMNS, referrals), (OnwardReferralStatusChange, CHANGE_COLUMNS, changes)]
