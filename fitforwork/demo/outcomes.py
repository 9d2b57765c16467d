"""Outcome schedules for the demo's discharged, engaged cases: every time point, some follow-ups missing.

Each discharged case that reached assessment gets the time points its rules give (outcomes/schedule.py):
the baseline (work status from the referral), the discharge (as the case records it) and each follow-up.
A follow-up whose due date has not come is `due`; one within its grace period is answered or still due; one
past it was answered (done, with a record) or is `missed`, with no record, as the real service leaves it.
Whether people answer, stay in work or go back later depends on the service model, condition and risk
(demo/effects.py), so the evaluation has differences to find. Consent withdrawn: no follow-ups, as in
the service. The baseline's questionnaires are the case's first responses (demo/assessments.py); they are
not linked row by row here, to keep the load fast.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model

from fitforwork.demo.cases import CASE_COLUMNS, REFERRAL_COLUMNS, model_key
from fitforwork.demo.effects import later_return_chance, response_rate, sustained_chance
from fitforwork.demo.values import at_text, day_text, id_maker
from fitforwork.organisations.models import ServiceModelVersion
from fitforwork.organisations.selectors import rules_config
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint
from fitforwork.outcomes.schedule import add_months, grace_days
from fitforwork.referrals.models import Referral

TIME_POINT_COLUMNS = (
    "id", "created_at", "modified_at", "case_id", "kind", "offset_months", "due_on", "status", "missed_at",
)  # fmt: skip
RECORD_COLUMNS = (
    "id", "created_at", "modified_at", "time_point_id", "work_status", "return_to_work_date", "hours_per_week",
    "note", "mode", "recorded_by_id", "recorded_at",
)  # fmt: skip
MODELS: list[type[Model]] = [OutcomeTimePoint, OutcomeRecord]
IN_WORK = ("in_work_usual", "in_work_adjusted", "new_job")
HOURS = {"in_work_usual": Decimal("37.5"), "in_work_adjusted": Decimal("22.5"), "new_job": Decimal("30.0")}
ONLINE_SHARE = 0.55  # answered from the link; the rest by phone with the case manager
ENGAGED = ("assessed", "plan_agreed", "active_support")

_C = {name: n for n, name in enumerate(CASE_COLUMNS)}
_R = {name: n for n, name in enumerate(REFERRAL_COLUMNS)}
Row = tuple[Any, ...]


def _baseline_status(employment: str, absence_start: Any) -> str | None:
    if employment == "employed_off_sick" or (employment and absence_start):
        return "off_sick"
    if employment in ("employed_at_work", "self_employed"):
        return "in_work_usual"
    return "unemployed_seeking" if employment == "unemployed" else None


class OutcomeHistories:
    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.random = rng.random
        self._uuid = id_maker(rng)
        self.today = today.toordinal()
        self.grace = grace_days()
        self._follow_ups: dict[str, tuple[int, ...]] = {}

    def follow_ups(self, rules_id: str) -> tuple[int, ...]:
        if rules_id not in self._follow_ups:
            config = rules_config(ServiceModelVersion.objects.get(pk=rules_id))
            self._follow_ups[rules_id] = tuple(config.outcome_schedule.follow_up_months)
        return self._follow_ups[rules_id]

    def _point(self, points: list[Row], case_id: str, kind: str, offset: int, due: int, status: str,
               at: str, missed_at: str | None = None) -> str:  # fmt: skip
        point_id = self._uuid()
        points.append((point_id, at, at, case_id, kind, offset, day_text(due), status, missed_at))
        return point_id

    def _record(self, records: list[Row], point_id: str, status: str, returned: str | None, mode: str,
                by: str | None, at: str) -> None:  # fmt: skip
        records.append((self._uuid(), at, at, point_id, status, returned, HOURS.get(status), "", mode, by, at))

    def case_rows(self, points: list[Row], records: list[Row], case: Row, assessed_on: date | None,
                  condition: str, referral: tuple[str, Any]) -> None:  # fmt: skip
        if case[_C["status"]] != "discharged" or case[_C["furthest_stage"]] not in ENGAGED:
            return
        case_id, manager, rules_id = case[_C["id"]], case[_C["case_manager_id"]], case[_C["rules_id"]]
        discharged_at = case[_C["discharged_at"]]
        discharged = date.fromisoformat(discharged_at[:10])
        key, risk = model_key(rules_id), case[_C["risk"]]
        if assessed_on is not None:
            at = at_text(assessed_on.toordinal(), 95)
            baseline = _baseline_status(*referral)
            point = self._point(points, case_id, "baseline", 0, assessed_on.toordinal(), "done", at)
            if baseline:
                self._record(records, point, baseline, None, "referral", None, case[_C["opened_at"]])
        state, returned = case[_C["work_status_at_discharge"]], case[_C["return_to_work_date"]]
        point = self._point(points, case_id, "discharge", 0, discharged.toordinal(), "done", discharged_at)
        self._record(records, point, state, returned, "at_discharge", manager, discharged_at)
        if case[_C["discharge_reason"]] == "consent_withdrawn":
            return
        for months in self.follow_ups(rules_id):
            due = add_months(discharged, months).toordinal()
            # What is true at this follow-up, whether or not anyone finds out.
            if state in IN_WORK:
                if self.random() >= sustained_chance(key, risk):
                    state = "off_sick" if self.random() < 0.7 else "left_job"
            elif self.random() < later_return_chance(key, condition):
                state = "in_work_usual" if self.random() < 0.75 else "new_job"
                returned = day_text(discharged.toordinal() + 1 + int(self.random() * (due - discharged.toordinal())))
            answered = self.random() < response_rate(key, months)
            late = self.today > due + self.grace
            if due > self.today or (not answered and not late):
                self._point(points, case_id, "follow_up", months, due, "due", at_text(discharged.toordinal(), 210))
            elif not answered:
                missed = at_text(due + self.grace + 1, 5)
                self._point(points, case_id, "follow_up", months, due, "missed", discharged_at, missed)
            else:
                day = min(self.today, due + int(self.random() * min(self.grace, self.today - due + 1)))
                at = at_text(day, 120 + months)
                point = self._point(points, case_id, "follow_up", months, due, "done", at)
                online = self.random() < ONLINE_SHARE
                mode, by = ("client_online", None) if online else ("phone", manager)
                self._record(records, point, state, returned if state in IN_WORK else None, mode, by, at)


def outcome_hook(*, rng: random.Random, today: date) -> tuple[list[type[Model]], Callable[[Any], Any]]:
    """The tables this fills and the hook that, handed a CaseChunk, returns their rows."""
    from fitforwork.cases.models import Case

    histories = OutcomeHistories(rng=rng, today=today)

    def hook(chunk: Any) -> Any:
        referrals = {row[0]: (row[_R["employment_status"]], row[_R["absence_start"]]) for row in chunk.rows[Referral]}
        info = {case[0]: (case[4], case[7]) for case in chunk.cases}
        points: list[Row] = []
        records: list[Row] = []
        for case in chunk.rows[Case]:
            assessed_on, condition = info.get(case[0], (None, "other"))
            referral = referrals.get(case[_C["referral_id"]], ("", None))
            histories.case_rows(points, records, case, assessed_on, condition, referral)
        return [(OutcomeTimePoint, TIME_POINT_COLUMNS, points), (OutcomeRecord, RECORD_COLUMNS, records)]

    return list(MODELS), hook
