"""Reading outcomes: a case's time points with what was found at each, and the counts the evaluation uses.

A missed or not-yet-recorded time point has no outcome: it is counted as missing, never filled in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.cases.models import Case
from fitforwork.outcomes.models import IN_WORK, OutcomeRecord, OutcomeTimePoint, TimePointStatus


@dataclass(frozen=True)
class TimePointSummary:
    id: Any
    kind: str
    offset_months: int
    label: str
    due_on: date
    status: str
    work_status: str | None
    in_work: bool | None
    return_to_work_date: date | None
    hours_per_week: Decimal | None
    recorded_by_client: bool | None
    scores: dict[str, Decimal | None] = field(default_factory=dict)
    records: int = 0


def time_points(case: Case) -> QuerySet[OutcomeTimePoint]:
    """A case's time points in order, each with its records (latest first) and questionnaire responses."""
    return OutcomeTimePoint.objects.filter(case=case).prefetch_related(
        Prefetch("records", queryset=OutcomeRecord.objects.select_related("recorded_by").order_by("-recorded_at")),
        Prefetch("responses", queryset=QuestionnaireResponse.objects.order_by("completed_at")),
    )


def latest_record(time_point: OutcomeTimePoint) -> OutcomeRecord | None:
    records = list(time_point.records.all())
    return records[0] if records else None


def _summary(time_point: OutcomeTimePoint) -> TimePointSummary:
    record = latest_record(time_point)
    return TimePointSummary(
        id=time_point.pk,
        kind=time_point.kind,
        offset_months=time_point.offset_months,
        label=time_point.label,
        due_on=time_point.due_on,
        status=time_point.status,
        work_status=record.work_status if record else None,
        in_work=(record.work_status in IN_WORK) if record else None,
        return_to_work_date=record.return_to_work_date if record else None,
        hours_per_week=record.hours_per_week if record else None,
        recorded_by_client=(record.mode == OutcomeRecord.Mode.CLIENT_ONLINE) if record else None,
        scores={r.instrument_code: r.score for r in time_point.responses.all()},
        records=len(time_point.records.all()),
    )


def outcomes_summary(case: Case) -> list[TimePointSummary]:
    """One line per time point of the case: its status and, where recorded, the latest outcome (None when
    nothing was recorded: missing, not imputed)."""
    return [_summary(time_point) for time_point in time_points(case)]


@dataclass(frozen=True)
class TimePointCounts:
    kind: str
    offset_months: int
    due: int
    done: int
    missed: int
    in_work: int  # of those done, how many were in work (with or without adjustments, or a new job)

    @property
    def total(self) -> int:
        return self.due + self.done + self.missed


def outcome_counts(cases: QuerySet[Case] | Iterable[Any] | None = None) -> list[TimePointCounts]:
    """Due, done and missed per time point (kind and offset), over `cases` (a queryset or ids; all when None).

    `in_work` counts done time points whose latest record is in work: the numerator of sustained return."""
    points = OutcomeTimePoint.objects.all()
    if cases is not None:
        points = points.filter(case__in=cases)
    rows = (
        points.values("kind", "offset_months")
        .annotate(
            due=Count("pk", filter=Q(status=TimePointStatus.DUE)),
            done=Count("pk", filter=Q(status=TimePointStatus.DONE)),
            missed=Count("pk", filter=Q(status=TimePointStatus.MISSED)),
        )
        .order_by("kind", "offset_months")
    )
    in_work = _in_work_counts(points)
    order = {"baseline": 0, "discharge": 1, "follow_up": 2}
    counted = [
        TimePointCounts(
            kind=row["kind"],
            offset_months=row["offset_months"],
            due=row["due"],
            done=row["done"],
            missed=row["missed"],
            in_work=in_work.get((row["kind"], row["offset_months"]), 0),
        )
        for row in rows
    ]
    return sorted(counted, key=lambda c: (order.get(c.kind, 9), c.offset_months))


def _in_work_counts(points: QuerySet[OutcomeTimePoint]) -> dict[tuple[str, int], int]:
    """Per (kind, offset): done time points whose latest record is in work."""
    latest = (
        OutcomeRecord.objects.filter(time_point__in=points.filter(status=TimePointStatus.DONE))
        .order_by("time_point_id", "-recorded_at")
        .values_list("time_point_id", "time_point__kind", "time_point__offset_months", "work_status")
    )
    counts: dict[tuple[str, int], int] = {}
    seen: set[Any] = set()
    for time_point_id, kind, offset, status in latest.iterator(chunk_size=5000):
        if time_point_id in seen:
            continue
        seen.add(time_point_id)
        if status in IN_WORK:
            counts[(kind, offset)] = counts.get((kind, offset), 0) + 1
    return counts
