"""Return-to-work plans and fit notes for the demo's cases that reached "plan agreed" (issue 15).

Every case whose furthest stage is `plan_agreed` or `active_support` has a plan with an agreed version 1, agreed
a few days after its assessment by its case manager. About 1 in 8 have a version 2 made from it a few weeks
later: agreed, or (for some open cases) a draft still being edited. A version holds a work obstacle with a
workplace adjustment, for 1 in 5 a health obstacle with a self-care recommendation, and, for a phased return (1
in 4), its timetable entry and two weeks of hours. About 1 in 4 of these cases have a fit note the client brought.

Rows are kept few on purpose (one or two obstacles and recommendations a version, a timetable only for a
phased return), so a
million cases stay inside the load's budget. An agreed version's rows are written before the version row in
the same COPY batch, so the database's triggers that refuse a row for an agreed version (plans 0002) stay on
and are never tripped, as the live path adds rows to a draft and then agrees it. Obstacles and recommendations
take their integer keys from counters (the employer's answers point at recommendations); `reset_sequences`
moves the tables' sequences past them at the end.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from django.db import connection
from django.db.models import Max, Model

from fitforwork.demo.values import at_text, day_text, id_maker
from fitforwork.plans.models import FitNote, Obstacle, PhasedWeek, Plan, PlanVersion, Recommendation, TimetableEntry

PLAN_COLUMNS = ("id", "created_at", "modified_at", "case_id")
VERSION_COLUMNS = (
    "id", "created_at", "modified_at", "plan_id", "number", "based_on_number", "version", "status", "period_from",
    "period_to", "fitness", "further_help", "discussed_how", "discussed_on", "agreed_by_id", "agreed_at",
)  # fmt: skip
OBSTACLE_COLUMNS = ("id", "plan_version_id", "group", "code", "label", "detail", "position")
RECOMMENDATION_COLUMNS = (
    "id", "plan_version_id", "obstacle_id", "kind", "adjustment", "text", "intervention_id", "onward_referral_id",
    "position",
)  # fmt: skip
TIMETABLE_COLUMNS = ("plan_version_id", "what", "starts_on", "ends_on", "position")
PHASED_COLUMNS = ("plan_version_id", "week", "hours", "days", "note")
FIT_NOTE_COLUMNS = (
    "id", "created_at", "modified_at", "case_id", "source", "assessed_on", "assessed_how", "condition", "fitness",
    "phased_return", "altered_hours", "amended_duties", "workplace_adaptations", "comments", "period_from",
    "period_to", "reassessment_needed", "issued_on", "issuer_name", "issuer_profession", "issued_by_id",
    "expiry_task_made",
)  # fmt: skip
# Children first: written before their version, so the agreed-version triggers let them in.
MODELS: list[type[Model]] = [Obstacle, Recommendation, TimetableEntry, PhasedWeek, PlanVersion, Plan, FitNote]

PLAN_STAGE = 3  # index of "plan_agreed" in cases.STAGES
SECOND_VERSION_SHARE = 0.12
SECOND_DRAFT_SHARE = 0.4  # of the second versions of open cases
HEALTH_OBSTACLE_SHARE = 0.2
FIT_NOTE_SHARE = 0.25
WORK_OBSTACLES = (
    ("physical_demands", "Physical demands of the job", "Lifting and standing for long periods."),
    ("workload", "Workload", "Too much work for the hours, and no say in it."),
    ("fear_of_returning", "Fear of returning", "Worried the pain or low mood will come back at work."),
    ("no_adjustments", "No adjustments so far", "The employer has not been asked for changes yet."),
)
HEALTH_OBSTACLES = {
    "musculoskeletal": ("pain", "Pain", "Back and neck pain, worse after sitting."),
    "mental_health": ("low_mood", "Low mood", "Low mood most days, sleeping badly."),
    "both": ("pain", "Pain", "Pain with low mood, each making the other worse."),
    "other": ("fatigue", "Fatigue", "Tired by early afternoon."),
}
ADJUSTMENTS = (
    ("phased_return", "Start on half days and build up over three weeks."),
    ("altered_hours", "Start at 10am for the first month, to fit round treatment."),
    ("amended_duties", "No heavy lifting for six weeks; desk and phone work instead."),
    ("workplace_adaptations", "A sit-stand desk and a proper chair at the usual workstation."),
)
SELF_CARE = (
    "Walk for twenty minutes each day and do the exercise sheet morning and evening.",
    "Use the sleep routine from the assessment and keep a mood diary for the next review.",
)
PHASED_HOURS = (Decimal("18.5"), Decimal("30.0"))
DISCUSSED = ("face_to_face", "telephone", "telephone", "video")
FIT_NOTE_CONDITIONS = {
    "musculoskeletal": "Low back pain",
    "mental_health": "Anxiety and low mood",
    "both": "Back pain; depression",
    "other": "Post-operative recovery",
}
GP_NAMES = ("Dr A Patel", "Dr S Jones", "Dr M Okafor", "Dr R Campbell", "Dr H Evans", "Dr L Murray")

Row = tuple[Any, ...]


@dataclass
class VersionMade:
    """What the sharing rows need of an agreed version: its key, its day and its recommendations by group."""

    id: str
    agreed_on: int
    recommendations: list[tuple[int, str]] = field(default_factory=list)  # (key, obstacle group)


@dataclass
class PlanRows:
    rows: dict[type[Model], list[Row]] = field(default_factory=lambda: {model: [] for model in MODELS})
    # Case id -> its newest agreed version, for consents, employer answers and letters.
    agreed: dict[str, VersionMade] = field(default_factory=dict)

    def batch(self) -> Iterator[tuple[type[Model], tuple[str, ...], list[Row]]]:
        columns = {
            Plan: PLAN_COLUMNS, PlanVersion: VERSION_COLUMNS, Obstacle: OBSTACLE_COLUMNS,
            Recommendation: RECOMMENDATION_COLUMNS, TimetableEntry: TIMETABLE_COLUMNS, PhasedWeek: PHASED_COLUMNS,
            FitNote: FIT_NOTE_COLUMNS,
        }  # fmt: skip
        for model in MODELS:
            yield model, columns[model], self.rows[model]


def _next_key(model: type[Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1


class PlanMaker:
    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.random = rng.random
        self._uuid = id_maker(rng)
        self.today = today.toordinal()
        self.obstacle_key = count(_next_key(Obstacle))
        self.recommendation_key = count(_next_key(Recommendation))
        self.postgres = connection.vendor == "postgresql"

    def _pick(self, items: Any) -> Any:
        return items[int(self.random() * len(items))]

    def rows(self, cases: list[Any]) -> PlanRows:
        """Plans and fit notes for a chunk's cases (CaseChunk.cases tuples)."""
        out = PlanRows()
        for case in cases:
            case_id, assessed_on, manager, condition, stage, last_open = (
                case[0], case[4], case[5], case[7], case[8], case[9]
            )  # fmt: skip
            if stage < PLAN_STAGE or assessed_on is None:
                continue
            assessed = assessed_on.toordinal()
            last = min(last_open, self.today)
            agreed = min(last, assessed + 2 + int(self.random() * 8))
            plan_id = self._uuid()
            at = at_text(agreed, 240)
            out.rows[Plan].append((plan_id, at, at, case_id))
            work = self._pick(WORK_OBSTACLES)
            adjustment = self._pick(ADJUSTMENTS)
            health = HEALTH_OBSTACLES[condition] if self.random() < HEALTH_OBSTACLE_SHARE else None
            made = self._version(out, plan_id, 1, None, agreed, manager, work, adjustment, health, agreed=True)
            out.agreed[case_id] = made
            second = agreed + 14 + int(self.random() * 21)
            if second <= last and self.random() < SECOND_VERSION_SHARE:
                draft = case[2] != "discharged" and self.random() < SECOND_DRAFT_SHARE
                adjustment = self._pick(ADJUSTMENTS)  # what changed: a different adjustment
                made = self._version(out, plan_id, 2, 1, second, manager, work, adjustment, health, agreed=not draft)
                if not draft:
                    out.agreed[case_id] = made
            if self.random() < FIT_NOTE_SHARE:
                self._fit_note(out, case_id, assessed, condition)
        return out

    def _version(self, out: PlanRows, plan_id: str, number: int, based_on: int | None, day: int, manager: str,
                 work: tuple[str, str, str], adjustment: tuple[str, str], health: tuple[str, str, str] | None,
                 *, agreed: bool) -> VersionMade:  # fmt: skip
        rows = out.rows
        version_id = self._uuid()
        made = VersionMade(version_id, day)
        obstacle = next(self.obstacle_key)
        rows[Obstacle].append((obstacle, version_id, "work", work[0], work[1], work[2], 0))
        key = next(self.recommendation_key)
        rows[Recommendation].append((key, version_id, obstacle, "adjustment", adjustment[0], adjustment[1], None,
                                     None, 0))  # fmt: skip
        made.recommendations.append((key, "work"))
        if health is not None:
            obstacle = next(self.obstacle_key)
            rows[Obstacle].append((obstacle, version_id, "health", health[0], health[1], health[2], 1))
            key = next(self.recommendation_key)
            rows[Recommendation].append((key, version_id, obstacle, "self_care", "", self._pick(SELF_CARE), None,
                                         None, 1))  # fmt: skip
            made.recommendations.append((key, "health"))
        if adjustment[0] == "phased_return":  # the return's timetable entry and its weeks
            rows[TimetableEntry].append((version_id, "Phased return", day_text(day + 7), day_text(day + 20), 0))
            for week, hours in enumerate(PHASED_HOURS, start=1):
                rows[PhasedWeek].append((version_id, week, hours, None, ""))
        at = at_text(day, 250)
        fitness = "may_be_fit" if self.random() < 0.7 else "fit"
        rows[PlanVersion].append((
            version_id, at, at, plan_id, number, based_on, 1 if agreed else 2, "agreed" if agreed else "draft",
            day_text(day), day_text(day + 56), fitness, "Fit for Work helpline and the NHS back pain pages.",
            self._pick(DISCUSSED), day_text(day), manager if agreed else None, at if agreed else None,
        ))  # fmt: skip
        return made

    def _fit_note(self, out: PlanRows, case_id: str, assessed: int, condition: str) -> None:
        issued = assessed - 3 - int(self.random() * 20)
        may_be_fit = self.random() < 0.35
        at = at_text(assessed, 100)
        out.rows[FitNote].append((
            self._uuid(), at, at, case_id, "received", day_text(issued), "telephone", FIT_NOTE_CONDITIONS[condition],
            "may_be_fit" if may_be_fit else "not_fit", may_be_fit, False, may_be_fit and self.random() < 0.5, False,
            "", day_text(issued), day_text(issued + 27), False, day_text(issued), self._pick(GP_NAMES), "doctor",
            None, True,
        ))  # fmt: skip


def reset_sequences() -> None:
    """After the load: the next obstacle or recommendation made by the service gets a key above the demo's."""
    if connection.vendor != "postgresql":
        return  # SQLite takes the next key from the table's largest
    with connection.cursor() as cursor:
        for model in (Obstacle, Recommendation):
            table = model._meta.db_table
            statement = "SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {}"
            cursor.execute(statement.format(connection.ops.quote_name(table)), [table])  # the model's own table
