"""Outcome time points (outcomes.csv's rows) from the database: one row per case and time point of the
outcomes app's schedule (ADR 0032), with the latest record at it. A time point not done has an empty
`done_on`: missing, never imputed. Scores are those of the questionnaires answered at that time point.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import OuterRef, Subquery

from fitforwork.evaluation.columns import INSTRUMENTS, OUTCOME_NAMES
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint

CHUNK = 20_000


def _label(kind: str, offset_months: int) -> str:
    return f"{offset_months}m" if kind == "follow_up" else kind


def outcomes_from_database(case_ids: Any = None) -> pd.DataFrame:
    """One row per outcome time point of the cases (all cases when None), in outcomes.csv's columns."""
    latest = OutcomeRecord.objects.filter(time_point=OuterRef("pk")).order_by("-recorded_at", "-pk")
    points = OutcomeTimePoint.objects.order_by("case_id", "due_on", "offset_months", "pk").annotate(
        done_on=Subquery(latest.values("recorded_at")[:1]),
        work_status=Subquery(latest.values("work_status")[:1]),
        returned_on=Subquery(latest.values("return_to_work_date")[:1]),
        hours_worked=Subquery(latest.values("hours_per_week")[:1]),
    )
    if case_ids is not None:
        wanted = [str(value) for value in case_ids]
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), CHUNK):
            rows += points.filter(case_id__in=wanted[start : start + CHUNK]).values_list(*_FIELDS)
    else:
        rows = list(points.values_list(*_FIELDS))
    frame = pd.DataFrame(rows, columns=["pk", "episode_id", "kind", "offset", "due_on", "done_on", *_RECORD])
    scores = _scores([row[0] for row in rows])
    out = pd.DataFrame(
        {
            "episode_id": frame["episode_id"].astype(str),
            "time_point": [_label(kind, offset) for kind, offset in zip(frame["kind"], frame["offset"], strict=True)],
            "due_on": pd.to_datetime(frame["due_on"]).dt.date,
            "done_on": pd.to_datetime(frame["done_on"], utc=True).dt.date,
            "work_status": frame["work_status"],
            "returned_on": pd.to_datetime(frame["returned_on"]).dt.date,
            "hours_worked": pd.to_numeric(frame["hours_worked"]),
        }
    )
    for code in INSTRUMENTS:
        out[f"score_{code}"] = [scores.get((pk, code)) for pk in frame["pk"]]
    return out[list(OUTCOME_NAMES)] if len(out) else pd.DataFrame(columns=list(OUTCOME_NAMES))


_FIELDS = ("pk", "case_id", "kind", "offset_months", "due_on", "done_on", "work_status", "returned_on", "hours_worked")
_RECORD = ["work_status", "returned_on", "hours_worked"]


def _scores(point_ids: list[Any]) -> dict[tuple[Any, str], float]:
    """The score of each instrument answered at each time point (the latest when answered twice)."""
    through = OutcomeTimePoint.responses.through
    found: dict[tuple[Any, str], float] = {}
    for start in range(0, len(point_ids), CHUNK):
        links = (
            through.objects.filter(outcometimepoint_id__in=point_ids[start : start + CHUNK])
            .order_by("questionnaireresponse__completed_at")
            .values_list(
                "outcometimepoint_id", "questionnaireresponse__instrument_code", "questionnaireresponse__score"
            )
        )
        for point, code, score in links:
            if score is not None:
                found[(point, code.replace("-", "_"))] = float(score)
    return found
