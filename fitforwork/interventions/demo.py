"""Onward referrals for the demo, as rows the demo's writers bulk-load (COPY on PostgreSQL).

Nothing here writes: `onward_referral_rows` returns batches of (model, columns, rows) in the demo's
writer format, with dates that keep every database constraint (each status has the dates of its steps, in
order, none after today). The demo decides which cases get them and writes one audit event for the load.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
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
    case_id: uuid.UUID | str  # the demo's keys are strings
    assessed_on: date
    case_manager_id: Any


@dataclass(frozen=True)
class DemoIntervention:
    intervention_id: uuid.UUID | str
    typical_wait_days: int


@lru_cache(maxsize=4096)
def _at_in(day: date, zone: tzinfo) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)), zone)


_DAYS = [timedelta(days=n) for n in range(400)]


def onward_referral_rows(
    *,
    rng: random.Random,
    cases: Sequence[DemoCase],
    interventions: Sequence[DemoIntervention],
    today: date,
    new_id: Callable[[], Any] | None = None,
) -> list[tuple[type[Model], Sequence[str], list[tuple[Any, ...]]]]:
    """Onward referrals for some of `cases` (assessed ones), each moved as far as its dates allow by today.

    Keys come from `new_id` (the demo passes its own seeded key maker), or else from `rng`, so a seed always
    gives the same rows. Called for every chunk of a million-case load, so it draws with `rng.random()`
    rather than the slower `randint` and `choice`.
    """
    referrals: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    random_ = rng.random
    if new_id is None:

        def new_id() -> uuid.UUID:
            return uuid.UUID(int=rng.getrandbits(128), version=4)

    requested_s, accepted_s, started_s, completed_s, declined_s = (
        OnwardReferralStatus.REQUESTED.value,
        OnwardReferralStatus.ACCEPTED.value,
        OnwardReferralStatus.STARTED.value,
        OnwardReferralStatus.COMPLETED.value,
        OnwardReferralStatus.DECLINED.value,
    )
    days = _DAYS
    zone = timezone.get_current_timezone()

    def _at(day: date) -> datetime:
        return _at_in(day, zone)

    for case in cases:
        if not interventions or random_() >= REFERRED_ON_SHARE:
            continue
        chosen = interventions[int(random_() * len(interventions))]
        requested = min(case.assessed_on + days[int(random_() * 15)], today)
        steps: list[tuple[str, date]] = [(requested_s, requested)]
        reason = ""
        accepted = requested + days[1 + int(random_() * 7)]
        accepted_on = started_on = completed_on = declined_on = None
        if random_() < DECLINED_SHARE:
            declined = requested + days[1 + int(random_() * 10)]
            if declined <= today:
                steps.append((declined_s, declined))
                declined_on = declined
                reason = DECLINE_REASONS[int(random_() * len(DECLINE_REASONS))]
        elif accepted <= today:
            steps.append((accepted_s, accepted))
            accepted_on = accepted
            wait = max(1, round(rng.gauss(chosen.typical_wait_days, chosen.typical_wait_days / 4)))
            started = max(accepted, requested + timedelta(days=wait))
            if started <= today:
                steps.append((started_s, started))
                started_on = started
                completed = started + days[7 * (4 + int(random_() * 9))]
                if completed <= today:
                    steps.append((completed_s, completed))
                    completed_on = completed
        pk = new_id()
        status = steps[-1][0]
        manager = case.case_manager_id
        referrals.append(
            (
                pk, case.case_id, chosen.intervention_id, status, requested, accepted_on, started_on, completed_on,
                declined_on, reason, manager, "", _at(requested), _at(steps[-1][1]), manager, manager,
            )
        )  # fmt: skip
        previous = ""
        for to, on in steps:
            changes.append((pk, previous, to, on, manager, reason if to == declined_s else "", _at(on)))
            previous = to
    return [(OnwardReferral, REFERRAL_COLUMNS, referrals), (OnwardReferralStatusChange, CHANGE_COLUMNS, changes)]
